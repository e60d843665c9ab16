//! The fast mode over an application: expected values per stretch, from each workload's
//! rate (triggered workloads at their upstream's rate times `per_request`).
//!
//! Functions: each workload's function alone, then merged into one bill per platform;
//! when the functions of one service would together exceed its concurrency cap at their
//! peaks, each runs against its share of the cap (shares by peak concurrency), so one
//! busy workload takes concurrency from the others as it does in a real account. Fleets:
//! one fleet run whose busy count is the sum of each workload's (`fleet_plan_mixed`);
//! each workload's latency there is its own service time plus the fleet's mean wait.

use super::super::fast::{fleet_plan_mixed, fleet_plan_of, run_fleet_until, run_function};
use super::super::histogram::Histogram;
use super::super::rng::Rng;
use super::super::run::{C_ARRIVALS, C_REJECTED, RawRun, RunCfg};
use super::super::spec::Spec;
use super::exact::shared_fleet_spec;
use super::{AppPrepared, Assignment, PlacementRaw, WorkloadRaw, add_to_host};
use std::collections::HashMap;
use std::sync::Arc;

/// Samples drawn to add up a pipeline's steps.
const PIPELINE_SAMPLES: usize = 4000;
/// Stream of those samples.
const PIPELINE_STREAM: u64 = 7000;

/// One workload's function on platform `k` (fast mode), against `cap` when shared.
pub(super) fn function_raw(ap: &AppPrepared, w: usize, k: usize, cap: Option<u32>, cfg: RunCfg) -> RawRun {
    let Spec::Function(f) = &ap.specs[w][k] else {
        unreachable!("called for function platforms")
    };
    let mut cfg = cfg;
    cfg.slo_ms = ap.scenario.workloads[w].request.latency_slo_ms;
    cfg.seed = cfg
        .seed
        .wrapping_add((w as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    match cap {
        Some(c) if c < f.max_in_flight => {
            let mut f = f.clone();
            f.max_in_flight = c.max(1);
            run_function(&f, &ap.rates[w], cfg)
        }
        _ => run_function(f, &ap.rates[w], cfg),
    }
}

/// Shares of a service's concurrency cap for the functions `ws` on platform `k`: None
/// when their peaks fit under it together.
pub(super) fn cap_shares<R: std::borrow::Borrow<RawRun>>(
    ap: &AppPrepared,
    ws: &[(usize, usize)],
    raws: &[R],
) -> Option<Vec<u32>> {
    let (w0, k0) = *ws.first()?;
    let Spec::Function(f) = &ap.specs[w0][k0] else {
        return None;
    };
    let cap = f.max_in_flight as f64;
    let peaks: Vec<f64> = raws.iter().map(|r| r.borrow().peak_instances.max(0.0)).collect();
    let total: f64 = peaks.iter().sum();
    if total <= cap || ws.len() < 2 {
        return None;
    }
    Some(
        peaks
            .iter()
            .map(|p| ((cap * p / total).floor() as u32).max(1))
            .collect(),
    )
}

/// A fleet's fast run of a set of workloads, and each workload's share of it.
pub(super) type FleetRun = (RawRun, Vec<(WorkloadRaw, Histogram)>);

/// Fast runs a placement search already made, for the placements it then simulates: the
/// fast mode is deterministic, so a (platform, set of workloads) pair run again gives the
/// same numbers bit for bit, and the search has usually run the pairs its pick uses.
#[derive(Clone, Default)]
pub struct Reuse {
    /// Fleets run to the end, by platform and set of workloads (a bit per workload).
    pub(super) fleets: HashMap<(usize, u64), Arc<FleetRun>>,
    /// Each workload's function alone on a function platform, at the full cap.
    pub(super) functions: Arc<HashMap<(usize, usize), RawRun>>,
}

impl std::fmt::Debug for Reuse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reuse")
            .field("fleets", &self.fleets.len())
            .field("functions", &self.functions.len())
            .finish()
    }
}

pub(super) fn run(ap: &AppPrepared, a: &Assignment, cfg: RunCfg, reuse: &Reuse) -> PlacementRaw {
    let s = &ap.scenario;
    let n = s.workloads.len();
    let nk = ap.hosts.len();
    let mut stats: Vec<WorkloadRaw> = vec![WorkloadRaw::default(); n];
    let mut hosts: Vec<Option<RawRun>> = (0..nk).map(|_| None).collect();
    let mut hists: Vec<Histogram> = vec![Histogram::default(); n];

    // functions, grouped by service for the shared cap
    let fns: Vec<(usize, usize)> = (0..n)
        .filter_map(|w| {
            a[w].filter(|&k| matches!(ap.specs[w][k], Spec::Function(_)))
                .map(|k| (w, k))
        })
        .collect();
    let mut services: Vec<String> = fns
        .iter()
        .map(|&(_, k)| s.platforms[ap.hosts[k]].service().to_string())
        .collect();
    services.sort();
    services.dedup();
    for svc in services {
        let group: Vec<(usize, usize)> = fns
            .iter()
            .copied()
            .filter(|&(_, k)| s.platforms[ap.hosts[k]].service() == svc)
            .collect();
        let mut raws: Vec<RawRun> = group
            .iter()
            .map(|&(w, k)| match reuse.functions.get(&(w, k)) {
                Some(r) => r.clone(),
                None => function_raw(ap, w, k, None, cfg),
            })
            .collect();
        if let Some(caps) = cap_shares(ap, &group, &raws) {
            raws = group
                .iter()
                .zip(caps)
                .map(|(&(w, k), c)| function_raw(ap, w, k, Some(c), cfg))
                .collect();
        }
        for (&(w, k), raw) in group.iter().zip(raws) {
            hists[w] = raw.hist.clone();
            add_to_host(&mut hosts, k, &raw);
            stats[w] = WorkloadRaw::of_function(raw);
        }
    }

    // fleets: everything placed on one fleet shares it
    for (k, host) in hosts.iter_mut().enumerate() {
        let on: Vec<usize> = (0..n).filter(|&w| a[w] == Some(k)).collect();
        if on.is_empty() || !matches!(ap.specs[on[0]][k], Spec::Fleet(_)) {
            continue;
        }
        let mask = on.iter().fold(0u64, |m, &w| m | (1 << w));
        let (raw, per) = match reuse.fleets.get(&(k, mask)) {
            Some(r) => (**r).clone(),
            None => fleet_raw(ap, k, &on, cfg),
        };
        for (&w, (st, h)) in on.iter().zip(per) {
            hists[w] = h;
            stats[w] = st;
        }
        *host = Some(raw);
    }

    // workloads elsewhere: served as they arrive, at their own service times
    for w in 0..n {
        if a[w].is_none() {
            let r = &s.workloads[w].request;
            let n_req = ap.rates_n[w];
            let mut h = Histogram::default();
            for i in 0..64 {
                h.record_weighted(r.duration_ms.quantile((i as f64 + 0.5) / 64.0), n_req / 64.0);
            }
            stats[w].requests = n_req;
            stats[w].served = n_req;
            hists[w] = h;
        }
    }
    for (st, h) in stats.iter_mut().zip(&hists) {
        st.hist = h.clone();
    }

    // a front door carries the requests that come from outside
    for (k, h) in hosts.iter_mut().enumerate() {
        if let Some(h) = h {
            let on: Vec<usize> = (0..n).filter(|&w| a[w] == Some(k)).collect();
            let hourly = ap.outside_hourly(&on);
            h.hourly_arrivals = hourly;
        }
    }
    let pipelines = pipelines_by_sampling(ap, &hists.iter().collect::<Vec<_>>(), cfg.seed);
    PlacementRaw {
        hosts,
        workloads: stats,
        pipelines,
    }
}

/// One fleet hosting the workloads `on` (fast mode): the fleet's run and each workload's
/// share of it.
pub(super) fn fleet_raw(ap: &AppPrepared, k: usize, on: &[usize], cfg: RunCfg) -> FleetRun {
    fleet_raw_until(ap, k, on, cfg, false)
        .unwrap_or_else(|_| (RawRun::new(ap.scenario.horizon_s(), cfg.bucket_s), Vec::new()))
}

/// As `fleet_raw`; with `stop_when_rejected`, `Err(share)` as soon as the drops of a workload
/// in the buckets simulated so far already exceed the share the rule for good enough
/// allows of its month (drops only accumulate, and these partial sums are prefixes of
/// the sums that judge the whole run, so the verdict is the whole run's).
pub(super) fn fleet_raw_until(
    ap: &AppPrepared,
    k: usize,
    on: &[usize],
    cfg: RunCfg,
    stop_when_rejected: bool,
) -> Result<FleetRun, f64> {
    let s = &ap.scenario;
    let spec = shared_fleet_spec(ap, k, on);
    let classes: Vec<(&super::super::spec::FleetSpec, &super::super::traffic::RateProfile)> = on
        .iter()
        .map(|&w| {
            let Spec::Fleet(f) = &ap.specs[w][k] else {
                unreachable!("a fleet platform resolves to fleet specs")
            };
            (f, &ap.rates[w])
        })
        .collect();
    let horizon = s.horizon_s();
    let mut cfg = cfg;
    cfg.slo_ms = None;
    let plans: Vec<&super::super::fast::ClassPlan> = on
        .iter()
        .filter_map(|&w| ap.class_plans.get(w).and_then(|r| r[k].as_ref()))
        .collect();
    let plan = if plans.len() == on.len() {
        fleet_plan_of(&plans)
    } else {
        fleet_plan_mixed(&classes)
    };
    let bucketed: Vec<std::borrow::Cow<'_, [f64]>> = if stop_when_rejected {
        on.iter().map(|&w| ap.rates_bucketed(w, cfg.bucket_s)).collect()
    } else {
        Vec::new()
    };
    let mut dropped_so_far = vec![0.0; bucketed.len()];
    let mut checked = 0;
    let mut stop = |counts: &[[f64; crate::sim::run::NC]], complete: usize| -> bool {
        for (b, c) in counts.iter().enumerate().take(complete).skip(checked) {
            let sh = rejected_share_of(c);
            for (d, n) in dropped_so_far.iter_mut().zip(&bucketed) {
                *d += n.get(b).copied().unwrap_or(0.0) * sh;
            }
        }
        checked = checked.max(complete);
        on.iter().zip(&dropped_so_far).any(|(&w, &d)| {
            let n_req = ap.rates_n[w];
            d.min(n_req) / n_req.max(1.0) > crate::sim::result::MAX_REJECTED_SHARE
        })
    };
    let raw = match plan {
        Some(plan) => match run_fleet_until(&spec, &plan, 1.0, horizon, cfg, &mut stop) {
            Some(raw) => raw,
            None => {
                let worst = on
                    .iter()
                    .zip(&dropped_so_far)
                    .map(|(&w, &d)| d.min(ap.rates_n[w]) / ap.rates_n[w].max(1.0))
                    .fold(0.0, f64::max);
                return Err(worst);
            }
        },
        None => RawRun::new(horizon, cfg.bucket_s),
    };
    // every class waits as long on average (one FIFO queue) and is served or dropped in
    // the same share
    let mean_service: f64 = {
        let (mut n_all, mut sum) = (0.0, 0.0);
        for &w in on {
            let n = ap.rates_n[w];
            n_all += n;
            if let Spec::Fleet(f) = &ap.specs[w][k] {
                sum += n * f.duration_dist.mean() * f.slowdown;
            }
        }
        if n_all > 0.0 { sum / n_all } else { 0.0 }
    };
    let wait_ms = (raw.hist.mean() - mean_service).max(0.0);
    // drops happen when the fleet is short, so each workload loses the share of its own
    // requests that arrive then, bucket by bucket (not the month's average: a burst of
    // long jobs is dropped while steady traffic is not)
    let rejected_share: Vec<f64> = raw.counts.iter().map(rejected_share_of).collect();
    let per = on
        .iter()
        .zip(&classes)
        .map(|(&w, (f, _))| {
            let r = &s.workloads[w].request;
            let n_req = ap.rates_n[w];
            let dropped: f64 = ap
                .rates_bucketed(w, cfg.bucket_s)
                .iter()
                .zip(&rejected_share)
                .map(|(n, sh)| n * sh)
                .sum::<f64>()
                .min(n_req);
            let served_share = if n_req > 0.0 { 1.0 - dropped / n_req } else { 1.0 };
            let mut h = Histogram::default();
            let q = ap.class_plans[w][k].as_ref().map(|c| c.quantiles_ms()).unwrap_or(&[]);
            for x in q {
                h.record_weighted(x + wait_ms, n_req * served_share / q.len() as f64);
            }
            let over = r
                .latency_slo_ms
                .map(|slo| h.share_above(slo) * h.total())
                .unwrap_or(0.0);
            (
                WorkloadRaw {
                    requests: n_req,
                    served: n_req * served_share,
                    dropped,
                    over_slo: over,
                    cpu_s: n_req * served_share * f.duration_dist.mean() * r.cpu_fraction / 1000.0,
                    ..Default::default()
                },
                h,
            )
        })
        .collect();
    Ok((raw, per))
}

/// The share of a bucket's arrivals the shared fleet dropped.
fn rejected_share_of(c: &[f64; crate::sim::run::NC]) -> f64 {
    if c[C_ARRIVALS] > 0.0 {
        (c[C_REJECTED] / c[C_ARRIVALS]).clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// End-to-end latency of each pipeline: the sum of its steps' latencies (drawn from their
/// histograms) and the trigger delays, by seeded sampling.
pub(super) fn pipelines_by_sampling(ap: &AppPrepared, hists: &[&Histogram], seed: u64) -> Vec<Histogram> {
    let s = &ap.scenario;
    s.pipelines
        .iter()
        .enumerate()
        .map(|(pi, p)| {
            let steps: Vec<usize> = p.steps.iter().filter_map(|x| s.workload_index(x)).collect();
            let delay_s: f64 = steps
                .windows(2)
                .map(|ab| {
                    ap.edges
                        .iter()
                        .find(|e| e.from == ab[0] && e.to == ab[1])
                        .map(|e| e.delay_s)
                        .unwrap_or(0.0)
                })
                .sum();
            let mut rng = Rng::new(seed, PIPELINE_STREAM + pi as u64);
            let mut h = Histogram::default();
            if steps.iter().any(|&w| hists[w].total() <= 0.0) {
                return h;
            }
            // each step's latency at 256 evenly spaced quantiles: a draw is a table lookup
            let tables: Vec<Vec<f64>> = steps
                .iter()
                .map(|&w| (0..256).map(|i| hists[w].quantile((i as f64 + 0.5) / 256.0)).collect())
                .collect();
            for _ in 0..PIPELINE_SAMPLES {
                let mut total = delay_s * 1000.0;
                for t in &tables {
                    total += t[(rng.next_u64() >> 56) as usize];
                }
                h.record(total);
            }
            h
        })
        .collect()
}
