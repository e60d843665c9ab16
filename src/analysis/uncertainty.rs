//! Monte Carlo over uncertain inputs: cost bands per platform, the probability that each
//! is cheapest, and bands around the break-even points. Seeded and reproducible.

use super::root::{self, End};
use super::sweep::{Crossover, Sweep};
use crate::model::{Dist, Platform, Uncertainty};
use crate::pricing::Catalog;
use crate::sim::rng::{Rng, Sampler};
use crate::sim::{FastPlans, Prepared, SimError, Total, fast_totals, fast_totals_scaled};
use rayon::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct PlatformBand {
    pub name: String,
    pub p10_usd: f64,
    pub p50_usd: f64,
    pub p90_usd: f64,
    /// Share of samples in which this platform is the cheapest of those good enough (a
    /// platform that does not cope in a sample is never its cheapest).
    pub p_cheapest: f64,
    /// Share of samples in which this platform is good enough (the verdict's rule).
    pub p_good_enough: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct CrossoverBand {
    pub between: [String; 2],
    /// Traffic scale of the crossover: base value and p10/p50/p90 over samples.
    pub base_scale: f64,
    pub p10_scale: f64,
    pub p50_scale: f64,
    pub p90_scale: f64,
    /// Both platforms are good enough at the base crossover.
    pub good_enough: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct MonteCarlo {
    pub samples: usize,
    pub platforms: Vec<PlatformBand>,
    pub crossovers: Vec<CrossoverBand>,
    /// Share of samples in which no platform is good enough.
    pub p_none_copes: f64,
}

/// Multipliers for one sample.
#[derive(Clone, Copy, Debug)]
struct Draw {
    traffic: f64,
    duration: f64,
    cold: f64,
    keep_alive: f64,
}

fn draw(u: &Uncertainty, seed: u64, i: usize) -> Draw {
    let mut rng = Rng::new(seed, 5000 + i as u64);
    let mut one = |d: &Option<Dist>| match d {
        Some(d) => Sampler::new(d).sample(&mut rng).max(0.0),
        None => 1.0,
    };
    Draw {
        traffic: one(&u.traffic),
        duration: one(&u.duration),
        cold: one(&u.cold_start),
        keep_alive: one(&u.keep_alive),
    }
}

fn sample_prepared(p: &Prepared, d: Draw, catalog: &Catalog) -> Result<Prepared, SimError> {
    let mut s = p.scenario.clone();
    // every workload of an application: the uncertainty is the scenario's
    for w in s.workloads.iter_mut() {
        w.request.duration_ms = w.request.duration_ms.scaled(d.duration);
        w.request.cold_start_ms = w.request.cold_start_ms.scaled(d.cold);
    }
    for pl in s.platforms.iter_mut() {
        if let Platform::Function(f) = pl {
            f.keep_alive_s *= d.keep_alive;
            f.keep_alive_dist_s = f.keep_alive_dist_s.as_ref().map(|k| k.scaled(d.keep_alive));
        }
    }
    p.with_scenario(s, catalog)
}

/// A base crossover to re-find under each sample: its platforms, where it is, which side
/// is which, and how fast the log of their cost ratio changes along log traffic there.
struct Pair<'s> {
    c: &'s Crossover,
    i: usize,
    j: usize,
    slope: Option<f64>,
}

/// The slope of log(cost i / cost j) against log traffic across the sweep's bracket around
/// `x` (None where the sweep does not say).
fn slope_at(sw: &Sweep, i: usize, j: usize, x: f64) -> Option<f64> {
    let k = sw.points.partition_point(|pt| pt.x <= x);
    let (a, b) = (sw.points.get(k.checked_sub(1)?)?, sw.points.get(k)?);
    let g = |pt: &super::sweep::SweepPoint| -> Option<f64> {
        Some(root::log_ratio(*pt.costs_usd.get(i)?, *pt.costs_usd.get(j)?))
    };
    let slope = (g(b)? - g(a)?) / (b.x / a.x).ln();
    (slope.is_finite() && slope != 0.0).then_some(slope)
}

/// Where a sample's curves of `pair` cross (None: not within a factor of 8 of the base
/// crossing). The first step goes where the base slope says the sample's crossing is (a
/// little past it, to bracket it), the next ones a quarter at a time; the bracket is then
/// narrowed to 1 %.
fn refind(q: &Prepared, plans: Option<&FastPlans>, pair: &Pair, catalog: &Catalog) -> Result<Option<f64>, SimError> {
    let (i, j, base_x) = (pair.i, pair.j, pair.c.x);
    // the sign of (i's cost - j's) below the base crossing
    let sign_below = if pair.c.cheaper_below == pair.c.between[0] {
        -1.0
    } else {
        1.0
    };
    let diff = |x: f64| -> Result<f64, SimError> {
        let t = match plans {
            Some(plans) => fast_totals_scaled(q, plans, x, Some(&[i, j]), catalog)?,
            // an application's platforms are priced together
            None => {
                let t = fast_totals(q, &q.profile.scaled(x), catalog)?;
                vec![t[i], t[j]]
            }
        };
        Ok(root::log_ratio(t[0].cost_usd, t[1].cost_usd))
    };
    let below = |d: f64| d != 0.0 && d.signum() == sign_below;
    let d0 = diff(base_x)?;
    let start = End {
        x: base_x,
        d: d0,
        at: None,
    };
    let (mut lo, mut hi) = (start, start);
    let up = below(d0);
    // the linear guess in log-log and a little beyond (5 % of the way and 1 %), as a factor
    // in the walking direction
    let first = pair
        .slope
        .map(|k| -d0 / k)
        .filter(|u| u.is_finite() && (*u > 0.0) == up)
        .map(|u| (u.abs() * 1.05 + 0.01).exp().min(8.0));
    let mut step = first.unwrap_or(1.25);
    loop {
        let x = if up { hi.x * step } else { lo.x / step };
        step = 1.25;
        if x > base_x * 8.0 || x < base_x / 8.0 {
            return Ok(None);
        }
        let e = End {
            x,
            d: diff(x)?,
            at: None,
        };
        if below(e.d) == up {
            // still on the base crossing's side
            (lo, hi) = (e, e);
            continue;
        }
        if up {
            hi = e;
        } else {
            lo = e;
        }
        break;
    }
    let probe = |x: f64| diff(x).map(|d| (d, ()));
    root::narrow(probe, sign_below, 0.0, 0.01, &mut lo, &mut hi)?;
    Ok(Some(root::zero_in(&lo, &hi)))
}

/// The multiplier that alone moves a sample's crossovers (the traffic multiplier moves
/// where today sits on the axis, not where curves cross).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Factor {
    Duration,
    Cold,
    KeepAlive,
}

impl Factor {
    fn of(self, d: &Draw) -> f64 {
        match self {
            Factor::Duration => d.duration,
            Factor::Cold => d.cold,
            Factor::KeepAlive => d.keep_alive,
        }
    }

    /// A draw with this multiplier at `x` and the others at 1 (the only one uncertain).
    fn draw(self, x: f64) -> Draw {
        let mut d = Draw {
            traffic: 1.0,
            duration: 1.0,
            cold: 1.0,
            keep_alive: 1.0,
        };
        match self {
            Factor::Duration => d.duration = x,
            Factor::Cold => d.cold = x,
            Factor::KeepAlive => d.keep_alive = x,
        }
        d
    }
}

/// Re-found crossovers on at most this many values of a lone multiplier: a sample's is
/// read off between the two either side of its value (log-linear), within the 1 % the
/// re-finding itself is held to where the crossover moves smoothly.
const FACTOR_GRID: usize = 12;

/// The lone multiplier among the draws and each draw's value of it: None when two or
/// more are uncertain, or a value is not positive (no log to interpolate in).
fn one_factor(u: &Uncertainty, draws: &[Draw]) -> Option<(Factor, Vec<f64>)> {
    let set = [
        (Factor::Duration, u.duration.is_some()),
        (Factor::Cold, u.cold_start.is_some()),
        (Factor::KeepAlive, u.keep_alive.is_some()),
    ];
    let mut uncertain = set.iter().filter(|(_, on)| *on).map(|(f, _)| *f);
    let factor = match (uncertain.next(), uncertain.next()) {
        (Some(f), None) => f,
        // nothing moves the crossovers: every sample is the base workload
        (None, _) => Factor::Duration,
        _ => return None,
    };
    let values: Vec<f64> = draws.iter().map(|d| factor.of(d)).collect();
    values
        .iter()
        .all(|x| x.is_finite() && *x > 0.0)
        .then_some((factor, values))
}

/// The values to re-find at: every distinct one when there are few, else
/// `FACTOR_GRID` spread evenly in log from the least to the most.
fn factor_grid(values: &[f64]) -> Vec<f64> {
    let mut v: Vec<f64> = values.to_vec();
    v.sort_by(f64::total_cmp);
    v.dedup();
    if v.len() <= FACTOR_GRID {
        return v;
    }
    let (lo, hi) = (v[0].ln(), v[v.len() - 1].ln());
    (0..FACTOR_GRID)
        .map(|i| match i {
            0 => v[0],
            i if i == FACTOR_GRID - 1 => v[v.len() - 1],
            i => (lo + (hi - lo) * i as f64 / (FACTOR_GRID - 1) as f64).exp(),
        })
        .collect()
}

/// Crossover `k` at multiplier `x`, log-linear between the grid values either side (None
/// where either was not found).
fn between(grid: &[f64], at: &[Vec<Option<f64>>], k: usize, x: f64) -> Option<f64> {
    let hi = grid.partition_point(|g| *g < x).min(grid.len() - 1);
    if grid[hi] == x || hi == 0 {
        return at[hi][k];
    }
    let lo = hi - 1;
    let (a, b) = (at[lo][k]?, at[hi][k]?);
    let f = (x / grid[lo]).ln() / (grid[hi] / grid[lo]).ln();
    Some((a.ln() + f * (b / a).ln()).exp())
}

/// The most break-even points Monte Carlo gives bands to: each is re-found in 100
/// samples, and sixteen platforms cross each other dozens of times (a file with four of
/// each kind took minutes).
pub const MAX_CROSSOVER_BANDS: usize = 8;

/// The crossovers given bands: those both platforms cope at first, then the nearest to
/// today's traffic, at most `MAX_CROSSOVER_BANDS`, in the sweep's order.
fn nearest_crossovers(all: &[Crossover]) -> Vec<&Crossover> {
    let mut order: Vec<usize> = (0..all.len()).collect();
    order.sort_by(|&a, &b| {
        let key = |c: &Crossover| (!c.good_enough, c.x.ln().abs());
        let (ka, kb) = (key(&all[a]), key(&all[b]));
        ka.0.cmp(&kb.0).then(ka.1.total_cmp(&kb.1))
    });
    order.truncate(MAX_CROSSOVER_BANDS);
    order.sort_unstable();
    order.into_iter().map(|i| &all[i]).collect()
}

/// The crossovers of `sw` given bands, with the indices of their platforms among
/// `names` and the sweep's slope there.
fn band_pairs<'s>(sw: &'s Sweep, names: &[String]) -> Vec<Pair<'s>> {
    nearest_crossovers(&sw.crossovers)
        .into_iter()
        .filter_map(|c| {
            let i = names.iter().position(|x| *x == c.between[0])?;
            let j = names.iter().position(|x| *x == c.between[1])?;
            Some(Pair {
                c,
                i,
                j,
                slope: slope_at(sw, i, j, c.x),
            })
        })
        .collect()
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let pos = q * (sorted.len() - 1) as f64;
    let (i, f) = (pos.floor() as usize, pos - pos.floor());
    let j = (i + 1).min(sorted.len() - 1);
    sorted[i] + f * (sorted[j] - sorted[i])
}

/// Runs `u.samples` fast simulations with drawn multipliers. With every multiplier fixed
/// at 1 each sample is the deterministic run, so all bands collapse onto it.
pub fn monte_carlo(
    p: &Prepared,
    catalog: &Catalog,
    u: &Uncertainty,
    sweep: Option<&Sweep>,
) -> Result<MonteCarlo, SimError> {
    monte_carlo_until(p, catalog, u, sweep, &|| false)
}

/// As `monte_carlo`, giving up with `SimError::Cancelled` once `cancelled` says so (asked
/// before every sample): the app drops a stale edit's bands.
pub fn monte_carlo_until(
    p: &Prepared,
    catalog: &Catalog,
    u: &Uncertainty,
    sweep: Option<&Sweep>,
    cancelled: &(dyn Fn() -> bool + Sync),
) -> Result<MonteCarlo, SimError> {
    let check = || if cancelled() { Err(SimError::Cancelled) } else { Ok(()) };
    let n = u.samples.max(1) as usize;
    let seed = p.scenario.seed;
    // a single workload's samples share its traffic: the function plans and the traffic
    // at the fast mode's resolution are made once, each sample's traffic is a scale
    let shared = p
        .app
        .is_none()
        .then(|| (p.fast_plans(), crate::sim::fast::fast_profile(&p.profile).into_owned()));
    let rows: Vec<(Draw, Vec<Total>)> = (0..n)
        .into_par_iter()
        .map(|i| {
            check()?;
            let d = draw(u, seed, i);
            let q = sample_prepared(p, d, catalog)?;
            let totals = match &shared {
                Some((base, coarse)) => {
                    fast_totals_scaled(&q, &q.fast_plans_like(base, coarse), d.traffic, None, catalog)?
                }
                None => fast_totals(&q, &q.profile.scaled(d.traffic), catalog)?,
            };
            Ok((d, totals))
        })
        .collect::<Result<_, SimError>>()?;
    let names: Vec<String> = p.specs.iter().map(|s| s.name().to_string()).collect();
    let mut platforms = Vec::new();
    // the cheapest good-enough platform of each sample (None when none copes)
    let best: Vec<Option<usize>> = rows
        .iter()
        .map(|r| {
            (0..r.1.len())
                .filter(|k| r.1[*k].good_enough())
                .min_by(|a, b| r.1[*a].cost_usd.total_cmp(&r.1[*b].cost_usd))
        })
        .collect();
    for (k, name) in names.iter().enumerate() {
        let mut v: Vec<f64> = rows.iter().map(|r| r.1[k].cost_usd).collect();
        v.sort_by(f64::total_cmp);
        // ties count for every platform at the best cost, as before
        let cheapest = rows
            .iter()
            .zip(&best)
            .filter(|(r, b)| b.is_some_and(|b| r.1[k].good_enough() && r.1[k].cost_usd <= r.1[b].cost_usd))
            .count();
        let good = rows.iter().filter(|r| r.1[k].good_enough()).count();
        platforms.push(PlatformBand {
            name: name.clone(),
            p10_usd: quantile(&v, 0.1),
            p50_usd: quantile(&v, 0.5),
            p90_usd: quantile(&v, 0.9),
            p_cheapest: cheapest as f64 / n as f64,
            p_good_enough: good as f64 / n as f64,
        });
    }
    let p_none_copes = best.iter().filter(|b| b.is_none()).count() as f64 / n as f64;
    // crossover bands: re-find each base crossover under the sampled workload (the traffic
    // multiplier moves where today sits on the axis, not where the curves cross)
    let mut crossovers = Vec::new();
    if let Some(sw) = sweep {
        let m = n.min(100);
        let pairs = band_pairs(sw, &names);
        // each draw's workload and fast-mode plans are made once and shared by every
        // crossover re-found under it
        let refind_all = |d: Draw| -> Result<Vec<Option<f64>>, SimError> {
            check()?;
            let q = sample_prepared(p, d, catalog)?;
            let plans = shared.as_ref().map(|(base, coarse)| q.fast_plans_like(base, coarse));
            pairs
                .iter()
                .map(|pair| refind(&q, plans.as_ref(), pair, catalog))
                .collect::<Result<Vec<_>, SimError>>()
        };
        let draws: Vec<Draw> = (0..m).map(|s| draw(u, seed, s)).collect();
        let found: Vec<Vec<Option<f64>>> = match one_factor(u, &draws) {
            // one multiplier moves the crossovers: re-found on a grid of its values and
            // read off between them, rather than once per sample
            Some((factor, values)) => {
                let grid = factor_grid(&values);
                let at: Vec<Vec<Option<f64>>> =
                    grid.par_iter()
                        .map(|g| refind_all(factor.draw(*g)))
                        .collect::<Result<_, SimError>>()?;
                values
                    .iter()
                    .map(|x| (0..pairs.len()).map(|k| between(&grid, &at, k, *x)).collect())
                    .collect()
            }
            None => draws
                .par_iter()
                .map(|d| refind_all(*d))
                .collect::<Result<_, SimError>>()?,
        };
        for (k, Pair { c, .. }) in pairs.iter().enumerate() {
            let mut v: Vec<f64> = found.iter().filter_map(|row| row[k]).collect();
            if v.is_empty() {
                continue;
            }
            v.sort_by(f64::total_cmp);
            crossovers.push(CrossoverBand {
                between: c.between.clone(),
                base_scale: c.x,
                p10_scale: quantile(&v, 0.1),
                p50_scale: quantile(&v, 0.5),
                p90_scale: quantile(&v, 0.9),
                good_enough: c.good_enough,
            });
        }
    }
    Ok(MonteCarlo {
        samples: n,
        platforms,
        crossovers,
        p_none_copes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::TraceStore;

    /// Bands go to the crossovers both platforms cope at, nearest today's traffic first, at
    /// most eight, kept in the sweep's order.
    #[test]
    fn bands_go_to_the_coping_crossovers_nearest_today() {
        let c = |x: f64, good: bool| Crossover {
            between: ["a".into(), "b".into()],
            x,
            mean_rps: x,
            monthly_requests: x,
            cost_usd: 1.0,
            cheaper_below: "a".into(),
            good_enough: good,
            shortfalls: [None, None],
        };
        let xs = [0.001, 0.01, 0.3, 0.9, 1.2, 4.0, 20.0, 60.0, 500.0, 2.0, 0.5];
        let mut all: Vec<Crossover> = xs.iter().map(|&x| c(x, true)).collect();
        all.push(c(1.0, false));
        let got: Vec<f64> = nearest_crossovers(&all).iter().map(|c| c.x).collect();
        // the three farthest coping ones (0.001, 500, 0.01) and the failing one are left out
        assert_eq!(got, [0.3, 0.9, 1.2, 4.0, 20.0, 60.0, 2.0, 0.5]);
        assert_eq!(nearest_crossovers(&all[..3]).len(), 3);
    }

    /// With one multiplier uncertain, the bands read off a grid of re-found crossovers
    /// agree with re-finding every sample within the re-finding's own 1 % (here 2 %, two
    /// such estimates apart); with two, every sample is re-found.
    #[test]
    fn a_lone_multipliers_grid_gives_the_bands_of_every_sample() {
        let cat = Catalog::builtin().unwrap();
        let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/startup-launch.ron");
        let s = crate::model::load_scenario_file(&file, &cat).unwrap();
        let p = crate::sim::prepare(&s, file.parent().unwrap(), &cat, &mut TraceStore::default()).unwrap();
        let sweep = crate::analysis::traffic_sweep(&p, &cat).unwrap();
        let u = Uncertainty {
            traffic: Some(Dist::LogNormal { median: 1.0, p99: 2.0 }),
            duration: Some(Dist::LogNormal { median: 1.0, p99: 1.5 }),
            cold_start: None,
            keep_alive: None,
            samples: 100,
        };
        let draws: Vec<Draw> = (0..100).map(|i| draw(&u, s.seed, i)).collect();
        let (factor, values) = one_factor(&u, &draws).unwrap();
        assert_eq!(factor, Factor::Duration);
        assert_eq!(factor_grid(&values).len(), FACTOR_GRID);
        let mc = monte_carlo(&p, &cat, &u, Some(&sweep)).unwrap();
        assert!(mc.crossovers.len() >= 4, "{:?}", mc.crossovers);
        // every sample re-found, as before the grid
        let pairs = band_pairs(&sweep, &sweep.platforms);
        let each: Vec<Vec<Option<f64>>> = draws
            .par_iter()
            .map(|d| {
                let q = sample_prepared(&p, *d, &cat).unwrap();
                let plans = q.fast_plans();
                pairs
                    .iter()
                    .map(|pair| refind(&q, Some(&plans), pair, &cat).unwrap())
                    .collect()
            })
            .collect();
        for band in &mc.crossovers {
            let k = pairs
                .iter()
                .position(|pr| pr.c.between == band.between && pr.c.x == band.base_scale)
                .unwrap();
            let mut v: Vec<f64> = each.iter().filter_map(|row| row[k]).collect();
            v.sort_by(f64::total_cmp);
            for (q, got) in [(0.1, band.p10_scale), (0.5, band.p50_scale), (0.9, band.p90_scale)] {
                let want = quantile(&v, q);
                assert!(
                    (got / want - 1.0).abs() < 0.02,
                    "{:?} p{}: {got} against {want}",
                    band.between,
                    q * 100.0
                );
            }
        }
        // two multipliers: no grid
        let two = Uncertainty {
            cold_start: Some(Dist::LogNormal { median: 1.0, p99: 2.0 }),
            ..u.clone()
        };
        assert!(one_factor(&two, &draws).is_none());
        // none: one value, one re-finding
        let none = Uncertainty {
            duration: None,
            ..u.clone()
        };
        let plain: Vec<Draw> = (0..100).map(|i| draw(&none, s.seed, i)).collect();
        let (_, values) = one_factor(&none, &plain).unwrap();
        assert_eq!(factor_grid(&values), [1.0]);
    }

    /// An application's sample scales every workload's durations and cold starts (the
    /// uncertainty block is the scenario's), not only the first workload's.
    #[test]
    fn a_sample_scales_every_workload_of_an_application() {
        let cat = Catalog::builtin().unwrap();
        let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/app/shop.ron");
        let s = crate::model::load_scenario_file(&file, &cat).unwrap();
        let p = crate::sim::prepare(&s, file.parent().unwrap(), &cat, &mut TraceStore::default()).unwrap();
        let d = Draw {
            traffic: 1.0,
            duration: 2.0,
            cold: 3.0,
            keep_alive: 1.0,
        };
        let q = sample_prepared(&p, d, &cat).unwrap();
        assert_eq!(q.scenario.workloads.len(), 2);
        for (a, b) in p.scenario.workloads.iter().zip(&q.scenario.workloads) {
            assert_eq!(b.request.duration_ms, a.request.duration_ms.scaled(2.0), "{}", a.name);
            assert_eq!(
                b.request.cold_start_ms,
                a.request.cold_start_ms.scaled(3.0),
                "{}",
                a.name
            );
        }
        // and the application priced from it runs the new durations
        let ap = q.app.as_deref().unwrap();
        assert_eq!(ap.scenario.workloads[1].request.duration_ms, Dist::Fixed(400.0));
    }
}
