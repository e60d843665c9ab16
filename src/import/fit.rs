//! From what the logs hold to a scenario: the arrivals become a trace (per second, or per
//! minute for logs longer than a month), durations and initialisations a log-normal fitted
//! by maximum likelihood (mean and spread of the logs, with the Kolmogorov-Smirnov
//! distance to say how well it fits), the memory size the one most requests ran with.

use super::Observed;
use crate::model::normal_quantile;
use serde::Serialize;

/// The Kolmogorov-Smirnov distance above which the log-normal is said not to fit.
pub const KS_POOR_FIT: f64 = 0.05;
/// Cold-start time assumed when the logs hold none: the median `Init Duration` of a
/// hello-world Node.js function (maxday/lambda-perf, July–August 2026, as summarised in
/// the project's cold-start reference).
pub const ASSUMED_INIT_MS: f64 = 140.0;
/// CPU share assumed (REPORT lines do not say how much of a request is CPU).
pub const ASSUMED_CPU_FRACTION: f64 = 0.5;

#[derive(Clone, Debug, Serialize)]
pub struct Quantiles {
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct LogNormalFit {
    pub median_ms: f64,
    pub p99_ms: f64,
    /// Kolmogorov-Smirnov distance between the observed values and the fit.
    pub ks: f64,
    pub good: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct BadLineJson {
    pub file: String,
    pub line: u64,
    pub reason: String,
}

/// What `import --json` prints (`../shared/contract/cli.md`).
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    pub format: &'static str,
    pub requests: u64,
    pub span_s: f64,
    pub mean_rps: f64,
    pub duration_ms: Option<Quantiles>,
    pub init_ms: Option<Quantiles>,
    pub cold_starts: u64,
    pub cold_start_rate: f64,
    pub memory_mb: Option<u32>,
    pub max_memory_used_mb: Option<f64>,
    pub response_kb: Option<f64>,
    pub billed_duration_ms: Option<Quantiles>,
    pub duration_fit: Option<LogNormalFit>,
    pub init_fit: Option<LogNormalFit>,
    pub lines: u64,
    pub bad_lines: u64,
    pub first_bad_lines: Vec<BadLineJson>,
    /// Memory right-sizing, when the logs say something about it.
    pub memory_advice: Option<String>,
}

fn quantiles(s: &super::LogSketch) -> Option<Quantiles> {
    Some(Quantiles {
        p50: round3(s.quantile(0.5)?),
        p95: round3(s.quantile(0.95)?),
        p99: round3(s.quantile(0.99)?),
    })
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// The log-normal with the logs' mean and spread, as the scenario's median and p99.
pub fn lognormal(s: &super::LogSketch) -> Option<LogNormalFit> {
    let (mu, sigma) = s.lognormal_mle()?;
    let z99 = normal_quantile(0.99);
    let ks = s.ks_lognormal(mu, sigma);
    Some(LogNormalFit {
        median_ms: round3(mu.exp()),
        p99_ms: round3((mu + z99 * sigma).exp()),
        ks: (ks * 1e4).round() / 1e4,
        good: ks <= KS_POOR_FIT,
    })
}

pub fn summary(o: &Observed) -> Summary {
    let span = o.arrivals.span_s();
    let n = o.requests();
    let memory = o.memory_mb();
    let max_used = (o.max_used.n > 0).then_some(o.max_used.max);
    let memory_advice = match (memory, max_used) {
        (Some(m), Some(u)) if u < 0.5 * m as f64 && ((u * 1.25).ceil() as u32).max(128) < m => {
            let fit = ((u * 1.25).ceil() as u32).max(128);
            Some(format!(
                "at most {u:.0} MB of {m} MB used: {fit} MB would hold it with 25 % to spare, but Lambda gives CPU in proportion to memory, so CPU-bound requests would take longer; compare the two sizes before changing"
            ))
        }
        (Some(m), Some(u)) if u >= 0.9 * m as f64 => Some(format!(
            "up to {u:.0} MB of {m} MB used: close to the limit, where a request runs out of memory; consider a larger size"
        )),
        _ => None,
    };
    Summary {
        format: super::Format::LambdaReport.name(),
        requests: n,
        span_s: span,
        mean_rps: if span > 0.0 {
            round3(n as f64 / span * 1000.0) / 1000.0
        } else {
            0.0
        },
        duration_ms: quantiles(&o.durations),
        init_ms: quantiles(&o.init),
        cold_starts: o.cold_starts,
        cold_start_rate: if n > 0 {
            (o.cold_starts as f64 / n as f64 * 1e6).round() / 1e6
        } else {
            0.0
        },
        memory_mb: memory,
        max_memory_used_mb: max_used,
        response_kb: None,
        billed_duration_ms: quantiles(&o.billed),
        duration_fit: lognormal(&o.durations),
        init_fit: lognormal(&o.init),
        lines: o.lines,
        bad_lines: o.bad,
        first_bad_lines: o
            .bad_lines
            .iter()
            .map(|b| BadLineJson {
                file: b.file.display().to_string(),
                line: b.line,
                reason: b.reason.clone(),
            })
            .collect(),
        memory_advice,
    }
}

/// The trace CSV (`timestamp,count`, one row per interval from the first request to
/// the last, empty intervals included).
pub fn trace_csv(o: &Observed) -> String {
    let c = &o.arrivals;
    let Some((a, b)) = c.used() else {
        return String::from("timestamp,count\n");
    };
    let mut out = String::with_capacity((b - a + 2) * 28);
    out.push_str("timestamp,count\n");
    for i in a..=b {
        out.push_str(&super::rfc3339(c.start_s(i)));
        out.push(',');
        out.push_str(&c.counts[i].to_string());
        out.push('\n');
    }
    out
}

fn dist_text(fit: Option<&LogNormalFit>, fixed: Option<f64>) -> Option<String> {
    match fit {
        Some(f) if f.p99_ms > f.median_ms * 1.0001 => {
            Some(format!("LogNormal(median: {:?}, p99: {:?})", f.median_ms, f.p99_ms))
        }
        _ => fixed.map(|x| format!("Fixed({:?})", round3(x.max(0.001)))),
    }
}

/// Durations seen fewer times than this are fitted, not written out as observed.
pub const EMPIRICAL_MIN_REQUESTS: u64 = 1_000;

/// The observed duration quantiles as an `Empirical` distribution's file (divided by
/// `slowdown`, see `Extra`), when the log-normal fits them poorly and there are enough of
/// them to stand on their own.
pub fn empirical_durations(o: &Observed, slowdown: f64) -> Option<String> {
    let fit = lognormal(&o.durations)?;
    (!fit.good && o.durations.n >= EMPIRICAL_MIN_REQUESTS)
        .then(|| crate::model::empirical::write(|p| (o.durations.quantile(p).unwrap_or(0.0) / slowdown).max(1e-3)))
}

/// How much longer a request takes on a Lambda function of `memory_mb` than on one full
/// vCPU, when `ASSUMED_CPU_FRACTION` of it is CPU work: REPORT durations are measured at
/// the function's CPU share, the scenario's `duration_ms` is at one full vCPU.
pub fn lambda_slowdown(catalog: &crate::pricing::Catalog, memory_mb: u32) -> f64 {
    match catalog.get("aws-lambda").and_then(|s| s.function_limits()) {
        Some(lim) => (1.0 - ASSUMED_CPU_FRACTION) + ASSUMED_CPU_FRACTION / lim.cpu_speed(memory_mb),
        None => 1.0,
    }
}

/// The scenario text: the observed traffic replayed from `trace_file` (relative to the
/// scenario's folder) over a 30-day month (a shorter log repeats; a longer one is kept
/// whole), the fitted request profile, and the Lambda function the logs came from.
/// What `import` learnt beyond the logs' own summary.
#[derive(Clone, Debug, Default)]
pub struct Extra<'a> {
    /// The file of `empirical_durations`, when it was written.
    pub durations_file: Option<&'a str>,
    /// A keep-alive fitted to the observed cold starts (`calibrate`), seconds.
    pub keep_alive_s: Option<f64>,
    /// Observed durations are divided by this to give the scenario's (at one full vCPU):
    /// `lambda_slowdown` for Lambda's logs, `None` (1) where the CPU share is unknown.
    pub slowdown: Option<f64>,
}

pub fn scenario_text(o: &Observed, name: &str, trace_file: &str, extra: &Extra) -> String {
    let durations_file = extra.durations_file;
    let s = summary(o);
    let span_days = s.span_s / 86_400.0;
    let horizon_days = if span_days <= 30.0 {
        30.0
    } else {
        span_days.ceil().min(366.0)
    };
    let files: Vec<String> = o
        .files
        .iter()
        .map(|f| {
            f.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        })
        .collect();
    let slowdown = extra.slowdown.unwrap_or(1.0);
    let at_full_vcpu = s.duration_fit.as_ref().map(|f| LogNormalFit {
        median_ms: round3(f.median_ms / slowdown),
        p99_ms: round3(f.p99_ms / slowdown),
        ..f.clone()
    });
    let duration = match durations_file {
        Some(f) => format!("Empirical(path: {f:?})"),
        None => dist_text(at_full_vcpu.as_ref(), Some(o.durations.mean() / slowdown))
            .unwrap_or_else(|| "Fixed(1.0)".to_string()),
    };
    let slowdown_note = match extra.slowdown {
        Some(k) if k > 1.0001 => format!(
            " Durations are given at one full vCPU, as scenarios hold them: the logged ones divided by {k:.3}, how much slower a {} MB function runs the assumed CPU share.",
            s.memory_mb.unwrap_or(128)
        ),
        _ => String::new(),
    };
    let (cold, cold_note) = match dist_text(s.init_fit.as_ref(), (o.init.n > 0).then(|| o.init.mean())) {
        Some(d) => (d, format!("cold starts fitted to {} Init Durations", o.init.n)),
        None => (
            format!("Fixed({ASSUMED_INIT_MS:?})"),
            format!(
                "no cold start in the logs: {ASSUMED_INIT_MS} ms assumed (a hello-world Node.js function's median Init Duration)"
            ),
        ),
    };
    let fit_note = match &s.duration_fit {
        Some(f) if !f.good && durations_file.is_some() => format!(
            "; the log-normal fits the durations poorly (Kolmogorov-Smirnov {:.3}), so the observed quantiles are used as they are ({})",
            f.ks,
            durations_file.unwrap_or_default()
        ),
        Some(f) if !f.good => format!(
            "; the log-normal fits the durations poorly (Kolmogorov-Smirnov {:.3}): observed p50 {} ms, p99 {} ms",
            f.ks,
            s.duration_ms.as_ref().map(|q| q.p50).unwrap_or(0.0),
            s.duration_ms.as_ref().map(|q| q.p99).unwrap_or(0.0)
        ),
        _ => String::new(),
    };
    let memory = s.memory_mb.unwrap_or(128).clamp(128, 10_240);
    let (first, last) = o.arrivals.used().unwrap_or((0, 0));
    let ka_note = match extra.keep_alive_s {
        Some(k) => {
            format!(" Keep-alive {k} s: fitted so that replaying the observed traffic gives the observed cold starts.")
        }
        None => String::new(),
    };
    let description = format!(
        "Fitted from {} Lambda REPORT lines ({} lines read) in {} ({} to {}, {:.1} h): {} requests, {:.3} req/s on average, durations log-normal by maximum likelihood{fit_note}; {cold_note}; {} cold starts observed ({:.2} %). CPU share not in the logs: {ASSUMED_CPU_FRACTION} assumed; set it before comparing containers or VMs.{slowdown_note}{ka_note}",
        o.requests(),
        o.lines,
        files.join(", "),
        super::rfc3339(o.arrivals.start_s(first)),
        super::rfc3339(o.arrivals.start_s(last + 1)),
        s.span_s / 3600.0,
        s.requests,
        s.mean_rps,
        s.cold_starts,
        s.cold_start_rate * 100.0,
    );
    format!(
        r#"// Written by `breakeven import` from {files}.
// Traffic: the observed arrivals, per {step}, replayed from {trace_file} (a log shorter
// than the horizon repeats; per second they are replayed as counted: Deterministic). Durations and cold starts fitted to the REPORT lines.
Scenario(
    version: 1,
    name: {name:?},
    description: {description:?},
    horizon_days: {horizon_days:?},
    seed: 1,
    traffic: Traffic(
        arrivals: {arrivals},
        components: [Trace(path: {trace_file:?}, format: Csv)],
    ),
    workload: Workload(
        duration_ms: {duration},
        cpu_fraction: {ASSUMED_CPU_FRACTION:?},
        cold_start_ms: {cold},
    ),
    platforms: [
        Function(
            name: "Lambda",
            service: "aws-lambda",
            memory_mb: {memory},{keep_alive}
        ),
    ],
)
"#,
        files = files.join(", "),
        step = if o.arrivals.step_s == 1 { "second" } else { "minute" },
        // per second, the counts are the arrivals as they came (to the second): replayed
        // as they are; per minute, the arrivals within a minute are drawn at random
        arrivals = if o.arrivals.step_s == 1 {
            "Deterministic"
        } else {
            "Poisson"
        },
        keep_alive = extra
            .keep_alive_s
            .map(|k| format!("\n            keep_alive_s: {k:?},"))
            .unwrap_or_default(),
    )
}
