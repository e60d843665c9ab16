//! The simulation engine: traffic to arrivals, per-platform engines, usage and time
//! series, priced by the billing core.
//!
//! Two fidelities behind one interface (`run` with a `Mode`): the exact per-request
//! engines (`exact_fn`, `exact_fleet`) and the fast aggregate mode (`fast`). Both fill the
//! same `RawRun` records, which `result` turns into bills, percentiles and series.

pub mod app;
mod exact_fleet;
mod exact_fn;
mod exact_pool;
pub mod extras;
pub mod fast;
pub mod heap;
pub mod histogram;
pub mod meter;
mod result;
pub mod rng;
pub mod run;
pub mod spec;
pub mod trace;
pub mod traffic;

pub use histogram::Histogram;
pub use result::{
    Coping, LatencySummary, MAX_OVER_SLO_SHARE, MAX_REJECTED_SHARE, PlatformResult, SYNC_PAYLOAD_KB, Series, Shortfall,
    SimResult, Total, TrafficSummary, shortfall,
};
pub use run::Control;
pub use spec::Spec;
pub use trace::TraceStore;
pub use traffic::RateProfile;

use crate::billing::BillingError;
use crate::model::{Located, Scenario};
use crate::pricing::Catalog;
use rayon::prelude::*;
use std::path::Path;
use thiserror::Error;

/// Below this many expected requests the fast mode runs the exact engines.
pub const FAST_EXACT_BELOW: f64 = 20_000.0;

/// The most requests an exact run simulates, summed over its platforms: about ten minutes
/// at the engine's speed on this project's two-core machine (BENCHMARKS.md). Every shipped
/// scenario fits (steady-high, the largest, is 8.3e9); a scenario at the traffic limits
/// (1e7 req/s for a year) would otherwise run for weeks, so it is refused up front with
/// what to do instead, rather than started and left to look hung.
pub const EXACT_MAX_REQUESTS: f64 = 1e10;

/// Refuses an exact run larger than `EXACT_MAX_REQUESTS`, saying how large it is and what
/// to do instead.
pub fn check_exact_budget(expected_requests: f64, platforms: usize) -> Result<(), SimError> {
    let total = expected_requests * platforms as f64;
    if total.is_finite() && total <= EXACT_MAX_REQUESTS {
        return Ok(());
    }
    let each = if platforms == 1 {
        "its one platform".to_string()
    } else {
        format!("each of {platforms} platforms")
    };
    Err(SimError::Spec(format!(
        "an exact simulation of this scenario means simulating {total:.1e} requests \
         ({expected_requests:.1e} on {each}), more than the {EXACT_MAX_REQUESTS:.0e} an exact run \
         is allowed (about ten minutes); use the fast mode (--fast, or the live estimate in the \
         app), a shorter horizon_days, or fewer platforms"
    )))
}

/// What one request of an application costs an exact run, in requests of a single
/// workload: its engines (the general function engine, fleets shared by several
/// workloads) simulate about a quarter as many per second (BENCHMARKS.md), so an
/// application of 4.7e9 requests, under `EXACT_MAX_REQUESTS`, ran for over a quarter of
/// an hour.
pub const APP_EXACT_COST: f64 = 4.0;

/// Refuses an exact run of an application that would simulate `placements` placements of
/// `expected_requests` each for longer than `EXACT_MAX_REQUESTS` allows.
pub fn check_exact_app_budget(expected_requests: f64, placements: usize) -> Result<(), SimError> {
    let total = expected_requests * placements as f64;
    if total.is_finite() && total * APP_EXACT_COST <= EXACT_MAX_REQUESTS {
        return Ok(());
    }
    let each = if placements == 1 {
        "in one placement".to_string()
    } else {
        format!(
            "in each of up to {placements} placements: every workload on each platform, the best mix and its runners-up"
        )
    };
    Err(SimError::Spec(format!(
        "an exact simulation of this application means simulating {total:.1e} requests \
         ({expected_requests:.1e} {each}), and an application's request takes about \
         {APP_EXACT_COST} times a single workload's: more than the {EXACT_MAX_REQUESTS:.0e} \
         single-workload requests an exact run is allowed (about ten minutes); use the fast \
         mode (--fast, or the live estimate in the app), a shorter horizon_days, or fewer \
         platforms"
    )))
}

/// The most requests an exact run may hold in flight at once on one function platform.
/// Each is an environment or an entry in the engine's queues (tens of bytes), so a file
/// holding billions at once (day-long requests at ten million a second under a limit of
/// four billion) ran out of memory rather than ending; this is about 200 MB, a thousand
/// times the largest concurrency the providers grant an account.
pub const EXACT_MAX_IN_FLIGHT: f64 = 5e6;

/// Requests in flight on function `f` at a peak rate of `peak_rps`: the peak times how
/// long each request holds an environment (its duration there, within the execution-time
/// limit, plus a cold start), within its concurrency limit and the requests there are.
fn fn_in_flight(f: &spec::FunctionSpec, peak_rps: f64, expected_requests: f64) -> f64 {
    let hold_ms = (f.duration_dist.mean() * f.slowdown).min(f.max_duration_ms) + f.cold_dist.mean();
    (peak_rps * hold_ms / 1000.0)
        .min(f64::from(f.max_in_flight))
        .min(expected_requests)
}

/// Refuses an exact run of `what` that would hold more than `EXACT_MAX_IN_FLIGHT`
/// requests in flight at once.
fn check_exact_in_flight(what: &str, in_flight: f64) -> Result<(), SimError> {
    if !in_flight.is_nan() && in_flight <= EXACT_MAX_IN_FLIGHT {
        return Ok(());
    }
    Err(SimError::Spec(format!(
        "an exact simulation of {what} would hold about {in_flight:.1e} requests in flight at once (the \
         peak rate times how long each request lasts, within its max_concurrency), more than the \
         {EXACT_MAX_IN_FLIGHT:.0e} an exact run can hold in memory; use the fast mode (--fast, or the \
         live estimate in the app), shorter requests or a lower max_concurrency"
    )))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Mode {
    /// Every request simulated: exact cold starts, queues and tails.
    Exact,
    /// Expected values per stretch of time: milliseconds, for interactive editing.
    Fast,
}

#[derive(Debug, Error, Clone, PartialEq)]
pub enum SimError {
    #[error("{0}")]
    Trace(Located),
    #[error("{0}")]
    Spec(String),
    #[error("{0}")]
    Billing(#[from] BillingError),
    #[error("the simulation was cancelled")]
    Cancelled,
}

/// A scenario ready to simulate: traffic resolved (traces read) and platforms looked up.
#[derive(Clone, Debug)]
pub struct Prepared {
    pub scenario: Scenario,
    /// The traffic: of the one workload, or of all an application's workloads added up
    /// (triggered requests included). Shared: a Monte Carlo sample changes the platforms
    /// and workload, never the traffic, and a month of one-minute rates is 345 KB.
    pub profile: std::sync::Arc<RateProfile>,
    /// Every enabled platform running the (first) workload.
    pub specs: Vec<Spec>,
    /// An application of several workloads: simulated placement by placement.
    pub app: Option<Box<app::AppPrepared>>,
}

/// Reads traces (relative to `base_dir`, through the cache) and resolves platforms.
pub fn prepare(
    s: &Scenario,
    base_dir: &Path,
    catalog: &Catalog,
    traces: &mut TraceStore,
) -> Result<Prepared, SimError> {
    let specs = spec::resolve(s, catalog).map_err(SimError::Spec)?;
    if s.workloads.len() > 1 {
        let ap = app::prepare(s, base_dir, catalog, traces)?;
        return Ok(Prepared {
            scenario: s.clone(),
            profile: ap.total_profile().into(),
            specs,
            app: Some(Box::new(ap)),
        });
    }
    let profile = traffic::build_profile(s, base_dir, traces).map_err(SimError::Trace)?;
    Ok(Prepared {
        scenario: s.clone(),
        profile: profile.into(),
        specs,
        app: None,
    })
}

/// Display resolution: about 720 buckets over the horizon, at least a minute each.
pub fn bucket_s(horizon_s: f64) -> f64 {
    ((horizon_s / 720.0 / 60.0).ceil() * 60.0).max(60.0)
}

/// Simulates every enabled platform. Platforms run in parallel; each has its own random
/// streams, so results do not depend on scheduling.
pub fn run(p: &Prepared, catalog: &Catalog, mode: Mode, ctl: &Control) -> Result<SimResult, SimError> {
    run_profile(p, &p.profile, catalog, mode, ctl)
}

/// As `run`, with another rate profile (sweeps scale the traffic without re-reading it).
pub fn run_profile(
    p: &Prepared,
    profile: &RateProfile,
    catalog: &Catalog,
    mode: Mode,
    ctl: &Control,
) -> Result<SimResult, SimError> {
    let s = &p.scenario;
    let horizon = profile.horizon_s;
    let bs = bucket_s(horizon);
    if let Some(ap) = &p.app {
        let k = app_scale(p, profile);
        let scaled;
        let ap = if k == 1.0 {
            &**ap
        } else {
            scaled = ap.scaled(k);
            &scaled
        };
        return run_app(ap, profile, catalog, mode, ctl);
    }
    let n = p.specs.len().max(1) as f64;
    let cfg = run::RunCfg::of(s, bs);
    // Small volumes are simulated request by request even in the fast mode: that is both
    // exact and as quick as the aggregate model (tens of thousands of requests take a
    // millisecond or two), and it avoids fluid approximations of a handful of jobs.
    let mode_used = if mode == Mode::Fast && profile.expected_requests() < FAST_EXACT_BELOW {
        Mode::Exact
    } else {
        mode
    };
    if mode_used == Mode::Exact {
        check_exact_budget(profile.expected_requests(), p.specs.len())?;
        for sp in &p.specs {
            if let Spec::Function(f) = sp {
                let n = fn_in_flight(f, profile.peak_rps(), profile.expected_requests());
                check_exact_in_flight(sp.name(), n)?;
            }
        }
    }
    let coarse = fast::fast_profile(profile);
    let raws: Vec<Result<run::RawRun, SimError>> = p
        .specs
        .par_iter()
        .enumerate()
        .map(|(i, sp)| {
            let share = (i as f64 / n, 1.0 / n);
            match (mode_used, sp) {
                (Mode::Exact, Spec::Function(f)) if exact_pool::applies(f) => {
                    exact_pool::run(f, profile, cfg, ctl, share)
                }
                (Mode::Exact, Spec::Function(f)) => exact_fn::run(f, profile, cfg, ctl, share),
                (Mode::Exact, Spec::Fleet(f)) => exact_fleet::run(f, profile, cfg, ctl, share),
                (Mode::Fast, Spec::Function(f)) => Ok(fast::run_function(f, &coarse, cfg)),
                (Mode::Fast, Spec::Fleet(f)) => Ok(fast::run_fleet(f, &coarse, cfg)),
            }
        })
        .collect();
    if ctl.cancelled() {
        return Err(SimError::Cancelled);
    }
    let mut platforms = Vec::with_capacity(raws.len());
    for (sp, raw) in p.specs.iter().zip(raws) {
        platforms.push(result::finish(sp, raw?, s, horizon, catalog)?);
    }
    ctl.set_progress(1.0);
    let placements = platforms
        .iter()
        .map(|pr| app::PlacementResult::of_platform(pr, s))
        .collect();
    let mut r = SimResult {
        scenario: s.name.clone(),
        mode,
        seed: s.seed,
        horizon_s: horizon,
        bucket_s: bs,
        traffic: TrafficSummary::new(profile, bs),
        platforms,
        placements,
        best_placement: None,
        search: None,
        services: Vec::new(),
        services_usd: 0.0,
    };
    r.set_services(s, &[profile.expected_requests()], catalog)?;
    r.best_placement = r
        .placements
        .iter()
        .filter(|p| p.good_enough)
        .min_by(|a, b| a.total_usd.total_cmp(&b.total_usd))
        .map(|p| p.name.clone());
    Ok(r)
}

impl Prepared {
    /// An application whose traffic sweeps scale only workload `w` (and what it
    /// triggers); `profile` stays the whole application's, so a sweep's scale 1 is today.
    pub fn focused(&self, w: usize) -> Option<Prepared> {
        let ap = self.app.as_ref()?;
        if w >= ap.scenario.workloads.len() {
            return None;
        }
        Some(Prepared {
            app: Some(Box::new(ap.focused(w))),
            ..self.clone()
        })
    }
}

/// How much `profile` scales the prepared traffic (an application's analyses scale
/// every workload alike, or the focused one).
fn app_scale(p: &Prepared, profile: &RateProfile) -> f64 {
    let base = p.profile.expected_requests();
    if base > 0.0 && profile != &*p.profile {
        profile.expected_requests() / base
    } else {
        1.0
    }
}

/// An application: every platform running what it may run, every "all on one platform"
/// placement, and the cheapest good-enough placement (found in the fast mode, then
/// simulated in `mode`).
fn run_app(
    ap: &app::AppPrepared,
    profile: &RateProfile,
    catalog: &Catalog,
    mode: Mode,
    ctl: &Control,
) -> Result<SimResult, SimError> {
    let s = &ap.scenario;
    let horizon = profile.horizon_s;
    let bs = bucket_s(horizon);
    let cfg = run::RunCfg::of(s, bs);
    let mode_used = if mode == Mode::Fast && ap.expected_requests() < FAST_EXACT_BELOW {
        Mode::Exact
    } else {
        mode
    };
    let nk = ap.hosts.len();
    if mode_used == Mode::Exact {
        // (the search's pick and its runners-up are simulated besides each platform's own)
        check_exact_app_budget(ap.expected_requests(), nk + 1 + app::search::RUNNERS_UP)?;
        for (w, row) in ap.specs.iter().enumerate() {
            for (k, sp) in row.iter().enumerate() {
                if let Spec::Function(f) = sp {
                    let r = &ap.rates[w];
                    let n = fn_in_flight(f, r.peak_rps(), r.expected_requests());
                    let what = format!("{} on {}", ap.scenario.workloads[w].name, ap.host_name(k));
                    check_exact_in_flight(&what, n)?;
                }
            }
        }
    }
    // runners-up only for the exact mode, which checks them (a looser bound otherwise)
    let runners_up = if mode_used == Mode::Exact {
        app::search::RUNNERS_UP
    } else {
        0
    };
    let found = app::search::best_placement(ap, cfg, catalog, runners_up)?;
    let mut assignments: Vec<app::Assignment> = (0..nk).map(|k| ap.own_entry(k)).collect();
    let best_is_own = found.best.as_ref().is_some_and(|b| assignments.iter().any(|a| a == b));
    if let (Some(b), false) = (&found.best, best_is_own) {
        assignments.push(b.clone());
    }
    // the exact mode also checks the runners-up: the fast mode can misjudge a burst on a
    // shared fleet, and the exact run has the last word
    if mode_used == Mode::Exact {
        for r in &found.runners_up {
            if !assignments.contains(r) {
                assignments.push(r.clone());
            }
        }
    }
    let n = assignments.len().max(1) as f64;
    let results: Vec<Result<app::PlacementResult, SimError>> = assignments
        .par_iter()
        .enumerate()
        .map(|(i, a)| {
            let raw = ap.simulate(a, mode_used, cfg, ctl, (i as f64 / n, 1.0 / n), &found.reuse)?;
            ap.finish(a, raw, catalog, horizon)
        })
        .collect();
    if ctl.cancelled() {
        return Err(SimError::Cancelled);
    }
    let results: Vec<app::PlacementResult> = results.into_iter().collect::<Result<_, _>>()?;
    let mut platforms = Vec::with_capacity(nk);
    let mut placements = Vec::new();
    for (k, r) in results.iter().enumerate().take(nk) {
        let name = ap.host_name(k);
        if let Some(pr) = r.platforms.iter().find(|p| p.name == name) {
            // judged workload by workload, as the placements and the fast totals are
            let mut pr = pr.clone();
            pr.shortfall = r
                .workloads
                .iter()
                .filter(|w| w.platform == name)
                .find_map(|w| w.shortfall);
            platforms.push(pr);
        }
        if ap.runs_all(k) {
            placements.push(r.clone());
        }
    }
    // the mixed candidates simulated (the search's pick, and in the exact mode its
    // runners-up), after the all-on placements
    for r in results.iter().skip(nk) {
        placements.push(r.clone());
    }
    // the search runs in the fast mode; what this run simulated has the last word: the
    // cheapest placement that is good enough here (the search's pick when it is)
    let best_placement = placements
        .iter()
        .filter(|p| p.good_enough)
        .min_by(|a, b| a.total_usd.total_cmp(&b.total_usd))
        .map(|p| p.name.clone());
    ctl.set_progress(1.0);
    let mut r = SimResult {
        scenario: s.name.clone(),
        mode,
        seed: s.seed,
        horizon_s: horizon,
        bucket_s: bs,
        traffic: TrafficSummary::new(profile, bs),
        platforms,
        placements,
        best_placement,
        search: Some(app::SearchSummary {
            assignments: found.assignments,
            exhaustive: found.exhaustive,
        }),
        services: Vec::new(),
        services_usd: 0.0,
    };
    r.set_services(s, &ap.rates_n, catalog)?;
    Ok(r)
}

impl Prepared {
    /// An application with each workload's own traffic replaced by `own` (what it
    /// triggers derived again, the total traffic with it). A single workload has no such
    /// parts: an error.
    pub fn with_own_traffic(&self, own: Vec<RateProfile>) -> Result<Prepared, SimError> {
        let Some(ap) = &self.app else {
            return Err(SimError::Spec(
                "only an application has workloads' own traffic to replace".into(),
            ));
        };
        let ap = ap.with_own(own)?;
        Ok(Prepared {
            scenario: self.scenario.clone(),
            profile: ap.total_profile().into(),
            specs: self.specs.clone(),
            app: Some(Box::new(ap)),
        })
    }
}

impl Prepared {
    /// The same traffic with another scenario's workload and platforms (the traffic
    /// components must be unchanged): sweeps over memory or duration re-resolve platforms
    /// without re-reading traces.
    pub fn with_scenario(&self, s: Scenario, catalog: &Catalog) -> Result<Prepared, SimError> {
        let specs = spec::resolve(&s, catalog).map_err(SimError::Spec)?;
        let app = match &self.app {
            Some(a) => Some(Box::new(a.with_scenario(s.clone(), catalog)?)),
            None => None,
        };
        Ok(Prepared {
            scenario: s,
            profile: self.profile.clone(),
            specs,
            app,
        })
    }
}

/// Total cost per enabled platform in the fast mode, and whether each is good enough
/// (`shortfall`), without series or percentiles: the inner loop of sweeps, the map and
/// Monte Carlo.
pub fn fast_totals(p: &Prepared, profile: &RateProfile, catalog: &Catalog) -> Result<Vec<Total>, SimError> {
    let s = &p.scenario;
    let horizon = profile.horizon_s;
    let cfg = run::RunCfg::of(s, bucket_s(horizon));
    if let Some(ap) = &p.app {
        let k = app_scale(p, profile);
        return app::search::platform_totals(&ap.scaled(k), cfg, catalog);
    }
    let exact = profile.expected_requests() < FAST_EXACT_BELOW;
    let ctl = Control::default();
    let coarse = fast::fast_profile(profile);
    p.specs
        .iter()
        .map(|sp| {
            let raw = match (exact, sp) {
                (true, Spec::Function(f)) if exact_pool::applies(f) => {
                    exact_pool::run(f, profile, cfg, &ctl, (0.0, 0.0))?
                }
                (true, Spec::Function(f)) => exact_fn::run(f, profile, cfg, &ctl, (0.0, 0.0))?,
                (true, Spec::Fleet(f)) => exact_fleet::run(f, profile, cfg, &ctl, (0.0, 0.0))?,
                (false, Spec::Function(f)) => fast::run_function(f, &coarse, cfg),
                (false, Spec::Fleet(f)) => fast::run_fleet(f, &coarse, cfg),
            };
            result::total_only(sp, &raw, s, horizon, catalog)
        })
        .collect()
}

/// Fast-mode runs of every platform, kept to be billed again: the usage of a scenario does
/// not depend on its platforms' regions or purchase options, only its bills do, so the
/// analyses over places and purchase options simulate once and bill each variant.
pub struct Billable {
    runs: BillableRuns,
    horizon_s: f64,
}

enum BillableRuns {
    Single(Vec<run::RawRun>),
    App(Vec<Option<app::search::HostRaw>>),
}

impl Prepared {
    /// Runs every platform in the fast mode (as `fast_totals`) and keeps the runs.
    pub fn fast_billable(&self) -> Result<Billable, SimError> {
        let profile = &self.profile;
        let horizon = profile.horizon_s;
        let cfg = run::RunCfg::of(&self.scenario, bucket_s(horizon));
        if let Some(ap) = &self.app {
            return Ok(Billable {
                runs: BillableRuns::App(app::search::platform_runs(ap, cfg)),
                horizon_s: horizon,
            });
        }
        let exact = profile.expected_requests() < FAST_EXACT_BELOW;
        let ctl = Control::default();
        let coarse = fast::fast_profile(profile);
        let raws = self
            .specs
            .par_iter()
            .map(|sp| {
                Ok(match (exact, sp) {
                    (true, Spec::Function(f)) if exact_pool::applies(f) => {
                        exact_pool::run(f, profile, cfg, &ctl, (0.0, 0.0))?
                    }
                    (true, Spec::Function(f)) => exact_fn::run(f, profile, cfg, &ctl, (0.0, 0.0))?,
                    (true, Spec::Fleet(f)) => exact_fleet::run(f, profile, cfg, &ctl, (0.0, 0.0))?,
                    (false, Spec::Function(f)) => fast::run_function(f, &coarse, cfg),
                    (false, Spec::Fleet(f)) => fast::run_fleet(f, &coarse, cfg),
                })
            })
            .collect::<Result<_, SimError>>()?;
        Ok(Billable {
            runs: BillableRuns::Single(raws),
            horizon_s: horizon,
        })
    }
}

impl Billable {
    fn mismatch() -> SimError {
        SimError::Spec("a variant to bill has other platforms than the runs".into())
    }

    /// Each platform's total and whether it copes, billed with the platforms of `s`: the
    /// runs' own scenario, or the same one with its platforms in other regions or bought
    /// another way (its traffic, workloads and the platforms' sizes must be the runs').
    pub fn totals(&self, s: &Scenario, catalog: &Catalog) -> Result<Vec<Total>, SimError> {
        match &self.runs {
            BillableRuns::App(runs) => runs
                .iter()
                .map(|r| match r {
                    None => Ok(Total {
                        cost_usd: 0.0,
                        compute_usd: 0.0,
                        shortfall: None,
                    }),
                    Some(r) => app::search::total_host_in(r, s, catalog),
                })
                .collect(),
            BillableRuns::Single(raws) => {
                let specs = spec::resolve(s, catalog).map_err(SimError::Spec)?;
                if specs.len() != raws.len() {
                    return Err(Self::mismatch());
                }
                specs
                    .iter()
                    .zip(raws)
                    .map(|(sp, raw)| result::total_only(sp, raw, s, self.horizon_s, catalog))
                    .collect()
            }
        }
    }

    /// As `totals`, the itemised bills (None for a platform that runs no workload).
    pub fn bills(&self, s: &Scenario, catalog: &Catalog) -> Result<Vec<Option<crate::billing::Bill>>, SimError> {
        match &self.runs {
            BillableRuns::App(runs) => runs
                .iter()
                .map(|r| match r {
                    None => Ok(None),
                    Some(r) => app::search::bill_host_in(r, s, catalog).map(Some),
                })
                .collect(),
            BillableRuns::Single(raws) => {
                let specs = spec::resolve(s, catalog).map_err(SimError::Spec)?;
                if specs.len() != raws.len() {
                    return Err(Self::mismatch());
                }
                specs
                    .iter()
                    .zip(raws)
                    .map(|(sp, raw)| result::bill_only(sp, raw, s, self.horizon_s, catalog).map(Some))
                    .collect()
            }
        }
    }

    /// How platform `i`'s usage spreads over the hours (live replicas of a fleet, busy
    /// environments of a function), as a commitment on it is billed; empty when it runs
    /// nothing.
    pub fn hour_weights(&self, owner: &Prepared, i: usize) -> Vec<f64> {
        match (&self.runs, &owner.app) {
            (BillableRuns::App(runs), Some(ap)) => runs
                .get(i)
                .and_then(|r| r.as_ref())
                .map(|r| app::search::host_hour_weights(ap, r))
                .unwrap_or_default(),
            (BillableRuns::Single(raws), _) => match (owner.specs.get(i), raws.get(i)) {
                (Some(sp), Some(raw)) => result::hour_weights(sp, raw, self.horizon_s),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        }
    }
}

/// Fast-mode plans for every platform of a prepared scenario: what does not change when
/// only the traffic volume does (sweeps along traffic scale compute them once).
pub struct FastPlans {
    pub plans: Vec<fast::Plan>,
    pub horizon_s: f64,
    pub expected_requests: f64,
}

impl Prepared {
    pub fn fast_plans(&self) -> FastPlans {
        let coarse = fast::fast_profile(&self.profile);
        FastPlans {
            plans: plans_of(&self.specs, &coarse, |_| None),
            horizon_s: self.profile.horizon_s,
            expected_requests: self.profile.expected_requests(),
        }
    }

    /// The plans of this scenario, whose traffic is `base`'s (`coarse`: that traffic at
    /// the fast mode's resolution) and whose platforms are the same but for their
    /// workload's service times (a Monte Carlo sample): a function's stretches follow the
    /// traffic's shape alone and are `base`'s; a fleet's busy counts follow the service
    /// times and are made again.
    pub fn fast_plans_like(&self, base: &FastPlans, coarse: &RateProfile) -> FastPlans {
        FastPlans {
            plans: plans_of(&self.specs, coarse, |i| match (&self.specs[i], base.plans.get(i)) {
                (Spec::Function(_), Some(b @ fast::Plan::Function(_))) => Some(b.clone()),
                _ => None,
            }),
            horizon_s: base.horizon_s,
            expected_requests: base.expected_requests,
        }
    }
}

/// The fast-mode plan of every platform over `coarse` (the traffic at the fast mode's
/// resolution), `given(i)` where it has platform i's. A fleet's plan depends on its
/// service times alone, so fleets of the same service times (containers and VMs of a
/// vCPU or more run a request at the workload's own speed) share one.
fn plans_of(specs: &[Spec], coarse: &RateProfile, given: impl Fn(usize) -> Option<fast::Plan>) -> Vec<fast::Plan> {
    let mut plans: Vec<fast::Plan> = Vec::with_capacity(specs.len());
    for (i, s) in specs.iter().enumerate() {
        let same_fleet = match s {
            Spec::Fleet(f) => specs[..i].iter().position(|o| {
                matches!(o, Spec::Fleet(g) if g.duration_dist == f.duration_dist
                    && g.slowdown.to_bits() == f.slowdown.to_bits())
            }),
            Spec::Function(_) => None,
        };
        let plan = match (given(i), same_fleet) {
            (Some(p), _) => p,
            (None, Some(j)) => plans[j].clone(),
            (None, None) => fast::plan(s, coarse),
        };
        plans.push(plan);
    }
    plans
}

/// As `fast_totals` at `scale` times the traffic, from precomputed plans, for the
/// platforms `only` (all when None), in that order.
pub fn fast_totals_scaled(
    p: &Prepared,
    plans: &FastPlans,
    scale: f64,
    only: Option<&[usize]>,
    catalog: &Catalog,
) -> Result<Vec<Total>, SimError> {
    let s = &p.scenario;
    let horizon = plans.horizon_s;
    let cfg = run::RunCfg::of(s, bucket_s(horizon));
    let all: Vec<usize> = (0..p.specs.len()).collect();
    let idx = only.unwrap_or(&all);
    if let Some(ap) = &p.app {
        return app::search::platform_totals_of(&ap.scaled_for(scale, only), idx, cfg, catalog);
    }
    let exact = plans.expected_requests * scale < FAST_EXACT_BELOW;
    let scaled = if exact { Some(p.profile.scaled(scale)) } else { None };
    let ctl = Control::default();
    idx.iter()
        .map(|&i| {
            let sp = &p.specs[i];
            let raw = match (&scaled, sp, &plans.plans[i]) {
                (Some(prof), Spec::Function(f), _) if exact_pool::applies(f) => {
                    exact_pool::run(f, prof, cfg, &ctl, (0.0, 0.0))?
                }
                (Some(prof), Spec::Function(f), _) => exact_fn::run(f, prof, cfg, &ctl, (0.0, 0.0))?,
                (Some(prof), Spec::Fleet(f), _) => exact_fleet::run(f, prof, cfg, &ctl, (0.0, 0.0))?,
                (None, Spec::Function(f), fast::Plan::Function(pl)) => {
                    fast::run_function_planned(f, pl, scale, horizon, cfg)
                }
                (None, Spec::Fleet(f), fast::Plan::Fleet(pl)) => fast::run_fleet_planned(f, pl, scale, horizon, cfg),
                _ => return Err(SimError::Spec("a fast-mode plan does not match its platform".into())),
            };
            result::total_only(sp, &raw, s, horizon, catalog)
        })
        .collect()
}

/// Prepare and run in one call (CLI, tests).
pub fn simulate(s: &Scenario, base_dir: &Path, catalog: &Catalog, mode: Mode) -> Result<SimResult, SimError> {
    let p = prepare(s, base_dir, catalog, &mut TraceStore::default())?;
    run(&p, catalog, mode, &Control::default())
}

#[cfg(test)]
mod budget_tests {
    use super::*;

    #[test]
    fn exact_runs_are_bounded_by_the_total_over_platforms() {
        assert_eq!(check_exact_budget(2.1e9, 4), Ok(()), "steady-high fits");
        assert_eq!(check_exact_budget(EXACT_MAX_REQUESTS, 1), Ok(()));
        let Err(SimError::Spec(m)) = check_exact_budget(2.6e9, 4) else {
            panic!("1.04e10 requests is over the budget")
        };
        assert!(
            m.contains("simulating 1.0e10 requests (2.6e9 on each of 4 platforms)"),
            "{m}"
        );
        let Err(SimError::Spec(m)) = check_exact_budget(2.6e13, 1) else {
            panic!("over")
        };
        assert!(m.contains("(2.6e13 on its one platform)"), "{m}");
        assert!(check_exact_budget(f64::INFINITY, 1).is_err());
        assert!(check_exact_budget(f64::NAN, 1).is_err());
    }

    #[test]
    fn an_applications_exact_run_counts_its_placements_and_slower_engines() {
        assert_eq!(check_exact_app_budget(2.5e8, 6), Ok(()), "saas-backend fits");
        let Err(SimError::Spec(m)) = check_exact_app_budget(4.7e9, 5) else {
            panic!("the pipeline that ran for a quarter of an hour")
        };
        assert!(
            m.contains("simulating 2.4e10 requests (4.7e9 in each of up to 5 placements: every workload on each platform, the best mix and its runners-up)"),
            "{m}"
        );
        let Err(SimError::Spec(m)) = check_exact_app_budget(3e9, 1) else {
            panic!("over")
        };
        assert!(m.contains("(3.0e9 in one placement)"), "{m}");
        assert!(check_exact_app_budget(f64::NAN, 1).is_err());
    }
}
