//! The cheapest placement that is good enough, in the fast mode.
//!
//! In the fast mode a platform's bill and whether its workloads cope depend only on which
//! workloads it hosts (triggered rates come from the upstream's rate wherever it runs), so
//! each (platform, set of workloads) is simulated at most once and the search adds up
//! platforms. Up to `EXHAUSTIVE_MAX` assignments (and `SUBSETS_MAX` platform-and-set
//! pairs) every assignment is priced, best first: a fleet's pair starts at a lower bound
//! on its cost (its minimum replicas, and the replica time its requests occupy) and is
//! simulated only while an assignment using it could still win. Costs are not monotone
//! (a fleet can cost less with more workloads on it: requests that mostly wait leave CPU
//! for others), so only bounds prune, never "more workloads cost more". The result is the
//! one pricing every pair gives (a test holds the two together). Pipelines (which depend
//! on the whole assignment) are checked for the cheapest candidates only. Beyond that, a
//! local search starts from every "all on one platform" placement and from each
//! workload on its own cheapest platform, and moves one workload at a time while that
//! makes the placement good enough or cheaper: it finds a placement at least as good as
//! every start, not necessarily the optimum (the result says which).

use super::super::fast::{fleet_floor, run_fleet_idle};
use super::fast::{FleetRun, Reuse, cap_shares, fleet_raw_until, function_raw, pipelines_by_sampling};
use super::{AppPrepared, Assignment, WorkloadRaw};
use crate::pricing::Catalog;
use crate::sim::SimError;
use crate::sim::histogram::Histogram;
use crate::sim::result::{self, MAX_OVER_SLO_SHARE};
use crate::sim::run::{RawRun, RunCfg};
use crate::sim::spec::Spec;
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

/// Most assignments priced one by one (6 workloads on 4 platforms is 4,096).
pub const EXHAUSTIVE_MAX: u64 = 100_000;
/// Most (platform, set of workloads) pairs simulated for an exhaustive search (6
/// workloads on 4 platforms is 252; each is one fast run of a milliseconds or two).
pub const SUBSETS_MAX: u64 = 2_048;
/// Good-enough assignments kept after the best.
pub const RUNNERS_UP: usize = 2;

/// A platform hosting a set of workloads, priced and judged.
#[derive(Clone, Debug)]
struct HostEval {
    cost_usd: f64,
    /// The compute lines alone.
    compute_usd: f64,
    ok: bool,
    /// The first workload's shortfall there, when one falls short.
    shortfall: Option<crate::sim::Shortfall>,
    /// Latency of each workload of the set, in workload order.
    hists: Vec<(usize, Histogram)>,
    /// A fleet's run, when it ran to the end (for the placements simulated afterwards).
    fleet: Option<Arc<FleetRun>>,
}

/// What the search found.
#[derive(Clone, Debug)]
pub struct Found {
    /// The cheapest good-enough assignment (None when no assignment is good enough).
    pub best: Option<Assignment>,
    pub best_usd: f64,
    /// The next cheapest good-enough assignments (at most `RUNNERS_UP`), cheapest first:
    /// an exact run checks these too, since the fast mode can misjudge a burst.
    pub runners_up: Vec<Assignment>,
    /// Whether every assignment was priced (otherwise: the local search's result).
    pub exhaustive: bool,
    /// Assignments allowed by `runs`.
    pub assignments: u64,
    /// Fleet (platform, set of workloads) pairs an exhaustive search simulated, of all
    /// it could have: the rest were ruled out by their lower bound.
    pub fleet_pairs: (usize, usize),
    /// The fast runs the search made, for simulating its pick without running them again.
    pub reuse: Reuse,
}

struct Search<'a> {
    ap: &'a AppPrepared,
    cfg: RunCfg,
    catalog: &'a Catalog,
    /// (Shared, not cloned: a set's latency histograms are 20 KB per workload, and the
    /// local search looks each set up many times.)
    memo: HashMap<(usize, u64), Arc<HostEval>>,
    cache: FnCache,
}

fn mask_of(on: &[usize]) -> u64 {
    on.iter().fold(0u64, |m, &w| m | (1u64 << w))
}

fn members(mask: u64, n: usize) -> Vec<usize> {
    (0..n).filter(|&w| mask & (1 << w) != 0).collect()
}

impl Search<'_> {
    /// What the search ran, for the placements simulated after it: the function runs
    /// and the fleet runs among `evaluated` that ran to the end.
    fn reuse<'e>(&self, evaluated: impl Iterator<Item = ((usize, u64), &'e HostEval)>) -> Reuse {
        Reuse {
            fleets: evaluated.filter_map(|(key, e)| Some((key, e.fleet.clone()?))).collect(),
            functions: self.cache.0.clone(),
        }
    }

    fn eval(&mut self, k: usize, mask: u64) -> Result<Arc<HostEval>, SimError> {
        if let Some(e) = self.memo.get(&(k, mask)) {
            return Ok(Arc::clone(e));
        }
        let e = Arc::new(evaluate_cached(
            self.ap,
            k,
            mask,
            self.cfg,
            self.catalog,
            &self.cache,
            false,
        )?);
        self.memo.insert((k, mask), Arc::clone(&e));
        Ok(e)
    }

    /// Total cost, whether every workload and pipeline copes, for one assignment.
    fn score(&mut self, a: &[usize], best_usd: f64) -> Result<(f64, bool), SimError> {
        let n = a.len();
        let mut total = 0.0;
        let mut ok = true;
        let mut used = Vec::new();
        for k in 0..self.ap.hosts.len() {
            let mask = (0..n).filter(|&w| a[w] == k).fold(0u64, |m, w| m | (1 << w));
            if mask == 0 {
                continue;
            }
            let e = self.eval(k, mask)?;
            total += e.cost_usd;
            ok &= e.ok;
            used.push(e);
        }
        if ok && total < best_usd && !self.ap.scenario.pipelines.is_empty() {
            ok = pipelines_ok_in(self.ap, used.iter().map(|e| &**e), self.cfg.seed);
        }
        Ok((total, ok))
    }
}

/// `pipelines_ok` with each workload's latency from the evaluation of the set it runs in
/// (borrowed, not copied: 20 KB a workload).
fn pipelines_ok_in<'e>(ap: &AppPrepared, evals: impl Iterator<Item = &'e HostEval>, seed: u64) -> bool {
    let empty = Histogram::default();
    let mut hists = vec![&empty; ap.scenario.workloads.len()];
    for e in evals {
        for (w, h) in &e.hists {
            hists[*w] = h;
        }
    }
    pipelines_ok(ap, &hists, seed)
}

fn pipelines_ok(ap: &AppPrepared, hists: &[&Histogram], seed: u64) -> bool {
    let ps = pipelines_by_sampling(ap, hists, seed);
    ap.scenario
        .pipelines
        .iter()
        .zip(&ps)
        .all(|(p, h)| match p.latency_slo_ms {
            Some(slo) if h.total() > 0.0 => h.share_above(slo) <= MAX_OVER_SLO_SHARE,
            _ => true,
        })
}

/// Platform `k` hosting the workloads in `mask` (fast mode): its bill and whether each
/// workload copes there.
fn evaluate(ap: &AppPrepared, k: usize, mask: u64, cfg: RunCfg, catalog: &Catalog) -> Result<HostEval, SimError> {
    evaluate_cached(ap, k, mask, cfg, catalog, &FnCache::default(), false)
}

/// Each workload's function run alone on each function platform (fast mode): a function
/// platform hosting a set of workloads is these runs merged, unless they would exceed the
/// shared concurrency cap together.
#[derive(Default)]
struct FnCache(Arc<HashMap<(usize, usize), RawRun>>);

impl FnCache {
    fn build(ap: &AppPrepared, cfg: RunCfg) -> FnCache {
        let n = ap.scenario.workloads.len();
        let jobs: Vec<(usize, usize)> = (0..n)
            .flat_map(|w| (0..ap.hosts.len()).map(move |k| (w, k)))
            .filter(|&(w, k)| ap.may[w][k] && matches!(ap.specs[w][k], Spec::Function(_)))
            .collect();
        FnCache(Arc::new(
            jobs.par_iter()
                .map(|&(w, k)| ((w, k), function_raw(ap, w, k, None, cfg)))
                .collect(),
        ))
    }
}

/// `stop_when_rejected`: a fleet's run stops as soon as its drops rule the set out; its
/// cost is then unknown (infinite here), which only a search that skips sets that are
/// not good enough may use.
fn evaluate_cached(
    ap: &AppPrepared,
    k: usize,
    mask: u64,
    cfg: RunCfg,
    catalog: &Catalog,
    cache: &FnCache,
    stop_when_rejected: bool,
) -> Result<HostEval, SimError> {
    match host_run(ap, k, mask, cfg, cache, stop_when_rejected) {
        HostRun::Stopped(e) => Ok(e),
        HostRun::Ran(r) => bill_host(ap, *r, catalog),
    }
}

/// A platform's fast run of a set of workloads, before billing: billed again under other
/// prices (regions, purchase options) without simulating again.
pub struct HostRaw {
    k: usize,
    on: Vec<usize>,
    /// The request profile the platform is billed and judged with (`host_view`).
    view: crate::model::Scenario,
    raw: RawRun,
    first_short: Option<crate::sim::Shortfall>,
    hists: Vec<(usize, Histogram)>,
    /// A fleet's run and its workloads' shares, as `fast::fleet_raw` gives them.
    fleet: Option<Arc<FleetRun>>,
}

enum HostRun {
    /// A fleet run stopped early by its drops: not good enough, cost unknown.
    Stopped(HostEval),
    Ran(Box<HostRaw>),
}

/// Bills a host's run with `ap`'s platforms, keeping its histograms and fleet run (moved,
/// not copied: 20 KB of histogram per workload).
fn bill_host(ap: &AppPrepared, r: HostRaw, catalog: &Catalog) -> Result<HostEval, SimError> {
    let spec = ap.host_spec(r.k, &r.on);
    let total = result::total_only(spec, &r.raw, &r.view, ap.scenario.horizon_s(), catalog)?;
    Ok(HostEval {
        cost_usd: total.cost_usd,
        compute_usd: total.compute_usd,
        ok: r.first_short.is_none(),
        shortfall: r.first_short,
        hists: r.hists,
        fleet: r.fleet,
    })
}

fn host_run(ap: &AppPrepared, k: usize, mask: u64, cfg: RunCfg, cache: &FnCache, stop_when_rejected: bool) -> HostRun {
    let s = &ap.scenario;
    let on = members(mask, s.workloads.len());
    let horizon = s.horizon_s();
    let spec = ap.host_spec(k, &on);
    let mut hists = Vec::with_capacity(on.len());
    let mut first_short: Option<crate::sim::Shortfall> = None;
    let mut fleet = None;
    let host: RawRun = match spec {
        Spec::Function(_) => {
            let group: Vec<(usize, usize)> = on.iter().map(|&w| (w, k)).collect();
            // (the cached runs borrowed, not copied: a set of many workloads would copy
            // each one's series at every evaluation)
            let mut raws: Vec<Cow<'_, RawRun>> = on
                .iter()
                .map(|&w| match cache.0.get(&(w, k)) {
                    Some(r) => Cow::Borrowed(r),
                    None => Cow::Owned(function_raw(ap, w, k, None, cfg)),
                })
                .collect();
            if let Some(caps) = cap_shares(ap, &group, &raws) {
                raws = on
                    .iter()
                    .zip(caps)
                    .map(|(&w, c)| Cow::Owned(function_raw(ap, w, k, Some(c), cfg)))
                    .collect();
            }
            let mut merged: Option<RawRun> = None;
            for (&w, raw) in on.iter().zip(&raws) {
                let req = &s.workloads[w].request;
                let c = WorkloadRaw::counts(raw).coping(req.latency_slo_ms);
                first_short = first_short.or(result::shortfall_for(&ap.specs[w][k], &c, req));
                hists.push((w, raw.hist.clone()));
                match &mut merged {
                    Some(m) => m.merge(raw),
                    None => merged = Some(RawRun::clone(raw)),
                }
            }
            merged.unwrap_or_else(|| RawRun::new(horizon, cfg.bucket_s))
        }
        Spec::Fleet(_) => {
            let (raw, per) = match fleet_raw_until(ap, k, &on, cfg, stop_when_rejected) {
                Ok(r) => r,
                Err(share) => {
                    return HostRun::Stopped(HostEval {
                        cost_usd: f64::INFINITY,
                        compute_usd: f64::INFINITY,
                        ok: false,
                        shortfall: Some(crate::sim::Shortfall::Rejected { share }),
                        hists: Vec::new(),
                        fleet: None,
                    });
                }
            };
            for (&w, (st, h)) in on.iter().zip(&per) {
                let req = &s.workloads[w].request;
                let c = st.coping(req.latency_slo_ms);
                first_short = first_short.or(result::shortfall_for(&ap.specs[w][k], &c, req));
                hists.push((w, h.clone()));
            }
            fleet = Some(Arc::new((raw.clone(), per)));
            raw
        }
    };
    let mut host = host;
    // the front door carries outside requests only
    let hourly = ap.outside_hourly(&on);
    host.hourly_arrivals = hourly;
    HostRun::Ran(Box::new(HostRaw {
        k,
        view: ap.host_view(&on),
        on,
        raw: host,
        first_short,
        hists,
        fleet,
    }))
}

/// Every enabled platform's run of all the workloads it may run (as `platform_totals`),
/// kept to be billed again (None where it runs none).
pub fn platform_runs(ap: &AppPrepared, cfg: RunCfg) -> Vec<Option<HostRaw>> {
    let n = ap.scenario.workloads.len();
    (0..ap.hosts.len())
        .into_par_iter()
        .map(|k| {
            let on: Vec<usize> = (0..n).filter(|&w| ap.may[w][k]).collect();
            if on.is_empty() {
                return None;
            }
            match host_run(ap, k, mask_of(&on), cfg, &FnCache::default(), false) {
                HostRun::Ran(r) => Some(*r),
                HostRun::Stopped(_) => None,
            }
        })
        .collect()
}

/// Host `r`'s bill with the platforms of `s`: the application of the runs with its
/// platforms in other regions or bought another way (its workloads must be the runs').
pub fn bill_host_in(
    r: &HostRaw,
    s: &crate::model::Scenario,
    catalog: &Catalog,
) -> Result<crate::billing::Bill, SimError> {
    let mut view = r.view.clone();
    view.platforms = s.platforms.clone();
    view.discounts = s.discounts.clone();
    let w = r.on.first().copied().unwrap_or(0);
    let req = &s
        .workloads
        .get(w)
        .ok_or_else(|| SimError::Spec("a variant to bill has other workloads than the runs".into()))?
        .request;
    let specs = crate::sim::spec::resolve_with(s, req, catalog).map_err(SimError::Spec)?;
    let spec = specs
        .get(r.k)
        .ok_or_else(|| SimError::Spec("a variant to bill has other platforms than the runs".into()))?;
    result::bill_only(spec, &r.raw, &view, s.horizon_s(), catalog)
}

/// Host `r`'s total in the variant `s` (as `bill_host_in`), and whether it copes (usage,
/// hence coping, is the run's).
pub fn total_host_in(
    r: &HostRaw,
    s: &crate::model::Scenario,
    catalog: &Catalog,
) -> Result<crate::sim::Total, SimError> {
    use rust_decimal::prelude::ToPrimitive;
    let bill = bill_host_in(r, s, catalog)?;
    Ok(crate::sim::Total {
        cost_usd: bill.total_usd().to_f64().unwrap_or(0.0),
        compute_usd: bill
            .category_usd(crate::billing::Category::Compute)
            .to_f64()
            .unwrap_or(0.0),
        shortfall: r.first_short,
    })
}

/// The hour weights a commitment on host `r` is spread by.
pub fn host_hour_weights(ap: &AppPrepared, r: &HostRaw) -> Vec<f64> {
    result::hour_weights(ap.host_spec(r.k, &r.on), &r.raw, ap.scenario.horizon_s())
}

/// Every enabled platform running all the workloads it may run (the rest elsewhere), in
/// the fast mode: its cost and whether it copes (sweeps, the map, Monte Carlo).
pub fn platform_totals(ap: &AppPrepared, cfg: RunCfg, catalog: &Catalog) -> Result<Vec<crate::sim::Total>, SimError> {
    let all: Vec<usize> = (0..ap.hosts.len()).collect();
    platform_totals_of(ap, &all, cfg, catalog)
}

/// As `platform_totals` for the platforms `only`, in that order. Each platform is priced
/// on its own (the same run as in `platform_totals`), so a crossover between two of an
/// application's platforms is narrowed without pricing the others at every probe.
pub fn platform_totals_of(
    ap: &AppPrepared,
    only: &[usize],
    cfg: RunCfg,
    catalog: &Catalog,
) -> Result<Vec<crate::sim::Total>, SimError> {
    let n = ap.scenario.workloads.len();
    only.iter()
        .filter(|&&k| k < ap.hosts.len())
        .map(|&k| {
            let on: Vec<usize> = (0..n).filter(|&w| ap.may[w][k]).collect();
            if on.is_empty() {
                return Ok(crate::sim::Total {
                    cost_usd: 0.0,
                    compute_usd: 0.0,
                    shortfall: None,
                });
            }
            let e = evaluate(ap, k, mask_of(&on), cfg, catalog)?;
            Ok(crate::sim::Total {
                cost_usd: e.cost_usd,
                compute_usd: e.compute_usd,
                shortfall: e.shortfall,
            })
        })
        .collect()
}

/// The cheapest fleet (container or VM) that may run workload `w` on its own, and its
/// cost there (fast mode): what keeping a rare job off functions would cost.
pub fn cheapest_fleet_alone(
    ap: &AppPrepared,
    w: usize,
    cfg: RunCfg,
    catalog: &Catalog,
) -> Result<Option<(String, f64)>, SimError> {
    let mut best: Option<(String, f64)> = None;
    for k in 0..ap.hosts.len() {
        if !ap.may[w][k] || !matches!(ap.specs[w][k], Spec::Fleet(_)) {
            continue;
        }
        let e = evaluate(ap, k, 1 << w, cfg, catalog)?;
        if best.as_ref().is_none_or(|b| e.cost_usd < b.1) {
            best = Some((ap.host_name(k).to_string(), e.cost_usd));
        }
    }
    Ok(best)
}

/// Finds the cheapest good-enough placement (fast mode).
pub fn best_placement(ap: &AppPrepared, cfg: RunCfg, catalog: &Catalog, runners_up: usize) -> Result<Found, SimError> {
    best_placement_with(ap, cfg, catalog, runners_up, true)
}

/// As `best_placement`; `prune: false` simulates every pair of an exhaustive search
/// (the tests' reference for the pruned search).
fn best_placement_with(
    ap: &AppPrepared,
    cfg: RunCfg,
    catalog: &Catalog,
    runners_up: usize,
    prune: bool,
) -> Result<Found, SimError> {
    let n = ap.scenario.workloads.len();
    let nk = ap.hosts.len();
    let allowed: Vec<Vec<usize>> = (0..n).map(|w| (0..nk).filter(|&k| ap.may[w][k]).collect()).collect();
    if allowed.iter().any(|a| a.is_empty()) || n == 0 || n > 63 {
        return Ok(found(Vec::new(), true, 0));
    }
    let count = allowed
        .iter()
        .try_fold(1u64, |c, a| c.checked_mul(a.len() as u64))
        .unwrap_or(u64::MAX);
    let keep = runners_up.min(RUNNERS_UP) + 1;
    let mut search = Search {
        ap,
        cfg,
        catalog,
        memo: HashMap::new(),
        cache: FnCache::build(ap, cfg),
    };
    let subsets: u64 = (0..nk)
        .map(|k| {
            let m = (0..n).filter(|&w| ap.may[w][k]).count() as u32;
            1u64.checked_shl(m).unwrap_or(u64::MAX).saturating_sub(1)
        })
        .fold(0u64, u64::saturating_add);
    let exhaustive = count <= EXHAUSTIVE_MAX && subsets <= SUBSETS_MAX;
    if exhaustive {
        return exhaustive_search(&mut search, &allowed, keep, count, prune);
    }
    // for the local search, simulated in parallel first: each workload alone and every
    // all-on set
    let mut jobs: Vec<(usize, u64)> = Vec::new();
    for k in 0..nk {
        let may: Vec<usize> = (0..n).filter(|&w| ap.may[w][k]).collect();
        jobs.extend(may.iter().map(|&w| (k, 1u64 << w)));
        if may.len() > 1 {
            jobs.push((k, mask_of(&may)));
        }
    }
    type Evaluated = Result<((usize, u64), HostEval), SimError>;
    let done: Vec<Evaluated> = jobs
        .par_iter()
        .map(|&(k, m)| evaluate_cached(ap, k, m, cfg, catalog, &search.cache, false).map(|e| ((k, m), e)))
        .collect();
    for d in done {
        let (key, e) = d?;
        search.memo.insert(key, Arc::new(e));
    }
    // local search from every all-on placement and from each workload's cheapest platform
    let mut starts: Vec<Vec<usize>> = (0..nk)
        .filter(|&k| (0..n).all(|w| ap.may[w][k]))
        .map(|k| vec![k; n])
        .collect();
    let mut alone = Vec::with_capacity(n);
    for (w, ks) in allowed.iter().enumerate() {
        let mut pick = (ks[0], f64::INFINITY);
        for &k in ks {
            let e = search.eval(k, 1 << w)?;
            if e.ok && e.cost_usd < pick.1 {
                pick = (k, e.cost_usd);
            }
        }
        alone.push(pick.0);
    }
    starts.push(alone);
    let better = |x: (f64, bool), y: (f64, bool)| (x.1 && !y.1) || (x.1 == y.1 && x.0 < y.0 - 1e-9);
    let mut tops: Vec<(Vec<usize>, f64)> = Vec::new();
    for start in starts {
        let mut cur = start;
        let mut cur_s = search.score(&cur, f64::INFINITY)?;
        for _round in 0..(4 * n) {
            let mut moved = false;
            for w in 0..n {
                for &k in &allowed[w] {
                    if k == cur[w] {
                        continue;
                    }
                    let mut cand = cur.clone();
                    cand[w] = k;
                    let sc = search.score(&cand, f64::INFINITY)?;
                    if better(sc, cur_s) {
                        cur = cand;
                        cur_s = sc;
                        moved = true;
                    }
                }
            }
            if !moved {
                break;
            }
        }
        if cur_s.1 && !tops.iter().any(|t| t.0 == cur) {
            tops.push((cur, cur_s.0));
        }
    }
    tops.sort_by(|a, b| a.1.total_cmp(&b.1));
    tops.truncate(keep);
    let mut f = found(tops, false, count);
    f.reuse = search.reuse(search.memo.iter().map(|(&key, e)| (key, &**e)));
    Ok(f)
}

/// Every assignment priced, best first: each (platform, set of workloads) pair starts
/// at a lower bound on its cost (a function platform is simply priced: its runs are
/// cached; a fleet costs at least its minimum replicas kept up all the horizon, whatever
/// it hosts) and is simulated only while some assignment using it could still be among
/// the cheapest good-enough ones. The result is the one pricing every pair would give:
/// the cheapest good-enough assignments, ties in enumeration order.
fn exhaustive_search(
    search: &mut Search<'_>,
    allowed: &[Vec<usize>],
    keep: usize,
    count: u64,
    prune: bool,
) -> Result<Found, SimError> {
    let ap = search.ap;
    let (cfg, catalog) = (search.cfg, search.catalog);
    let n = allowed.len();
    let nk = ap.hosts.len();
    // the pairs, and each assignment as the pairs it uses (platform order, as costs add)
    let mut keys: Vec<(usize, u64)> = Vec::new();
    let mut id_of: HashMap<(usize, u64), u32> = HashMap::new();
    for k in 0..nk {
        let full = (0..n).filter(|&w| ap.may[w][k]).fold(0u64, |m, w| m | (1 << w));
        let mut sub = full;
        while sub != 0 {
            id_of.insert((k, sub), keys.len() as u32);
            keys.push((k, sub));
            sub = (sub - 1) & full;
        }
    }
    let mut uses: Vec<u32> = Vec::new();
    let mut starts: Vec<usize> = vec![0];
    let mut assignments: Vec<Vec<usize>> = Vec::new();
    let mut idx = vec![0usize; n];
    'all: loop {
        let a: Vec<usize> = (0..n).map(|w| allowed[w][idx[w]]).collect();
        for k in 0..nk {
            let mask = (0..n).filter(|&w| a[w] == k).fold(0u64, |m, w| m | (1 << w));
            if mask != 0 {
                uses.push(id_of[&(k, mask)]);
            }
        }
        starts.push(uses.len());
        assignments.push(a);
        let mut w = 0;
        loop {
            if w == n {
                break 'all;
            }
            idx[w] += 1;
            if idx[w] < allowed[w].len() {
                break;
            }
            idx[w] = 0;
            w += 1;
        }
    }
    let is_fleet = |(k, m): (usize, u64)| matches!(ap.host_spec(k, &members(m, n)), Spec::Fleet(_));
    // lower bounds for fleets (`lower_bound`)
    let idle: Vec<Option<RawRun>> = (0..nk)
        .map(|k| match (0..n).find(|&w| ap.may[w][k]).map(|w| &ap.specs[w][k]) {
            Some(Spec::Fleet(f)) if prune => Some(run_fleet_idle(f, ap.scenario.horizon_s(), cfg)),
            _ => None,
        })
        .collect();
    let lb: Vec<Result<f64, SimError>> = keys
        .par_iter()
        .map(|&(k, m)| match &idle[k] {
            Some(raw) => lower_bound(ap, k, m, raw, cfg, catalog),
            None => Ok(0.0),
        })
        .collect();
    let lb: Vec<f64> = lb.into_iter().collect::<Result<_, _>>()?;
    let mut evals: Vec<Option<HostEval>> = vec![None; keys.len()];
    let simulate = |search: &Search<'_>, ids: &[u32]| -> Result<Vec<(u32, HostEval)>, SimError> {
        ids.par_iter()
            .map(|&id| {
                let (k, m) = keys[id as usize];
                evaluate_cached(ap, k, m, cfg, catalog, &search.cache, prune).map(|e| (id, e))
            })
            .collect()
    };
    // first, in parallel: every function pair (cheap: cached runs merged); then fleets
    // only as assignments need them
    let first: Vec<u32> = (0..keys.len() as u32)
        .filter(|&id| !prune || !is_fleet(keys[id as usize]))
        .collect();
    for (id, e) in simulate(search, &first)? {
        evals[id as usize] = Some(e);
    }
    let pipelines_hold = |a: usize, evals: &[Option<HostEval>]| -> bool {
        let used = uses[starts[a]..starts[a + 1]]
            .iter()
            .filter_map(|&id| evals[id as usize].as_ref());
        pipelines_ok_in(ap, used, cfg.seed)
    };
    let has_pipelines = !ap.scenario.pipelines.is_empty();
    // What to do next, from what is known: the cheapest good-enough assignments once no
    // other could still beat them, else the most promising pair nobody is running yet
    // (None: every pair that could still matter is running; wait for one).
    let plan = |st: &mut Progress| -> Result<Ranked, Option<u32>> {
        // each assignment's cost so far (exact pairs, bounds for the rest)
        let mut known: Vec<(f64, usize)> = Vec::new();
        let mut open: Vec<(f64, usize)> = Vec::new();
        for a in 0..assignments.len() {
            let (mut total, mut unknown, mut bad) = (0.0, false, false);
            for &id in &uses[starts[a]..starts[a + 1]] {
                match &st.evals[id as usize] {
                    Some(e) => {
                        total += e.cost_usd;
                        bad |= !e.ok;
                    }
                    None => {
                        total += lb[id as usize];
                        unknown = true;
                    }
                }
            }
            if bad {
                continue;
            }
            if unknown {
                open.push((total, a))
            } else {
                known.push((total, a))
            }
        }
        known.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
        let mut top: Vec<(Vec<usize>, f64)> = Vec::new();
        for &(cost, a) in &known {
            if top.len() >= keep {
                break;
            }
            let evals = &st.evals;
            let ok = *st.pipelines[a].get_or_insert_with(|| !has_pipelines || pipelines_hold(a, evals));
            if ok {
                top.push((assignments[a].clone(), cost));
            }
        }
        let threshold = bound(&top, keep);
        // what could still be among them, most promising first
        open.retain(|x| x.0 <= threshold);
        if open.is_empty() {
            return Ok(top);
        }
        open.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
        for &(_, a) in &open {
            for &id in &uses[starts[a]..starts[a + 1]] {
                if st.evals[id as usize].is_none() && !st.running[id as usize] {
                    return Err(Some(id));
                }
            }
        }
        Err(None)
    };
    // One worker per thread, each taking the next pair as soon as it is free: the bound
    // tightens as pairs come in, and no worker waits for a batch's slowest run. The
    // result does not depend on the order pairs finish in (pairs are pruned only by
    // bounds that hold, and ties are broken in enumeration order), only how many ran.
    let state = std::sync::Mutex::new(Progress {
        pipelines: vec![None; assignments.len()],
        running: vec![false; keys.len()],
        evals,
        outcome: None,
    });
    let wake = std::sync::Condvar::new();
    let workers = rayon::current_num_threads().max(1);
    let lock = || state.lock().unwrap_or_else(|e| e.into_inner());
    std::thread::scope(|sc| {
        for _ in 0..workers {
            sc.spawn(|| {
                let mut st = lock();
                while st.outcome.is_none() {
                    match plan(&mut st) {
                        Ok(top) => {
                            st.outcome = Some(Ok(top));
                            wake.notify_all();
                        }
                        Err(None) => st = wake.wait(st).unwrap_or_else(|e| e.into_inner()),
                        Err(Some(id)) => {
                            st.running[id as usize] = true;
                            drop(st);
                            let (k, m) = keys[id as usize];
                            let e = evaluate_cached(ap, k, m, cfg, catalog, &search.cache, prune);
                            st = lock();
                            st.running[id as usize] = false;
                            match e {
                                Ok(e) => st.evals[id as usize] = Some(e),
                                Err(e) => st.outcome = Some(Err(e)),
                            }
                            wake.notify_all();
                        }
                    }
                }
            });
        }
    });
    let Progress { evals, outcome, .. } = state.into_inner().unwrap_or_else(|e| e.into_inner());
    let top = outcome.expect("the workers stop only with an outcome")?;
    let simulated = evals
        .iter()
        .zip(&keys)
        .filter(|(e, key)| e.is_some() && is_fleet(**key))
        .count();
    let mut f = found(top, true, count);
    f.fleet_pairs = (simulated, keys.iter().filter(|key| is_fleet(**key)).count());
    f.reuse = search.reuse(keys.iter().zip(&evals).filter_map(|(&key, e)| Some((key, e.as_ref()?))));
    Ok(f)
}

/// Assignments (a platform per workload) with their totals, cheapest first.
type Ranked = Vec<(Vec<usize>, f64)>;

/// What an exhaustive search's workers share.
struct Progress {
    /// Each pair's evaluation, once simulated.
    evals: Vec<Option<HostEval>>,
    /// Pairs a worker is simulating now.
    running: Vec<bool>,
    /// Whether each assignment's pipelines meet their objectives, once checked.
    pipelines: Vec<Option<bool>>,
    /// The cheapest good-enough assignments, or the first error.
    outcome: Option<Result<Ranked, SimError>>,
}

/// A lower bound on fleet `k`'s cost hosting the workloads in `mask` when they are good
/// enough there: the larger of the fleet idle (`idle`: its minimum replicas, which do not
/// depend on what it hosts) and the replica time its requests occupy, each with the
/// set's front door (exact: it bills outside requests).
fn lower_bound(
    ap: &AppPrepared,
    k: usize,
    mask: u64,
    idle: &RawRun,
    cfg: RunCfg,
    catalog: &Catalog,
) -> Result<f64, SimError> {
    let on = members(mask, ap.scenario.workloads.len());
    let hourly = ap.outside_hourly(&on);
    let view = ap.host_view(&on);
    let spec = ap.host_spec(k, &on);
    let horizon = ap.scenario.horizon_s();
    let mut raw = idle.clone();
    raw.hourly_arrivals = hourly.clone();
    let idle = result::total_only(spec, &raw, &view, horizon, catalog)?.cost_usd;
    let work = result::total_only(spec, &work_run(ap, k, &on, hourly, cfg), &view, horizon, catalog)?.cost_usd;
    Ok(idle.max(work))
}

/// The least a fleet's meters can read when it hosts `on` and is good enough (the
/// search only needs bounds that hold for placements that can win): `fast::fleet_floor`
/// of its requests in service, of which 70 % is claimed to leave the fast model's fluid
/// approximations room (a backlog served later by replicas started late), and its
/// requests served but for the share a good-enough platform may drop.
fn work_run(ap: &AppPrepared, k: usize, on: &[usize], hourly: Vec<f64>, cfg: RunCfg) -> RawRun {
    use crate::sim::meter::{ACTIVE_MS, REPLICA_S, REQ_OD};
    const CLAIMED: f64 = 0.7;
    let spec = super::exact::shared_fleet_spec(ap, k, on);
    let plans: Vec<&crate::sim::fast::ClassPlan> = on
        .iter()
        .filter_map(|&w| ap.class_plans.get(w).and_then(|r| r[k].as_ref()))
        .collect();
    let share = CLAIMED * (1.0 - result::MAX_REJECTED_SHARE);
    let (replica_s, busy_s) = if plans.len() == on.len() {
        fleet_floor(&spec, &plans, share)
    } else {
        (0.0, 0.0)
    };
    let requests: f64 = on.iter().map(|&w| ap.rates_n[w]).sum();
    let mut raw = RawRun::new(ap.scenario.horizon_s(), cfg.bucket_s);
    raw.acc.add(0.0, REPLICA_S, replica_s);
    raw.acc.add(0.0, ACTIVE_MS, busy_s * 1000.0);
    raw.acc.add(0.0, REQ_OD, share * requests);
    // served at least as the rule for good enough allows (the rest of the bill, egress
    // and logs, reads these)
    if let Some(c) = raw.counts.first_mut() {
        c[crate::sim::run::C_ARRIVALS] = requests;
        c[crate::sim::run::C_SERVED] = requests * (1.0 - result::MAX_REJECTED_SHARE);
    }
    raw.hourly_arrivals = hourly;
    raw
}

/// The bound: the costliest of the cheapest few found, once there are that many.
fn bound(top: &[(Vec<usize>, f64)], keep: usize) -> f64 {
    if top.len() >= keep {
        top.last().map(|t| t.1).unwrap_or(f64::INFINITY)
    } else {
        f64::INFINITY
    }
}

fn found(top: Vec<(Vec<usize>, f64)>, exhaustive: bool, assignments: u64) -> Found {
    let mut it = top
        .into_iter()
        .map(|(a, usd)| (a.into_iter().map(Some).collect::<Assignment>(), usd));
    match it.next() {
        Some((a, usd)) => Found {
            best: Some(a),
            best_usd: usd,
            runners_up: it.map(|x| x.0).collect(),
            exhaustive,
            assignments,
            fleet_pairs: (0, 0),
            reuse: Reuse::default(),
        },
        None => Found {
            best: None,
            best_usd: f64::INFINITY,
            runners_up: Vec::new(),
            exhaustive,
            assignments,
            fleet_pairs: (0, 0),
            reuse: Reuse::default(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::load_scenario_file;
    use crate::sim::{TraceStore, bucket_s, prepare};
    use std::path::Path;

    fn app(path: &str) -> (AppPrepared, Catalog, RunCfg) {
        let cat = Catalog::builtin().expect("catalog");
        let f = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
        let s = load_scenario_file(&f, &cat).expect("scenario");
        let p = prepare(&s, f.parent().expect("dir"), &cat, &mut TraceStore::default()).expect("prepare");
        let cfg = RunCfg::of(&p.scenario, bucket_s(p.profile.horizon_s));
        (*p.app.expect("an application"), cat, cfg)
    }

    const APPS: [&str; 6] = [
        "tests/fixtures/app/six-workloads.ron",
        "tests/fixtures/app/shop.ron",
        "tests/fixtures/app/shared-fleet.ron",
        "tests/fixtures/app/steady-and-batch.ron",
        "scenarios/saas-backend.ron",
        "scenarios/shop-order-pipeline.ron",
    ];

    /// Pruning by bounds finds exactly what pricing every pair finds: the same best,
    /// runners-up and total.
    #[test]
    fn pruned_search_finds_what_pricing_every_pair_finds() {
        for path in APPS {
            let (ap, cat, cfg) = app(path);
            let full = best_placement_with(&ap, cfg, &cat, RUNNERS_UP, false).expect("full");
            let pruned = best_placement_with(&ap, cfg, &cat, RUNNERS_UP, true).expect("pruned");
            assert!(full.exhaustive && pruned.exhaustive, "{path}");
            assert_eq!(full.best, pruned.best, "{path}");
            assert_eq!(full.runners_up, pruned.runners_up, "{path}");
            assert_eq!(full.best_usd, pruned.best_usd, "{path}");
            assert_eq!(
                full.fleet_pairs.0, full.fleet_pairs.1,
                "{path}: the reference simulates every fleet pair"
            );
            assert!(pruned.fleet_pairs.0 <= pruned.fleet_pairs.1, "{path}");
        }
        // six workloads on four platforms: 189 fleet pairs, most never simulated
        let (ap, cat, cfg) = app(APPS[0]);
        let f = best_placement(&ap, cfg, &cat, 0).expect("search");
        assert_eq!(f.fleet_pairs.1, 189);
        assert!(f.fleet_pairs.0 <= 60, "simulated {} of 189", f.fleet_pairs.0);
    }

    /// The search's workers take pairs as they come free, so which pairs ran depends on
    /// timing; what it finds does not: the same on one, two and three threads.
    #[test]
    fn the_search_finds_the_same_on_any_number_of_threads() {
        for path in APPS {
            let (ap, cat, cfg) = app(path);
            let found: Vec<Found> = [1, 2, 3]
                .iter()
                .map(|&n| {
                    let pool = rayon::ThreadPoolBuilder::new().num_threads(n).build().expect("pool");
                    pool.install(|| best_placement(&ap, cfg, &cat, RUNNERS_UP).expect("search"))
                })
                .collect();
            for f in &found[1..] {
                assert_eq!(f.best, found[0].best, "{path}");
                assert_eq!(f.runners_up, found[0].runners_up, "{path}");
                assert_eq!(f.best_usd.to_bits(), found[0].best_usd.to_bits(), "{path}");
            }
        }
    }

    /// A placement simulated with the runs the search made is the placement simulated
    /// afresh, bit for bit; on the benchmark application the search hands over fleet
    /// runs and every function run.
    #[test]
    fn simulating_with_the_searchs_runs_changes_no_bit() {
        use crate::sim::{Control, Mode};
        for path in APPS {
            let (ap, cat, cfg) = app(path);
            let f = best_placement(&ap, cfg, &cat, 0).expect("search");
            let mut placements: Vec<Assignment> = (0..ap.hosts.len()).map(|k| ap.own_entry(k)).collect();
            placements.extend(f.best.clone());
            let horizon = ap.scenario.horizon_s();
            for a in &placements {
                let sim = |reuse: &Reuse| {
                    let raw = ap
                        .simulate(a, Mode::Fast, cfg, &Control::default(), (0.0, 1.0), reuse)
                        .expect("simulate");
                    let r = ap.finish(a, raw, &cat, horizon).expect("finish");
                    serde_json::to_string(&r).expect("json")
                };
                assert_eq!(sim(&f.reuse), sim(&Reuse::default()), "{path}: {a:?}");
            }
            if path == APPS[0] {
                assert!(f.reuse.fleets.len() >= 10, "{:?}", f.reuse);
                assert_eq!(f.reuse.functions.len(), 6, "{:?}", f.reuse);
                let best = f.best.as_ref().expect("a best placement");
                let on_fleets = (0..ap.hosts.len())
                    .filter(|&k| matches!(ap.specs[0][k], Spec::Fleet(_)))
                    .map(|k| {
                        (
                            k,
                            (0..best.len())
                                .filter(|&w| best[w] == Some(k))
                                .fold(0u64, |m, w| m | (1 << w)),
                        )
                    })
                    .filter(|&(_, m)| m != 0);
                for key in on_fleets {
                    assert!(
                        f.reuse.fleets.contains_key(&key),
                        "the best placement's fleet {key:?} was run"
                    );
                }
            }
        }
    }

    /// Every fleet pair that copes costs at least its bound (the bound need not hold where
    /// the pair cannot be good enough).
    #[test]
    fn a_fleet_costs_at_least_its_bound_wherever_it_copes_and_stops_only_when_it_drops() {
        let mut stops = 0;
        for path in APPS {
            let (ap, cat, cfg) = app(path);
            let n = ap.scenario.workloads.len();
            for k in 0..ap.hosts.len() {
                let full = (0..n).filter(|&w| ap.may[w][k]).fold(0u64, |m, w| m | (1 << w));
                let Some(Spec::Fleet(f)) = (0..n).find(|&w| ap.may[w][k]).map(|w| &ap.specs[w][k]) else {
                    continue;
                };
                let idle = run_fleet_idle(f, ap.scenario.horizon_s(), cfg);
                let mut sub = full;
                while sub != 0 {
                    let e = evaluate(&ap, k, sub, cfg, &cat).expect("evaluate");
                    // a run stopped for its drops is one whose whole run drops too many
                    let stopped = evaluate_cached(&ap, k, sub, cfg, &cat, &FnCache::default(), true).expect("stopped");
                    let rejected = matches!(e.shortfall, Some(crate::sim::Shortfall::Rejected { .. }));
                    if stopped.cost_usd.is_infinite() {
                        stops += 1;
                        assert!(!e.ok, "{path}: platform {k}, set {sub:b} stopped but copes");
                        assert!(
                            e.hists.len() > 1 || rejected,
                            "{path}: platform {k}, set {sub:b} stopped for drops: {:?}",
                            e.shortfall
                        );
                    } else {
                        assert_eq!(stopped.cost_usd, e.cost_usd, "{path}: platform {k}, set {sub:b}");
                        assert_eq!(stopped.ok, e.ok, "{path}: platform {k}, set {sub:b}");
                    }
                    let lb = lower_bound(&ap, k, sub, &idle, cfg, &cat).expect("bound");
                    assert!(lb >= 0.0);
                    if e.ok {
                        assert!(
                            lb <= e.cost_usd,
                            "{path}: platform {k}, set {sub:b}: bound {lb} > cost {}",
                            e.cost_usd
                        );
                    }
                    sub = (sub - 1) & full;
                }
            }
        }
        assert!(stops > 10, "the drops rule out sets early: {stops} stopped runs");
    }
}
