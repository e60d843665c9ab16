//! Scenario validation: every problem at once, by field path, with the allowed range.
//!
//! The engines may assume a validated scenario: finite numbers, positive durations, rates
//! within `Limits::MAX_RPS`, services that exist in the catalog and fit the platform kind.

use super::{Component, Dist, Platform, Problem, SCENARIO_VERSION, Scenario, TraceFormat};
use crate::pricing::{Catalog, Service, ServiceRole};
use std::collections::HashSet;
use std::path::Path;

/// Documented bounds on scenario values.
pub struct Limits;

impl Limits {
    /// Highest total request rate accepted (10 million req/s, beyond any single
    /// workload these services publish).
    pub const MAX_RPS: f64 = 1.0e7;
    pub const MAX_HORIZON_DAYS: f64 = 366.0;
    /// Shortest period simulated (one second): shorter reads "over 0 seconds", all zeros.
    pub const MIN_HORIZON_DAYS: f64 = 1.0 / 86_400.0;
    /// Longest request duration or cold start accepted (one day, in ms).
    pub const MAX_DURATION_MS: f64 = 86_400_000.0;
    /// Longest cold start accepted (ten minutes, in ms).
    pub const MAX_COLD_START_MS: f64 = 600_000.0;
    /// Widest log-normal accepted: p99 at most this many times the median (a spread of
    /// sigma 3.96, a mean 2,600 times the median; wider is no request-time distribution
    /// seen in practice, and its tail would swamp every figure).
    pub const MAX_LOGNORMAL_SPREAD: f64 = 10_000.0;
    pub const MAX_KEEP_ALIVE_S: f64 = 86_400.0;
    pub const MAX_PAYLOAD_KB: f64 = 10_485_760.0; // 10 GB
    pub const MAX_REPLICAS: u32 = 100_000;
    pub const MAX_GROWTH_PCT: f64 = 1000.0;
    /// Most requests one Spike or one trace may hold.
    pub const MAX_REQUESTS: f64 = 1e13;
    /// Most rows a CSV trace may have: a year at 6.3 s steps, or 58 days at 1 s (each
    /// row costs 24 bytes in memory).
    pub const MAX_TRACE_ROWS: usize = 5_000_000;
    /// Smallest step between two trace timestamps (1 ms).
    pub const MIN_TRACE_STEP_S: f64 = 0.001;
    /// Longest name of a scenario, workload, pipeline or platform, in characters: names
    /// label table columns and chart legends (a 65,536-character name broke the tables).
    pub const MAX_NAME_CHARS: usize = 100;
}

struct V<'a> {
    out: &'a mut Vec<Problem>,
}

/// Whether `name` is longer than a name may be (said at `path` when it is).
fn name_length(v: &mut V, path: String, name: &str) -> bool {
    let n = name.chars().count();
    if n > Limits::MAX_NAME_CHARS {
        v.push(
            path,
            format!(
                "a name of {n} characters: at most {} (names label table columns and chart legends)",
                Limits::MAX_NAME_CHARS
            ),
        );
    }
    n > Limits::MAX_NAME_CHARS
}

impl V<'_> {
    fn push(&mut self, path: impl Into<String>, msg: impl Into<String>) {
        self.out.push(Problem::new(path, msg));
    }

    /// A finite number within [lo, hi].
    fn range(&mut self, path: &str, x: f64, lo: f64, hi: f64, unit: &str) -> bool {
        if !x.is_finite() {
            self.push(path, format!("must be a finite number, found {x}"));
            return false;
        }
        if x < lo || x > hi {
            self.push(
                path,
                format!(
                    "{} is out of range: allowed {} to {}{}",
                    fmt(x),
                    fmt(lo),
                    fmt(hi),
                    unit_sfx(unit)
                ),
            );
            return false;
        }
        true
    }

    /// A finite number above zero and at most `hi`.
    fn positive(&mut self, path: &str, x: f64, hi: f64, unit: &str) -> bool {
        if !x.is_finite() {
            self.push(path, format!("must be a finite number, found {x}"));
            return false;
        }
        if x <= 0.0 || x > hi {
            self.push(
                path,
                format!(
                    "{} is out of range: must be above 0 and at most {}{}",
                    fmt(x),
                    fmt(hi),
                    unit_sfx(unit)
                ),
            );
            return false;
        }
        true
    }

    fn dist(&mut self, path: &str, d: &Dist, allow_zero: bool, hi: f64, unit: &str) {
        let lo_ok = |x: f64| if allow_zero { x >= 0.0 } else { x > 0.0 };
        let lo_txt = if allow_zero { "0 or more" } else { "above 0" };
        for (name, x) in d.params() {
            let p = if name.is_empty() {
                path.to_string()
            } else {
                format!("{path}.{name}")
            };
            if !x.is_finite() {
                self.push(p, format!("must be a finite number, found {x}"));
            } else if !lo_ok(x) || x > hi {
                self.push(
                    p,
                    format!(
                        "{} is out of range: must be {lo_txt} and at most {}{}",
                        fmt(x),
                        fmt(hi),
                        unit_sfx(unit)
                    ),
                );
            }
        }
        match *d {
            // never read (a scenario deserialized without `parse_scenario`, as a working
            // copy is): its values would all be 0, so it is a problem, not a default
            Dist::Empirical {
                ref knots,
                path: ref file,
            } if knots.0.is_empty() => {
                self.push(
                    format!("{path}.path"),
                    format!("the quantile file {file:?} has not been read: open the scenario again to read it"),
                );
            }
            Dist::Empirical { ref knots, .. } if !knots.0.is_empty() => {
                let (lo, top) = (knots.quantile(0.0), knots.quantile(1.0));
                if !lo_ok(lo) || top > hi {
                    self.push(
                        format!("{path}.path"),
                        format!(
                            "the file's values run from {} to {}: they must be {lo_txt} and at most {}{}",
                            fmt(lo),
                            fmt(top),
                            fmt(hi),
                            unit_sfx(unit)
                        ),
                    );
                }
            }
            // (a log-normal has no zero median: `Fixed(0.0)` is none at all)
            Dist::LogNormal { median, .. } if allow_zero && median == 0.0 => self.push(
                format!("{path}.median"),
                "a log-normal's median must be above 0 (for none at all, write Fixed(0.0))",
            ),
            Dist::LogNormal { median, p99 } if p99 < median => self.push(
                format!("{path}.p99"),
                format!("p99 ({}) must be at least the median ({})", fmt(p99), fmt(median)),
            ),
            Dist::LogNormal { median, p99 }
                if median > 0.0 && p99.is_finite() && p99 > median * Limits::MAX_LOGNORMAL_SPREAD =>
            {
                self.push(
                    format!("{path}.p99"),
                    format!(
                        "p99 ({}) is {} times the median ({}): at most {} times (a log-normal that wide has a mean thousands of times its median)",
                        fmt(p99),
                        fmt(p99 / median),
                        fmt(median),
                        fmt(Limits::MAX_LOGNORMAL_SPREAD)
                    ),
                )
            }
            Dist::Uniform { min, max } if max < min => self.push(
                format!("{path}.max"),
                format!("max ({}) must be at least min ({})", fmt(max), fmt(min)),
            ),
            _ => {}
        }
    }
}

fn unit_sfx(unit: &str) -> String {
    if unit.is_empty() {
        String::new()
    } else {
        format!(" {unit}")
    }
}

/// Short human form of a number for messages.
/// A number as messages show it: large and tiny ones in scientific notation (`1e300`,
/// `1e-100`, not a hundred digits).
pub fn fmt(x: f64) -> String {
    if x.is_finite() && (x.abs() >= 1e6 || (x != 0.0 && x.abs() < 1e-4)) {
        // four significant digits: `1.833e7`, `1e300`
        let s = format!("{x:.3e}");
        match s.split_once('e') {
            Some((m, e)) if m.contains('.') => {
                let m = m.trim_end_matches('0').trim_end_matches('.');
                format!("{m}e{e}")
            }
            _ => s,
        }
    } else {
        format!("{x}")
    }
}

/// All problems in a scenario. `base_dir` resolves trace paths; without it trace files
/// are not looked at.
pub fn validate_scenario(s: &Scenario, catalog: &Catalog, base_dir: Option<&Path>) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut v = V { out: &mut out };

    if s.version == 0 || s.version > SCENARIO_VERSION {
        v.push(
            "version",
            format!(
                "unsupported scenario version {}: this build reads versions 1 and {SCENARIO_VERSION}",
                s.version
            ),
        );
    }
    if s.name.trim().is_empty() {
        v.push("name", "the scenario needs a name");
    } else {
        name_length(&mut v, "name".into(), &s.name);
    }
    if v.positive("horizon_days", s.horizon_days, Limits::MAX_HORIZON_DAYS, "days")
        && s.horizon_days < Limits::MIN_HORIZON_DAYS
    {
        v.push(
            "horizon_days",
            format!(
                "{} days is {} s: simulate at least one second ({} days)",
                fmt(s.horizon_days),
                fmt(s.horizon_days * 86_400.0),
                fmt(Limits::MIN_HORIZON_DAYS)
            ),
        );
    }

    v.range("egress_share", s.egress_share, 0.0, 1.0, "(share of responses)");
    let mut seen = HashSet::new();
    for (i, d) in s.discounts.iter().enumerate() {
        let path = format!("discounts[{i}]");
        if !super::PROVIDERS.iter().any(|(id, _)| *id == d.provider) {
            v.push(
                format!("{path}.provider"),
                format!(
                    "unknown provider `{}`; a discount names one of: {}",
                    d.provider,
                    super::PROVIDERS.map(|p| p.0).join(", ")
                ),
            );
        } else if !seen.insert(d.provider.clone()) {
            v.push(
                format!("{path}.provider"),
                format!("`{}` has a discount already", d.provider),
            );
        }
        v.range(&format!("{path}.discount_pct"), d.discount_pct, 0.0, 100.0, "%");
    }
    let peaks = application(&mut v, s);
    let mut total_peak = 0.0;
    for (i, w) in s.workloads.iter().enumerate() {
        let own = traffic(&mut v, s, i, base_dir);
        total_peak += own + peaks.get(i).copied().unwrap_or(0.0);
        workload(&mut v, &s.request_path(i), &w.request);
        calls_priced(&mut v, &s.request_path(i), &w.request, catalog);
    }
    if s.workloads.len() > 1 && total_peak > Limits::MAX_RPS && total_peak.is_finite() {
        v.push(
            "workloads",
            format!(
                "the workloads add up to a peak of about {} req/s (triggered requests included), above the {} req/s limit",
                fmt(total_peak),
                fmt(Limits::MAX_RPS)
            ),
        );
    }
    platforms(&mut v, s, catalog);
    let enabled = s.platforms.iter().filter(|p| p.enabled()).count();
    let months = (s.horizon_days / 30.0).max(1.0);
    let work = (s.workloads.len() * enabled) as f64 * months;
    if s.workloads.len() > 1 && work > super::MAX_APP_WORK {
        let days = (super::MAX_APP_WORK / (s.workloads.len() * enabled) as f64 * 30.0).floor();
        v.push(
            "horizon_days",
            format!(
                "{} workloads on {enabled} platforms over {} days are {work:.0} workload-platform-months to \
                 simulate at every point of the analyses, more than the {:.0} an application may hold: {}",
                s.workloads.len(),
                s.horizon_days,
                super::MAX_APP_WORK,
                if days >= 30.0 {
                    format!("at most {days:.0} days here, or fewer workloads or platforms")
                } else {
                    "fewer workloads or platforms".to_string()
                }
            ),
        );
    }
    if let Some(u) = &s.uncertainty {
        for (name, d) in [
            ("traffic", &u.traffic),
            ("duration", &u.duration),
            ("cold_start", &u.cold_start),
            ("keep_alive", &u.keep_alive),
        ] {
            if let Some(d) = d {
                v.dist(&format!("uncertainty.{name}"), d, false, 1000.0, "(multiplier)");
            }
        }
        if u.samples == 0 || u.samples > 5000 {
            v.push(
                "uncertainty.samples",
                format!("{} is out of range: allowed 1 to 5000 samples", u.samples),
            );
        } else {
            // every sample simulates every platform running every workload over the horizon
            let platforms = s.platforms.iter().filter(|p| p.enabled()).count().max(1);
            let months = (s.horizon_days / 30.0).max(1.0);
            let per_sample = (platforms * s.workloads.len().max(1)) as f64 * months;
            let work = f64::from(u.samples) * per_sample;
            if work.is_finite() && work > MAX_MONTE_CARLO_RUNS {
                let most = (MAX_MONTE_CARLO_RUNS / per_sample).floor().max(1.0);
                v.push(
                    "uncertainty.samples",
                    format!(
                        "{} samples, each simulating {platforms} platform{} x {} workload{} over {} days, are \
                         {work:.0} month-long simulations, more than the {MAX_MONTE_CARLO_RUNS:.0} Monte Carlo \
                         may run (about half a minute): at most {most:.0} samples here",
                        u.samples,
                        if platforms == 1 { "" } else { "s" },
                        s.workloads.len().max(1),
                        if s.workloads.len() > 1 { "s" } else { "" },
                        s.horizon_days,
                    ),
                );
            }
        }
    }
    out
}

/// The most month-long platform simulations Monte Carlo runs (samples x enabled platforms
/// x workloads x months of horizon): about half a minute on two cores. The largest a
/// single workload on four platforms over a month allows (5,000 samples) is half of it.
pub const MAX_MONTE_CARLO_RUNS: f64 = 40_000.0;

/// Workload names, triggers and pipelines. Returns each workload's peak rate from
/// triggers (upstream peak x `per_request`), for the total rate check.
fn application(v: &mut V, s: &Scenario) -> Vec<f64> {
    let n = s.workloads.len();
    if s.writes_v1() {
        for (i, c) in s.traffic().components.iter().enumerate() {
            if matches!(c, Component::Triggered { .. }) {
                v.push(
                    format!("traffic.components[{i}]"),
                    "Triggered traffic comes from another workload of an application: use version 2 with `workloads`",
                );
            }
        }
        return vec![0.0; n];
    }
    if s.version < 2 {
        v.push(
            "version",
            "`workloads` and `pipelines` are version 2 fields: set `version: 2`",
        );
    }
    if n > super::MAX_WORKLOADS {
        v.push(
            "workloads",
            format!("{n} workloads: at most {} are allowed", super::MAX_WORKLOADS),
        );
    }
    let mut seen = HashSet::new();
    for (i, w) in s.workloads.iter().enumerate() {
        if w.name.trim().is_empty() {
            v.push(format!("workloads[{i}].name"), "the workload needs a name");
        } else if name_length(v, format!("workloads[{i}].name"), &w.name) {
        } else if !seen.insert(w.name.as_str()) {
            v.push(
                format!("workloads[{i}].name"),
                format!("another workload is already named `{}`", w.name),
            );
        }
    }
    // trigger edges: upstream -> (downstream, per_request)
    let mut ups: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    for (i, w) in s.workloads.iter().enumerate() {
        for (j, c) in w.traffic.components.iter().enumerate() {
            let Component::Triggered {
                workload,
                per_request,
                delay_ms,
            } = c
            else {
                continue;
            };
            let p = format!("workloads[{i}].traffic.components[{j}]");
            let ok = v.range(
                &format!("{p}.per_request"),
                *per_request,
                0.0,
                100.0,
                "requests per upstream request",
            );
            v.range(&format!("{p}.delay_ms"), *delay_ms, 0.0, Limits::MAX_DURATION_MS, "ms");
            match s.workload_index(workload) {
                None => v.push(
                    format!("{p}.workload"),
                    format!(
                        "unknown workload `{workload}`; the workloads are: {}",
                        s.workloads
                            .iter()
                            .map(|w| w.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ),
                Some(u) if ok => ups[i].push((u, *per_request)),
                Some(_) => {}
            }
        }
    }
    // cycles: depth-first search from every workload
    let mut state = vec![0u8; n]; // 0 new, 1 on the stack, 2 done
    let mut cycle_at = None;
    fn visit(i: usize, ups: &[Vec<(usize, f64)>], state: &mut [u8], cycle_at: &mut Option<usize>) {
        state[i] = 1;
        for &(u, _) in &ups[i] {
            if state[u] == 1 {
                cycle_at.get_or_insert(i);
            } else if state[u] == 0 {
                visit(u, ups, state, cycle_at);
            }
        }
        state[i] = 2;
    }
    for i in 0..n {
        if state[i] == 0 {
            visit(i, &ups, &mut state, &mut cycle_at);
        }
    }
    if let Some(i) = cycle_at {
        let j = s.workloads[i]
            .traffic
            .components
            .iter()
            .position(|c| matches!(c, Component::Triggered { .. }))
            .unwrap_or(0);
        v.push(
            format!("workloads[{i}].traffic.components[{j}].workload"),
            format!(
                "workload `{}` is in a cycle of triggers (it ends up triggering itself); a trigger chain must end",
                s.workloads[i].name
            ),
        );
    }
    // pipelines
    let mut in_pipeline: Vec<Option<usize>> = vec![None; n];
    for (k, p) in s.pipelines.iter().enumerate() {
        let base = format!("pipelines[{k}]");
        if p.name.trim().is_empty() {
            v.push(format!("{base}.name"), "the pipeline needs a name");
        } else if name_length(v, format!("{base}.name"), &p.name) {
        } else if let Some(first) = s.pipelines[..k].iter().position(|q| q.name == p.name) {
            // (results, reports and the editor name pipelines: two of one name are one)
            v.push(
                format!("{base}.name"),
                format!(
                    "`{}` is also the name of pipelines[{first}]: give each pipeline its own",
                    p.name
                ),
            );
        }
        if p.steps.is_empty() {
            v.push(format!("{base}.steps"), "a pipeline needs at least one step");
        }
        if let Some(slo) = p.latency_slo_ms {
            v.positive(&format!("{base}.latency_slo_ms"), slo, Limits::MAX_DURATION_MS, "ms");
        }
        let mut prev: Option<usize> = None;
        for (j, step) in p.steps.iter().enumerate() {
            let sp = format!("{base}.steps[{j}]");
            let Some(i) = s.workload_index(step) else {
                v.push(sp, format!("unknown workload `{step}` in pipeline `{}`", p.name));
                prev = None;
                continue;
            };
            let listed_before = in_pipeline[i];
            match listed_before {
                Some(other) if other == k => v.push(
                    sp.clone(),
                    format!(
                        "workload `{step}` is listed twice in pipeline `{}`; a workload is one step of at most one pipeline",
                        p.name
                    ),
                ),
                Some(other) => v.push(
                    sp.clone(),
                    format!(
                        "workload `{step}` is already a step of pipeline `{}`; a workload belongs to at most one pipeline",
                        s.pipelines[other].name
                    ),
                ),
                None => in_pipeline[i] = Some(k),
            }
            // (a step listed twice is already wrong: asking it to trigger itself would not help)
            if let Some(u) = prev
                && listed_before.is_none()
                && !ups[i].iter().any(|&(x, _)| x == u)
            {
                v.push(
                    sp,
                    format!(
                        "step `{step}` is not triggered by the step before it (`{}`): give `{step}` the traffic \
                         component Triggered(workload: \"{}\", per_request: 1.0)",
                        s.workloads[u].name, s.workloads[u].name
                    ),
                );
            }
            prev = Some(i);
        }
    }
    for (i, p) in s.platforms.iter().enumerate() {
        for (j, r) in p.runs().iter().enumerate() {
            if s.workload_index(r).is_none() {
                v.push(format!("platforms[{i}].runs[{j}]"), format!("unknown workload `{r}`"));
            } else if p.runs()[..j].contains(r) {
                v.push(
                    format!("platforms[{i}].runs[{j}]"),
                    format!("`{r}` is listed twice in this platform's `runs`"),
                );
            }
        }
    }
    if !s.workloads.is_empty()
        && s.platforms.iter().any(|p| p.enabled())
        && !s
            .workloads
            .iter()
            .all(|w| s.platforms.iter().any(|p| p.enabled() && p.may_run(&w.name)))
    {
        let w = s
            .workloads
            .iter()
            .find(|w| !s.platforms.iter().any(|p| p.enabled() && p.may_run(&w.name)))
            .map(|w| w.name.clone())
            .unwrap_or_default();
        v.push(
            "platforms",
            format!("no enabled platform may run workload `{w}`: add it to a platform's `runs` (or leave `runs` out)"),
        );
    }
    if cycle_at.is_some() {
        return vec![0.0; n];
    }
    // peaks through triggers, in dependency order
    let own: Vec<f64> = s.workloads.iter().map(|w| peak_estimate(&w.traffic)).collect();
    let mut peak: Vec<Option<f64>> = vec![None; n];
    fn peak_of(i: usize, ups: &[Vec<(usize, f64)>], own: &[f64], peak: &mut [Option<f64>]) -> f64 {
        if let Some(p) = peak[i] {
            return p;
        }
        let mut x = own[i];
        for &(u, k) in &ups[i] {
            x += k * peak_of(u, ups, own, peak);
        }
        peak[i] = Some(x);
        x
    }
    (0..n).map(|i| peak_of(i, &ups, &own, &mut peak) - own[i]).collect()
}

/// The sum of the components' peak rates (as `traffic` checks them), without growth.
fn peak_estimate(t: &super::Traffic) -> f64 {
    t.components
        .iter()
        .map(|c| match *c {
            Component::Constant { rps } => rps,
            Component::Diurnal { peak_rps, .. } => peak_rps,
            Component::Spike {
                duration_min, requests, ..
            } => requests / (duration_min * 60.0).max(1e-9),
            Component::Scheduled { rps, .. } => rps,
            _ => 0.0,
        })
        .filter(|x| x.is_finite() && *x > 0.0)
        .sum()
}

/// One workload's traffic; returns the peak rate of its own components.
fn traffic(v: &mut V, s: &Scenario, wi: usize, base_dir: Option<&Path>) -> f64 {
    let t = &s.workloads[wi].traffic;
    let tp = s.traffic_path(wi);
    if t.components.is_empty() {
        v.push(
            format!("{tp}.components"),
            "add at least one traffic component (e.g. Constant(rps: 1.0))",
        );
    }
    if t.components.len() > super::MAX_COMPONENTS {
        v.push(
            format!("{tp}.components"),
            format!(
                "{} traffic components: at most {} (merge Constant rates into one, or use a trace)",
                t.components.len(),
                super::MAX_COMPONENTS
            ),
        );
        // (each component is walked over the horizon: do not check thousands of them)
        return 0.0;
    }
    let max = Limits::MAX_RPS;
    let mut peak_sum = 0.0;
    let mut growth = 1.0f64;
    let horizon_days = if s.horizon_days.is_finite() {
        s.horizon_days
    } else {
        30.0
    };
    for (i, c) in t.components.iter().enumerate() {
        let p = format!("{tp}.components[{i}]");
        match c {
            Component::Constant { rps } => {
                if v.range(&format!("{p}.rps"), *rps, 0.0, max, "req/s") {
                    peak_sum += rps;
                }
            }
            Component::Diurnal {
                peak_rps,
                trough_rps,
                peak_hour,
            } => {
                let a = v.range(&format!("{p}.peak_rps"), *peak_rps, 0.0, max, "req/s");
                let b = v.range(&format!("{p}.trough_rps"), *trough_rps, 0.0, max, "req/s");
                v.range(&format!("{p}.peak_hour"), *peak_hour, 0.0, 24.0, "h");
                if a && b && trough_rps > peak_rps {
                    v.push(
                        format!("{p}.trough_rps"),
                        format!("trough_rps ({trough_rps}) must not exceed peak_rps ({peak_rps})"),
                    );
                }
                if a {
                    peak_sum += peak_rps;
                }
            }
            Component::Spike {
                day,
                hour,
                duration_min,
                requests,
            } => {
                let in_range = v.range(
                    &format!("{p}.day"),
                    *day,
                    0.0,
                    horizon_days,
                    "days (within the horizon)",
                ) & v.range(&format!("{p}.hour"), *hour, 0.0, 24.0, "h");
                // (day and hour each within range can still start the spike after the
                // horizon: its requests were dropped without a word)
                let start_days = day + hour / 24.0;
                if in_range && start_days >= horizon_days {
                    v.push(
                        format!("{p}.hour"),
                        format!(
                            "the spike starts {} days in (day {} at {} h), when the {}-day horizon has ended: start it earlier or lengthen horizon_days",
                            fmt((start_days * 100.0).round() / 100.0),
                            fmt(*day),
                            fmt(*hour),
                            fmt(horizon_days)
                        ),
                    );
                }
                let d = v.positive(&format!("{p}.duration_min"), *duration_min, 7.0 * 1440.0, "min");
                let r = v.range(
                    &format!("{p}.requests"),
                    *requests,
                    0.0,
                    Limits::MAX_REQUESTS,
                    "requests",
                );
                if d && r {
                    let rate = requests / (duration_min * 60.0);
                    if rate > max {
                        v.push(
                            format!("{p}.requests"),
                            format!(
                                "{} requests in {} min is {} req/s, above the {} req/s limit",
                                fmt(*requests),
                                duration_min,
                                fmt(rate),
                                fmt(max)
                            ),
                        );
                    } else {
                        peak_sum += rate;
                    }
                }
            }
            Component::Scheduled {
                every_hours,
                at_hour,
                duration_min,
                rps,
            } => {
                let e = v.positive(&format!("{p}.every_hours"), *every_hours, 24.0 * 366.0, "h");
                v.range(&format!("{p}.at_hour"), *at_hour, 0.0, 24.0 * 366.0, "h");
                let d = v.positive(&format!("{p}.duration_min"), *duration_min, 7.0 * 1440.0, "min");
                if e && d && *duration_min > every_hours * 60.0 {
                    v.push(
                        format!("{p}.duration_min"),
                        format!(
                            "a run of {duration_min} min is longer than the {} min between runs",
                            every_hours * 60.0
                        ),
                    );
                }
                if e && *every_hours < 1.0 / 60.0 {
                    v.push(
                        format!("{p}.every_hours"),
                        "runs must be at least one minute apart (0.0167 h)",
                    );
                }
                if v.range(&format!("{p}.rps"), *rps, 0.0, max, "req/s") {
                    peak_sum += rps;
                }
            }
            Component::Growth { monthly_pct } => {
                if v.range(
                    &format!("{p}.monthly_pct"),
                    *monthly_pct,
                    -99.0,
                    Limits::MAX_GROWTH_PCT,
                    "%",
                ) {
                    let months = horizon_days / 30.0;
                    growth *= (1.0 + monthly_pct / 100.0).powf(months).max(1.0);
                }
            }
            // checked with the application (names, cycles, ranges)
            Component::Triggered { .. } => {}
            Component::Trace {
                path,
                format,
                function,
                app,
                scale,
            } => {
                v.range(&format!("{p}.scale"), *scale, 0.0, 1e6, "");
                if path.trim().is_empty() {
                    v.push(format!("{p}.path"), "the trace needs a file path");
                } else if let Some(base) = base_dir {
                    let full = base.join(path);
                    let problem = match std::fs::metadata(&full) {
                        Ok(m) if m.is_file() && m.len() > crate::util::MAX_TRACE_FILE_BYTES => Some(format!(
                            "{}: the trace is too large ({} MiB; at most {} MiB is read)",
                            full.display(),
                            m.len().div_ceil(1 << 20),
                            crate::util::MAX_TRACE_FILE_BYTES >> 20
                        )),
                        Ok(m) if m.is_file() => None,
                        Ok(m) if m.is_dir() => Some(format!("{}: is a folder, not a trace file", full.display())),
                        Ok(_) => Some(format!(
                            "{}: is not a regular file (a device, pipe or socket), not a trace file",
                            full.display()
                        )),
                        Err(_) => Some(format!(
                            "trace file not found: {} (paths are relative to the scenario file)",
                            full.display()
                        )),
                    };
                    if let Some(m) = problem {
                        v.push(format!("{p}.path"), m);
                    }
                }
                if *format == TraceFormat::Csv && (function.is_some() || app.is_some()) {
                    v.push(
                        format!("{p}.format"),
                        "`function` and `app` select rows of an Azure2019 trace; a Csv trace has one series",
                    );
                }
            }
        }
    }
    if peak_sum * growth > max && peak_sum.is_finite() {
        v.push(
            format!("{tp}.components"),
            format!(
                "the components add up to a peak of about {} req/s (with growth), above the {} req/s limit",
                fmt(peak_sum * growth),
                fmt(max)
            ),
        );
    }
    peak_sum * growth
}

fn workload(v: &mut V, base: &str, w: &super::Workload) {
    v.dist(
        &format!("{base}.duration_ms"),
        &w.duration_ms,
        false,
        Limits::MAX_DURATION_MS,
        "ms",
    );
    v.range(
        &format!("{base}.cpu_fraction"),
        w.cpu_fraction,
        0.0,
        1.0,
        "(share of the duration)",
    );
    v.dist(
        &format!("{base}.cold_start_ms"),
        &w.cold_start_ms,
        true,
        Limits::MAX_COLD_START_MS,
        "ms",
    );
    v.range(
        &format!("{base}.request_kb"),
        w.request_kb,
        0.0,
        Limits::MAX_PAYLOAD_KB,
        "KB",
    );
    v.range(
        &format!("{base}.response_kb"),
        w.response_kb,
        0.0,
        Limits::MAX_PAYLOAD_KB,
        "KB",
    );
    if let Some(slo) = w.latency_slo_ms {
        v.positive(&format!("{base}.latency_slo_ms"), slo, Limits::MAX_DURATION_MS, "ms");
    }
    v.range(
        &format!("{base}.requests_per_connection"),
        w.requests_per_connection,
        1.0,
        1e9,
        "",
    );
    v.range(&format!("{base}.log_kb"), w.log_kb, 0.0, Limits::MAX_PAYLOAD_KB, "KB");
    if w.calls.len() > 64 {
        v.push(
            format!("{base}.calls"),
            format!("{} calls: at most 64 are allowed", w.calls.len()),
        );
    }
    for (i, c) in w.calls.iter().take(64).enumerate() {
        let p = format!("{base}.calls[{i}]");
        if c.service.trim().is_empty() {
            v.push(
                format!("{p}.service"),
                "the call needs a service id (e.g. aws-dynamodb)",
            );
        }
        if c.operation.trim().is_empty() {
            v.push(format!("{p}.operation"), "the call needs an operation (e.g. read)");
        }
        v.range(
            &format!("{p}.per_request"),
            c.per_request,
            0.0,
            1000.0,
            "calls per request",
        );
    }
}

/// Every call names a managed service and an operation the catalog prices.
fn calls_priced(v: &mut V, base: &str, w: &super::Workload, catalog: &Catalog) {
    for (i, c) in w.calls.iter().take(64).enumerate() {
        let p = format!("{base}.calls[{i}]");
        if c.service.trim().is_empty() || c.operation.trim().is_empty() {
            continue; // said by `workload`
        }
        match catalog.metered(&c.service) {
            None => v.push(
                format!("{p}.service"),
                format!(
                    "unknown managed service `{}`: the catalog prices {}",
                    c.service,
                    catalog.service_call_ids().join(", ")
                ),
            ),
            Some(m) if m.meter(&c.operation).is_none() => {
                let mut ops: Vec<&str> = m
                    .meters
                    .iter()
                    .flat_map(|x| x.operations.iter().map(|o| o.as_str()))
                    .collect();
                ops.dedup();
                v.push(
                    format!("{p}.operation"),
                    format!(
                        "`{}` has no operation `{}`: it meters {}",
                        c.service,
                        c.operation,
                        ops.join(", ")
                    ),
                )
            }
            Some(_) => {}
        }
    }
}

fn platforms(v: &mut V, s: &Scenario, catalog: &Catalog) {
    if s.platforms.is_empty() {
        v.push("platforms", "add at least one platform to compare");
    } else if !s.platforms.iter().any(|p| p.enabled()) {
        v.push(
            "platforms",
            "every platform is disabled (`enabled: false`): enable at least one to compare",
        );
    }
    if s.platforms.len() > super::MAX_PLATFORMS {
        v.push(
            "platforms",
            format!(
                "{} platforms: at most {} are compared at once (remove some, or compare them in two scenarios)",
                s.platforms.len(),
                super::MAX_PLATFORMS
            ),
        );
    }
    let mut names = HashSet::new();
    for (i, p) in s.platforms.iter().enumerate() {
        let base = format!("platforms[{i}]");
        if p.name().trim().is_empty() {
            v.push(format!("{base}.name"), "the platform needs a name");
        } else if name_length(v, format!("{base}.name"), p.name()) {
        } else if !names.insert(p.name().to_string()) {
            v.push(
                format!("{base}.name"),
                format!("another platform is already named `{}`", p.name()),
            );
        }
        let service = catalog.get(p.service());
        let (want, kind) = match p {
            Platform::Function(_) => (ServiceRole::Function, "Function"),
            Platform::Container(_) => (ServiceRole::Container, "Container"),
            Platform::Vm(_) => (ServiceRole::Vm, "Vm"),
        };
        let Some(service) = service else {
            v.push(
                format!("{base}.service"),
                format!(
                    "unknown service `{}`; a {kind} can use: {}",
                    p.service(),
                    catalog.ids_for(want).join(", ")
                ),
            );
            continue;
        };
        let role = service.role();
        let fits = role == want
            || (role == ServiceRole::FunctionOrContainer
                && matches!(want, ServiceRole::Function | ServiceRole::Container));
        if !fits {
            v.push(
                format!("{base}.service"),
                format!(
                    "`{}` cannot host a {kind}; choose one of: {}",
                    p.service(),
                    catalog.ids_for(want).join(", ")
                ),
            );
            continue;
        }
        // the region's own entry: prices, instance types and limits as priced there
        let service = match p.region() {
            None => service,
            Some(r) => match catalog.get_in(p.service(), Some(r)) {
                Some(regional) => regional,
                None => {
                    v.push(
                        format!("{base}.region"),
                        format!(
                            "the catalog has no prices of `{}` for region `{r}`; it has: {}",
                            p.service(),
                            catalog.regions(p.service()).join(", ")
                        ),
                    );
                    continue;
                }
            },
        };
        front_door(v, &base, p, catalog);
        if let Some(c) = p.commitment_usd_per_hour() {
            let billing = match p {
                Platform::Container(c) => c.billing,
                _ => super::ContainerBilling::RequestBased,
            };
            let path = format!("{base}.commitment_usd_per_hour");
            if !(c.is_finite() && (0.0..=1e6).contains(&c)) {
                v.push(path, format!("{c} dollars an hour: allowed 0 to 1000000"));
            } else if !matches!(p.purchase(), super::Purchase::Savings1y | super::Purchase::Savings3y) {
                v.push(path, "a commitment needs purchase: Savings1y or Savings3y");
            } else if crate::billing::commitment::terms(service, p.purchase(), billing).is_none() {
                v.push(path, format!("the catalog has no commitment terms for {}", p.service()));
            }
        }
        if let Some(n) = p.network() {
            if n.nat_gateways > 100 {
                v.push(
                    format!("{base}.network.nat_gateways"),
                    format!("{} NAT gateways: allowed 0 to 100", n.nat_gateways),
                );
            }
            // the catalog prices NAT gateways and public IPv4 addresses for AWS only
            let aws = p.service().starts_with("aws-");
            if !aws && n.vpc && n.nat_gateways > 0 {
                v.push(
                    format!("{base}.network.nat_gateways"),
                    format!(
                        "NAT gateways are priced for AWS platforms only (the catalog has no NAT price for {}): set nat_gateways to 0",
                        p.service()
                    ),
                );
            }
            if !aws && n.public_ipv4 {
                v.push(
                    format!("{base}.network.public_ipv4"),
                    format!(
                        "public IPv4 addresses are priced for AWS platforms only (the catalog has no IPv4 price for {}): set public_ipv4 to false",
                        p.service()
                    ),
                );
            }
            if n.nat_gateways > 0 && !n.vpc {
                v.push(
                    format!("{base}.network.nat_gateways"),
                    "NAT gateways serve private subnets: set vpc to true, or nat_gateways to 0",
                );
            }
        }
        match p {
            Platform::Function(f) => function(v, &base, f, service),
            Platform::Container(c) => container(v, &base, c, service),
            Platform::Vm(m) => vm(v, &base, m, service),
        }
    }
}

fn front_door(v: &mut V, base: &str, p: &Platform, catalog: &Catalog) {
    use super::FrontDoor::*;
    let fd = p.front_door();
    let id = match fd {
        None => return,
        FunctionUrl => "aws-function-url",
        ApiGatewayHttp => "aws-api-gateway-http",
        ApiGatewayRest => "aws-api-gateway-rest",
        Alb => "aws-alb",
    };
    if catalog.get(id).is_none() {
        v.push(
            format!("{base}.front_door"),
            format!("the catalog has no `{id}` to price this front door"),
        );
    } else if let Some(r) = p.region()
        && catalog.get_in(id, Some(r)).is_none()
    {
        v.push(
            format!("{base}.front_door"),
            format!(
                "the catalog has no prices of `{id}` for region `{r}` (it has: {}): choose another front door or region",
                catalog.regions(id).join(", ")
            ),
        );
    }
    if fd == FunctionUrl && p.service() != "aws-lambda" {
        v.push(format!("{base}.front_door"), "FunctionUrl exists only for aws-lambda");
    }
}

fn function(v: &mut V, base: &str, f: &super::FunctionPlatform, service: &Service) {
    purchase(v, base, f.purchase, service);
    let Some(lim) = service.function_limits() else { return };
    let m = f.memory_mb;
    if m < lim.memory_min_mb || m > lim.memory_max_mb {
        v.push(
            format!("{base}.memory_mb"),
            format!(
                "{m} MB is out of range for {}: allowed {} to {} MB",
                service.name(),
                lim.memory_min_mb,
                lim.memory_max_mb
            ),
        );
    } else if !lim.memory_sizes_mb.is_empty() && !lim.memory_sizes_mb.contains(&m) {
        let sizes: Vec<String> = lim.memory_sizes_mb.iter().map(|x| x.to_string()).collect();
        v.push(
            format!("{base}.memory_mb"),
            format!("{} offers fixed sizes only: {} MB", service.name(), sizes.join(", ")),
        );
    }
    v.range(
        &format!("{base}.keep_alive_s"),
        f.keep_alive_s,
        0.0,
        Limits::MAX_KEEP_ALIVE_S,
        "s",
    );
    if let Some(d) = &f.keep_alive_dist_s {
        v.dist(
            &format!("{base}.keep_alive_dist_s"),
            d,
            true,
            Limits::MAX_KEEP_ALIVE_S,
            "s",
        );
    }
    if f.max_concurrency == 0 {
        v.push(format!("{base}.max_concurrency"), "must be at least 1");
    }
    if f.provisioned > f.max_concurrency.max(1) {
        v.push(
            format!("{base}.provisioned"),
            format!(
                "{} provisioned environments exceed max_concurrency ({})",
                f.provisioned, f.max_concurrency
            ),
        );
    }
    if f.provisioned > 0 && matches!(service, Service::CloudflareWorkers(_)) {
        v.push(
            format!("{base}.provisioned"),
            "Cloudflare Workers has no provisioned environments",
        );
    }
    if f.concurrency == 0 || f.concurrency > lim.max_instance_concurrency {
        v.push(
            format!("{base}.concurrency"),
            format!(
                "{} allows 1 to {} requests per environment, found {}",
                service.name(),
                lim.max_instance_concurrency,
                f.concurrency
            ),
        );
    }
    if !(512..=10240).contains(&f.ephemeral_mb) {
        v.push(
            format!("{base}.ephemeral_mb"),
            format!("{} MB is out of range: allowed 512 to 10240 MB", f.ephemeral_mb),
        );
    }
}

/// Whether a container service sells a task of this size (Fargate's fixed vCPU sizes,
/// each with its own memory range): the field at fault (`vcpu` or `memory_gb`) and why.
/// Shared by scenarios and `quote`, so a quote never prices a size no scenario may use.
pub fn task_size_problem(
    lim: &crate::pricing::ContainerLimits,
    service_name: &str,
    vcpu: f64,
    memory_gb: f64,
) -> Option<(&'static str, String)> {
    if lim.sizes.is_empty() {
        return None;
    }
    match lim.sizes.iter().find(|t| (t.vcpu - vcpu).abs() < 1e-9) {
        None => {
            let cpus: Vec<String> = lim.sizes.iter().map(|t| t.vcpu.to_string()).collect();
            Some((
                "vcpu",
                format!("{service_name} offers these vCPU sizes: {}", cpus.join(", ")),
            ))
        }
        Some(t) if !t.allows(memory_gb) => {
            let allowed = if t.memory_values_gb.is_empty() {
                format!(
                    "{} to {} GB in {} GB steps",
                    t.memory_min_gb, t.memory_max_gb, t.step_gb
                )
            } else {
                t.memory_values_gb
                    .iter()
                    .map(|x| format!("{x}"))
                    .collect::<Vec<_>>()
                    .join(", ")
                    + " GB"
            };
            Some((
                "memory_gb",
                format!("with {vcpu} vCPU, {service_name} allows {allowed}"),
            ))
        }
        Some(_) => None,
    }
}

fn container(v: &mut V, base: &str, c: &super::ContainerPlatform, service: &Service) {
    let Some(lim) = service.container_limits() else { return };
    let cpu_ok = v.range(&format!("{base}.vcpu"), c.vcpu, lim.vcpu_min, lim.vcpu_max, "vCPU");
    let mem_ok = v.range(
        &format!("{base}.memory_gb"),
        c.memory_gb,
        lim.memory_min_gb,
        lim.memory_max_gb,
        "GB",
    );
    if cpu_ok
        && mem_ok
        && let Some((field, message)) = task_size_problem(lim, service.name(), c.vcpu, c.memory_gb)
    {
        v.push(format!("{base}.{field}"), message);
    }
    if c.concurrency == 0 || c.concurrency > lim.max_instance_concurrency {
        v.push(
            format!("{base}.concurrency"),
            format!(
                "allowed 1 to {} requests per replica, found {}",
                lim.max_instance_concurrency, c.concurrency
            ),
        );
    }
    replicas(v, base, c.min_replicas, c.max_replicas, "replicas");
    v.range(
        &format!("{base}.target_utilization"),
        c.target_utilization,
        0.05,
        1.0,
        "",
    );
    v.range(&format!("{base}.startup_s"), c.startup_s, 0.0, 3600.0, "s");
    v.range(&format!("{base}.metric_window_s"), c.metric_window_s, 1.0, 3600.0, "s");
    v.range(
        &format!("{base}.scale_in_cooldown_s"),
        c.scale_in_cooldown_s,
        0.0,
        86_400.0,
        "s",
    );
    v.range(&format!("{base}.queue_timeout_s"), c.queue_timeout_s, 0.0, 3600.0, "s");
    v.range(&format!("{base}.ephemeral_gb"), c.ephemeral_gb, 0.0, 200.0, "GB");
    if c.billing == super::ContainerBilling::InstanceBased && !matches!(service, Service::GcpCloudRun(_)) {
        v.push(
            format!("{base}.billing"),
            "InstanceBased billing is a Cloud Run option (gcp-cloud-run)",
        );
    }
    purchase(v, base, c.purchase, service);
}

fn purchase(v: &mut V, base: &str, p: super::Purchase, service: &Service) {
    let offers = super::Purchase::offered_by(service);
    if !offers.contains(&p) {
        v.push(
            format!("{base}.purchase"),
            format!(
                "{} does not offer {p:?}; it offers: {}",
                service.name(),
                offers.iter().map(|o| format!("{o:?}")).collect::<Vec<_>>().join(", ")
            ),
        );
    }
}

fn vm(v: &mut V, base: &str, m: &super::VmPlatform, service: &Service) {
    if let Service::AwsEc2(ec2) = service
        && !ec2.instances.iter().any(|i| i.name == m.instance)
    {
        let names: Vec<&str> = ec2.instances.iter().map(|i| i.name.as_str()).collect();
        v.push(
            format!("{base}.instance"),
            format!(
                "unknown instance type `{}`{}; the catalog has: {}",
                m.instance,
                match &m.region {
                    Some(r) => format!(" in region `{r}`"),
                    None => String::new(),
                },
                names.join(", ")
            ),
        );
    }
    if m.concurrency == 0 || m.concurrency > 100_000 {
        v.push(
            format!("{base}.concurrency"),
            format!("allowed 1 to 100000 requests per instance, found {}", m.concurrency),
        );
    }
    replicas(v, base, m.min_instances, m.max_instances, "instances");
    v.range(
        &format!("{base}.target_utilization"),
        m.target_utilization,
        0.05,
        1.0,
        "",
    );
    v.range(&format!("{base}.startup_s"), m.startup_s, 0.0, 3600.0, "s");
    v.range(&format!("{base}.metric_window_s"), m.metric_window_s, 1.0, 3600.0, "s");
    v.range(
        &format!("{base}.scale_in_cooldown_s"),
        m.scale_in_cooldown_s,
        0.0,
        86_400.0,
        "s",
    );
    v.range(&format!("{base}.queue_timeout_s"), m.queue_timeout_s, 0.0, 3600.0, "s");
    if let Some(gb) = m.root_volume_gb {
        v.range(&format!("{base}.root_volume_gb"), gb, 1.0, 65_536.0, "GB");
    }
}

fn replicas(v: &mut V, base: &str, min: u32, max: u32, what: &str) {
    let (min_f, max_f) = (format!("{base}.min_{what}"), format!("{base}.max_{what}"));
    if max == 0 {
        v.push(max_f, format!("max_{what} must be at least 1"));
    } else if max > Limits::MAX_REPLICAS {
        v.push(
            max_f,
            format!("max_{what} {max} is above the {} limit", Limits::MAX_REPLICAS),
        );
    } else if min > max {
        v.push(min_f, format!("min_{what} ({min}) must not exceed max_{what} ({max})"));
    }
}

#[cfg(test)]
mod fmt_tests {
    #[test]
    fn large_numbers_read_in_four_significant_digits() {
        assert_eq!(super::fmt(1.8333333333333332e7), "1.833e7");
        assert_eq!(super::fmt(1e300), "1e300");
        assert_eq!(super::fmt(1.5e15), "1.5e15");
        assert_eq!(super::fmt(-2e6), "-2e6");
        assert_eq!(super::fmt(12345.5), "12345.5");
        assert_eq!(super::fmt(f64::NAN), "NaN");
    }
}
