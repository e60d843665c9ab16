//! From what the logs hold to a scenario: the arrivals become a trace (per second, or per
//! minute for logs longer than a month), durations and initialisations a log-normal fitted
//! by maximum likelihood (mean and spread of the logs, with the Kolmogorov-Smirnov
//! distance to say how well it fits), the memory size the one most requests ran with.

use super::{Format, Observed};
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
/// Request time assumed when the logs hold none (an access log without a request time,
/// a metric export without a duration column), ms.
pub const ASSUMED_DURATION_MS: f64 = 100.0;
/// Lambda memory size assumed when the logs are not Lambda's, MB.
pub const ASSUMED_MEMORY_MB: u32 = 1024;

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
    /// The mean request time, when only a mean is known (a metric export), ms.
    pub duration_mean_ms: Option<f64>,
    pub init_ms: Option<Quantiles>,
    pub cold_starts: u64,
    pub cold_start_rate: f64,
    pub memory_mb: Option<u32>,
    /// Requests that ran with another memory size than `memory_mb` (the most common):
    /// read as if at it.
    pub memory_other_requests: u64,
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

/// A log-normal's median and p99 as a scenario writes them: ms to three decimals, a
/// median of at least 1 µs, and a p99 from the median to `MAX_LOGNORMAL_SPREAD` times it
/// once rounded. Capping before rounding is not enough: a median of 9.402 caps the p99 at
/// 94019.99999999999, which rounds to 94020, a hair over the cap, and the written
/// scenario would not load.
fn lognormal_ms(median: f64, p99: f64) -> (f64, f64) {
    let median = round3(median).max(0.001);
    let most = median * crate::model::Limits::MAX_LOGNORMAL_SPREAD;
    let mut cap = round3(most);
    if cap > most {
        cap = round3(cap - 0.001);
    }
    (median, round3(p99).clamp(median, cap))
}

/// The log-normal with the logs' mean and spread, as the scenario's median and p99.
pub fn lognormal(s: &super::LogSketch) -> Option<LogNormalFit> {
    let (mu, sigma) = s.lognormal_mle()?;
    let z99 = normal_quantile(0.99);
    let ks = s.ks_lognormal(mu, sigma);
    // times spread wider than a scenario holds fit the log-normal poorly: `ks` says so
    let (median_ms, p99_ms) = lognormal_ms(mu.exp(), (mu + z99 * sigma).exp());
    Some(LogNormalFit {
        median_ms,
        p99_ms,
        ks: (ks * 1e4).round() / 1e4,
        good: ks <= KS_POOR_FIT,
    })
}

/// The observed span: first interval's start and last one's end, Unix seconds (the
/// arrivals' intervals, or a metric export's periods).
pub fn span(o: &Observed) -> Option<(f64, f64)> {
    if let (Some(a), Some(b)) = (o.periods.first(), o.periods.last()) {
        return Some((a.0 as f64, (b.0 + o.period_step_s) as f64));
    }
    let (a, b) = o.arrivals.used()?;
    Some((o.arrivals.start_s(a), o.arrivals.start_s(b + 1)))
}

pub fn summary(o: &Observed) -> Summary {
    let span = span(o).map(|(a, b)| b - a).unwrap_or(0.0);
    let n = o.requests();
    let memory = o.memory_mb();
    let memory_other: u64 = o
        .memory_mb
        .iter()
        .filter(|(m, _)| Some(*m) != memory)
        .map(|(_, k)| k)
        .sum();
    let max_used = (o.max_used.n > 0).then_some(o.max_used.max);
    // (the most memory used was measured at whichever size: no advice when sizes mix)
    let memory_advice = match (memory, max_used.filter(|_| memory_other == 0)) {
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
        format: o.format.name(),
        requests: n,
        span_s: span,
        mean_rps: if span > 0.0 {
            round3(n as f64 / span * 1000.0) / 1000.0
        } else {
            0.0
        },
        duration_ms: quantiles(&o.durations),
        duration_mean_ms: o.period_mean_duration_ms().map(round3),
        init_ms: quantiles(&o.init),
        cold_starts: o.cold_starts,
        cold_start_rate: if n > 0 {
            (o.cold_starts as f64 / n as f64 * 1e6).round() / 1e6
        } else {
            0.0
        },
        memory_mb: memory,
        memory_other_requests: memory_other,
        max_memory_used_mb: max_used,
        response_kb: (o.responses.n > 0).then(|| round3(o.responses.mean() / 1000.0)),
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
/// the last, empty intervals included; a metric export's periods at its step, missing
/// periods zero).
pub fn trace_csv(o: &Observed) -> String {
    if let (Some(first), Some(last)) = (o.periods.first(), o.periods.last()) {
        let step = o.period_step_s.max(1);
        let rows = ((last.0 - first.0) / step + 1) as usize;
        let mut out = String::with_capacity(rows * 28 + 16);
        out.push_str("timestamp,count\n");
        let mut it = o.periods.iter().peekable();
        for i in 0..rows as i64 {
            let t = first.0 + i * step;
            let mut count = 0.0;
            while let Some(p) = it.next_if(|p| p.0 <= t) {
                count += p.1;
            }
            out.push_str(&super::rfc3339(t as f64));
            out.push(',');
            out.push_str(&format!("{}", (count * 1000.0).round() / 1000.0));
            out.push('\n');
        }
        return out;
    }
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
    (!fit.good && o.durations.n >= EMPIRICAL_MIN_REQUESTS).then(|| {
        let max = crate::model::Limits::MAX_DURATION_MS;
        crate::model::empirical::write(|p| (o.durations.quantile(p).unwrap_or(0.0) / slowdown).clamp(1e-3, max))
    })
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

/// The scenario text: the observed traffic replayed as counted from `trace_file`
/// (relative to the scenario's folder) over a 30-day month (a shorter log repeats; a
/// longer one is kept whole), the fitted request profile, and the platforms compared: the
/// Lambda function the logs came from, or for other logs Lambda, Cloud Run, Fargate and EC2.
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
    let at_full_vcpu = s.duration_fit.as_ref().map(|f| {
        let (median_ms, p99_ms) = lognormal_ms(f.median_ms / slowdown, f.p99_ms / slowdown);
        LogNormalFit {
            median_ms,
            p99_ms,
            ..f.clone()
        }
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
    let ka_note = match extra.keep_alive_s {
        Some(k) => {
            format!(" Keep-alive {k} s: fitted so that replaying the observed traffic gives the observed cold starts.")
        }
        None => String::new(),
    };
    let (duration, duration_note) = duration_text(
        o,
        duration,
        &fit_note,
        (at_full_vcpu.as_ref(), durations_file.is_some()),
    );
    let lambda = o.format == Format::LambdaReport;
    let memory = if lambda {
        s.memory_mb.unwrap_or(128).clamp(128, 10_240)
    } else {
        ASSUMED_MEMORY_MB
    };
    let (first_s, end_s) = span(o).unwrap_or((0.0, 0.0));
    let source = match o.format {
        Format::LambdaReport => format!("{} Lambda REPORT lines", o.requests()),
        Format::Alb => format!("{} ALB access-log requests", o.requests()),
        Format::Combined => format!("{} combined-log (nginx/Apache) requests", o.requests()),
        Format::CloudRunJson => format!("{} Cloud Logging request-log entries", o.requests()),
        Format::CloudWatchCsv => format!("{} CloudWatch metric periods of {} s", o.periods.len(), o.period_step_s),
    };
    let response_note = match s.response_kb {
        Some(kb) => format!(" Responses {kb} kB on average (from the logs)."),
        None => String::new(),
    };
    let response_kb = s
        .response_kb
        .map(|kb| format!("\n        response_kb: {kb:?},"))
        .unwrap_or_default();
    let keep_alive = extra
        .keep_alive_s
        .map(|k| format!("\n            keep_alive_s: {k:?},"))
        .unwrap_or_default();
    let (cold_starts, platforms) = if lambda {
        (
            format!(
                " {} cold starts observed ({:.2} %).",
                s.cold_starts,
                s.cold_start_rate * 100.0
            ),
            format!(
                r#"        Function(
            name: "Lambda",
            service: "aws-lambda",
            memory_mb: {memory},{keep_alive}
        ),"#
            ),
        )
    } else {
        (
            format!(
                " Compared: Lambda ({ASSUMED_MEMORY_MB} MB assumed: these logs do not give a memory size), Cloud Run, Fargate and EC2 (t4g.small), sized as in the built-in startup-launch scenario{}; adjust them to what runs today.",
                if o.format == Format::Alb {
                    ", with an ALB in front of the AWS ones as today"
                } else {
                    ""
                }
            ),
            comparison(o.format),
        )
    };
    let description = format!(
        "Fitted from {source} ({} line{} read{}) in {} ({} to {}, {:.1} h): {} request{}, {:.3} req/s on average, {duration_note}; {cold_note}.{cold_starts}{response_note} CPU share not in the logs: {ASSUMED_CPU_FRACTION} assumed; set it before comparing containers or VMs.{slowdown_note}{ka_note}",
        o.lines,
        if o.lines == 1 { "" } else { "s" },
        if o.periods.is_empty() {
            ""
        } else {
            "; periods missing from the export taken as none"
        },
        files.join(", "),
        super::rfc3339(first_s),
        super::rfc3339(end_s),
        s.span_s / 3600.0,
        s.requests,
        if s.requests == 1 { "" } else { "s" },
        s.mean_rps,
    );
    let step = match (o.periods.is_empty(), o.arrivals.step_s) {
        (false, _) => format!("{} s period", o.period_step_s),
        (true, 1) => "second".to_string(),
        _ => "minute".to_string(),
    };
    let fitted = match o.format {
        Format::LambdaReport => "Durations and cold starts fitted to the REPORT lines.",
        Format::Alb => "Durations fitted to the targets' processing times.",
        Format::Combined => "Durations fitted to the logged request times.",
        Format::CloudRunJson => "Durations fitted to the request latencies.",
        Format::CloudWatchCsv => "Durations from the export's mean (or assumed).",
    };
    format!(
        r#"// Written by `breakeven import` from {files}.
// Traffic: the observed arrivals, per {step}, replayed from {trace_file} (a log shorter
// than the horizon repeats). {fitted}
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
        cold_start_ms: {cold},{response_kb}
    ),
    platforms: [
{platforms}
    ],
)
"#,
        files = files.join(", "),
        // each second (minute, period) holds its count, at random times within it: see
        // `Arrivals::Counted` (tests/calibrate.rs shows what Poisson and even spacing miss)
        arrivals = "Counted",
    )
}

/// The request time as the scenario gives it, and what the description says of it: the
/// log-normal fitted (`fitted`, with `fit_note`), the mean of a metric export, or an
/// assumed value when the logs hold none.
fn duration_text(
    o: &Observed,
    fitted: String,
    fit_note: &str,
    (fit, empirical): (Option<&LogNormalFit>, bool),
) -> (String, String) {
    let what = match o.format {
        Format::LambdaReport => "",
        Format::Alb => " (the targets' processing time, target_processing_time)",
        Format::Combined => " (the server's request time: nginx $request_time or Apache %D)",
        Format::CloudRunJson => " (httpRequest.latency: as the front end saw it, queueing included)",
        Format::CloudWatchCsv => "",
    };
    if o.durations.n > 0 {
        // a p99 the scenario cannot hold (a few wildly different times) is capped, said so
        let max = crate::model::Limits::MAX_DURATION_MS;
        if let Some(f) = fit
            && f.p99_ms > max
            && !empirical
        {
            let text = if max > f.median_ms * 1.0001 {
                format!("LogNormal(median: {:?}, p99: {max:?})", f.median_ms)
            } else {
                format!("Fixed({:?})", f.median_ms.clamp(0.001, max))
            };
            return (
                text,
                format!(
                    "durations{what} log-normal by maximum likelihood{fit_note}, its p99 ({} ms) capped at the one-day limit",
                    f.p99_ms
                ),
            );
        }
        return (
            fitted,
            format!("durations{what} log-normal by maximum likelihood{fit_note}"),
        );
    }
    if let Some(m) = o.period_mean_duration_ms() {
        let m = round3(m.max(0.001));
        return (
            format!("Fixed({m:?})"),
            format!(
                "durations Fixed at the export's mean, {m} ms (a metric export gives only a mean per period: the spread is unknown)"
            ),
        );
    }
    (
        format!("Fixed({ASSUMED_DURATION_MS:?})"),
        format!("no request time in the logs: {ASSUMED_DURATION_MS} ms assumed"),
    )
}

/// The platforms compared for a service whose logs are not Lambda's: a Lambda function,
/// Cloud Run, Fargate and EC2, sized as `scenarios/startup-launch.ron`; behind an ALB
/// (for the AWS ones) when the logs are an ALB's, else Lambda behind an HTTP API.
fn comparison(format: Format) -> String {
    let lambda_door = if format == Format::Alb { "Alb" } else { "ApiGatewayHttp" };
    format!(
        r#"        Function(
            name: "Lambda",
            service: "aws-lambda",
            arch: Arm64,
            memory_mb: {ASSUMED_MEMORY_MB},
            front_door: {lambda_door},
        ),
        Container(
            name: "Cloud Run",
            service: "gcp-cloud-run",
            vcpu: 1.0,
            memory_gb: 0.5,
            concurrency: 80,
            min_replicas: 0,
            max_replicas: 100,
            target_utilization: 0.6,
            startup_s: 2.0,
        ),
        Container(
            name: "Fargate",
            service: "aws-fargate",
            arch: Arm64,
            vcpu: 0.5,
            memory_gb: 1.0,
            concurrency: 40,
            min_replicas: 1,
            max_replicas: 20,
            target_utilization: 0.7,
            startup_s: 45.0,
            front_door: Alb,
        ),
        Vm(
            name: "EC2",
            service: "aws-ec2",
            instance: "t4g.small",
            concurrency: 60,
            min_instances: 2,
            max_instances: 20,
            front_door: Alb,
        ),"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Limits;

    /// The capped p99 stays within the scenario's limit once rounded (a fuzz run found a
    /// median of 9.402 whose capped p99 rounded up to 94020, which the scenario refused).
    #[test]
    fn a_capped_p99_is_within_the_spread_once_rounded() {
        assert_eq!(lognormal_ms(9.402, 1e9), (9.402, 94019.999));
        for median in [0.001, 0.0017, 1.0, 3.333, 9.402, 77.123, 1234.567] {
            let (m, p) = lognormal_ms(median, f64::INFINITY);
            assert!(p <= m * Limits::MAX_LOGNORMAL_SPREAD, "{m} {p}");
            assert!(p > m * Limits::MAX_LOGNORMAL_SPREAD - 0.0011, "{m} {p}");
            assert_eq!(p, round3(p));
        }
        // within the spread: only rounded; the median is at least 1 µs and p99 at least it
        assert_eq!(lognormal_ms(12.34567, 45.6789), (12.346, 45.679));
        assert_eq!(lognormal_ms(0.0, 0.0), (0.001, 0.001));
        assert_eq!(lognormal_ms(5.0, 4.0), (5.0, 5.0));
    }
}
