//! The simulation against closed forms (../shared/reference/coldstart.md §C, §E), with
//! tolerances derived from the sample sizes.

use breakeven::model::{Scenario, parse_scenario};
use breakeven::pricing::Catalog;
use breakeven::sim::{Mode, SimResult, simulate};
use std::path::Path;

fn catalog() -> Catalog {
    Catalog::builtin().unwrap()
}

/// One Lambda function: `traffic` components, fixed duration, no CPU slowdown.
fn function_scenario(
    traffic: &str,
    arrivals: &str,
    days: f64,
    duration: &str,
    cold: &str,
    keep_alive_s: f64,
    max_conc: u32,
) -> Scenario {
    let text = format!(
        r#"Scenario(
    version: 1, name: "validation", horizon_days: {days}, seed: 12345,
    traffic: Traffic(arrivals: {arrivals}, components: [{traffic}]),
    workload: Workload(duration_ms: {duration}, cpu_fraction: 0.0, cold_start_ms: {cold}, latency_slo_ms: None),
    platforms: [Function(name: "F", service: "aws-lambda", memory_mb: 1024, keep_alive_s: {keep_alive_s},
                         max_concurrency: {max_conc}, provisioned: 0, free_tier: false, front_door: None)],
)"#
    );
    parse_scenario(&text, "validation.ron", None, &catalog()).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn run(s: &Scenario, mode: Mode) -> SimResult {
    simulate(s, Path::new("."), &catalog(), mode).unwrap()
}

/// |x - want| within k standard errors of a Bernoulli mean over n trials.
fn within_binomial(x: f64, want: f64, n: f64, k: f64) -> bool {
    let se = (want * (1.0 - want) / n).sqrt();
    (x - want).abs() <= k * se
}

#[test]
fn cold_start_probability_is_exp_minus_lambda_t() {
    // (lambda, T): exp(-lambda T) = 0.5488, 0.3679, 0.0498, 0.00248
    for (lambda, t, days) in [
        (0.01, 60.0, 120.0),
        (1.0, 1.0, 2.0),
        (0.005, 600.0, 300.0),
        (0.1, 60.0, 60.0),
    ] {
        let s = function_scenario(
            &format!("Constant(rps: {lambda})"),
            "Poisson",
            days,
            "Fixed(0.001)",
            "Fixed(0.0)",
            t,
            1000,
        );
        let r = run(&s, Mode::Exact);
        let p = &r.platforms[0];
        let n = p.served as f64;
        assert!(n > 1e5 || lambda * t > 2.0, "too few requests: {n}");
        let want = (-lambda * t).exp();
        assert!(
            within_binomial(p.cold_start_rate, want, n, 4.0),
            "lambda {lambda}, T {t}: {} vs {want} (n {n})",
            p.cold_start_rate
        );
        // mean live instances 1 - exp(-lambda T) within 1 % (renewal-reward; n large)
        let live = 1.0 - want;
        assert!(
            (p.mean_instances - live).abs() <= 0.01 * live.max(0.05),
            "live {} vs {live}",
            p.mean_instances
        );
        // mean lifetime by Little's law for instances: live = cold rate x lifetime
        let cold_per_s = p.cold_starts as f64 / r.horizon_s;
        let lifetime = p.mean_instances / cold_per_s;
        let want_life = ((lambda * t).exp() - 1.0) / lambda;
        assert!(
            (lifetime / want_life - 1.0).abs() < 0.03 + 4.0 / (p.cold_starts as f64).sqrt(),
            "lifetime {lifetime} vs {want_life}"
        );
        // the fast mode's closed form is exact in this limit
        let f = run(&s, Mode::Fast);
        assert!(
            (f.platforms[0].cold_start_rate / want - 1.0).abs() < 0.02,
            "fast {} vs {want}",
            f.platforms[0].cold_start_rate
        );
        assert!(
            (f.platforms[0].mean_instances / live - 1.0).abs() < 0.02,
            "fast live {} vs {live}",
            f.platforms[0].mean_instances
        );
    }
}

#[test]
fn busy_instances_follow_littles_law() {
    for (lambda, ms) in [(50.0, 200.0), (5.0, 1500.0), (200.0, 30.0)] {
        let s = function_scenario(
            &format!("Constant(rps: {lambda})"),
            "Poisson",
            1.0,
            &format!("Exponential(mean: {ms})"),
            "Fixed(0.0)",
            600.0,
            100000,
        );
        for mode in [Mode::Exact, Mode::Fast] {
            let r = run(&s, mode);
            let want = lambda * ms / 1000.0;
            let got = r.platforms[0].mean_busy;
            assert!(
                (got / want - 1.0).abs() < 0.01,
                "{mode:?} lambda {lambda}: busy {got} vs {want}"
            );
        }
    }
}

#[test]
fn concurrency_cap_throttles_as_erlang_b() {
    // a = lambda E[S]; P(reject) = ErlangB(m, a) for any service distribution
    for (m, want) in [(20u32, 0.15889), (25, 0.05022)] {
        let s = function_scenario(
            "Constant(rps: 10.0)",
            "Poisson",
            3.0,
            "Fixed(2000.0)",
            "Fixed(0.0)",
            600.0,
            m,
        );
        let r = run(&s, Mode::Exact);
        let p = &r.platforms[0];
        let n = p.requests as f64;
        let got = p.throttled as f64 / n;
        // throttling events are correlated in time; allow a wider band than binomial
        assert!(within_binomial(got, want, n / 40.0, 4.0), "m {m}: {got} vs {want}");
        let f = run(&s, Mode::Fast);
        let fp = &f.platforms[0];
        assert!(
            (fp.throttled as f64 / fp.requests as f64 / want - 1.0).abs() < 0.01,
            "fast m {m}"
        );
    }
}

#[test]
fn simfaas_published_case() {
    // lambda = 0.9/s, warm 1.991 s (exponential), cold 2.244 s, T = 600 s:
    // P(cold) ~ 0.0014 and about 7.7 live instances in steady state.
    let s = function_scenario(
        "Constant(rps: 0.9)",
        "Poisson",
        60.0,
        "Exponential(mean: 1991.0)",
        "Fixed(253.0)",
        600.0,
        1000,
    );
    let r = run(&s, Mode::Exact);
    let p = &r.platforms[0];
    assert!(
        (p.cold_start_rate / 0.0014 - 1.0).abs() < 0.15,
        "P(cold) {}",
        p.cold_start_rate
    );
    assert!((p.mean_instances / 7.7 - 1.0).abs() < 0.05, "live {}", p.mean_instances);
    let f = run(&s, Mode::Fast);
    let fp = &f.platforms[0];
    assert!(
        (fp.cold_start_rate / 0.0014 - 1.0).abs() < 0.10,
        "fast P(cold) {}",
        fp.cold_start_rate
    );
    assert!(
        (fp.mean_instances / 7.7 - 1.0).abs() < 0.03,
        "fast live {}",
        fp.mean_instances
    );
    // and the fast mode against the exact run itself
    assert!(
        (fp.cold_start_rate / p.cold_start_rate - 1.0).abs() < 0.10,
        "fast P(cold) {} vs exact {}",
        fp.cold_start_rate,
        p.cold_start_rate
    );
}

#[test]
fn timers_under_the_keep_alive_are_warm_and_over_it_cold() {
    for mode in [Mode::Exact, Mode::Fast] {
        // every 9 minutes, keep-alive 10 minutes: only the first run is cold
        let s = function_scenario(
            "Constant(rps: 0.001851851851851852)",
            "Deterministic",
            2.0,
            "Fixed(50.0)",
            "Fixed(200.0)",
            600.0,
            1000,
        );
        let p = &run(&s, mode).platforms[0];
        assert_eq!(p.served, 320, "{mode:?}");
        assert_eq!(p.cold_starts, 1, "{mode:?}");
        // every 11 minutes: every run is cold
        let s = function_scenario(
            "Constant(rps: 0.0015151515151515152)",
            "Deterministic",
            2.0,
            "Fixed(50.0)",
            "Fixed(200.0)",
            600.0,
            1000,
        );
        let p = &run(&s, mode).platforms[0];
        assert_eq!(p.cold_starts, p.served, "{mode:?}");
        assert_eq!(p.served, 262, "{mode:?}");
    }
}

#[test]
fn lambda_scaling_rate_ramp_throttles_as_documented() {
    // 0 -> 10,000 req/s at 1 s per request, account limit raised: the pool grows 1,000 at
    // once then 100/s, reaching 10,000 after 90 s; 405,000 requests are throttled.
    let s = function_scenario(
        "Constant(rps: 10000.0)",
        "Poisson",
        0.0025,
        "Fixed(1000.0)",
        "Fixed(0.0)",
        600.0,
        20000,
    );
    for mode in [Mode::Exact, Mode::Fast] {
        let p = &run(&s, mode).platforms[0];
        let got = p.throttled as f64;
        assert!((got / 405_000.0 - 1.0).abs() < 0.02, "{mode:?}: throttled {got}");
    }
}

#[test]
fn same_seed_same_numbers_other_seed_other_numbers() {
    let s = function_scenario(
        "Diurnal(peak_rps: 5.0, trough_rps: 0.1, peak_hour: 12.0)",
        "Poisson",
        3.0,
        "LogNormal(median: 100.0, p99: 900.0)",
        "Fixed(300.0)",
        600.0,
        1000,
    );
    let a = run(&s, Mode::Exact);
    let b = run(&s, Mode::Exact);
    let (pa, pb) = (&a.platforms[0], &b.platforms[0]);
    assert_eq!(
        (pa.requests, pa.cold_starts, pa.total_usd.to_bits()),
        (pb.requests, pb.cold_starts, pb.total_usd.to_bits())
    );
    assert_eq!(pa.latency_ms.p99.to_bits(), pb.latency_ms.p99.to_bits());
    let mut s2 = s.clone();
    s2.seed += 1;
    let c = run(&s2, Mode::Exact);
    assert_ne!(pa.requests, c.platforms[0].requests);
}
