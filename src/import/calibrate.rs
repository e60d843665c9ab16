//! How far to trust the fitted scenario: the observed traffic is replayed through the
//! exact engine with the fitted request profile, once with the scenario's keep-alive and
//! once with a keep-alive fitted to the observed cold starts, and the simulated cold
//! starts, peak concurrency and bill are set beside what the logs show.
//!
//! Only Lambda's REPORT lines say which requests were cold starts and what was billed,
//! so only they are calibrated.

use super::Observed;
use crate::billing::{self, BillOptions, Category, LambdaUsage, Usage};
use crate::model::{Platform, Scenario};
use crate::pricing::{Catalog, Service};
use crate::sim::{self, Mode};
use serde::Serialize;
use std::path::Path;

/// The keep-alive range searched, seconds: the shortest and longest idle lifetimes
/// measured on Lambda (5 to 7 minutes on the later pages, up to 60 minutes in 2017–2019;
/// AWS documents no value: `../shared/reference/coldstart.md` §D.1).
pub const KEEP_ALIVE_RANGE_S: (f64, f64) = (300.0, 3_600.0);
/// Bisection steps of the keep-alive fit (on a log scale: 12 halvings of a factor of 12
/// leave about 0.06 % of the value).
const FIT_STEPS: usize = 12;

/// One quantity, observed and simulated.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    pub what: &'static str,
    pub unit: &'static str,
    pub observed: f64,
    /// With the scenario's keep-alive.
    pub simulated: f64,
    /// With the fitted keep-alive.
    pub fitted: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Calibration {
    /// The replayed period, seconds.
    pub span_s: f64,
    /// The interval over which concurrency is averaged before its peak is taken (the
    /// simulation's series bucket), seconds.
    pub concurrency_bucket_s: f64,
    pub keep_alive_s: f64,
    pub fitted_keep_alive_s: f64,
    /// Whether the fit landed inside the range rather than at one of its ends.
    pub fit_inside_range: bool,
    pub rows: Vec<Row>,
    /// What the comparison says, in words.
    pub notes: Vec<String>,
}

#[derive(Clone, Copy)]
struct Replay {
    cold_starts: f64,
    billed_gb_s: f64,
    peak_concurrency: f64,
    compute_usd: f64,
    bucket_s: f64,
    /// Share of the replayed requests the function's concurrency limit turned away.
    throttled_share: f64,
    /// Requests the replay's traffic held (the trace at its own resolution).
    requests: f64,
}

/// Fewest requests a calibration is made from: with fewer, the replay's cold starts and
/// billed time are a handful of events (one request replayed over one second billed
/// "-100 %" and compared zero cold starts with zero).
pub const MIN_REQUESTS: u64 = 100;

/// Replays `o`'s traffic through `scenario` (as `import` wrote it, its trace beside it in
/// `base_dir`). `None` when the logs do not say enough (not Lambda's, no billed
/// durations, fewer than `MIN_REQUESTS`) or the scenario has no Lambda function.
pub fn calibrate(
    o: &Observed,
    scenario: &Scenario,
    base_dir: &Path,
    catalog: &Catalog,
) -> Result<Option<Calibration>, String> {
    let Some((first, last)) = o.arrivals.used() else {
        return Ok(None);
    };
    if o.durations.n != o.requests || o.requests < MIN_REQUESTS {
        return Ok(None);
    }
    let mut s = scenario.clone();
    let Some(fi) = s.platforms.iter().position(|p| match p {
        Platform::Function(f) => matches!(catalog.get(&f.service), Some(Service::AwsLambda(_))),
        _ => false,
    }) else {
        return Ok(None);
    };
    let mut f = match s.platforms.swap_remove(fi) {
        Platform::Function(f) => f,
        _ => return Ok(None),
    };
    f.free_tier = false;
    f.front_door = Default::default();
    let keep_alive_s = f.keep_alive_s;
    let max_concurrency = f.max_concurrency;
    let memory_mb = o.memory_mb().unwrap_or(f.memory_mb);
    f.memory_mb = memory_mb;
    let arch = f.arch;
    s.platforms = vec![Platform::Function(f)];
    s.uncertainty = None;
    let span_s = ((last - first + 1) as i64 * o.arrivals.step_s) as f64;
    s.horizon_days = span_s / 86_400.0;
    let origin_s = o.arrivals.start_s(first);

    // the trace is read once (a month per second is 2.6 M rows), the platform re-prepared
    let store = std::cell::RefCell::new(sim::TraceStore::default());
    let replay = |ka: f64| -> Result<Replay, String> {
        let mut s = s.clone();
        if let Platform::Function(f) = &mut s.platforms[0] {
            f.keep_alive_s = ka;
        }
        let p = sim::prepare(&s, base_dir, catalog, &mut store.borrow_mut()).map_err(|e| e.to_string())?;
        let r = sim::run(&p, catalog, Mode::Exact, &sim::Control::default()).map_err(|e| e.to_string())?;
        let p = r.platforms.first().ok_or("the replay returned no platform")?;
        let peak = p.series.busy.iter().copied().fold(0.0, f64::max);
        let billed_ms = match &p.usage {
            Usage::Lambda(u) => (u.on_demand_billed_ms + u.provisioned_billed_ms) as f64,
            _ => f64::NAN,
        };
        Ok(Replay {
            cold_starts: p.cold_starts as f64,
            billed_gb_s: billed_ms / 1000.0 * memory_mb as f64 / 1024.0,
            peak_concurrency: peak,
            compute_usd: decimal_f64(p.bill.category_usd(Category::Compute)),
            bucket_s: r.bucket_s,
            requests: p.requests as f64,
            throttled_share: if p.requests > 0 {
                p.throttled as f64 / p.requests as f64
            } else {
                0.0
            },
        })
    };
    let base = replay(keep_alive_s)?;
    // a log shorter than its trace's step (thousands of requests within a second, a trace
    // of requests per minute) replays another count of requests: nothing to compare
    if (base.requests - o.requests as f64).abs() > 0.01 * o.requests as f64 {
        return Ok(None);
    }
    let observed_cold = o.cold_starts as f64;
    let (lo, hi) = KEEP_ALIVE_RANGE_S;
    let at_lo = replay(lo)?;
    let at_hi = replay(hi)?;
    let (fitted_ka, fitted, inside) = if observed_cold >= at_lo.cold_starts {
        (lo, at_lo, false)
    } else if observed_cold <= at_hi.cold_starts {
        (hi, at_hi, false)
    } else {
        // fewer cold starts the longer environments stay: bisect on a log scale
        let (mut a, mut b) = (lo.ln(), hi.ln());
        let mut best = (hi, at_hi);
        for _ in 0..FIT_STEPS {
            let m = (a + b) / 2.0;
            let r = replay(m.exp())?;
            if r.cold_starts > observed_cold {
                a = m;
            } else {
                b = m;
            }
            if (r.cold_starts - observed_cold).abs() <= (best.1.cold_starts - observed_cold).abs() {
                best = (m.exp(), r);
            }
        }
        (best.0, best.1, true)
    };
    // to the second: finer than the count's own noise moves it
    let fitted_ka = fitted_ka.round();

    let observed_peak = observed_peak_concurrency(o, origin_s, base.bucket_s);
    let observed_usd = observed_compute_usd(o, catalog, arch, memory_mb, s.horizon_days)?;
    let n = o.requests as f64;
    let mut rows = vec![
        Row {
            what: "cold starts",
            unit: "",
            observed: observed_cold,
            simulated: base.cold_starts,
            fitted: fitted.cold_starts,
        },
        Row {
            what: "cold-start rate",
            unit: "%",
            observed: observed_cold / n * 100.0,
            simulated: base.cold_starts / n * 100.0,
            fitted: fitted.cold_starts / n * 100.0,
        },
        Row {
            what: "peak concurrency",
            unit: "in flight",
            observed: observed_peak,
            simulated: base.peak_concurrency,
            fitted: fitted.peak_concurrency,
        },
    ];
    if o.billed.n == o.requests {
        rows.push(Row {
            what: "billed GB-seconds",
            unit: "GB-s",
            observed: o.billed.sum / 1000.0 * memory_mb as f64 / 1024.0,
            simulated: base.billed_gb_s,
            fitted: fitted.billed_gb_s,
        });
    }
    if let Some(usd) = observed_usd {
        rows.push(Row {
            what: "compute bill",
            unit: "USD",
            observed: usd,
            simulated: base.compute_usd,
            fitted: fitted.compute_usd,
        });
    }
    let mut notes = Vec::new();
    if !inside {
        notes.push(if fitted_ka == lo {
            format!(
                "The logs hold more cold starts ({observed_cold}) than even a {} keep-alive explains ({}): deployments, scaling out or AWS recycling environments early start the rest.",
                minutes(lo),
                at_lo.cold_starts
            )
        } else {
            format!(
                "The logs hold fewer cold starts ({observed_cold}) than even a {} keep-alive gives ({}): provisioned concurrency or warming pings may keep environments up.",
                minutes(hi),
                at_hi.cold_starts
            )
        });
    } else {
        notes.push(format!(
            "A keep-alive of {} reproduces the observed cold starts (searched from {} to {}, the range measured on Lambda).",
            minutes(fitted_ka),
            minutes(lo),
            minutes(hi)
        ));
    }
    let observed_gb_s = o.billed.sum / 1000.0 * memory_mb as f64 / 1024.0;
    // a replay the concurrency limit throttled served another workload than the logs did:
    // its bill and cold starts are no measure of the model (the logs ran them all)
    let throttled = fitted.throttled_share.max(base.throttled_share);
    if throttled > 0.01 {
        notes.push(format!(
            "The replay throttled {:.1} % of the requests: the function's concurrency limit ({}) is below the \
             logs' peak of {observed_peak:.0} in flight, so its cold starts and bill are not comparable; raise \
             max_concurrency in the scenario to compare.",
            throttled * 100.0,
            max_concurrency
        ));
    } else if o.billed.n == o.requests && observed_gb_s > 0.0 {
        // GB-seconds, not dollars: bills are rounded to the cent, small ones coarsely
        let gap = (fitted.billed_gb_s / observed_gb_s - 1.0) * 100.0;
        notes.push(format!(
            "The simulation bills {gap:+.1} % of the logs' billed duration (GB-seconds){}.",
            if observed_usd.is_some() {
                "; the compute bill prices both at the same on-demand rates, without the free tier"
            } else {
                ""
            }
        ));
    }
    Ok(Some(Calibration {
        span_s,
        concurrency_bucket_s: base.bucket_s,
        keep_alive_s,
        fitted_keep_alive_s: fitted_ka,
        fit_inside_range: inside,
        rows,
        notes,
    }))
}

fn minutes(s: f64) -> String {
    if s >= 60.0 {
        format!("{:.1} min", s / 60.0)
    } else {
        format!("{s:.0} s")
    }
}

fn decimal_f64(d: rust_decimal::Decimal) -> f64 {
    use rust_decimal::prelude::ToPrimitive;
    d.to_f64().unwrap_or(f64::NAN)
}

/// The highest mean number of requests in flight over one bucket of `bucket_s`, buckets
/// counted from `origin_s` (as the simulation's series are).
pub fn observed_peak_concurrency(o: &Observed, origin_s: f64, bucket_s: f64) -> f64 {
    let b = &o.busy_ms;
    let Some((first, last)) = b.used() else {
        return 0.0;
    };
    let bucket_s = bucket_s.max(b.step_s as f64);
    let mut peak: f64 = 0.0;
    let mut current: Option<(i64, u64)> = None;
    for i in first..=last {
        let k = ((b.start_s(i) - origin_s) / bucket_s).floor() as i64;
        match &mut current {
            Some((ck, sum)) if *ck == k => *sum += b.counts[i],
            _ => {
                if let Some((_, sum)) = current {
                    peak = peak.max(sum as f64 / 1000.0 / bucket_s);
                }
                current = Some((k, b.counts[i]));
            }
        }
    }
    if let Some((_, sum)) = current {
        peak = peak.max(sum as f64 / 1000.0 / bucket_s);
    }
    peak
}

/// What the logs' billed durations cost on demand at the catalog's Lambda prices.
fn observed_compute_usd(
    o: &Observed,
    catalog: &Catalog,
    arch: crate::pricing::Arch,
    memory_mb: u32,
    days: f64,
) -> Result<Option<f64>, String> {
    if o.billed.n != o.requests {
        return Ok(None);
    }
    let Some(service) = catalog.get("aws-lambda") else {
        return Ok(None);
    };
    let usage = Usage::Lambda(LambdaUsage {
        arch,
        memory_mb,
        on_demand_requests: o.requests,
        on_demand_billed_ms: o.billed.sum.round().max(0.0) as u64,
        ephemeral_mb: 512,
        ..Default::default()
    });
    let bill = billing::bill(service, &usage, &BillOptions::new(false, days)).map_err(|e| e.to_string())?;
    Ok(Some(decimal_f64(bill.category_usd(Category::Compute))))
}
