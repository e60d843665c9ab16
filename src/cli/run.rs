//! Output of `run`: tables for people, JSON for scripts (`../shared/contract/cli.md`).

use super::table::{bill_table_in, usd};
use crate::analysis::{Sweep, Verdict};
use crate::sim::SimResult;
use std::fmt::Write;

// The JSON shapes live with the report, which holds both; `run` and `sweep` print them.
pub use crate::report::json::{run_json, sweep_json};

pub fn run_table(r: &SimResult) -> String {
    run_table_in(r, &crate::pricing::fx::Fx::usd())
}

/// The same tables with totals and bills in `fx`'s currency.
pub fn run_table_in(r: &SimResult, fx: &crate::pricing::fx::Fx) -> String {
    let in_usd = fx.code == "USD";
    let usd = |d: rust_decimal::Decimal| {
        if in_usd { usd(d) } else { super::table::money_in(d, fx) }
    };
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} — {:?} simulation over {}, seed {}",
        r.scenario,
        r.mode,
        r.period(),
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
        "Platform",
        "Total",
        format!("{}/M req", fx.symbol().trim()),
        "Served",
        "Rejected",
        "Cold",
        "Instances",
        "p50 ms",
        "p95 ms",
        "p99 ms"
    );
    for p in &r.platforms {
        let _ = writeln!(
            o,
            "  {:<22} {:>12} {:>10} {:>11} {:>9} {:>8.3}% {:>9.2} {:>8.0} {:>8.0} {:>8.0}",
            p.name,
            usd(rust_decimal::Decimal::try_from(p.total_usd).unwrap_or_default()),
            format!("{:.2}", p.cost_per_million_usd * super::money(fx.per_usd)),
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
    if r.search.is_some() {
        o.push_str(&placements_table(r));
    }
    let period = format!("{} period", SimResult::period_adjective(r.horizon_s));
    for p in &r.platforms {
        let _ = write!(o, "{}", bill_table_in(&p.bill, &format!("{} ({period})", p.name), fx));
        if let Some(c) = p.bill.category_summary() {
            let _ = writeln!(o, "  by category: {c}");
        }
        for n in &p.notes {
            let _ = writeln!(o, "  note: {n}");
        }
        if !p.unverified_prices.is_empty() {
            let _ = writeln!(
                o,
                "  note: priced with unverified figures (assumptions, or another region's figures carried; see the price sources): {}",
                p.unverified_prices.join(", ")
            );
        }
        o.push('\n');
    }
    if !r.services.is_empty() {
        let _ = writeln!(
            o,
            "Managed services the requests call: {} a month under every platform (not in the totals above)\n",
            usd(rust_decimal::Decimal::try_from(r.services_usd).unwrap_or_default())
        );
        for b in &r.services {
            let _ = write!(
                o,
                "{}",
                bill_table_in(b, &format!("called by the application ({period})"), fx)
            );
            o.push('\n');
        }
    }
    o
}

/// An application's placements: each with its total and whether it is good enough (or
/// what falls short), the best marked; then the best placement workload by workload and
/// its pipelines.
fn placements_table(r: &SimResult) -> String {
    let mut o = String::new();
    let period = format!("{} period", SimResult::period_adjective(r.horizon_s));
    let searched = match &r.search {
        Some(s) if s.exhaustive && s.assignments == 1 => "the only assignment the platforms allow".into(),
        Some(s) if s.exhaustive => format!(
            "the best of all {} assignments",
            crate::billing::group(rust_decimal::Decimal::from(s.assignments))
        ),
        Some(s) => format!(
            "the best found by a local search over {} assignments",
            crate::billing::group(rust_decimal::Decimal::from(s.assignments))
        ),
        None => "the best".into(),
    };
    let _ = writeln!(o, "Placements ({period}; * = {searched} that is good enough)");
    let width = r
        .placements
        .iter()
        .map(|p| p.name.chars().count())
        .max()
        .unwrap_or(0)
        .max("Placement".len())
        .min(super::table::MAX_COLUMN_CHARS);
    let _ = writeln!(o, "    {:<width$} {:>12}  Good enough", "Placement", "Total");
    for p in &r.placements {
        let best = r.best_placement.as_deref() == Some(p.name.as_str());
        let _ = writeln!(
            o,
            "  {} {:<width$} {:>12}  {}",
            if best { "*" } else { " " },
            p.name,
            usd_f64(p.total_usd),
            if p.good_enough {
                "yes".to_string()
            } else {
                format!("no: {}", crate::report::content::placement_shortfall(p))
            }
        );
    }
    if r.best_placement.is_none() {
        let _ = writeln!(o, "  No placement is good enough.");
    }
    o.push('\n');
    let Some(best) = r
        .best_placement
        .as_deref()
        .and_then(|n| r.placements.iter().find(|p| p.name == n))
    else {
        return o;
    };
    let _ = writeln!(
        o,
        "{}: {} (a shared fleet's cost is split by the CPU time each workload uses)",
        best.name,
        usd_f64(best.total_usd)
    );
    let ww = best
        .workloads
        .iter()
        .map(|w| w.workload.chars().count())
        .max()
        .unwrap_or(0)
        .max("Workload".len())
        .min(super::table::MAX_COLUMN_CHARS);
    let pw = best
        .workloads
        .iter()
        .map(|w| w.platform.chars().count())
        .max()
        .unwrap_or(0)
        .max("Platform".len())
        .min(super::table::MAX_COLUMN_CHARS);
    let _ = writeln!(
        o,
        "  {:<ww$} {:<pw$} {:>12} {:>11} {:>11} {:>8} {:>8} {:>8} {:>9}",
        "Workload", "Platform", "Cost", "Requests", "Served", "p50 ms", "p95 ms", "p99 ms", "Cold"
    );
    for w in &best.workloads {
        let _ = writeln!(
            o,
            "  {:<ww$} {:<pw$} {:>12} {:>11} {:>11} {:>8.0} {:>8.0} {:>8.0} {:>8.3}%",
            w.workload,
            w.platform,
            usd_f64(w.cost_usd),
            w.requests,
            w.served,
            w.latency_ms.p50,
            w.latency_ms.p95,
            w.latency_ms.p99,
            w.cold_start_rate * 100.0
        );
    }
    if !best.pipelines.is_empty() {
        o.push('\n');
        let nw = best
            .pipelines
            .iter()
            .map(|p| p.name.chars().count())
            .max()
            .unwrap_or(0)
            .max("Pipeline".len())
            .min(super::table::MAX_COLUMN_CHARS);
        let _ = writeln!(
            o,
            "  {:<nw$} {:>8} {:>8} {:>8}  Over objective",
            "Pipeline", "p50 ms", "p95 ms", "p99 ms"
        );
        for p in &best.pipelines {
            let _ = writeln!(
                o,
                "  {:<nw$} {:>8.0} {:>8.0} {:>8.0}  {}",
                p.name,
                p.latency_ms.p50,
                p.latency_ms.p95,
                p.latency_ms.p99,
                match p.over_slo_share {
                    Some(x) => format!("{:.2} %", x * 100.0),
                    None => "no objective".into(),
                }
            );
        }
    }
    o.push('\n');
    o
}

fn usd_f64(x: f64) -> String {
    usd(rust_decimal::Decimal::try_from(x).unwrap_or_default())
}

/// The sweep as a table; `workload` names the one workload whose traffic was scaled
/// (`sweep --workload`), the rest of the application staying as it is; costs in `fx`'s
/// currency (None: US dollars).
pub fn sweep_table_in(sw: &Sweep, workload: Option<&str>, fx: Option<&crate::pricing::fx::Fx>) -> String {
    use rust_decimal::prelude::ToPrimitive;
    let rate = fx.and_then(|f| f.per_usd.to_f64()).unwrap_or(1.0);
    let symbol = fx.map(|f| f.symbol()).unwrap_or_else(|| "$".into());
    let mut o = String::new();
    match workload {
        Some(w) => {
            let _ = writeln!(
                o,
                "Cost per platform against the traffic of workload {w} (x scales its own traffic and what it \
                 triggers; the other workloads stay as they are; {} points)\n",
                sw.points.len()
            );
        }
        None => {
            let _ = writeln!(
                o,
                "Cost per platform against {} ({} points)\n",
                sw.axis.label(),
                sw.points.len()
            );
        }
    }
    let _ = write!(o, "  {:>12} {:>14} {:>16}", "x", "mean req/s", "requests/month");
    for n in &sw.platforms {
        let _ = write!(o, " {:>14}", n);
    }
    o.push('\n');
    let step = (sw.points.len() / 20).max(1);
    let mut marked = false;
    for (i, p) in sw.points.iter().enumerate() {
        if i % step != 0 && i + 1 != sw.points.len() {
            continue;
        }
        let _ = write!(o, "  {:>12.4} {:>14.4} {:>16.0}", p.x, p.mean_rps, p.monthly_requests);
        for (k, c) in p.costs_usd.iter().enumerate() {
            let c = c * rate;
            if p.good_enough.get(k).copied().unwrap_or(true) {
                let _ = write!(o, " {:>14.2}", c);
            } else {
                marked = true;
                let _ = write!(o, " {:>13.2}*", c);
            }
        }
        o.push('\n');
    }
    if marked {
        let _ = writeln!(
            o,
            "\n  * not good enough there: requests fail past the execution-time limit, more than 0.5 % are \
             throttled or dropped, or more than 5 % are slower than the latency objective"
        );
    }
    o.push('\n');
    if sw.crossovers.is_empty() {
        let _ = writeln!(o, "No crossovers in this range.");
    }
    for c in &sw.crossovers {
        let _ = writeln!(
            o,
            "  {} / {}: at x = {:.4} ({:.3} req/s, {:.0} requests/month), {symbol}{:.2}; {} is cheaper below{}",
            c.between[0],
            c.between[1],
            c.x,
            c.mean_rps,
            c.monthly_requests,
            c.cost_usd * rate,
            c.cheaper_below,
            c.caveat()
                .map(|w| format!(" (not a real break-even: {w})"))
                .unwrap_or_default()
        );
    }
    o
}

/// The verdict under the tables: the headline, then each reason with the number behind it.
pub fn verdict_text(v: &Verdict) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "\nVerdict: {}", v.headline);
    for r in &v.reasons {
        let _ = writeln!(o, "  - {}", r.text);
    }
    o
}

/// What a progress line shows: the fraction never goes back. `Control` already adds the
/// parallel platforms' shares and never lowers its figure; this guard keeps the line
/// monotone whatever it is fed (NaN included), and after the main run the report's sweeps
/// do not report at all.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Monotone {
    shown: f64,
}

impl Monotone {
    /// Takes a reported fraction (anything: clamped to 0..1, NaN ignored) and returns the
    /// fraction to show.
    pub fn update(&mut self, reported: f64) -> f64 {
        if reported.is_finite() {
            self.shown = self.shown.max(reported.clamp(0.0, 1.0));
        }
        self.shown
    }
}

/// The report's stages on one bar: the main run fills the first `SIM_SHARE`, the sweeps,
/// map and Monte Carlo (which report no progress of their own) are the rest, shown as a
/// stage rather than a number. Monotone: once the run is done the stage never returns.
pub const SIM_SHARE: f64 = 0.8;

/// The report's progress line for a main-run fraction already made monotone.
pub fn report_stage(sim_fraction: f64) -> String {
    if sim_fraction < 1.0 {
        format!("simulating: {:5.1} %", sim_fraction * SIM_SHARE * 100.0)
    } else {
        format!(
            "{:5.1} %: sweeping traffic and mapping the cheapest platform",
            SIM_SHARE * 100.0
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_never_goes_back() {
        let mut m = Monotone::default();
        let shown: Vec<f64> = [0.1, 0.55, 0.2, f64::NAN, 0.6, -1.0, 0.3, 1.0, 0.0, 2.0]
            .iter()
            .map(|&p| m.update(p))
            .collect();
        assert_eq!(shown, [0.1, 0.55, 0.55, 0.55, 0.6, 0.6, 0.6, 1.0, 1.0, 1.0]);
        assert!(shown.windows(2).all(|w| w[1] >= w[0]));
    }

    #[test]
    fn report_stages_read_in_order() {
        assert_eq!(report_stage(0.5), "simulating:  40.0 %");
        assert_eq!(
            report_stage(1.0),
            " 80.0 %: sweeping traffic and mapping the cheapest platform"
        );
    }
}
