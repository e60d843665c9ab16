//! The cheapest placement that is good enough, in the fast mode.
//!
//! In the fast mode a platform's bill and whether its workloads cope depend only on which
//! workloads it hosts (triggered rates come from the upstream's rate wherever it runs), so
//! each (platform, set of workloads) is simulated once and the search adds up platforms.
//! Up to `EXHAUSTIVE_MAX` assignments (and `SUBSETS_MAX` platform-and-set pairs) every one
//! is priced; nothing is pruned by cost, since a fleet can cost less with more workloads on
//! it (requests that mostly wait leave CPU for others). Pipelines (which depend on the
//! whole assignment) are checked only for assignments cheaper than the best so far. Beyond
//! that, a local search starts from every "all on one platform" placement and from each
//! workload on its own cheapest platform, and moves one workload at a time while that
//! makes the placement good enough or cheaper: it finds a placement at least as good as
//! every start, not necessarily the optimum (the result says which).

use super::fast::{cap_shares, fleet_raw, function_raw, pipelines_by_sampling};
use super::{AppPrepared, Assignment, WorkloadRaw};
use crate::pricing::Catalog;
use crate::sim::SimError;
use crate::sim::histogram::Histogram;
use crate::sim::result::{self, MAX_OVER_SLO_SHARE};
use crate::sim::run::{RawRun, RunCfg};
use crate::sim::spec::Spec;
use rayon::prelude::*;
use std::collections::HashMap;

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
    ok: bool,
    /// The first workload's shortfall there, when one falls short.
    shortfall: Option<crate::sim::Shortfall>,
    /// Latency of each workload of the set, in workload order.
    hists: Vec<(usize, Histogram)>,
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
}

struct Search<'a> {
    ap: &'a AppPrepared,
    cfg: RunCfg,
    catalog: &'a Catalog,
    memo: HashMap<(usize, u64), HostEval>,
    cache: FnCache,
}

fn mask_of(on: &[usize]) -> u64 {
    on.iter().fold(0u64, |m, &w| m | (1u64 << w))
}

fn members(mask: u64, n: usize) -> Vec<usize> {
    (0..n).filter(|&w| mask & (1 << w) != 0).collect()
}

impl Search<'_> {
    fn eval(&mut self, k: usize, mask: u64) -> Result<HostEval, SimError> {
        if let Some(e) = self.memo.get(&(k, mask)) {
            return Ok(e.clone());
        }
        let e = evaluate_cached(self.ap, k, mask, self.cfg, self.catalog, &self.cache)?;
        self.memo.insert((k, mask), e.clone());
        Ok(e)
    }

    /// Total cost, whether every workload and pipeline copes, for one assignment.
    fn score(&mut self, a: &[usize], best_usd: f64) -> Result<(f64, bool), SimError> {
        let n = a.len();
        let mut total = 0.0;
        let mut ok = true;
        let mut hists: Vec<Histogram> = vec![Histogram::default(); n];
        for k in 0..self.ap.hosts.len() {
            let mask = (0..n).filter(|&w| a[w] == k).fold(0u64, |m, w| m | (1 << w));
            if mask == 0 {
                continue;
            }
            let e = self.eval(k, mask)?;
            total += e.cost_usd;
            ok &= e.ok;
            for (w, h) in e.hists {
                hists[w] = h;
            }
        }
        if ok && total < best_usd && !self.ap.scenario.pipelines.is_empty() {
            ok = pipelines_ok(self.ap, &hists, self.cfg.seed);
        }
        Ok((total, ok))
    }
}

fn pipelines_ok(ap: &AppPrepared, hists: &[Histogram], seed: u64) -> bool {
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
    evaluate_cached(ap, k, mask, cfg, catalog, &FnCache::default())
}

/// Each workload's function run alone on each function platform (fast mode): a function
/// platform hosting a set of workloads is these runs merged, unless they would exceed the
/// shared concurrency cap together.
#[derive(Default)]
struct FnCache(HashMap<(usize, usize), RawRun>);

impl FnCache {
    fn build(ap: &AppPrepared, cfg: RunCfg) -> FnCache {
        let n = ap.scenario.workloads.len();
        let jobs: Vec<(usize, usize)> = (0..n)
            .flat_map(|w| (0..ap.hosts.len()).map(move |k| (w, k)))
            .filter(|&(w, k)| ap.may[w][k] && matches!(ap.specs[w][k], Spec::Function(_)))
            .collect();
        FnCache(
            jobs.par_iter()
                .map(|&(w, k)| ((w, k), function_raw(ap, w, k, None, cfg)))
                .collect(),
        )
    }
}

fn evaluate_cached(
    ap: &AppPrepared,
    k: usize,
    mask: u64,
    cfg: RunCfg,
    catalog: &Catalog,
    cache: &FnCache,
) -> Result<HostEval, SimError> {
    let s = &ap.scenario;
    let on = members(mask, s.workloads.len());
    let horizon = s.horizon_s();
    let view = ap.host_view(&on);
    let spec = ap.host_spec(k, &on);
    let mut hists = Vec::with_capacity(on.len());
    let mut first_short: Option<crate::sim::Shortfall> = None;
    let host: RawRun = match spec {
        Spec::Function(_) => {
            let group: Vec<(usize, usize)> = on.iter().map(|&w| (w, k)).collect();
            let mut raws: Vec<RawRun> = on
                .iter()
                .map(|&w| match cache.0.get(&(w, k)) {
                    Some(r) => r.clone(),
                    None => function_raw(ap, w, k, None, cfg),
                })
                .collect();
            if let Some(caps) = cap_shares(ap, &group, &raws) {
                raws = on
                    .iter()
                    .zip(caps)
                    .map(|(&w, c)| function_raw(ap, w, k, Some(c), cfg))
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
                    None => merged = Some(raw.clone()),
                }
            }
            merged.unwrap_or_else(|| RawRun::new(horizon, cfg.bucket_s))
        }
        Spec::Fleet(_) => {
            let (raw, per) = fleet_raw(ap, k, &on, cfg);
            for (&w, (st, h)) in on.iter().zip(per) {
                let req = &s.workloads[w].request;
                let c = st.coping(req.latency_slo_ms);
                first_short = first_short.or(result::shortfall_for(&ap.specs[w][k], &c, req));
                hists.push((w, h));
            }
            raw
        }
    };
    let mut host = host;
    // the front door carries outside requests only
    let hourly = ap.outside_hourly(&on);
    host.hourly_arrivals = hourly;
    let total = result::total_only(spec, &host, &view, horizon, catalog)?;
    Ok(HostEval {
        cost_usd: total.cost_usd,
        ok: first_short.is_none(),
        shortfall: first_short,
        hists,
    })
}

/// Every enabled platform running all the workloads it may run (the rest elsewhere), in
/// the fast mode: its cost and whether it copes (sweeps, the map, Monte Carlo).
pub fn platform_totals(ap: &AppPrepared, cfg: RunCfg, catalog: &Catalog) -> Result<Vec<crate::sim::Total>, SimError> {
    let n = ap.scenario.workloads.len();
    (0..ap.hosts.len())
        .map(|k| {
            let on: Vec<usize> = (0..n).filter(|&w| ap.may[w][k]).collect();
            if on.is_empty() {
                return Ok(crate::sim::Total {
                    cost_usd: 0.0,
                    shortfall: None,
                });
            }
            let e = evaluate(ap, k, mask_of(&on), cfg, catalog)?;
            Ok(crate::sim::Total {
                cost_usd: e.cost_usd,
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
    // simulated in parallel first: for an exhaustive search every (platform, set of
    // workloads) an assignment can use (a fleet can cost less with more workloads on it:
    // requests that mostly wait leave CPU for others, so costs are not monotone and
    // nothing is pruned); for the local search each workload alone and every all-on set
    let mut jobs: Vec<(usize, u64)> = Vec::new();
    for k in 0..nk {
        let may: Vec<usize> = (0..n).filter(|&w| ap.may[w][k]).collect();
        let full = mask_of(&may);
        if exhaustive {
            let mut sub = full;
            while sub != 0 {
                jobs.push((k, sub));
                sub = (sub - 1) & full;
            }
        } else {
            jobs.extend(may.iter().map(|&w| (k, 1u64 << w)));
            if may.len() > 1 {
                jobs.push((k, full));
            }
        }
    }
    type Evaluated = Result<((usize, u64), HostEval), SimError>;
    let done: Vec<Evaluated> = jobs
        .par_iter()
        .map(|&(k, m)| evaluate_cached(ap, k, m, cfg, catalog, &search.cache).map(|e| ((k, m), e)))
        .collect();
    for d in done {
        let (key, e) = d?;
        search.memo.insert(key, e);
    }
    if exhaustive {
        let mut top: Vec<(Vec<usize>, f64)> = Vec::new();
        let mut idx = vec![0usize; n];
        loop {
            let a: Vec<usize> = (0..n).map(|w| allowed[w][idx[w]]).collect();
            let (cost, ok) = search.score(&a, bound(&top, keep))?;
            if ok && cost < bound(&top, keep) {
                insert_top(&mut top, a, cost, keep);
            }
            // next assignment (mixed radix)
            let mut w = 0;
            loop {
                if w == n {
                    return Ok(found(top, true, count));
                }
                idx[w] += 1;
                if idx[w] < allowed[w].len() {
                    break;
                }
                idx[w] = 0;
                w += 1;
            }
        }
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
    Ok(found(tops, false, count))
}

fn insert_top(top: &mut Vec<(Vec<usize>, f64)>, a: Vec<usize>, cost: f64, keep: usize) {
    if top.iter().any(|t| t.0 == a) {
        return;
    }
    let at = top.iter().position(|t| cost < t.1).unwrap_or(top.len());
    top.insert(at, (a, cost));
    top.truncate(keep);
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
        },
        None => Found {
            best: None,
            best_usd: f64::INFINITY,
            runners_up: Vec::new(),
            exhaustive,
            assignments,
        },
    }
}
