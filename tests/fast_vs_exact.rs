//! The fast mode agrees with the exact mode on every shipped scenario: total cost within
//! 2 %, cold-start rate within the documented bound (ARCHITECTURE.md, "Fast mode error").

use breakeven::model::load_scenario_file;
use breakeven::pricing::Catalog;
use breakeven::sim::{Mode, simulate};
use std::path::Path;

/// Exact runs are capped at this many expected requests per platform, by shortening the
/// horizon (the scenario's shape is kept) so the suite stays fast.
const MAX_REQUESTS: f64 = 30e6;

#[test]
fn fast_mode_agrees_with_exact_mode_on_shipped_scenarios() {
    let cat = Catalog::builtin().unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let mut failures = Vec::new();
    for f in files {
        let mut s = load_scenario_file(&f, &cat).unwrap();
        let probe = simulate(&s, &dir, &cat, Mode::Fast).unwrap();
        let per_day = probe.traffic.expected_requests / s.horizon_days;
        if probe.traffic.expected_requests > MAX_REQUESTS {
            s.horizon_days = (MAX_REQUESTS / per_day).floor().max(1.0);
        }
        let fast = simulate(&s, &dir, &cat, Mode::Fast).unwrap();
        let exact = simulate(&s, &dir, &cat, Mode::Exact).unwrap();
        for (a, b) in fast.platforms.iter().zip(&exact.platforms) {
            let cost_err = (a.total_usd - b.total_usd).abs() / b.total_usd.max(0.01);
            let cold_bound =
                0.25 * b.cold_start_rate + 3.0 * (b.cold_start_rate.max(1e-9) / b.served.max(1) as f64).sqrt() + 1e-4;
            let cold_err = (a.cold_start_rate - b.cold_start_rate).abs();
            println!(
                "{:<34} {:<22} fast ${:>10.2} exact ${:>10.2} ({:+.2} %)  cold fast {:.5} exact {:.5}  inst {:.2}/{:.2}  p99 {:.0}/{:.0}",
                s.name,
                a.name,
                a.total_usd,
                b.total_usd,
                100.0 * (a.total_usd - b.total_usd) / b.total_usd.max(0.01),
                a.cold_start_rate,
                b.cold_start_rate,
                a.mean_instances,
                b.mean_instances,
                a.latency_ms.p99,
                b.latency_ms.p99
            );
            if cost_err > 0.02 && (a.total_usd - b.total_usd).abs() > 0.02 {
                failures.push(format!(
                    "{} / {}: cost {:.2} vs {:.2}",
                    s.name, a.name, a.total_usd, b.total_usd
                ));
            }
            if cold_err > cold_bound {
                failures.push(format!(
                    "{} / {}: cold-start rate {:.5} vs {:.5}",
                    s.name, a.name, a.cold_start_rate, b.cold_start_rate
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
