//! Output of `run`: tables for people, JSON for scripts (`../shared/contract/cli.md`).

use super::table::{bill_table, usd};
use crate::analysis::{Axis, Sweep};
use crate::sim::SimResult;
use serde_json::json;
use std::fmt::Write;

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
                "bill": p.bill.lines,
                "notes": p.notes,
            })
        }).collect::<Vec<_>>(),
    })
}

pub fn run_table(r: &SimResult) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} — {:?} simulation over {:.1} days, seed {}",
        r.scenario,
        r.mode,
        r.horizon_s / 86_400.0,
        r.seed
    );
    let _ = writeln!(
        o,
        "traffic: mean {:.3} req/s, peak {:.3} req/s, {:.0} requests per 30 days, idle {:.0} % of the time\n",
        r.traffic.mean_rps,
        r.traffic.peak_rps,
        r.traffic.monthly_requests,
        r.traffic.idle_share * 100.0
    );
    let _ = writeln!(
        o,
        "  {:<22} {:>12} {:>10} {:>11} {:>9} {:>9} {:>9} {:>8} {:>8} {:>8}",
        "Platform", "Total", "$/M req", "Served", "Rejected", "Cold", "Instances", "p50 ms", "p95 ms", "p99 ms"
    );
    for p in &r.platforms {
        let _ = writeln!(
            o,
            "  {:<22} {:>12} {:>10} {:>11} {:>9} {:>8.3}% {:>9.2} {:>8.0} {:>8.0} {:>8.0}",
            p.name,
            usd(rust_decimal::Decimal::try_from(p.total_usd).unwrap_or_default()),
            format!("{:.2}", p.cost_per_million_usd),
            p.served,
            p.throttled + p.dropped + p.failed,
            p.cold_start_rate * 100.0,
            p.mean_instances,
            p.latency_ms.p50,
            p.latency_ms.p95,
            p.latency_ms.p99
        );
    }
    o.push('\n');
    let period = format!("{:.0}-day period", r.horizon_s / 86_400.0);
    for p in &r.platforms {
        let _ = write!(o, "{}", bill_table(&p.bill, &format!("{} ({period})", p.name)));
        for n in &p.notes {
            let _ = writeln!(o, "  note: {n}");
        }
        o.push('\n');
    }
    o
}

/// The `sweep --json` shape of `../shared/contract/cli.md` (traffic axis: `scale`).
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
            for (n, c) in sw.platforms.iter().zip(&p.costs_usd) {
                costs.insert(n.clone(), json!(c));
            }
            json!({ xkey: p.x, "mean_rps": p.mean_rps, "monthly_requests": p.monthly_requests, "costs_usd": costs })
        }).collect::<Vec<_>>(),
        "crossovers": sw.crossovers.iter().map(|c| json!({
            "between": c.between,
            xkey: c.x,
            "mean_rps": c.mean_rps,
            "monthly_requests": c.monthly_requests,
            "cost_usd": c.cost_usd,
            "cheaper_below": c.cheaper_below,
        })).collect::<Vec<_>>(),
    })
}

pub fn sweep_table(sw: &Sweep) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Cost per platform against {} ({} points)\n",
        sw.axis.label(),
        sw.points.len()
    );
    let _ = write!(o, "  {:>12} {:>14} {:>16}", "x", "mean req/s", "requests/month");
    for n in &sw.platforms {
        let _ = write!(o, " {:>14}", n);
    }
    o.push('\n');
    let step = (sw.points.len() / 20).max(1);
    for (i, p) in sw.points.iter().enumerate() {
        if i % step != 0 && i + 1 != sw.points.len() {
            continue;
        }
        let _ = write!(o, "  {:>12.4} {:>14.4} {:>16.0}", p.x, p.mean_rps, p.monthly_requests);
        for c in &p.costs_usd {
            let _ = write!(o, " {:>14.2}", c);
        }
        o.push('\n');
    }
    o.push('\n');
    if sw.crossovers.is_empty() {
        let _ = writeln!(o, "No crossovers in this range.");
    }
    for c in &sw.crossovers {
        let _ = writeln!(
            o,
            "  {} / {}: at x = {:.4} ({:.3} req/s, {:.0} requests/month), ${:.2}; {} is cheaper below",
            c.between[0], c.between[1], c.x, c.mean_rps, c.monthly_requests, c.cost_usd, c.cheaper_below
        );
    }
    o
}
