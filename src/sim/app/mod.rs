//! Applications: several workloads, each placed on one of the scenario's platforms.
//!
//! A placement assigns every workload a platform (or, for one platform's own entry,
//! "elsewhere": served as it arrives, unpriced). Functions run each workload as its own
//! function, all functions of one service sharing the account's concurrency cap; a
//! container or VM entry is one fleet whose replicas, queue and autoscaler every workload
//! placed on it shares. Triggered workloads follow their upstream's completions: request
//! by request in the exact mode (`exact`), from its rate in the fast mode (`fast`).
//! `search` finds the cheapest placement that is good enough. A single-workload scenario
//! never comes here: it runs the single-workload engines, number for number as before.

mod exact;
mod fast;
pub mod search;

pub use fast::Reuse;

use super::histogram::Histogram;
use super::result::{self, Coping, LatencySummary, PlatformResult, Shortfall};
use super::run::{RawRun, RunCfg};
use super::spec::{self, Spec};
use super::traffic::{self, RateProfile};
use super::{Mode, SimError, TraceStore};
use crate::model::{AppWorkload, Component, Scenario, Workload};
use crate::pricing::Catalog;
use serde::Serialize;
use std::path::Path;

/// One trigger: each completed request of `from` causes `per_request` requests of `to`,
/// `delay_s` later.
#[derive(Clone, Copy, Debug)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    pub per_request: f64,
    pub delay_s: f64,
}

/// An application ready to simulate under any placement.
#[derive(Clone, Debug)]
pub struct AppPrepared {
    pub scenario: Scenario,
    /// Each workload's own traffic (Triggered components left out), on one grid.
    pub own: Vec<RateProfile>,
    /// Each workload's expected rate, triggered requests included (the upstream's rate
    /// times `per_request`, shifted by the delay): the fast mode's input.
    pub rates: Vec<RateProfile>,
    /// `specs[w][k]`: enabled platform `k` running workload `w`.
    pub specs: Vec<Vec<Spec>>,
    /// Enabled platform `k`'s index in `scenario.platforms`.
    pub hosts: Vec<usize>,
    /// `may[w][k]`: platform `k` may run workload `w` (`runs`).
    pub may: Vec<Vec<bool>>,
    pub edges: Vec<Edge>,
    /// Workload `w` begins / ends pipeline `p`.
    pub pipeline_first: Vec<Option<usize>>,
    pub pipeline_last: Vec<Option<usize>>,
    /// When set, `scaled` scales only this workload's own traffic (a break-even sweep
    /// of one workload; what it triggers follows).
    pub focus: Option<usize>,
    /// Derived once (the search reads them thousands of times): each workload's outside
    /// requests per hour, and its expected requests own and in all.
    pub own_hourly: Vec<Vec<f64>>,
    pub own_n: Vec<f64>,
    pub rates_n: Vec<f64>,
    /// `class_plans[w][k]`: workload `w`'s part of fleet `k`'s fast-mode plan.
    pub class_plans: Vec<Vec<Option<super::fast::ClassPlan>>>,
    /// Each workload's expected requests per display bucket (`sim::bucket_s`).
    rates_bucket: Vec<Vec<f64>>,
    /// Which pieces of the grid fall in each hour and each display bucket.
    spans: std::sync::Arc<Spans>,
}

/// The pieces of a grid that fall in each hour and in each display bucket, found once
/// per application: a sweep scales the application at every point, and its sums per hour
/// and per bucket then add contiguous pieces in the order they always did (the same bits)
/// without working out every piece's hour again.
#[derive(Clone, Debug, Default, PartialEq)]
struct Spans {
    step_s: f64,
    horizon_s: f64,
    pieces: usize,
    bucket_s: f64,
    hours: Vec<(usize, usize)>,
    buckets: Vec<(usize, usize)>,
}

impl Spans {
    fn of(p: &RateProfile, bucket_s: f64) -> Spans {
        let cut = |width: f64| -> Vec<(usize, usize)> {
            let n = (p.horizon_s / width).ceil().max(1.0) as usize;
            let mut out = vec![(0, 0); n];
            for i in 0..p.rates.len() {
                let at = ((p.start(i) / width) as usize).min(n - 1);
                if out[at] == (0, 0) {
                    out[at].0 = i;
                }
                out[at].1 = i + 1;
            }
            out
        };
        Spans {
            step_s: p.step_s,
            horizon_s: p.horizon_s,
            pieces: p.rates.len(),
            bucket_s,
            hours: cut(3600.0),
            buckets: cut(bucket_s),
        }
    }

    fn fits(&self, p: &RateProfile) -> bool {
        self.step_s == p.step_s && self.horizon_s == p.horizon_s && self.pieces == p.rates.len()
    }

    /// Expected requests of `p` in each span (the piece sums in time order). Every piece
    /// but the last is a whole step long (`piece_len` gives `step_s` itself), so only the
    /// last one's length is worked out.
    fn sums(p: &RateProfile, spans: &[(usize, usize)]) -> Vec<f64> {
        let last = p.rates.len().saturating_sub(1);
        spans
            .iter()
            .map(|&(a, b)| {
                let whole = b.min(last).max(a);
                let mut sum = 0.0;
                for r in &p.rates[a..whole] {
                    sum += r * p.step_s;
                }
                for i in whole..b {
                    sum += p.rates[i] * p.piece_len(i);
                }
                sum
            })
            .collect()
    }
}

/// Reads traces, resolves every workload on every enabled platform and the triggers.
pub fn prepare(
    s: &Scenario,
    base_dir: &Path,
    catalog: &Catalog,
    traces: &mut TraceStore,
) -> Result<AppPrepared, SimError> {
    let own = traffic::build_profiles(s, base_dir, traces).map_err(SimError::Trace)?;
    let mut specs = Vec::with_capacity(s.workloads.len());
    for w in &s.workloads {
        specs.push(spec::resolve_with(s, &w.request, catalog).map_err(SimError::Spec)?);
    }
    let hosts: Vec<usize> = s
        .platforms
        .iter()
        .enumerate()
        .filter(|(_, p)| p.enabled())
        .map(|(i, _)| i)
        .collect();
    let may = s
        .workloads
        .iter()
        .map(|w| hosts.iter().map(|&i| s.platforms[i].may_run(&w.name)).collect())
        .collect();
    let mut edges = Vec::new();
    for (to, w) in s.workloads.iter().enumerate() {
        for c in &w.traffic.components {
            if let Component::Triggered {
                workload,
                per_request,
                delay_ms,
            } = c
            {
                let from = s
                    .workload_index(workload)
                    .ok_or_else(|| SimError::Spec(format!("workload `{}`: unknown upstream `{workload}`", w.name)))?;
                edges.push(Edge {
                    from,
                    to,
                    per_request: *per_request,
                    delay_s: delay_ms / 1000.0,
                });
            }
        }
    }
    let rates = derive_rates(&own, &edges)?;
    let n = s.workloads.len();
    let mut pipeline_first = vec![None; n];
    let mut pipeline_last = vec![None; n];
    for (k, p) in s.pipelines.iter().enumerate() {
        if let Some(i) = p.steps.first().and_then(|x| s.workload_index(x)) {
            pipeline_first[i] = Some(k);
        }
        if let Some(i) = p.steps.last().and_then(|x| s.workload_index(x)) {
            pipeline_last[i] = Some(k);
        }
    }
    Ok(AppPrepared {
        scenario: s.clone(),
        own,
        rates,
        specs,
        hosts,
        may,
        edges,
        pipeline_first,
        pipeline_last,
        focus: None,
        own_hourly: Vec::new(),
        own_n: Vec::new(),
        rates_n: Vec::new(),
        class_plans: Vec::new(),
        rates_bucket: Vec::new(),
        spans: Default::default(),
    }
    .counted())
}

/// Requests per hour of a profile.
fn hourly_of(p: &RateProfile) -> Vec<f64> {
    let mut h = vec![0.0; (p.horizon_s / 3600.0).ceil().max(1.0) as usize];
    let last = h.len() - 1;
    for (i, r) in p.rates.iter().enumerate() {
        h[((p.start(i) / 3600.0) as usize).min(last)] += r * p.piece_len(i);
    }
    h
}

/// Each workload's own rate plus what its upstreams trigger, upstreams first.
fn derive_rates(own: &[RateProfile], edges: &[Edge]) -> Result<Vec<RateProfile>, SimError> {
    let order =
        topological(own.len(), edges).ok_or_else(|| SimError::Spec("the workloads' triggers form a cycle".into()))?;
    let mut rates = own.to_vec();
    for &w in &order {
        for e in edges.iter().filter(|e| e.to == w) {
            let up = rates[e.from].clone();
            add_shifted(&mut rates[w], &up, e.per_request, e.delay_s);
        }
    }
    Ok(rates)
}

/// Workloads in an order where every upstream comes before its downstream.
fn topological(n: usize, edges: &[Edge]) -> Option<Vec<usize>> {
    let mut indeg = vec![0usize; n];
    for e in edges {
        indeg[e.to] += 1;
    }
    let mut ready: Vec<usize> = (0..n).filter(|&i| indeg[i] == 0).collect();
    let mut out = Vec::with_capacity(n);
    while let Some(i) = ready.pop() {
        out.push(i);
        for e in edges.iter().filter(|e| e.from == i) {
            indeg[e.to] -= 1;
            if indeg[e.to] == 0 {
                ready.push(e.to);
            }
        }
    }
    (out.len() == n).then_some(out)
}

/// Adds `k` times `up`, delayed by `delay_s` (whole pieces, the rest spread over two).
fn add_shifted(into: &mut RateProfile, up: &RateProfile, k: f64, delay_s: f64) {
    let step = into.step_s.max(1e-9);
    let shift = delay_s / step;
    let whole = shift.floor() as usize;
    let frac = shift - whole as f64;
    let n = into.rates.len();
    for (i, r) in up.rates.iter().enumerate() {
        let x = r * k;
        if i + whole < n {
            into.rates[i + whole] += x * (1.0 - frac);
        }
        if frac > 0.0 && i + whole + 1 < n {
            into.rates[i + whole + 1] += x * frac;
        }
    }
}

/// Where each workload runs: `Some(k)` on enabled platform `k`, `None` elsewhere (served
/// as it arrives and not priced: a platform's own entry when it may not run everything).
pub type Assignment = Vec<Option<usize>>;

/// What one workload measured under a placement.
#[derive(Clone, Debug, Default)]
pub struct WorkloadRaw {
    pub requests: f64,
    pub served: f64,
    pub throttled: f64,
    pub dropped: f64,
    pub failed: f64,
    pub cold_starts: f64,
    pub over_slo: f64,
    /// CPU seconds at one full vCPU (a shared fleet's cost is split by these).
    pub cpu_s: f64,
    pub hist: Histogram,
    /// Functions: this workload's own metered usage (its share of the platform's bill).
    pub own_raw: Option<RawRun>,
}

impl WorkloadRaw {
    /// The counts of a run (no latencies): a function's, which is one workload's.
    pub fn counts(raw: &RawRun) -> WorkloadRaw {
        WorkloadRaw {
            requests: raw.requests,
            served: raw.served,
            throttled: raw.throttled,
            dropped: raw.dropped,
            failed: raw.failed,
            cold_starts: raw.cold_starts,
            over_slo: raw.over_slo,
            ..Default::default()
        }
    }

    /// A workload's own function run: its counts, latencies and metered usage.
    pub fn of_function(raw: RawRun) -> WorkloadRaw {
        WorkloadRaw {
            hist: raw.hist.clone(),
            ..WorkloadRaw::counts(&raw)
        }
        .with_own(raw)
    }

    fn with_own(mut self, raw: RawRun) -> WorkloadRaw {
        self.own_raw = Some(raw);
        self
    }

    /// What the "good enough" rule judges, against the workload's objective `slo_ms`.
    pub fn coping(&self, slo_ms: Option<f64>) -> Coping {
        Coping {
            requests: self.requests,
            throttled: self.throttled,
            dropped: self.dropped,
            failed: self.failed,
            over_slo: slo_ms.map(|_| {
                if self.served > 0.0 {
                    self.over_slo / self.served
                } else {
                    0.0
                }
            }),
        }
    }
}

/// Adds a function's run to its platform's (one bill for all its functions).
pub(super) fn add_to_host(hosts: &mut [Option<RawRun>], k: usize, raw: &RawRun) {
    match &mut hosts[k] {
        Some(h) => h.merge(raw),
        None => hosts[k] = Some(raw.clone()),
    }
}

/// An engine's measurements for one placement, before pricing.
pub struct PlacementRaw {
    /// Per enabled platform: the run of everything placed on it (None when unused).
    pub hosts: Vec<Option<RawRun>>,
    pub workloads: Vec<WorkloadRaw>,
    /// End-to-end latency per pipeline (ms).
    pub pipelines: Vec<Histogram>,
}

/// One workload's results under a placement.
#[derive(Clone, Debug, Serialize)]
pub struct WorkloadResult {
    pub workload: String,
    pub platform: String,
    /// Its share of its platform's bill: a function's own usage, a shared fleet's cost
    /// split by the CPU time each workload uses.
    pub cost_usd: f64,
    pub requests: u64,
    pub served: u64,
    pub throttled: u64,
    pub dropped: u64,
    pub failed: u64,
    pub cold_starts: u64,
    pub cold_start_rate: f64,
    pub latency_ms: LatencySummary,
    pub good_enough: bool,
    pub shortfall: Option<Shortfall>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PipelineResult {
    pub name: String,
    pub latency_ms: LatencySummary,
    /// Share of end-to-end latencies above the pipeline's objective (None without one).
    pub over_slo_share: Option<f64>,
    pub good_enough: bool,
}

/// A placement, simulated and priced.
#[derive(Clone, Debug, Serialize)]
pub struct PlacementResult {
    pub name: String,
    /// Workload name to platform name, in workload order.
    pub assignment: Vec<(String, String)>,
    pub total_usd: f64,
    pub good_enough: bool,
    pub workloads: Vec<WorkloadResult>,
    pub pipelines: Vec<PipelineResult>,
    /// The bill of each platform used, as in `platforms[]`.
    #[serde(skip)]
    pub platforms: Vec<PlatformResult>,
}

/// How the best placement was found: every assignment priced, or the local search.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct SearchSummary {
    pub assignments: u64,
    pub exhaustive: bool,
}

impl PlacementResult {
    /// A single workload's placement on one platform: the platform's own result.
    pub fn of_platform(p: &PlatformResult, s: &Scenario) -> PlacementResult {
        let w = s.workloads.first().map(|w| w.name.clone()).unwrap_or_default();
        PlacementResult {
            name: format!("All on {}", p.name),
            assignment: vec![(w.clone(), p.name.clone())],
            total_usd: p.total_usd,
            good_enough: p.shortfall.is_none(),
            workloads: vec![WorkloadResult {
                workload: w,
                platform: p.name.clone(),
                cost_usd: p.total_usd,
                requests: p.requests,
                served: p.served,
                throttled: p.throttled,
                dropped: p.dropped,
                failed: p.failed,
                cold_starts: p.cold_starts,
                cold_start_rate: p.cold_start_rate,
                latency_ms: p.latency_ms.clone(),
                good_enough: p.shortfall.is_none(),
                shortfall: p.shortfall,
            }],
            pipelines: Vec::new(),
            platforms: Vec::new(),
        }
    }
}

impl AppPrepared {
    fn counted(self) -> AppPrepared {
        self.counted_for(None)
    }

    /// As `counted`, with the fast-mode plans of fleets `hosts` only (all when None):
    /// the rest are never simulated by whoever asked.
    fn counted_for(mut self, hosts: Option<&[usize]>) -> AppPrepared {
        let bs = super::bucket_s(self.scenario.horizon_s());
        if let Some(p) = self.own.first().or(self.rates.first())
            && !(self.spans.fits(p) && self.spans.bucket_s == bs)
        {
            self.spans = std::sync::Arc::new(Spans::of(p, bs));
        }
        let spans = self.spans.clone();
        self.own_hourly = self
            .own
            .iter()
            .map(|p| {
                if spans.fits(p) {
                    Spans::sums(p, &spans.hours)
                } else {
                    hourly_of(p)
                }
            })
            .collect();
        self.own_n = self.own.iter().map(|p| p.expected_requests()).collect();
        self.rates_n = self.rates.iter().map(|p| p.expected_requests()).collect();
        self.rates_bucket = (0..self.rates.len())
            .map(|w| {
                if spans.fits(&self.rates[w]) {
                    Spans::sums(&self.rates[w], &spans.buckets)
                } else {
                    self.bucketed(w, bs)
                }
            })
            .collect();
        self.class_plans = self
            .specs
            .iter()
            .zip(&self.rates)
            .map(|(row, rate)| {
                row.iter()
                    .enumerate()
                    .map(|(k, sp)| match sp {
                        Spec::Fleet(f) if hosts.is_none_or(|hs| hs.contains(&k)) => {
                            Some(super::fast::class_plan(f, rate))
                        }
                        _ => None,
                    })
                    .collect()
            })
            .collect();
        self
    }

    /// Expected requests of workload `w` (triggered included) per display bucket.
    pub fn rates_bucketed(&self, w: usize, bucket_s: f64) -> std::borrow::Cow<'_, [f64]> {
        match self.rates_bucket.get(w) {
            Some(v) if bucket_s == super::bucket_s(self.scenario.horizon_s()) => std::borrow::Cow::Borrowed(v),
            _ => std::borrow::Cow::Owned(self.bucketed(w, bucket_s)),
        }
    }

    fn bucketed(&self, w: usize, bucket_s: f64) -> Vec<f64> {
        let p = &self.rates[w];
        let n = (p.horizon_s / bucket_s).ceil().max(1.0) as usize;
        let mut out = vec![0.0; n];
        for (i, r) in p.rates.iter().enumerate() {
            out[((p.start(i) / bucket_s) as usize).min(n - 1)] += r * p.piece_len(i);
        }
        out
    }

    /// Outside requests per hour of the workloads `on` (what a front door carries).
    pub fn outside_hourly(&self, on: &[usize]) -> Vec<f64> {
        let mut h = vec![0.0; self.own_hourly.first().map(|v| v.len()).unwrap_or(1)];
        for &w in on {
            for (a, b) in h.iter_mut().zip(&self.own_hourly[w]) {
                *a += b;
            }
        }
        h
    }

    /// The same application with every rate times `k` (sweeps along traffic scale), or
    /// only the `focus` workload's own traffic and what it triggers.
    pub fn scaled(&self, k: f64) -> AppPrepared {
        self.scaled_for(k, None)
    }

    /// As `scaled`, ready to simulate platforms `hosts` only (all when None): a sweep's
    /// crossover between two of sixteen platforms plans two fleets, not sixteen.
    pub fn scaled_for(&self, k: f64, hosts: Option<&[usize]>) -> AppPrepared {
        // built field by field: cloning the one-minute profiles and everything `counted`
        // derives, only to replace them, was a tenth of an application's sweep
        let (own, rates) = match self.focus {
            None => (
                self.own.iter().map(|p| p.scaled(k)).collect(),
                self.rates.iter().map(|p| p.scaled(k)).collect(),
            ),
            Some(f) => {
                let mut own = self.own.clone();
                if let Some(p) = own.get_mut(f) {
                    *p = p.scaled(k);
                }
                let rates = derive_rates(&own, &self.edges).unwrap_or_else(|_| self.rates.clone());
                (own, rates)
            }
        };
        AppPrepared {
            scenario: self.scenario.clone(),
            own,
            rates,
            specs: self.specs.clone(),
            hosts: self.hosts.clone(),
            may: self.may.clone(),
            edges: self.edges.clone(),
            pipeline_first: self.pipeline_first.clone(),
            pipeline_last: self.pipeline_last.clone(),
            focus: self.focus,
            own_hourly: Vec::new(),
            own_n: Vec::new(),
            rates_n: Vec::new(),
            class_plans: Vec::new(),
            rates_bucket: Vec::new(),
            spans: self.spans.clone(),
        }
        .counted_for(hosts)
    }

    /// The application's traffic (triggered requests included, all workloads added up)
    /// were each workload's own traffic `own` (on one grid).
    pub fn total_of(&self, own: &[RateProfile]) -> Result<RateProfile, SimError> {
        let rates = derive_rates(own, &self.edges)?;
        let Some(mut t) = rates.first().cloned() else {
            return Err(SimError::Spec("an application without workloads".into()));
        };
        for p in rates.iter().skip(1) {
            for (a, b) in t.rates.iter_mut().zip(&p.rates) {
                *a += b;
            }
        }
        Ok(t)
    }

    /// The same application with each workload's own traffic `own` (one profile per
    /// workload, on one grid), what they trigger derived again: the burstiness axis and
    /// the map's rows reshape an application's traffic this way.
    pub fn with_own(&self, own: Vec<RateProfile>) -> Result<AppPrepared, SimError> {
        if own.len() != self.own.len() {
            return Err(SimError::Spec(format!(
                "{} traffic profiles for an application of {} workloads",
                own.len(),
                self.own.len()
            )));
        }
        let rates = derive_rates(&own, &self.edges)?;
        Ok(AppPrepared {
            own,
            rates,
            ..self.clone()
        }
        .counted())
    }

    /// The same application whose sweeps scale only workload `w`'s traffic.
    pub fn focused(&self, w: usize) -> AppPrepared {
        AppPrepared {
            focus: Some(w),
            ..self.clone()
        }
    }

    /// Another scenario's workloads and platforms over the same traffic (sweeps over
    /// memory or duration, Monte Carlo samples).
    pub fn with_scenario(&self, s: Scenario, catalog: &Catalog) -> Result<AppPrepared, SimError> {
        let mut specs = Vec::with_capacity(s.workloads.len());
        for w in &s.workloads {
            specs.push(spec::resolve_with(&s, &w.request, catalog).map_err(SimError::Spec)?);
        }
        Ok(AppPrepared {
            scenario: s,
            specs,
            ..self.clone()
        }
        .counted())
    }

    /// All workloads' expected rates added up (the traffic summary, sweeps).
    pub fn total_profile(&self) -> RateProfile {
        let mut t = self.rates[0].clone();
        for p in &self.rates[1..] {
            for (a, b) in t.rates.iter_mut().zip(&p.rates) {
                *a += b;
            }
        }
        t
    }

    pub fn workload_names(&self) -> Vec<&str> {
        self.scenario.workloads.iter().map(|w| w.name.as_str()).collect()
    }

    /// Platform `k`'s name.
    pub fn host_name(&self, k: usize) -> &str {
        self.scenario.platforms[self.hosts[k]].name()
    }

    /// Platform `k`'s own entry: every workload it may run on it, the rest elsewhere.
    pub fn own_entry(&self, k: usize) -> Assignment {
        (0..self.scenario.workloads.len())
            .map(|w| self.may[w][k].then_some(k))
            .collect()
    }

    /// Whether platform `k` may run every workload.
    pub fn runs_all(&self, k: usize) -> bool {
        self.may.iter().all(|m| m[k])
    }

    /// Expected requests over the horizon, all workloads (triggered included).
    pub fn expected_requests(&self) -> f64 {
        self.rates_n.iter().sum()
    }

    /// The request profile a platform's shared results are judged and fronted with: the
    /// workloads placed on it that take outside traffic, weighted by their requests
    /// (payloads for the front door), with the strictest latency objective.
    fn host_view(&self, on: &[usize]) -> Scenario {
        let s = &self.scenario;
        let mut v = s.clone();
        let outside: Vec<usize> = on.iter().copied().filter(|&w| self.own_n[w] > 0.0).collect();
        let pick = if outside.is_empty() { on.to_vec() } else { outside };
        let weights: Vec<f64> = pick.iter().map(|&w| self.own_n[w].max(1e-9)).collect();
        let total: f64 = weights.iter().sum::<f64>().max(1e-12);
        let mix = |f: &dyn Fn(&Workload) -> f64| -> f64 {
            pick.iter()
                .zip(&weights)
                .map(|(&w, k)| f(&s.workloads[w].request) * k)
                .sum::<f64>()
                / total
        };
        let first = pick.first().copied().unwrap_or(0);
        let mut req = s
            .workloads
            .get(first)
            .map(|w| w.request.clone())
            .unwrap_or_else(|| s.workload().clone());
        req.request_kb = mix(&|w| w.request_kb);
        req.response_kb = mix(&|w| w.response_kb);
        req.requests_per_connection = mix(&|w| w.requests_per_connection).max(1.0);
        // every request on the platform logs (not only those from outside), and CPU is
        // spent in proportion to the time requests run
        let all_n: f64 = on.iter().map(|&w| self.rates_n[w]).sum::<f64>();
        if all_n > 0.0 {
            req.log_kb = on
                .iter()
                .map(|&w| self.rates_n[w] * s.workloads[w].request.log_kb)
                .sum::<f64>()
                / all_n;
        }
        let busy = |w: usize| self.rates_n[w] * s.workloads[w].request.duration_ms.mean();
        let all_busy: f64 = on.iter().map(|&w| busy(w)).sum();
        if all_busy > 0.0 {
            req.cpu_fraction = on
                .iter()
                .map(|&w| busy(w) * s.workloads[w].request.cpu_fraction)
                .sum::<f64>()
                / all_busy;
        }
        req.latency_slo_ms = on
            .iter()
            .filter_map(|&w| s.workloads[w].request.latency_slo_ms)
            .reduce(f64::min);
        v.workloads = vec![AppWorkload {
            name: s.workloads.get(first).map(|w| w.name.clone()).unwrap_or_default(),
            traffic: s
                .workloads
                .get(first)
                .map(|w| w.traffic.clone())
                .unwrap_or_else(|| s.traffic().clone()),
            request: req,
        }];
        v
    }

    /// The spec a platform is billed and judged with: the first workload placed on it
    /// (billing reads the platform's settings, not the workload's).
    fn host_spec(&self, k: usize, on: &[usize]) -> &Spec {
        &self.specs[on.first().copied().unwrap_or(0)][k]
    }

    /// Simulates a placement in the given mode (exact: request by request); the fast mode
    /// takes the runs a search already made from `reuse` (`Reuse::default()`: none).
    pub fn simulate(
        &self,
        a: &Assignment,
        mode: Mode,
        cfg: RunCfg,
        ctl: &super::Control,
        progress: (f64, f64),
        reuse: &Reuse,
    ) -> Result<PlacementRaw, SimError> {
        match mode {
            Mode::Exact => exact::run(self, a, cfg, ctl, progress),
            Mode::Fast => Ok(fast::run(self, a, cfg, reuse)),
        }
    }

    /// Prices a simulated placement: one bill per platform used, each workload's share,
    /// pipelines, and whether everything is good enough.
    pub fn finish(
        &self,
        a: &Assignment,
        raw: PlacementRaw,
        catalog: &Catalog,
        horizon: f64,
    ) -> Result<PlacementResult, SimError> {
        let s = &self.scenario;
        let n = s.workloads.len();
        let mut platforms = Vec::new();
        let mut cost = vec![0.0; n];
        let PlacementRaw {
            hosts,
            workloads,
            pipelines,
        } = raw;
        // one account: the platforms share its free allowances (AWS's 100 GB of egress,
        // CloudWatch's 5 GB), used in platform order
        let mut ledger = crate::billing::FreeLedger::new();
        for (k, host) in hosts.into_iter().enumerate() {
            let Some(host) = host else { continue };
            let on: Vec<usize> = (0..n).filter(|&w| a[w] == Some(k)).collect();
            let view = self.host_view(&on);
            let spec = self.host_spec(k, &on);
            let pr = result::finish_with(spec, host, &view, horizon, catalog, &mut ledger)?;
            // each workload's share of this platform's bill
            let weights: Vec<f64> = match spec {
                Spec::Function(_) => on
                    .iter()
                    .map(|&w| {
                        workloads[w]
                            .own_raw
                            .as_ref()
                            .map(|r| result::total_only(&self.specs[w][k], r, &self.host_view(&[w]), horizon, catalog))
                            .transpose()
                            .map(|t| t.map(|t| t.cost_usd).unwrap_or(0.0))
                    })
                    .collect::<Result<_, _>>()?,
                Spec::Fleet(_) => on.iter().map(|&w| workloads[w].cpu_s).collect(),
            };
            let sum: f64 = weights.iter().sum();
            for (i, &w) in on.iter().enumerate() {
                cost[w] = if sum > 0.0 {
                    pr.total_usd * weights[i] / sum
                } else {
                    pr.total_usd / on.len().max(1) as f64
                };
            }
            platforms.push(pr);
        }
        let total_usd = platforms.iter().map(|p| p.total_usd).sum();
        let mut out_w = Vec::with_capacity(n);
        for (w, r) in workloads.iter().enumerate() {
            let platform = a[w].map(|k| self.host_name(k).to_string()).unwrap_or_default();
            let req = &s.workloads[w].request;
            let served = r.served.round().max(0.0);
            let c = r.coping(req.latency_slo_ms);
            let shortfall = a[w].and_then(|k| result::shortfall_for(&self.specs[w][k], &c, req));
            out_w.push(WorkloadResult {
                workload: s.workloads[w].name.clone(),
                platform,
                cost_usd: cost[w],
                requests: r.requests.round().max(0.0) as u64,
                served: served as u64,
                throttled: r.throttled.round().max(0.0) as u64,
                dropped: r.dropped.round().max(0.0) as u64,
                failed: r.failed.round().max(0.0) as u64,
                cold_starts: r.cold_starts.round().max(0.0) as u64,
                cold_start_rate: result::cold_start_rate(r.cold_starts, served),
                latency_ms: summary(&r.hist, req.latency_slo_ms),
                good_enough: shortfall.is_none(),
                shortfall,
            });
        }
        let out_p: Vec<PipelineResult> = s
            .pipelines
            .iter()
            .zip(&pipelines)
            .map(|(p, h)| {
                let over = p
                    .latency_slo_ms
                    .map(|slo| if h.total() > 0.0 { h.share_above(slo) } else { 0.0 });
                PipelineResult {
                    name: p.name.clone(),
                    latency_ms: summary(h, p.latency_slo_ms),
                    over_slo_share: over,
                    good_enough: over.is_none_or(|o| o <= result::MAX_OVER_SLO_SHARE),
                }
            })
            .collect();
        let good_enough = out_w.iter().all(|w| w.good_enough) && out_p.iter().all(|p| p.good_enough);
        Ok(PlacementResult {
            name: self.placement_name(a),
            assignment: (0..n)
                .map(|w| {
                    (
                        s.workloads[w].name.clone(),
                        a[w].map(|k| self.host_name(k).to_string()).unwrap_or_default(),
                    )
                })
                .collect(),
            total_usd,
            good_enough,
            workloads: out_w,
            pipelines: out_p,
            platforms,
        })
    }

    /// "All on Lambda", or "Mixed: api, report on Fargate; inventory, payment on Lambda".
    pub fn placement_name(&self, a: &Assignment) -> String {
        let mut used: Vec<usize> = Vec::new();
        for k in a.iter().flatten() {
            if !used.contains(k) {
                used.push(*k);
            }
        }
        if used.len() == 1 && a.iter().all(|x| x.is_some()) {
            return format!("All on {}", self.host_name(used[0]));
        }
        let parts: Vec<String> = used
            .iter()
            .map(|&k| {
                let names: Vec<&str> = a
                    .iter()
                    .enumerate()
                    .filter(|(_, x)| **x == Some(k))
                    .map(|(w, _)| self.scenario.workloads[w].name.as_str())
                    .collect();
                format!("{} on {}", names.join(", "), self.host_name(k))
            })
            .collect();
        format!("Mixed: {}", parts.join("; "))
    }
}

fn summary(h: &Histogram, slo_ms: Option<f64>) -> LatencySummary {
    LatencySummary {
        p50: h.quantile(0.5),
        p95: h.quantile(0.95),
        p99: h.quantile(0.99),
        mean: h.mean(),
        over_slo: slo_ms.map(|slo| if h.total() > 0.0 { h.share_above(slo) } else { 0.0 }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sums over spans are the per-piece sums they replace, bit for bit: on whole
    /// hours, on a horizon that ends inside a piece and an hour, on buckets that do not
    /// divide the hour, and on a scaled copy (the spans are found once, on the first).
    #[test]
    fn sums_over_spans_are_the_per_piece_sums_bit_for_bit() {
        let wavy = |n: usize, step_s: f64, horizon_s: f64| RateProfile {
            step_s,
            horizon_s,
            rates: (0..n)
                .map(|i| 1.0 + (i as f64 * 0.37).sin().abs() * 13.7 / 3.0)
                .collect(),
        };
        for p in [
            wavy(43_200, 60.0, 2_592_000.0),
            wavy(1_000, 60.0, 59_950.5),
            wavy(700, 7.0, 4_899.9),
        ] {
            for bucket_s in [3600.0, 900.0, 1234.5] {
                let spans = Spans::of(&p, bucket_s);
                for q in [p.clone(), p.scaled(3.3)] {
                    assert!(spans.fits(&q));
                    let hourly = Spans::sums(&q, &spans.hours);
                    assert_eq!(hourly.len(), hourly_of(&q).len());
                    for (a, b) in hourly.iter().zip(hourly_of(&q)) {
                        assert_eq!(a.to_bits(), b.to_bits());
                    }
                    let n = (q.horizon_s / bucket_s).ceil().max(1.0) as usize;
                    let mut per_piece = vec![0.0; n];
                    for (i, r) in q.rates.iter().enumerate() {
                        per_piece[((q.start(i) / bucket_s) as usize).min(n - 1)] += r * q.piece_len(i);
                    }
                    let buckets = Spans::sums(&q, &spans.buckets);
                    assert_eq!(buckets.len(), n);
                    for (a, b) in buckets.iter().zip(&per_piece) {
                        assert_eq!(a.to_bits(), b.to_bits(), "{bucket_s}");
                    }
                }
            }
        }
    }
}
