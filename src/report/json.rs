//! JSON shapes: `run --json` and `sweep --json` (`../shared/contract/cli.md`; fields may be
//! added, never renamed), and the report document that holds both, versioned.

use super::{REPORT_VERSION, Report};
use crate::analysis::{Axis, Sweep};
use crate::sim::SimResult;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

/// The `run --json` shape.
pub fn run_json(r: &SimResult) -> serde_json::Value {
    json!({
        "scenario": r.scenario,
        "mode": r.mode,
        "seed": r.seed,
        "horizon_days": r.horizon_s / 86_400.0,
        "traffic": r.traffic,
        "platforms": r.platforms.iter().map(|p| {
            json!({
                "name": p.name,
                "service": p.service,
                "kind": p.kind,
                "total_usd": p.total_usd,
                "cost_per_million_usd": p.cost_per_million_usd,
                "requests": p.requests,
                "served": p.served,
                "throttled": p.throttled,
                "dropped": p.dropped,
                "failed": p.failed,
                "cold_starts": p.cold_starts,
                "cold_start_rate": p.cold_start_rate,
                "mean_instances": p.mean_instances,
                "peak_instances": p.peak_instances,
                "mean_busy": p.mean_busy,
                "utilization": p.utilization,
                "latency_ms": p.latency_ms,
                "good_enough": p.shortfall.is_none(),
                "shortfall": p.shortfall,
                "bill": p.bill.lines,
                "cost_by_category": p.bill.by_category().iter().map(|(c, usd)| {
                    (c.label().to_string(), json!(usd.to_string().parse::<f64>().unwrap_or(0.0)))
                }).collect::<serde_json::Map<_, _>>(),
                "notes": p.notes,
                "unverified_prices": p.unverified_prices,
            })
        }).collect::<Vec<_>>(),
        "placements": r.placements.iter().map(placement_json).collect::<Vec<_>>(),
        "best_placement": r.best_placement,
        "placement_search": r.search,
        "services": r.services,
        "services_usd": r.services_usd,
    })
}

/// One placement: where each workload runs, what it costs, per workload and pipeline.
fn placement_json(p: &crate::sim::app::PlacementResult) -> Value {
    let mut assignment = serde_json::Map::new();
    for (w, pl) in &p.assignment {
        assignment.insert(w.clone(), json!(pl));
    }
    json!({
        "name": p.name,
        "assignment": assignment,
        "total_usd": p.total_usd,
        "good_enough": p.good_enough,
        "workloads": p.workloads,
        "pipelines": p.pipelines,
    })
}

/// The `sweep --json` shape (traffic axis: `scale`).
pub fn sweep_json(sw: &Sweep) -> serde_json::Value {
    let xkey = if sw.axis == Axis::TrafficScale {
        "scale"
    } else {
        "value"
    };
    json!({
        "axis": sw.axis,
        "platforms": sw.platforms,
        "points": sw.points.iter().map(|p| {
            let mut costs = serde_json::Map::new();
            let mut good = serde_json::Map::new();
            let mut why = serde_json::Map::new();
            for (i, n) in sw.platforms.iter().enumerate() {
                costs.insert(n.clone(), json!(p.costs_usd.get(i)));
                good.insert(n.clone(), json!(p.good_enough.get(i).copied().unwrap_or(false)));
                if let Some(Some(sf)) = p.shortfalls.get(i) {
                    why.insert(n.clone(), json!(sf));
                }
            }
            json!({ xkey: p.x, "mean_rps": p.mean_rps, "monthly_requests": p.monthly_requests, "costs_usd": costs,
                    "good_enough": good, "shortfalls": why, "simulated": p.simulated })
        }).collect::<Vec<_>>(),
        "crossovers": sw.crossovers.iter().map(|c| json!({
            "between": c.between,
            xkey: c.x,
            "mean_rps": c.mean_rps,
            "monthly_requests": c.monthly_requests,
            "cost_usd": c.cost_usd,
            "cheaper_below": c.cheaper_below,
            "good_enough": c.good_enough,
            "caveat": c.caveat(),
        })).collect::<Vec<_>>(),
    })
}

/// The report as one JSON value: every field of `run --json` at the top level, the sweep
/// of `sweep --json` under `sweep`, and the verdict, the cheapest-platform map, Monte
/// Carlo bands (`null` without an uncertainty block), the scenario as simulated
/// (`inputs`), the price sources, the managed services' bills service by service
/// (`services_summary`) and each platform's whole bill with them (`whole_bill_usd`).
/// Non-finite numbers (an infinite margin) are `null`.
pub fn to_json_value(r: &Report, generated: DateTime<Utc>) -> Value {
    let mut v = run_json(&r.run);
    if let Value::Object(o) = &mut v {
        o.insert("report_version".into(), json!(REPORT_VERSION));
        o.insert(
            "generated".into(),
            json!(generated.to_rfc3339_opts(SecondsFormat::Secs, true)),
        );
        o.insert("breakeven_version".into(), json!(env!("CARGO_PKG_VERSION")));
        o.insert("description".into(), json!(r.scenario.description));
        o.insert(
            "inputs".into(),
            serde_json::to_value(&r.scenario).unwrap_or(Value::Null),
        );
        o.insert("sweep".into(), sweep_json(&r.sweep));
        o.insert("sweep_mode".into(), json!("Fast"));
        o.insert(
            "verdict".into(),
            serde_json::to_value(&r.verdict).unwrap_or(Value::Null),
        );
        o.insert("map".into(), serde_json::to_value(&r.map).unwrap_or(Value::Null));
        // every platform in each place and under each purchase option, and the commitments
        o.insert(
            "buying".into(),
            r.verdict
                .buying
                .as_ref()
                .and_then(|b| serde_json::to_value(b).ok())
                .unwrap_or(Value::Null),
        );
        o.insert(
            "monte_carlo".into(),
            r.monte_carlo
                .as_ref()
                .and_then(|m| serde_json::to_value(m).ok())
                .unwrap_or(Value::Null),
        );
        o.insert(
            "price_sources".into(),
            serde_json::to_value(&r.sources).unwrap_or(Value::Null),
        );
        o.insert("pricing_files".into(), json!(r.pricing_files));
        // as run --currency: every *_usd field stays, the currency's amounts beside them
        if let Some(fx) = &r.currency {
            o.insert("currency".into(), json!(fx.code));
            o.insert("exchange_rate".into(), json!(dec_f64(fx.per_usd)));
            o.insert("rate_date".into(), json!(fx.date));
            if let Some(Value::Array(ps)) = o.get_mut("platforms") {
                for (p, pr) in ps.iter_mut().zip(&r.run.platforms) {
                    p["total"] = json!(dec_f64(fx.amount(pr.bill.total_usd())));
                }
            }
        }
        // the managed services (`services`, `services_usd` above) service by service, and
        // what each platform's whole bill comes to with them (they are in no platform's total)
        o.insert(
            "services_summary".into(),
            json!(
                r.run
                    .services
                    .iter()
                    .map(|b| json!({
                        "service": b.service,
                        "service_name": b.service_name,
                        "region": b.region,
                        "total_usd": dec_f64(b.total_usd()),
                    }))
                    .collect::<Vec<_>>()
            ),
        );
        o.insert(
            "whole_bill_usd".into(),
            Value::Object(
                r.run
                    .platforms
                    .iter()
                    .map(|p| (p.name.clone(), json!(cents(p.total_usd + r.run.services_usd))))
                    .collect(),
            ),
        );
    }
    v
}

fn dec_f64(d: rust_decimal::Decimal) -> f64 {
    d.to_string().parse::<f64>().unwrap_or(0.0)
}

/// A sum of two dollar amounts as the cents it is (no binary-fraction tail).
fn cents(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The report as pretty-printed JSON text (ends with a newline).
pub fn to_json(r: &Report, generated: DateTime<Utc>) -> String {
    let mut s = serde_json::to_string_pretty(&to_json_value(r, generated)).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}
