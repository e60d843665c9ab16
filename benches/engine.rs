//! Engine speed. Figures and the machine they came from are in BENCHMARKS.md.
//!
//! cargo bench --bench engine

use breakeven::analysis;
use breakeven::model::{Dist, Uncertainty, load_scenario_file, parse_scenario};
use breakeven::pricing::Catalog;
use breakeven::sim::app::Reuse;
use breakeven::sim::{Control, Mode, Prepared, TraceStore, prepare, run};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

fn one_function(rps: f64, duration: &str, days: f64) -> (Prepared, Catalog) {
    let cat = Catalog::builtin().expect("catalog");
    let text = format!(
        r#"Scenario(version: 1, name: "bench", horizon_days: {days}, seed: 1,
            traffic: Traffic(components: [Constant(rps: {rps})]),
            workload: Workload(duration_ms: {duration}, cpu_fraction: 0.0, cold_start_ms: Fixed(200.0)),
            platforms: [Function(name: "Lambda", service: "aws-lambda", memory_mb: 1024, max_concurrency: 100000)])"#
    );
    let s = parse_scenario(&text, "bench.ron", None, &cat).expect("scenario");
    let p = prepare(&s, Path::new("."), &cat, &mut TraceStore::default()).expect("prepare");
    (p, cat)
}

fn shipped(name: &str) -> (Prepared, Catalog) {
    let cat = Catalog::builtin().expect("catalog");
    let f = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(name);
    let s = load_scenario_file(&f, &cat).expect("scenario");
    let p = prepare(&s, f.parent().expect("dir"), &cat, &mut TraceStore::default()).expect("prepare");
    (p, cat)
}

fn exact(c: &mut Criterion) {
    let mut g = c.benchmark_group("exact");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    // (name, rate, duration): about 1, tens of and 1,000 live environments
    for (name, rps, dur, days) in [
        ("1 live env (1 req/s, 1 ms)", 1.0, "Fixed(1.0)", 30.0),
        (
            "~25 live envs (100 req/s, 80 ms)",
            100.0,
            "LogNormal(median: 80.0, p99: 320.0)",
            0.5,
        ),
        (
            "~1,100 live envs (10,000 req/s, 80 ms)",
            10_000.0,
            "LogNormal(median: 80.0, p99: 320.0)",
            0.005,
        ),
    ] {
        let (p, cat) = one_function(rps, dur, days);
        g.throughput(Throughput::Elements(p.profile.expected_requests() as u64));
        g.bench_function(name, |b| {
            b.iter(|| black_box(run(&p, &cat, Mode::Exact, &Control::default()).expect("run")))
        });
    }
    g.finish();
}

fn fast(c: &mut Criterion) {
    let mut g = c.benchmark_group("fast");
    g.sample_size(20);
    for name in ["startup-launch.ron", "steady-high.ron", "flash-sale.ron"] {
        let (p, cat) = shipped(name);
        g.bench_function(format!("30-day scenario, all platforms: {name}"), |b| {
            b.iter(|| black_box(run(&p, &cat, Mode::Fast, &Control::default()).expect("run")))
        });
    }
    g.finish();
}

fn sweep(c: &mut Criterion) {
    let mut g = c.benchmark_group("sweep");
    g.sample_size(10);
    for name in ["startup-launch.ron", "steady-high.ron", "iot-ingestion.ron"] {
        let (p, cat) = shipped(name);
        g.bench_function(format!("100-point traffic sweep with crossovers: {name}"), |b| {
            b.iter(|| black_box(analysis::traffic_sweep(&p, &cat).expect("sweep")))
        });
    }
    g.finish();
}

/// The Cheapest map at the app's resolution (16 traffic scales by 10 peak-to-mean ratios,
/// every cell a fast run of every platform).
fn map(c: &mut Criterion) {
    let mut g = c.benchmark_group("map");
    g.sample_size(10);
    for name in ["startup-launch.ron", "steady-high.ron"] {
        let (p, cat) = shipped(name);
        g.bench_function(format!("cheapest map, 16 x 10 cells: {name}"), |b| {
            b.iter(|| {
                black_box(analysis::cheapest_map(&p, &cat, analysis::MapAxes::VolumeByBurstiness, 16, 10).expect("map"))
            })
        });
    }
    g.finish();
}

/// Monte Carlo: 1,000 samples of traffic and duration, and every crossover re-found
/// under 100 of them.
fn monte_carlo(c: &mut Criterion) {
    let mut g = c.benchmark_group("monte_carlo");
    g.sample_size(10);
    for name in ["startup-launch.ron", "steady-high.ron"] {
        let (mut p, cat) = shipped(name);
        let u = Uncertainty {
            traffic: Some(Dist::LogNormal { median: 1.0, p99: 2.0 }),
            duration: Some(Dist::LogNormal { median: 1.0, p99: 1.5 }),
            cold_start: None,
            keep_alive: None,
            samples: 1000,
        };
        p.scenario.uncertainty = Some(u.clone());
        let sweep = analysis::traffic_sweep(&p, &cat).expect("sweep");
        g.bench_function(format!("1,000 samples with crossovers: {name}"), |b| {
            b.iter(|| black_box(analysis::monte_carlo(&p, &cat, &u, Some(&sweep)).expect("monte carlo")))
        });
    }
    g.finish();
}

/// A report's analyses around the fast main run (what `report --fast` computes before
/// it writes: sweeps, verdict, map, where to buy).
fn report(c: &mut Criterion) {
    let mut g = c.benchmark_group("report");
    g.sample_size(10);
    for name in ["startup-launch.ron", "saas-backend.ron"] {
        let (p, cat) = shipped(name);
        let opts = breakeven::report::Options {
            run_mode: Mode::Fast,
            ..Default::default()
        };
        g.bench_function(format!("report with the fast main run: {name}"), |b| {
            b.iter(|| black_box(breakeven::report::build(&p, &cat, &opts, &Control::default()).expect("report")))
        });
    }
    g.finish();
}

/// Where and how to buy: every platform in nine places and under four purchase options
/// (simulated once, billed again per variant), and each commitment sized.
fn buying(c: &mut Criterion) {
    let mut g = c.benchmark_group("buying");
    g.sample_size(20);
    for name in ["startup-launch.ron", "steady-high.ron", "saas-backend.ron"] {
        let (p, cat) = shipped(name);
        g.bench_function(format!("places, purchase options and commitments: {name}"), |b| {
            b.iter(|| black_box(analysis::buying(&p, &cat).expect("buying")))
        });
    }
    g.finish();
}

fn fixture(name: &str) -> (Prepared, Catalog) {
    let cat = Catalog::builtin().expect("catalog");
    let f = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/app")
        .join(name);
    let s = load_scenario_file(&f, &cat).expect("scenario");
    let p = prepare(&s, f.parent().expect("dir"), &cat, &mut TraceStore::default()).expect("prepare");
    (p, cat)
}

/// Applications: the fast mode with the placement search (6 workloads, 4 platforms,
/// 4,096 assignments), and the exact mode's speed per simulated request.
fn application(c: &mut Criterion) {
    let mut g = c.benchmark_group("application");
    g.sample_size(10);
    let (p, cat) = fixture("six-workloads.ron");
    g.bench_function("fast mode and placement search: 6 workloads, 4 platforms", |b| {
        b.iter(|| black_box(run(&p, &cat, Mode::Fast, &Control::default()).expect("run")))
    });
    let (p, _) = fixture("steady-and-batch.ron");
    let ap = p.app.as_ref().expect("an application");
    let cfg = breakeven::sim::run::RunCfg::of(&p.scenario, breakeven::sim::bucket_s(p.profile.horizon_s));
    g.throughput(Throughput::Elements(ap.expected_requests() as u64));
    g.measurement_time(Duration::from_secs(20));
    g.bench_function("exact, one placement: api on EC2, batch on Lambda (7 days)", |b| {
        b.iter(|| {
            black_box(
                ap.simulate(
                    &vec![Some(1), Some(0)],
                    Mode::Exact,
                    cfg,
                    &Control::default(),
                    (0.0, 1.0),
                    &Reuse::default(),
                )
                .expect("run"),
            )
        })
    });
    g.finish();
}

/// The logs' random numbers: xorshift64, uniform in (0, 1), the same on every run.
fn xorshift() -> impl FnMut() -> f64 {
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        ((x >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
}

/// The next request of the logs' traffic: moves `t` to its arrival (Poisson, 50 req/s)
/// and returns its duration, ms (log-normal, median 80 ms).
fn next_request(u01: &mut impl FnMut() -> f64, t: &mut f64) -> f64 {
    *t += -u01().ln() / 50.0;
    80.0 * (0.69 * (-2.0 * u01().ln()).sqrt() * (std::f64::consts::TAU * u01()).cos()).exp()
}

/// `import`: reading REPORT lines (CloudWatch text), an ALB access log and an nginx
/// combined log, per line; each log is written to a temporary file once (200,000 lines,
/// 50 req/s, log-normal durations, 1 % cold starts in the REPORT lines).
fn import(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("breakeven-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("report.log");
    let mut text = String::with_capacity(200_000 * 160);
    let (mut t, mut u01) = (1_796_083_200.0f64, xorshift());
    for i in 0..200_000 {
        let d = next_request(&mut u01, &mut t);
        let init = if i % 100 == 0 {
            format!("Init Duration: {:.2} ms\t", 200.0 + 100.0 * u01())
        } else {
            String::new()
        };
        text += &format!(
            "{} REPORT RequestId: 0c3f2a9e-{i:012}\tDuration: {d:.2} ms\tBilled Duration: {} ms\tMemory Size: 1024 MB\tMax Memory Used: 81 MB\t{init}\n",
            breakeven::import::rfc3339(t + d / 1000.0),
            d.ceil() as u64
        );
    }
    std::fs::write(&path, text).expect("write the log");
    // the same traffic as an ALB access log and an nginx combined log with $request_time
    let alb = dir.join("alb.log");
    let nginx = dir.join("access.log");
    let (mut alb_text, mut nginx_text) = (
        String::with_capacity(200_000 * 700),
        String::with_capacity(200_000 * 160),
    );
    let (mut t, mut u01) = (1_796_083_200.0f64, xorshift());
    for i in 0..200_000u64 {
        let d = next_request(&mut u01, &mut t);
        let end = t + d / 1000.0;
        alb_text += &format!(
            "https {} app/api-lb/50dc6c495c0c9188 203.0.113.{}:{} 10.0.1.7:8080 0.000 {:.3} 0.000 200 200 310 {} \"GET https://api.example.com:443/v1/orders/{i}?page=2 HTTP/1.1\" \"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15\" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api/73e2d6bc24d8a067 \"Root=1-6745a1b0-{i:024x}\" \"api.example.com\" \"arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012\" 0 {} \"forward\" \"-\" \"-\" \"10.0.1.7:8080\" \"200\" \"-\" \"-\" TID_{i:x}\n",
            breakeven::import::rfc3339(end),
            i % 250,
            1024 + i % 60000,
            d / 1000.0,
            1000 + i % 2000,
            breakeven::import::rfc3339(t),
        );
        let local = chrono::DateTime::from_timestamp(end as i64, 0)
            .expect("a time")
            .format("%d/%b/%Y:%H:%M:%S +0000");
        nginx_text += &format!(
            "198.51.100.{} - - [{local}] \"GET /v1/orders/{i} HTTP/1.1\" 200 {} \"https://example.com/\" \"Mozilla/5.0 (X11; Linux x86_64)\" {:.3}\n",
            i % 200,
            1000 + i % 2000,
            d / 1000.0
        );
    }
    std::fs::write(&alb, alb_text).expect("write the ALB log");
    std::fs::write(&nginx, nginx_text).expect("write the nginx log");
    let mut g = c.benchmark_group("import");
    g.sample_size(10);
    g.throughput(Throughput::Elements(200_000));
    for (name, file, format) in [
        (
            "Lambda REPORT lines, CloudWatch text",
            &path,
            breakeven::import::Format::LambdaReport,
        ),
        ("ALB access log", &alb, breakeven::import::Format::Alb),
        ("nginx combined log", &nginx, breakeven::import::Format::Combined),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| black_box(breakeven::import::read_files(std::slice::from_ref(file), format).expect("read")))
        });
    }
    g.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(
    benches,
    exact,
    fast,
    sweep,
    map,
    monte_carlo,
    report,
    buying,
    application,
    import
);
criterion_main!(benches);
