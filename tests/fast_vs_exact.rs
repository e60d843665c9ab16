//! The fast mode agrees with the exact mode: on every shipped scenario (total cost within
//! 2 %, cold-start rate within 10 % plus the exact run's sampling noise), and on cases
//! built to stress it (ARCHITECTURE.md, "Fast mode"): steady Poisson pools, bursts from
//! zero, concurrency caps far below the load, the scaling rate, the execution-time limit
//! and a fleet at its maximum replicas.

use breakeven::model::load_scenario_file;
use breakeven::pricing::Catalog;
use breakeven::sim::{Mode, PlatformResult, simulate};
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
        if s.workloads.len() > 1 {
            // applications: tests/application.rs compares their modes
            continue;
        }
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
                0.10 * b.cold_start_rate + 3.0 * (b.cold_start_rate.max(1e-9) / b.served.max(1) as f64).sqrt() + 1e-4;
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

/// One scenario from RON text (workload and platforms given, traffic components listed).
fn scenario(days: f64, traffic: &str, workload: &str, platform: &str) -> breakeven::model::Scenario {
    scenario_with("Poisson", days, traffic, workload, platform)
}

fn scenario_with(
    arrivals: &str,
    days: f64,
    traffic: &str,
    workload: &str,
    platform: &str,
) -> breakeven::model::Scenario {
    let cat = Catalog::builtin().unwrap();
    let text = format!(
        r#"Scenario(version: 1, name: "fast vs exact", horizon_days: {days}, seed: 99,
            traffic: Traffic(arrivals: {arrivals}, components: [{traffic}]),
            workload: Workload({workload}),
            platforms: [{platform}])"#
    );
    breakeven::model::parse_scenario(&text, "case.ron", None, &cat).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn lambda(extra: &str) -> String {
    format!(r#"Function(name: "L", service: "aws-lambda", memory_mb: 1769, free_tier: false{extra})"#)
}

/// Relative difference, with a floor on the denominator.
fn rel(a: f64, b: f64, floor: f64) -> f64 {
    (a - b).abs() / b.abs().max(floor)
}

struct Bounds {
    /// Cold-start rate and mean live environments (relative).
    cold: f64,
    live: f64,
    /// Served, throttled, dropped and failed, as shares of requests (absolute).
    share: f64,
    /// Total cost (relative).
    cost: f64,
}

const TIGHT: Bounds = Bounds {
    cold: 0.10,
    live: 0.10,
    share: 0.02,
    cost: 0.03,
};

/// Runs both modes and checks the fast one against the exact one; returns both platforms
/// for case-specific checks.
fn agree(what: &str, s: &breakeven::model::Scenario, b: &Bounds) -> (PlatformResult, PlatformResult) {
    let cat = Catalog::builtin().unwrap();
    let dir = Path::new(".");
    let fast = simulate(s, dir, &cat, Mode::Fast).unwrap().platforms.remove(0);
    let exact = simulate(s, dir, &cat, Mode::Exact).unwrap().platforms.remove(0);
    println!(
        "{what:<48} cold {:.3e}/{:.3e} live {:.1}/{:.1} peak {}/{} served {}/{} thr {}/{} drop {}/{} failed {}/{} ${:.2}/${:.2}",
        fast.cold_start_rate,
        exact.cold_start_rate,
        fast.mean_instances,
        exact.mean_instances,
        fast.peak_instances,
        exact.peak_instances,
        fast.served,
        exact.served,
        fast.throttled,
        exact.throttled,
        fast.dropped,
        exact.dropped,
        fast.failed,
        exact.failed,
        fast.total_usd,
        exact.total_usd
    );
    assert!(
        exact.requests > 20_000,
        "{what}: the fast mode must not fall back to exact"
    );
    let n = exact.requests as f64;
    // the exact run's own sampling noise on the cold-start rate
    let noise = 3.0 / (exact.cold_starts.max(1) as f64).sqrt();
    let mut bad = Vec::new();
    if rel(fast.cold_start_rate, exact.cold_start_rate, 1e-12) > b.cold + noise {
        bad.push(format!(
            "cold-start rate {:.4e} vs {:.4e}",
            fast.cold_start_rate, exact.cold_start_rate
        ));
    }
    if rel(fast.mean_instances, exact.mean_instances, 1.0) > b.live {
        bad.push(format!(
            "mean instances {:.2} vs {:.2}",
            fast.mean_instances, exact.mean_instances
        ));
    }
    for (field, x, y) in [
        ("served", fast.served, exact.served),
        ("throttled", fast.throttled, exact.throttled),
        ("dropped", fast.dropped, exact.dropped),
        ("failed", fast.failed, exact.failed),
    ] {
        if (x as f64 - y as f64).abs() / n > b.share {
            bad.push(format!("{field} {x} vs {y} of {n}"));
        }
    }
    if rel(fast.total_usd, exact.total_usd, 0.01) > b.cost {
        bad.push(format!("cost ${:.2} vs ${:.2}", fast.total_usd, exact.total_usd));
    }
    assert!(bad.is_empty(), "{what}: {}", bad.join("; "));
    (fast, exact)
}

const ONE_SECOND: &str = "duration_ms: Fixed(1000.0), cpu_fraction: 0.0, cold_start_ms: Fixed(250.0)";

#[test]
fn steady_poisson_cold_starts_and_pool_match_the_exact_engine() {
    // the issue's cases (SimFaaS and DSLab agree with the exact engine on the first)
    for (what, rps, days, ka) in [
        ("5 req/s, 1 s, keep-alive 60 s", 5.0, 1.0, 60.0),
        ("50 req/s, 1 s, keep-alive 60 s", 50.0, 0.25, 60.0),
        ("50 req/s, 1 s, keep-alive 600 s", 50.0, 0.5, 600.0),
    ] {
        let s = scenario(
            days,
            &format!("Constant(rps: {rps})"),
            ONE_SECOND,
            &lambda(&format!(", keep_alive_s: {ka}, max_concurrency: 100000")),
        );
        let (fast, _) = agree(what, &s, &TIGHT);
        assert!(fast.cold_starts > 50, "{what}: {}", fast.cold_starts);
    }
    // exponential service times, as SimFaaS draws them (lambda 50, 2 s, T 60 s: 0.0015)
    let s = scenario(
        0.25,
        "Constant(rps: 50.0)",
        "duration_ms: Exponential(mean: 2000.0), cpu_fraction: 0.0, cold_start_ms: Fixed(100.0)",
        &lambda(", keep_alive_s: 60.0, max_concurrency: 100000"),
    );
    agree("50 req/s, exponential 2 s, keep-alive 60 s", &s, &TIGHT);
}

#[test]
fn a_burst_from_zero_grows_the_pool_from_nothing() {
    // 1,000 req/s for one hour of a day: every environment of the burst is a cold start,
    // and cold requests hold their environment for INIT + service while the pool grows
    let s = scenario(
        1.0 / 24.0,
        "Constant(rps: 1000.0)",
        "duration_ms: LogNormal(median: 200.0, p99: 1200.0), cpu_fraction: 0.0, cold_start_ms: LogNormal(median: 300.0, p99: 900.0)",
        &lambda(", keep_alive_s: 600.0, max_concurrency: 100000"),
    );
    let (fast, exact) = agree("1,000 req/s for an hour from zero", &s, &TIGHT);
    assert!(
        exact.cold_starts as f64 >= exact.mean_instances,
        "{}",
        exact.cold_starts
    );
    assert!(fast.cold_starts as f64 >= 0.9 * exact.mean_instances);
    // the same burst in the middle of a quiet day
    let s = scenario(
        1.0,
        "Constant(rps: 0.5), Spike(day: 0.0, hour: 11.0, duration_min: 60.0, requests: 3600000.0)",
        "duration_ms: LogNormal(median: 200.0, p99: 1200.0), cpu_fraction: 0.0, cold_start_ms: LogNormal(median: 300.0, p99: 900.0)",
        &lambda(", keep_alive_s: 600.0, max_concurrency: 100000"),
    );
    agree("1,000 req/s burst in a quiet day", &s, &TIGHT);
}

#[test]
fn concurrency_caps_throttle_as_in_the_exact_engine() {
    // 20,000 req/s of 100 ms against 1,000: the exact run serves about half
    let s = scenario(
        300.0 / 86_400.0,
        "Constant(rps: 20000.0)",
        "duration_ms: Fixed(100.0), cpu_fraction: 0.0, cold_start_ms: Fixed(200.0)",
        &lambda(", max_concurrency: 1000"),
    );
    let (fast, exact) = agree("20,000 req/s, cap 1,000", &s, &TIGHT);
    assert!(exact.peak_instances <= 1000 && fast.peak_instances <= 1000);
    assert!((exact.served as f64 / exact.requests as f64 - 0.5).abs() < 0.03);
    // 1e6 req/s: nearly everything throttled, the pool at the cap
    let s = scenario(
        10.0 / 86_400.0,
        "Constant(rps: 1000000.0)",
        "duration_ms: Fixed(100.0), cpu_fraction: 0.0, cold_start_ms: Fixed(200.0)",
        &lambda(", max_concurrency: 1000"),
    );
    let (fast, _) = agree("1e6 req/s, cap 1,000", &s, &TIGHT);
    assert!(fast.peak_instances <= 1000, "{}", fast.peak_instances);
    // a cap just above the load: Erlang B throttling and a pool pressed against the cap
    let s = scenario(
        0.1,
        "Constant(rps: 400.0)",
        "duration_ms: LogNormal(median: 150.0, p99: 900.0), cpu_fraction: 0.0, cold_start_ms: Fixed(200.0)",
        &lambda(", max_concurrency: 100"),
    );
    agree("400 req/s, cap 100 near the load", &s, &TIGHT);
}

#[test]
fn the_scaling_rate_limits_a_step_as_in_the_exact_engine() {
    // from 20 req/s to 4,000 req/s of 1 s requests: 1,000 environments at once, then
    // 100 per second for half a minute, the rest throttled meanwhile
    let s = scenario(
        0.05,
        "Constant(rps: 20.0), Spike(day: 0.0, hour: 0.5, duration_min: 30.0, requests: 7164000.0)",
        ONE_SECOND,
        &lambda(", max_concurrency: 10000"),
    );
    let (fast, exact) = agree("step to 4,000 req/s under the scaling rate", &s, &TIGHT);
    assert!(
        exact.throttled > 30_000 && fast.throttled > 30_000,
        "{}",
        exact.throttled
    );
}

#[test]
fn requests_over_the_execution_time_limit_fail_as_in_the_exact_engine() {
    // Lambda stops a request at 15 minutes: the long tail fails, billed to the limit
    let s = scenario(
        0.05,
        "Constant(rps: 10.0)",
        "duration_ms: LogNormal(median: 300000.0, p99: 1800000.0), cpu_fraction: 0.0, cold_start_ms: Fixed(300.0)",
        &lambda(", max_concurrency: 100000"),
    );
    let (fast, exact) = agree("requests over the 15-minute limit", &s, &TIGHT);
    assert!(exact.failed > 500 && fast.failed > 500, "{}", exact.failed);
}

#[test]
fn a_fleet_at_its_maximum_queues_and_drops_as_in_the_exact_engine() {
    // two replicas of 10 slots against 40 requests in flight: the queue times out
    let s = scenario(
        0.1,
        "Constant(rps: 200.0)",
        "duration_ms: LogNormal(median: 150.0, p99: 600.0), cpu_fraction: 0.0, cold_start_ms: Fixed(200.0)",
        r#"Container(name: "C", service: "aws-fargate", vcpu: 1.0, memory_gb: 2.0, concurrency: 10,
                     min_replicas: 1, max_replicas: 2, startup_s: 30.0, queue_timeout_s: 5.0, free_tier: false)"#,
    );
    let (fast, exact) = agree("fleet at max replicas, queue timeout", &s, &TIGHT);
    assert!(exact.dropped > 1000 && fast.dropped > 1000, "{}", exact.dropped);
    assert!(fast.peak_instances <= 2 && exact.peak_instances <= 2);
}

/// Bursts shorter than the service time: the requests in flight are those that arrived
/// within the burst, not the stationary rate x mean service time.
const BURST: Bounds = Bounds {
    cold: 0.10,
    live: 0.10,
    share: 0.02,
    cost: 0.05,
};

#[test]
fn a_timer_burst_shorter_than_its_jobs_stays_within_the_cap() {
    // the shipped nightly report at 1,000x: 1,000 jobs of 8 minutes arriving within one
    // minute, once a night; at most 1,000 in flight, exactly the default cap
    let s = scenario_with(
        "Deterministic",
        25.0,
        "Scheduled(every_hours: 24.0, at_hour: 2.0, duration_min: 1.0, rps: 16.666666666666668)",
        "duration_ms: Fixed(480000.0), cpu_fraction: 0.6, cold_start_ms: Fixed(800.0)",
        &lambda(""),
    );
    let (fast, exact) = agree("1,000 8-minute jobs within a minute, nightly", &s, &BURST);
    assert_eq!(exact.throttled, 0);
    assert_eq!(fast.throttled, 0);
    // every job is cold (a night is longer than the keep-alive), each environment lives
    // 480 s + INIT + the keep-alive: 12.5 on average over a day
    assert_eq!(exact.cold_starts, 25_000);
    assert!(fast.cold_starts >= 24_500, "{}", fast.cold_starts);
    assert!((fast.mean_instances - 12.5).abs() < 0.5, "{}", fast.mean_instances);
    assert_eq!(fast.peak_instances, 1000);
}

#[test]
fn a_poisson_spike_shorter_than_its_requests_is_judged_on_what_is_in_flight() {
    // 6,000 requests of 10 minutes in a 2-minute spike each day against the cap of 1,000:
    // about the first 1,000 are served, the rest find the cap full
    let spikes: Vec<String> = (0..4)
        .map(|d| format!("Spike(day: {d}.0, hour: 3.0, duration_min: 2.0, requests: 6000.0)"))
        .collect();
    let s = scenario(
        4.0,
        &spikes.join(", "),
        "duration_ms: Fixed(600000.0), cpu_fraction: 0.0, cold_start_ms: Fixed(250.0)",
        &lambda(""),
    );
    let (fast, exact) = agree("6,000 10-minute requests in 2 minutes, cap 1,000", &s, &BURST);
    let share = |x: u64| x as f64 / exact.requests as f64;
    assert!((share(exact.served) - 1.0 / 6.0).abs() < 0.01, "{}", exact.served);
    assert!((share(fast.served) - 1.0 / 6.0).abs() < 0.01, "{}", fast.served);
    // 1,500 of them under a cap they do not reach: all served, all cold
    let spikes: Vec<String> = (0..14)
        .map(|d| format!("Spike(day: {d}.0, hour: 3.0, duration_min: 2.0, requests: 1500.0)"))
        .collect();
    let s = scenario(
        14.0,
        &spikes.join(", "),
        "duration_ms: Fixed(600000.0), cpu_fraction: 0.0, cold_start_ms: Fixed(250.0)",
        &lambda(", max_concurrency: 100000"),
    );
    let (fast, exact) = agree("1,500 10-minute requests in 2 minutes, no cap", &s, &BURST);
    assert_eq!(exact.throttled, 0);
    assert_eq!(fast.throttled, 0);
}

#[test]
fn a_one_replica_fleet_given_a_nightly_burst_scales_back_to_zero() {
    // the nightly report's Fargate task at 1,000x: one replica, 1,000 eight-minute jobs
    // within a minute, a 10-minute queue timeout. The exact engine serves 2 a night and
    // drops the rest; the replica lives about 18 minutes a night. Those dropped must not
    // keep it alive (the fast mode kept it all day: $29.53 instead of $0.37). The fluid
    // queue serves 2.8 a night and the replica lives 11 % shorter (ARCHITECTURE.md), so
    // cost and live replicas are held to 15 % here.
    let s = scenario_with(
        "Deterministic",
        25.0,
        "Scheduled(every_hours: 24.0, at_hour: 2.0, duration_min: 1.0, rps: 16.666666666666668)",
        "duration_ms: Fixed(480000.0), cpu_fraction: 0.6, cold_start_ms: Fixed(800.0)",
        r#"Container(name: "F", service: "aws-fargate", vcpu: 1.0, memory_gb: 2.0, concurrency: 1,
                     min_replicas: 0, max_replicas: 1, target_utilization: 0.9, startup_s: 45.0,
                     queue_timeout_s: 600.0)"#,
    );
    let loose = Bounds {
        cold: 0.10,
        live: 0.15,
        share: 0.02,
        cost: 0.15,
    };
    let (fast, exact) = agree("one replica, 1,000 8-minute jobs nightly", &s, &loose);
    // one launch a night in both
    assert_eq!(exact.cold_starts, 25);
    assert_eq!(fast.cold_starts, 25);
    // (`agree` floors live replicas at one; about 0.012 here, so compare directly)
    assert!(
        rel(fast.mean_instances, exact.mean_instances, 1e-9) < 0.15,
        "{} vs {}",
        fast.mean_instances,
        exact.mean_instances
    );
}
