//! Cost curves along one axis and the points where two platforms' curves cross.

use super::root::{self, End};
use super::shape;
use crate::model::{Limits, Platform, SECONDS_PER_MONTH, Scenario};
use crate::pricing::{Catalog, Service};
use crate::sim::{Prepared, RateProfile, Shortfall, SimError, Total, fast_totals};
use rayon::prelude::*;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Axis {
    /// The scenario's traffic times x (shape kept).
    TrafficScale,
    /// Memory of every function platform, MB.
    MemoryMb,
    /// Request duration times x.
    DurationScale,
    /// Peak-to-mean ratio at the same monthly volume.
    Burstiness,
}

impl Axis {
    pub fn label(self) -> &'static str {
        match self {
            Axis::TrafficScale => "traffic scale",
            Axis::MemoryMb => "function memory (MB)",
            Axis::DurationScale => "duration scale",
            Axis::Burstiness => "peak-to-mean ratio",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct SweepPoint {
    pub x: f64,
    pub mean_rps: f64,
    pub monthly_requests: f64,
    /// Total cost per platform (same order as `Sweep::platforms`).
    pub costs_usd: Vec<f64>,
    /// The compute lines of each platform's bill alone (without network, logs, storage):
    /// where the rest of the bill moves a break-even, the verdict says so.
    pub compute_usd: Vec<f64>,
    /// Whether each platform is good enough at this point (the verdict's rule, judged on
    /// this point's own run: the curves' smoothing never changes it).
    pub good_enough: Vec<bool>,
    /// Why each platform is not good enough here (None where it is).
    pub shortfalls: Vec<Option<Shortfall>>,
    /// Whether this point was simulated. A traffic sweep simulates a coarse grid and
    /// fills the points between two simulated ones by interpolation only where no curve
    /// bends there (within `FILL_REL_TOL`), no platform changes whether it copes and the
    /// cheapest stays the same; everywhere else every point is simulated.
    pub simulated: bool,
}

impl SweepPoint {
    /// The cheapest platform that is good enough here (None when none copes).
    pub fn cheapest(&self) -> Option<usize> {
        (0..self.costs_usd.len())
            .filter(|i| self.good_enough.get(*i).copied().unwrap_or(false))
            .min_by(|a, b| self.costs_usd[*a].total_cmp(&self.costs_usd[*b]))
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Crossover {
    pub between: [String; 2],
    /// Where the curves cross, in the axis' unit.
    pub x: f64,
    pub mean_rps: f64,
    pub monthly_requests: f64,
    pub cost_usd: f64,
    /// The platform that is cheaper just below `x`.
    pub cheaper_below: String,
    /// Both platforms are good enough at `x`: a break-even a user can act on. When false,
    /// one of them is cheaper there only because it does not serve the traffic.
    pub good_enough: bool,
    /// Why each of `between` is not good enough at `x` (None where it is).
    pub shortfalls: [Option<Shortfall>; 2],
}

impl Crossover {
    /// The platform cheaper just above `x`.
    pub fn cheaper_above(&self) -> &str {
        if self.cheaper_below == self.between[0] {
            &self.between[1]
        } else {
            &self.between[0]
        }
    }

    /// What is wrong at `x`, when a platform is not good enough there: "Fargate serves
    /// only 20 % of requests there".
    pub fn caveat(&self) -> Option<String> {
        let parts: Vec<String> = self
            .between
            .iter()
            .zip(&self.shortfalls)
            .filter_map(|(n, sf)| sf.map(|sf| format!("{n} {}", sf.phrase())))
            .collect();
        (!parts.is_empty()).then(|| format!("{} there", parts.join(" and ")))
    }

    /// As `caveat`, for a sentence whose subject is `subject`: "it serves only 20 % of
    /// requests there" when only that platform fails.
    pub fn caveat_for(&self, subject: &str) -> Option<String> {
        let failing: Vec<usize> = (0..2).filter(|k| self.shortfalls[*k].is_some()).collect();
        match failing.as_slice() {
            [k] if self.between[*k] == subject => self.shortfalls[*k].map(|sf| format!("it {} there", sf.phrase())),
            _ => self.caveat(),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Sweep {
    pub axis: Axis,
    pub platforms: Vec<String>,
    pub points: Vec<SweepPoint>,
    pub crossovers: Vec<Crossover>,
}

impl Sweep {
    /// Cost of platform `i` at `x` by log-linear interpolation between grid points.
    pub fn cost_at(&self, i: usize, x: f64) -> Option<f64> {
        let pts = &self.points;
        let k = pts.iter().position(|p| p.x >= x)?;
        if k == 0 {
            return (pts[0].x == x).then(|| pts[0].costs_usd[i]);
        }
        let (a, b) = (&pts[k - 1], &pts[k]);
        let f = (x.ln() - a.x.ln()) / (b.x.ln() - a.x.ln());
        Some(a.costs_usd[i] + f * (b.costs_usd[i] - a.costs_usd[i]))
    }

    /// Where platforms `i` and `j` would break even on their compute lines alone, nearest
    /// to `near` (log distance), by log-linear interpolation between grid points: what
    /// a calculator that prices compute only would say.
    pub fn compute_crossover(&self, i: usize, j: usize, near: f64) -> Option<f64> {
        let mut best: Option<f64> = None;
        let mut last: Option<(f64, f64)> = None;
        for p in &self.points {
            let d = p.compute_usd.get(i)? - p.compute_usd.get(j)?;
            if d.abs() <= TIE_USD {
                continue;
            }
            if let Some((x0, d0)) = last
                && d0.signum() != d.signum()
            {
                let f = (d0 / (d0 - d)).clamp(0.0, 1.0);
                let x = (x0.ln() + f * (p.x.ln() - x0.ln())).exp();
                if best.is_none_or(|b| (x / near).ln().abs() < (b / near).ln().abs()) {
                    best = Some(x);
                }
            }
            last = Some((p.x, d));
        }
        best
    }

    /// Why platform `i` is not good enough at `x` (None when it copes): judged on the
    /// grid points either side of `x`, so a stretch that fails on either end counts.
    pub fn shortfall_at(&self, i: usize, x: f64) -> Option<Shortfall> {
        let pts = &self.points;
        let k = pts.iter().position(|p| p.x >= x)?;
        let at = |p: &SweepPoint| p.shortfalls.get(i).copied().flatten();
        if pts[k].x == x || k == 0 {
            return at(&pts[k]);
        }
        at(&pts[k - 1]).or_else(|| at(&pts[k]))
    }
}

#[derive(Clone, Debug)]
pub struct SweepOptions {
    pub points: usize,
    pub min: f64,
    pub max: f64,
    /// Crossovers are refined until the bracket is this narrow (relative).
    pub tolerance: f64,
}

impl Default for SweepOptions {
    fn default() -> Self {
        SweepOptions {
            points: 100,
            min: 1e-3,
            max: 1e3,
            tolerance: 0.005,
        }
    }
}

impl SweepOptions {
    pub fn for_axis(axis: Axis) -> SweepOptions {
        match axis {
            Axis::TrafficScale => SweepOptions::default(),
            Axis::MemoryMb => SweepOptions {
                points: 40,
                min: 128.0,
                max: 10240.0,
                tolerance: 0.005,
            },
            Axis::DurationScale => SweepOptions {
                points: 40,
                min: 0.05,
                max: 20.0,
                tolerance: 0.005,
            },
            Axis::Burstiness => SweepOptions {
                points: 30,
                min: 1.0,
                max: 200.0,
                tolerance: 0.005,
            },
        }
    }
}

fn log_grid(min: f64, max: f64, n: usize) -> Vec<f64> {
    let n = n.max(2);
    let (a, b) = (min.ln(), max.ln());
    (0..n)
        .map(|i| (a + (b - a) * i as f64 / (n - 1) as f64).exp())
        .collect()
}

/// Evaluates the costs at one point of an axis.
struct Evaluator<'a> {
    axis: Axis,
    base: &'a Prepared,
    catalog: &'a Catalog,
    /// The base traffic at the fast mode's resolution, computed once per sweep.
    coarse: RateProfile,
    /// Traffic axis: the platforms' fast-mode plans, computed once per sweep.
    plans: Option<crate::sim::FastPlans>,
}

impl Evaluator<'_> {
    fn profile(&self, x: f64) -> RateProfile {
        match self.axis {
            Axis::TrafficScale => self.coarse.scaled(x),
            Axis::Burstiness => shape::with_peak_to_mean(&self.coarse, x),
            _ => self.coarse.clone(),
        }
    }

    fn prepared(&self, x: f64) -> Result<Option<Prepared>, SimError> {
        match self.axis {
            // an application's workloads reshaped together (its traffic is theirs)
            Axis::Burstiness => match self.base.app.as_deref() {
                Some(ap) => Ok(Some(self.base.with_own_traffic(shape::own_with_peak_to_mean(ap, x)?)?)),
                None => Ok(None),
            },
            Axis::MemoryMb => Ok(Some(
                self.base
                    .with_scenario(with_memory(&self.base.scenario, x, self.catalog), self.catalog)?,
            )),
            Axis::DurationScale => {
                let mut s = self.base.scenario.clone();
                // (every workload of an application: its requests all take x times longer)
                for w in s.workloads.iter_mut() {
                    w.request.duration_ms = w.request.duration_ms.scaled(x);
                }
                Ok(Some(self.base.with_scenario(s, self.catalog)?))
            }
            _ => Ok(None),
        }
    }

    fn costs(&self, x: f64, only: Option<&[usize]>) -> Result<Vec<Total>, SimError> {
        if let Some(plans) = &self.plans {
            return crate::sim::fast_totals_scaled(self.base, plans, x, only, self.catalog);
        }
        let q = self.prepared(x)?;
        let p = q.as_ref().unwrap_or(self.base);
        let prof = match (&q, self.axis) {
            (Some(q), Axis::Burstiness) => RateProfile::clone(&q.profile),
            _ => self.profile(x),
        };
        match only {
            None => fast_totals(p, &prof, self.catalog),
            // an application's platforms are priced together (shared fleets, triggers)
            Some(idx) if p.app.is_some() => {
                let all = fast_totals(p, &prof, self.catalog)?;
                Ok(idx.iter().filter_map(|&i| all.get(i).copied()).collect())
            }
            Some(idx) => {
                let sub = Prepared {
                    scenario: p.scenario.clone(),
                    profile: p.profile.clone(),
                    specs: idx.iter().map(|i| p.specs[*i].clone()).collect(),
                    app: None,
                };
                fast_totals(&sub, &prof, self.catalog)
            }
        }
    }

    fn mean_rps(&self, x: f64) -> f64 {
        match self.axis {
            // one workload scaled: the application's rate is the others' as today plus
            // that workload's (and what it triggers) times x
            Axis::TrafficScale => match self.base.app.as_deref() {
                Some(ap) if ap.focus.is_some() => ap.scaled(x).rates.iter().map(|r| r.mean_rps()).sum(),
                _ => self.base.profile.mean_rps() * x,
            },
            _ => self.base.profile.mean_rps(),
        }
    }
}

/// Every function platform at `memory_mb` (clamped to what its service offers).
pub fn with_memory(s: &Scenario, memory_mb: f64, catalog: &Catalog) -> Scenario {
    let mut s = s.clone();
    for p in s.platforms.iter_mut() {
        if let Platform::Function(f) = p
            && let Some(lim) = catalog.get(&f.service).and_then(Service::function_limits)
        {
            let m = memory_mb
                .round()
                .clamp(lim.memory_min_mb as f64, lim.memory_max_mb as f64) as u32;
            f.memory_mb = if lim.memory_sizes_mb.is_empty() {
                m
            } else {
                *lim.memory_sizes_mb
                    .iter()
                    .min_by_key(|s| (**s as i64 - m as i64).abs())
                    .unwrap_or(&f.memory_mb)
            };
        }
    }
    s
}

/// The traffic-scale sweep of `sweep --json`: a log range wide enough for every crossover.
pub fn traffic_sweep(p: &Prepared, catalog: &Catalog) -> Result<Sweep, SimError> {
    sweep(p, catalog, Axis::TrafficScale, &SweepOptions::default())
}

/// Sweeps `axis` and finds every crossover between two platforms' cost curves.
pub fn sweep(p: &Prepared, catalog: &Catalog, axis: Axis, opts: &SweepOptions) -> Result<Sweep, SimError> {
    sweep_with(p, catalog, axis, opts, &mut |_| {})
}

/// As `traffic_sweep`, handing `first` a provisional sweep as soon as the coarse grid is
/// simulated (about a third of the work): every other point filled by lines, crossovers
/// interpolated within their coarse brackets. The app draws it at once and replaces it
/// with the finished sweep.
pub fn traffic_sweep_progressive(
    p: &Prepared,
    catalog: &Catalog,
    first: &mut dyn FnMut(Sweep),
) -> Result<Sweep, SimError> {
    sweep_with(p, catalog, Axis::TrafficScale, &SweepOptions::default(), first)
}

fn sweep_with(
    p: &Prepared,
    catalog: &Catalog,
    axis: Axis,
    opts: &SweepOptions,
    first: &mut dyn FnMut(Sweep),
) -> Result<Sweep, SimError> {
    let ev = Evaluator {
        axis,
        base: p,
        catalog,
        coarse: crate::sim::fast::fast_profile(&p.profile).into_owned(),
        plans: (axis == Axis::TrafficScale).then(|| p.fast_plans()),
    };
    let (mut min, mut max) = (opts.min, opts.max);
    if axis == Axis::TrafficScale {
        let peak = p.profile.peak_rps();
        if peak > 0.0 {
            max = max.min(Limits::MAX_RPS / peak);
        }
        min = min.min(max / 10.0);
    }
    let xs = log_grid(min, max, opts.points);
    if axis != Axis::TrafficScale {
        let totals: Vec<Vec<Total>> = xs.par_iter().map(|x| ev.costs(*x, None)).collect::<Result<_, _>>()?;
        let n = xs.len();
        let roots = if axis == Axis::MemoryMb {
            Roots::AtGridZero
        } else {
            Roots::Narrowed
        };
        return assemble(&ev, &xs, &totals, vec![true; n], roots, opts.tolerance);
    }
    let (xs, mut tot) = coarse_grid(&ev, xs, max)?;
    let (totals, simulated) = filled(&xs, &tot);
    first(assemble(
        &ev,
        &xs,
        &totals,
        simulated,
        Roots::Interpolated,
        opts.tolerance,
    )?);
    refine_grid(&ev, &xs, &mut tot)?;
    let (totals, simulated) = filled(&xs, &tot);
    assemble(&ev, &xs, &totals, simulated, Roots::Narrowed, opts.tolerance)
}

/// How a sweep's crossovers are placed within their grid brackets.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Roots {
    /// Narrowed by simulations to the tolerance.
    Narrowed,
    /// Where the line between the grid points crosses zero, simulated there (the memory
    /// axis: sizes are discrete, so there is nothing to narrow).
    AtGridZero,
    /// Where the line between the grid points crosses zero, nothing simulated (a
    /// provisional sweep).
    Interpolated,
}

/// The sweep from every point's totals: curves made non-decreasing along traffic, then
/// the crossovers.
fn assemble(
    ev: &Evaluator,
    xs: &[f64],
    totals: &[Vec<Total>],
    simulated: Vec<bool>,
    roots: Roots,
    tol: f64,
) -> Result<Sweep, SimError> {
    let mut costs: Vec<Vec<f64>> = totals
        .iter()
        .map(|row| row.iter().map(|t| t.cost_usd).collect())
        .collect();
    let mut compute: Vec<Vec<f64>> = totals
        .iter()
        .map(|row| row.iter().map(|t| t.compute_usd).collect())
        .collect();
    if ev.axis == Axis::TrafficScale {
        monotone(&mut costs);
        monotone(&mut compute);
    }
    let names: Vec<String> = ev.base.specs.iter().map(|s| s.name().to_string()).collect();
    let points: Vec<SweepPoint> = xs
        .iter()
        .zip(costs.into_iter().zip(totals).zip(compute))
        .zip(simulated)
        .map(|((x, ((c, t), cu)), simulated)| {
            let mean = ev.mean_rps(*x);
            SweepPoint {
                x: *x,
                mean_rps: mean,
                monthly_requests: mean * SECONDS_PER_MONTH,
                costs_usd: c,
                compute_usd: cu,
                good_enough: t.iter().map(Total::good_enough).collect(),
                shortfalls: t.iter().map(|t| t.shortfall).collect(),
                simulated,
            }
        })
        .collect();
    let crossovers = find_crossovers(ev, &names, &points, roots, tol)?;
    Ok(Sweep {
        axis: ev.axis,
        platforms: names,
        points,
        crossovers,
    })
}

/// Expected cost never falls when traffic grows, but each point is an estimate: the
/// autoscaler's sampled noise (and, at tiny volumes, the exact engine's sampling) adds
/// wiggles of a fraction of a percent. Pool-adjacent-violators makes each platform's
/// curve the closest non-decreasing one (least squares), so no false crossover comes
/// from noise.
fn monotone(costs: &mut [Vec<f64>]) {
    let Some(k) = costs.first().map(Vec::len) else { return };
    for i in 0..k {
        // blocks of (sum, count)
        let mut blocks: Vec<(f64, usize)> = Vec::new();
        for row in costs.iter() {
            blocks.push((row[i], 1));
            while blocks.len() >= 2 {
                let (s2, n2) = blocks[blocks.len() - 1];
                let (s1, n1) = blocks[blocks.len() - 2];
                if s1 / n1 as f64 > s2 / n2 as f64 {
                    blocks.pop();
                    let last = blocks.len() - 1;
                    blocks[last] = (s1 + s2, n1 + n2);
                } else {
                    break;
                }
            }
        }
        let mut r = 0;
        for (s, n) in blocks {
            for _ in 0..n {
                costs[r][i] = s / n as f64;
                r += 1;
            }
        }
    }
}

/// Every `COARSE_STRIDE`-th point of a traffic sweep is simulated first; the points
/// between are simulated only where `needs_points` says the coarse ones do not tell.
const COARSE_STRIDE: usize = 4;
/// A filled point may differ from the curve through its simulated neighbours by this
/// share of its cost (or `FILL_ABS_USD`), judged by how far a cubic through four
/// simulated points departs from the straight line in log-log that fills it.
const FILL_REL_TOL: f64 = 0.005;
const FILL_ABS_USD: f64 = 0.01;

/// The traffic axis' coarse grid: `xs` simulated at every `COARSE_STRIDE`-th point (and
/// the last), extended by decades while some pair's order could still flip above the
/// range. Returns the grid and the totals of the points simulated.
#[allow(clippy::type_complexity)]
fn coarse_grid(
    ev: &Evaluator,
    mut xs: Vec<f64>,
    mut cap: f64,
) -> Result<(Vec<f64>, Vec<Option<Vec<Total>>>), SimError> {
    let mut tot: Vec<Option<Vec<Total>>> = vec![None; xs.len()];
    let first = coarse_indices(0, xs.len());
    match simulate_at(ev, &xs, &mut tot, &first) {
        // a top of the range whose usage no bill can hold (15-minute requests at a
        // million req/s for a year): the range ends at the most that can be billed
        Err(e) if is_overflow(&e) => {
            let (lo, hi) = (xs[0], xs[xs.len() - 1]);
            cap = billable_top(ev, lo, hi)?;
            xs = log_grid(lo, cap, xs.len());
            tot = vec![None; xs.len()];
            simulate_at(ev, &xs, &mut tot, &first)?;
        }
        r => r?,
    }
    for _ in 0..3 {
        let Some(more) = more_range(&xs, &tot, cap) else { break };
        let from = xs.len() - 1;
        xs.extend(more);
        tot.resize(xs.len(), None);
        let idx: Vec<usize> = coarse_indices(from, xs.len())
            .into_iter()
            .filter(|&i| i > from)
            .collect();
        simulate_at(ev, &xs, &mut tot, &idx)?;
    }
    Ok((xs, tot))
}

fn is_overflow(e: &SimError) -> bool {
    matches!(e, SimError::Billing(b) if b.is_overflow())
}

/// The largest scale in [lo, hi] (to 1 %) whose bills can be computed, usage growing with
/// the scale; `lo`'s error when even it cannot.
fn billable_top(ev: &Evaluator, mut lo: f64, mut hi: f64) -> Result<f64, SimError> {
    ev.costs(lo, None)?;
    while hi / lo > 1.01 {
        let mid = (lo * hi).sqrt();
        match ev.costs(mid, None) {
            Ok(_) => lo = mid,
            Err(e) if is_overflow(&e) => hi = mid,
            Err(e) => return Err(e),
        }
    }
    Ok(lo)
}

/// Simulates the points between two simulated ones where a curve bends, a cost leaves
/// zero, a platform starts or stops coping or the cheapest changes (halving such
/// intervals until none is left).
fn refine_grid(ev: &Evaluator, xs: &[f64], tot: &mut [Option<Vec<Total>>]) -> Result<(), SimError> {
    // halve every interval whose ends do not tell what lies between, until none is left
    loop {
        let done: Vec<usize> = (0..xs.len()).filter(|&i| tot[i].is_some()).collect();
        let mut mids = Vec::new();
        for (w, pair) in done.windows(2).enumerate() {
            let (a, b) = (pair[0], pair[1]);
            if b - a >= 2 {
                let prev = w.checked_sub(1).map(|k| done[k]);
                let next = done.get(w + 2).copied();
                if needs_points(xs, tot, a, b, prev, next) {
                    mids.push(a + (b - a) / 2);
                }
            }
        }
        if mids.is_empty() {
            break;
        }
        simulate_at(ev, xs, tot, &mids)?;
    }
    Ok(())
}

/// Every point's totals, the points not simulated filled by a straight line in log-log
/// between the simulated ones either side, and which were simulated.
fn filled(xs: &[f64], tot: &[Option<Vec<Total>>]) -> (Vec<Vec<Total>>, Vec<bool>) {
    let simulated: Vec<bool> = tot.iter().map(Option::is_some).collect();
    let done: Vec<usize> = (0..xs.len()).filter(|&i| simulated[i]).collect();
    let mut out: Vec<Vec<Total>> = Vec::with_capacity(xs.len());
    for i in 0..xs.len() {
        match &tot[i] {
            Some(t) => out.push(t.clone()),
            None => {
                let k = done.partition_point(|&d| d < i);
                let (a, b) = (done[k - 1], done[k]);
                let at = |j: usize| tot[j].as_deref().unwrap_or(&[]);
                let f = (xs[i].ln() - xs[a].ln()) / (xs[b].ln() - xs[a].ln());
                // (a straight line in log-log keeps two curves' order: no crossing appears
                // between points where none was simulated)
                let fill =
                    |p: usize, value: fn(&Total) -> f64| -> f64 { fill_value(value(&at(a)[p]), value(&at(b)[p]), f) };
                let (ta, tb) = (at(a), at(b));
                out.push(
                    (0..ta.len().min(tb.len()))
                        .map(|p| Total {
                            cost_usd: fill(p, |t| t.cost_usd),
                            compute_usd: fill(p, |t| t.compute_usd),
                            shortfall: match (ta[p].shortfall, tb[p].shortfall) {
                                (Some(x), Some(y)) => blend(x, y, f).or(if f < 0.5 { Some(x) } else { Some(y) }),
                                _ => None,
                            },
                        })
                        .collect(),
                );
            }
        }
    }
    (out, simulated)
}

/// Indices from..n in steps of the stride, the last one included.
fn coarse_indices(from: usize, n: usize) -> Vec<usize> {
    let mut v: Vec<usize> = (from..n).step_by(COARSE_STRIDE).collect();
    if n > 0 && v.last() != Some(&(n - 1)) {
        v.push(n - 1);
    }
    v
}

fn simulate_at(ev: &Evaluator, xs: &[f64], tot: &mut [Option<Vec<Total>>], idx: &[usize]) -> Result<(), SimError> {
    let got: Vec<Vec<Total>> = idx
        .par_iter()
        .map(|&i| ev.costs(xs[i], None))
        .collect::<Result<_, _>>()?;
    for (&i, t) in idx.iter().zip(got) {
        tot[i] = Some(t);
    }
    Ok(())
}

/// The decade above the range (at the grid's step), while some pair's order could still
/// flip: the cheaper platform at the top is growing faster than a dearer one (judged on
/// the last two simulated points).
fn more_range(xs: &[f64], tot: &[Option<Vec<Total>>], cap: f64) -> Option<Vec<f64>> {
    let n = xs.len();
    if n < 2 || xs[n - 1] >= cap * 0.999 {
        return None;
    }
    let mut done = (0..n).rev().filter_map(|i| tot[i].as_ref());
    let (b, a) = (done.next()?, done.next()?);
    let k = b.len();
    let mut flip_ahead = false;
    for i in 0..k {
        for j in 0..k {
            let (gi, gj) = (b[i].cost_usd - a[i].cost_usd, b[j].cost_usd - a[j].cost_usd);
            if b[i].cost_usd < b[j].cost_usd && gi > gj * 1.001 && gi > 0.0 {
                flip_ahead = true;
            }
        }
    }
    if !flip_ahead {
        return None;
    }
    let top = xs[n - 1];
    let new_max = (top * 10.0).min(cap);
    let step = (xs[n - 1] / xs[n - 2]).ln().exp();
    let mut more = Vec::new();
    let mut x = top;
    while x * step <= new_max * 1.0001 {
        x *= step;
        more.push(x);
    }
    (!more.is_empty()).then_some(more)
}

/// Whether the points strictly between simulated points `a` and `b` must be simulated
/// (`prev` and `next`: the simulated points either side, for the curvature).
fn needs_points(
    xs: &[f64],
    tot: &[Option<Vec<Total>>],
    a: usize,
    b: usize,
    prev: Option<usize>,
    next: Option<usize>,
) -> bool {
    let at = |i: usize| tot[i].as_deref().unwrap_or(&[]);
    let (ta, tb) = (at(a), at(b));
    if ta.len() != tb.len() || ta.iter().zip(tb).any(|(p, q)| p.good_enough() != q.good_enough()) {
        return true;
    }
    let cheapest = |t: &[Total], only_good: bool| {
        (0..t.len())
            .filter(|&i| !only_good || t[i].good_enough())
            .min_by(|&i, &j| t[i].cost_usd.total_cmp(&t[j].cost_usd))
    };
    if cheapest(ta, true) != cheapest(tb, true) || cheapest(ta, false) != cheapest(tb, false) {
        return true;
    }
    // the curvature needs a simulated point on each side
    let (Some(prev), Some(next)) = (prev, next) else {
        return true;
    };
    let around = [prev, a, b, next];
    let lx: Vec<f64> = around.iter().map(|&i| xs[i].ln()).collect();
    for p in 0..ta.len() {
        for value in [|t: &Total| t.cost_usd, |t: &Total| t.compute_usd] {
            let ys: Vec<f64> = around.iter().map(|&i| value(&at(i)[p])).collect();
            // a cost leaving zero (a free tier used up) is a kink no neighbour shows
            if (ys[1] <= TIE_USD) != (ys[2] <= TIE_USD) || !ys.iter().all(|y| y.is_finite()) {
                return true;
            }
            // the straight line fills; the cubic through all four says how far off it is
            let curve = Curve::new(&lx, &ys);
            for x in &xs[a + 1..b] {
                let u = x.ln();
                let line = fill_value(ys[1], ys[2], (u - lx[1]) / (lx[2] - lx[1]));
                let c = curve.at(u);
                if !c.is_finite() || (c - line).abs() > (FILL_REL_TOL * line.abs()).max(FILL_ABS_USD) {
                    return true;
                }
            }
        }
    }
    false
}

/// The polynomial through points (log x, cost): in log-log where every cost is positive,
/// in log x where one is free.
struct Curve<'a> {
    lx: &'a [f64],
    ys: Vec<f64>,
    logs: bool,
}

impl<'a> Curve<'a> {
    fn new(lx: &'a [f64], ys: &[f64]) -> Curve<'a> {
        let logs = ys.iter().all(|&y| y > 0.0);
        Curve {
            lx,
            ys: ys.iter().map(|&y| if logs { y.ln() } else { y }).collect(),
            logs,
        }
    }

    fn at(&self, u: f64) -> f64 {
        let v = lagrange(self.lx, &self.ys, u);
        if self.logs { v.exp() } else { v }
    }
}

/// The polynomial through (xs, ys) at `x`.
fn lagrange(xs: &[f64], ys: &[f64], x: f64) -> f64 {
    let mut sum = 0.0;
    for (i, (xi, yi)) in xs.iter().zip(ys).enumerate() {
        let mut l = 1.0;
        for (j, xj) in xs.iter().enumerate() {
            if i != j {
                l *= (x - xj) / (xi - xj);
            }
        }
        sum += yi * l;
    }
    sum
}

/// A filled value `f` of the way (in log x) from `p` to `q`: a straight line in log-log
/// where both are costs, in log x where one is free.
fn fill_value(p: f64, q: f64, f: f64) -> f64 {
    if p > 0.0 && q > 0.0 {
        (p.ln() + f * (q.ln() - p.ln())).exp()
    } else {
        p + f * (q - p)
    }
}

/// A shortfall between two of the same kind (None when their kinds differ).
fn blend(x: Shortfall, y: Shortfall, f: f64) -> Option<Shortfall> {
    let mix = |a: f64, b: f64| a + f * (b - a);
    Some(match (x, y) {
        (Shortfall::Failed { share: a }, Shortfall::Failed { share: b }) => Shortfall::Failed { share: mix(a, b) },
        (Shortfall::Payload { kb }, Shortfall::Payload { .. }) => Shortfall::Payload { kb },
        (Shortfall::Rejected { share: a }, Shortfall::Rejected { share: b }) => {
            Shortfall::Rejected { share: mix(a, b) }
        }
        (Shortfall::OverSlo { share: a, slo_ms }, Shortfall::OverSlo { share: b, .. }) => Shortfall::OverSlo {
            share: mix(a, b),
            slo_ms,
        },
        _ => return None,
    })
}

const TIE_USD: f64 = 0.005;

fn find_crossovers(
    ev: &Evaluator,
    names: &[String],
    points: &[SweepPoint],
    roots: Roots,
    tol: f64,
) -> Result<Vec<Crossover>, SimError> {
    let k = names.len();
    let mut brackets = Vec::new();
    for i in 0..k {
        for j in (i + 1)..k {
            // sign of c_i - c_j, skipping ties (both free, or equal to the cent)
            let mut last: Option<(usize, f64)> = None;
            for (n, p) in points.iter().enumerate() {
                let d = p.costs_usd[i] - p.costs_usd[j];
                if d.abs() <= TIE_USD {
                    continue;
                }
                let s = d.signum();
                if let Some((m, ls)) = last
                    && ls != s
                {
                    brackets.push((i, j, m, n, ls));
                }
                last = Some((n, s));
            }
        }
    }
    brackets
        .par_iter()
        .map(|&(i, j, m, n, sign_below)| {
            // refine from simulated points: a filled point's costs are the line between two
            // simulated ones, which bracket the same crossing
            let (m, n) = if roots == Roots::Narrowed {
                snap(points, i, j, m, n, sign_below)
            } else {
                (m, n)
            };
            let d_at = |k: usize| gap(points[k].costs_usd[i], points[k].costs_usd[j]);
            let mut lo = End {
                x: points[m].x,
                d: d_at(m),
                at: None,
            };
            let mut hi = End {
                x: points[n].x,
                d: d_at(n),
                at: None,
            };
            if roots == Roots::Narrowed {
                let probe = |x: f64| -> Result<(f64, [Total; 2]), SimError> {
                    match ev.costs(x, Some(&[i, j]))?.as_slice() {
                        [a, b] => Ok((gap(a.cost_usd, b.cost_usd), [*a, *b])),
                        _ => Err(SimError::Spec("a crossover's platforms were not priced".into())),
                    }
                };
                root::narrow(probe, sign_below, 0.0, tol, &mut lo, &mut hi)?;
            }
            let x = root::zero_in(&lo, &hi);
            // judged where it was simulated within the tolerance, else simulated at x
            let c = match (lo.at, hi.at) {
                (Some(a), Some(b)) => {
                    let f = (x.ln() - lo.x.ln()) / (hi.x.ln() - lo.x.ln());
                    let near = if f < 0.5 { a } else { b };
                    let cost = |k: usize| fill_value(a[k].cost_usd, b[k].cost_usd, f);
                    vec![
                        Total {
                            cost_usd: cost(0),
                            ..near[0]
                        },
                        Total {
                            cost_usd: cost(1),
                            ..near[1]
                        },
                    ]
                }
                _ if roots == Roots::AtGridZero => ev.costs(x, Some(&[i, j]))?,
                _ => {
                    // provisional: the costs on the lines between the grid points, judged
                    // at the nearer one
                    let f = (x.ln() - lo.x.ln()) / (hi.x.ln() - lo.x.ln());
                    let (pm, pn) = (&points[m], &points[n]);
                    let near = if f < 0.5 { pm } else { pn };
                    [i, j]
                        .iter()
                        .map(|&k| Total {
                            cost_usd: fill_value(pm.costs_usd[k], pn.costs_usd[k], f),
                            compute_usd: fill_value(pm.compute_usd[k], pn.compute_usd[k], f),
                            shortfall: near.shortfalls[k],
                        })
                        .collect()
                }
            };
            let mean = ev.mean_rps(x);
            let cheaper_below = if sign_below < 0.0 { &names[i] } else { &names[j] };
            let shortfalls = [c[0].shortfall, c[1].shortfall];
            Ok(Crossover {
                between: [names[i].clone(), names[j].clone()],
                x,
                mean_rps: mean,
                monthly_requests: mean * SECONDS_PER_MONTH,
                cost_usd: 0.5 * (c[0].cost_usd + c[1].cost_usd),
                cheaper_below: cheaper_below.clone(),
                good_enough: shortfalls.iter().all(Option::is_none),
                shortfalls,
            })
        })
        .collect::<Result<Vec<_>, SimError>>()
        .map(|mut v| {
            v.sort_by(|a, b| a.x.total_cmp(&b.x));
            v
        })
}

/// How far apart two costs are, for root finding: `root::log_ratio`, with a tie to the
/// cent counted as 0.
fn gap(a: f64, b: f64) -> f64 {
    if (a - b).abs() <= TIE_USD {
        0.0
    } else {
        root::log_ratio(a, b)
    }
}

/// Widens a bracket to the nearest simulated points when they bracket the same change.
fn snap(points: &[SweepPoint], i: usize, j: usize, m: usize, n: usize, sign_below: f64) -> (usize, usize) {
    let m2 = (0..=m).rev().find(|&k| points[k].simulated).unwrap_or(m);
    let n2 = (n..points.len()).find(|&k| points[k].simulated).unwrap_or(n);
    let d = |k: usize| points[k].costs_usd[i] - points[k].costs_usd[j];
    let sign = |k: usize| (d(k).abs() > TIE_USD).then(|| d(k).signum());
    if sign(m2) == Some(sign_below) && sign(n2) == Some(-sign_below) {
        (m2, n2)
    } else {
        (m, n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pool_adjacent_violators_makes_curves_non_decreasing() {
        let mut c = vec![vec![1.0, 5.0], vec![3.0, 5.0], vec![2.0, 6.0], vec![4.0, 5.5]];
        monotone(&mut c);
        assert_eq!(c.iter().map(|r| r[0]).collect::<Vec<_>>(), vec![1.0, 2.5, 2.5, 4.0]);
        let col1: Vec<f64> = c.iter().map(|r| r[1]).collect();
        assert!(col1.windows(2).all(|w| w[0] <= w[1]), "{col1:?}");
        assert!((col1.iter().sum::<f64>() - 21.5).abs() < 1e-12);
    }
}
