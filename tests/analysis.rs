//! The analysis layer: break-even points by root finding, monotone cost curves, verdicts
//! for every shipped scenario, Monte Carlo bands.

use breakeven::analysis::{self, Axis, MapAxes, Recommendation, SweepOptions};
use breakeven::model::{Dist, Uncertainty, load_scenario_file, parse_scenario};
use breakeven::pricing::Catalog;
use breakeven::sim::{Control, Mode, Prepared, TraceStore, fast_totals, prepare, run};
use std::path::Path;

fn catalog() -> Catalog {
    Catalog::builtin().unwrap()
}

fn prepared(text: &str) -> Prepared {
    let cat = catalog();
    let s = parse_scenario(text, "t.ron", None, &cat).unwrap_or_else(|e| panic!("{e}"));
    prepare(&s, Path::new("."), &cat, &mut TraceStore::default()).unwrap()
}

/// Constant, evenly spaced traffic; a function without free tier or cold-start cost; a
/// fixed VM. The function's bill is linear in traffic, the VM's is flat, so the
/// break-even has a closed form.
fn linear_case(platforms: &str) -> Prepared {
    prepared(&format!(
        r#"Scenario(version: 1, name: "linear", horizon_days: 30.0, seed: 1,
            traffic: Traffic(arrivals: Deterministic, components: [Constant(rps: 1.0)]),
            workload: Workload(duration_ms: Fixed(100.0), cpu_fraction: 0.0, cold_start_ms: Fixed(0.0)),
            platforms: [{platforms}])"#
    ))
}

#[test]
fn crossover_matches_the_closed_form_within_half_a_percent() {
    let p = linear_case(
        r#"Function(name: "Lambda", service: "aws-lambda", memory_mb: 1024, free_tier: false, max_concurrency: 100000),
           Vm(name: "EC2", service: "aws-ec2", instance: "t3.small", concurrency: 100000, min_instances: 1, max_instances: 1)"#,
    );
    let cat = catalog();
    let sw = analysis::traffic_sweep(&p, &cat).unwrap();
    // Lambda per request: $0.20 per million + 0.1 s x 1 GB x $0.0000166667 per GB-s
    let per_request = 0.0000002 + 0.1 * 0.0000166667;
    let requests_at_1x = 30.0 * 86_400.0;
    let vm: f64 = 720.0 * 0.0208; // t3.small, 720 hours
    let want = (vm * 100.0).round() / 100.0 / (per_request * requests_at_1x);
    assert_eq!(sw.crossovers.len(), 1, "{:#?}", sw.crossovers);
    let c = &sw.crossovers[0];
    assert!(
        (c.x / want - 1.0).abs() < 0.005,
        "crossover at {} vs closed form {want}",
        c.x
    );
    assert_eq!(c.cheaper_below, "Lambda");
    assert!((c.mean_rps - want).abs() / want < 0.005);
    assert!((c.monthly_requests / (want * requests_at_1x) - 1.0).abs() < 0.005);
    assert!((c.cost_usd - 14.98).abs() < 0.1, "{}", c.cost_usd);
}

#[test]
fn curves_that_never_cross_report_no_crossover() {
    // Graviton is cheaper than x86 at every volume: same requests price, lower duration rate.
    let p = linear_case(
        r#"Function(name: "x86", service: "aws-lambda", memory_mb: 1024, free_tier: false, max_concurrency: 100000),
           Function(name: "arm", service: "aws-lambda", arch: Arm64, memory_mb: 1024, free_tier: false, max_concurrency: 100000)"#,
    );
    let sw = analysis::traffic_sweep(&p, &catalog()).unwrap();
    assert!(sw.crossovers.is_empty(), "{:#?}", sw.crossovers);
    assert!(sw.points.iter().all(|q| q.costs_usd[1] <= q.costs_usd[0]));
    assert!(
        sw.points.last().unwrap().costs_usd[0] > 1000.0,
        "the range reaches high volumes"
    );
}

fn shipped() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut v: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    v.sort();
    v
}

fn load(f: &Path) -> Prepared {
    let cat = catalog();
    let s = load_scenario_file(f, &cat).unwrap();
    prepare(&s, f.parent().unwrap(), &cat, &mut TraceStore::default()).unwrap()
}

#[test]
fn cost_curves_are_monotone_and_close_to_independent_runs() {
    let cat = catalog();
    for f in shipped() {
        let p = load(&f);
        let sw = analysis::traffic_sweep(&p, &cat).unwrap();
        for (i, name) in sw.platforms.iter().enumerate() {
            for w in sw.points.windows(2) {
                assert!(
                    w[1].costs_usd[i] >= w[0].costs_usd[i],
                    "{}: {name} falls from {} to {}",
                    f.display(),
                    w[0].costs_usd[i],
                    w[1].costs_usd[i]
                );
            }
        }
        // the monotone curve stays within 1 % (or 2 cents) of a fresh run at sample points
        for k in [10, 50, 70] {
            let pt = &sw.points[k];
            let fresh = fast_totals(&p, &p.profile.scaled(pt.x), &cat).unwrap();
            for (i, name) in sw.platforms.iter().enumerate() {
                let (a, b) = (pt.costs_usd[i], fresh[i]);
                assert!(
                    (a - b).abs() <= 0.01 * b.max(a) + 0.02,
                    "{}: {name} at {}x: sweep {a} vs run {b}",
                    f.display(),
                    pt.x
                );
            }
        }
    }
}

#[test]
fn every_shipped_scenario_gets_the_expected_verdict_with_reasons() {
    let cat = catalog();
    let expected = [
        ("auth-flows.ron", Recommendation::Serverless),
        ("chatbot-webhook.ron", Recommendation::Serverless),
        ("flash-sale.ron", Recommendation::Containers),
        ("image-processing.ron", Recommendation::Serverless),
        ("iot-ingestion.ron", Recommendation::Containers),
        ("nightly-report.ron", Recommendation::Serverless),
        ("startup-launch.ron", Recommendation::Serverless),
        ("steady-high.ron", Recommendation::Vms),
    ];
    for (file, want) in expected {
        let f = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(file);
        let p = load(&f);
        let r = run(&p, &cat, Mode::Fast, &Control::default()).unwrap();
        let sw = analysis::traffic_sweep(&p, &cat).unwrap();
        let v = analysis::verdict(&p, &cat, &r, &sw).unwrap();
        assert_eq!(v.recommendation, want, "{file}: {}\n{:#?}", v.headline, v.reasons);
        assert!(v.headline.contains(&v.platform), "{file}: {}", v.headline);
        let metrics: Vec<&str> = v.reasons.iter().map(|r| r.metric.as_str()).collect();
        for m in ["peak_to_mean", "cost_ratio_today", "nearest_crossover_scale"] {
            assert!(metrics.contains(&m), "{file}: no {m} reason in {metrics:?}");
        }
        assert!(v.reasons.iter().all(|r| !r.text.is_empty()));
    }
}

#[test]
fn platforms_that_are_not_good_enough_are_named_with_the_number() {
    // The image-processing EC2 instance is the cheapest but drops requests at peaks.
    let f = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/image-processing.ron");
    let cat = catalog();
    let p = load(&f);
    let r = run(&p, &cat, Mode::Fast, &Control::default()).unwrap();
    let ec2 = r.platforms.iter().find(|x| x.name == "EC2").unwrap();
    assert!(
        r.platforms.iter().all(|x| x.total_usd >= ec2.total_usd),
        "EC2 is the cheapest here"
    );
    let v = analysis::verdict(&p, &cat, &r, &analysis::traffic_sweep(&p, &cat).unwrap()).unwrap();
    let why = v
        .reasons
        .iter()
        .find(|x| x.metric == "rejected_share")
        .expect("a rejected-share reason");
    assert!(why.text.starts_with("EC2") && why.value > 0.005, "{why:?}");
    assert_ne!(v.platform, "EC2");
}

#[test]
fn monte_carlo_with_zero_width_inputs_equals_the_deterministic_run() {
    let cat = catalog();
    let mut p = load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/startup-launch.ron"));
    let base = fast_totals(&p, &p.profile, &cat).unwrap();
    let u = Uncertainty {
        traffic: Some(Dist::Fixed(1.0)),
        duration: Some(Dist::Fixed(1.0)),
        cold_start: None,
        keep_alive: Some(Dist::Fixed(1.0)),
        samples: 8,
    };
    p.scenario.uncertainty = Some(u.clone());
    let mc = analysis::monte_carlo(&p, &cat, &u, None).unwrap();
    for (band, want) in mc.platforms.iter().zip(&base) {
        assert_eq!(
            (band.p10_usd, band.p50_usd, band.p90_usd),
            (*want, *want, *want),
            "{}",
            band.name
        );
    }
    let best = base.iter().copied().fold(f64::INFINITY, f64::min);
    for (band, c) in mc.platforms.iter().zip(&base) {
        assert_eq!(band.p_cheapest, if *c == best { 1.0 } else { 0.0 });
    }
}

#[test]
fn monte_carlo_bands_widen_with_uncertain_traffic_and_are_reproducible() {
    let cat = catalog();
    let p = load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/startup-launch.ron"));
    let u = Uncertainty {
        traffic: Some(Dist::Uniform { min: 0.5, max: 4.0 }),
        duration: Some(Dist::LogNormal { median: 1.0, p99: 2.0 }),
        cold_start: None,
        keep_alive: None,
        samples: 40,
    };
    let sw = analysis::traffic_sweep(&p, &cat).unwrap();
    let a = analysis::monte_carlo(&p, &cat, &u, Some(&sw)).unwrap();
    let b = analysis::monte_carlo(&p, &cat, &u, Some(&sw)).unwrap();
    for (x, y) in a.platforms.iter().zip(&b.platforms) {
        assert_eq!(
            (x.p10_usd, x.p90_usd, x.p_cheapest),
            (y.p10_usd, y.p90_usd, y.p_cheapest)
        );
        assert!(x.p10_usd < x.p50_usd && x.p50_usd < x.p90_usd, "{x:?}");
    }
    let total: f64 = a.platforms.iter().map(|x| x.p_cheapest).sum();
    assert!(total >= 1.0 - 1e-9);
    assert!(!a.crossovers.is_empty());
    for c in &a.crossovers {
        assert!(c.p10_scale <= c.p50_scale && c.p50_scale <= c.p90_scale);
    }
}

#[test]
fn other_axes_and_the_cheapest_map() {
    let cat = catalog();
    let p = load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/auth-flows.ron"));
    // Memory: a CPU-heavy function gets faster with memory until one full vCPU (1,769 MB),
    // so its cost is nearly flat below it and rises above it.
    let sw = analysis::sweep(&p, &cat, Axis::MemoryMb, &SweepOptions::for_axis(Axis::MemoryMb)).unwrap();
    let lambda = sw.platforms.iter().position(|n| n == "Lambda").unwrap();
    let at = |mb: f64| {
        sw.points
            .iter()
            .min_by(|a, b| (a.x - mb).abs().total_cmp(&(b.x - mb).abs()))
            .unwrap()
            .costs_usd[lambda]
    };
    assert!(at(10240.0) > 3.0 * at(1769.0), "{} vs {}", at(10240.0), at(1769.0));
    assert!(at(512.0) < 1.5 * at(1769.0));
    // Duration: every platform costs more with longer requests.
    let d = analysis::sweep(
        &p,
        &cat,
        Axis::DurationScale,
        &SweepOptions::for_axis(Axis::DurationScale),
    )
    .unwrap();
    for i in 0..d.platforms.len() {
        assert!(d.points.last().unwrap().costs_usd[i] >= d.points[0].costs_usd[i]);
    }
    // Burstiness at the same volume: functions do not care, a fixed fleet drops requests.
    let b = analysis::sweep(
        &p,
        &cat,
        Axis::Burstiness,
        &SweepOptions {
            points: 6,
            ..SweepOptions::for_axis(Axis::Burstiness)
        },
    )
    .unwrap();
    let first = &b.points[0];
    let last = b.points.last().unwrap();
    assert!((last.costs_usd[lambda] / first.costs_usd[lambda] - 1.0).abs() < 0.05);
    // The map: every cell names a platform and its margin.
    let m = analysis::cheapest_map(&p, &cat, MapAxes::VolumeByBurstiness, 6, 4).unwrap();
    assert_eq!((m.cells.len(), m.cells[0].len()), (4, 6));
    for row in &m.cells {
        for c in row {
            assert!(c.cheapest < m.platforms.len());
            assert!(c.margin >= 0.0);
            assert!(c.costs_usd.iter().all(|x| *x >= c.costs_usd[c.cheapest]));
        }
    }
    // cheap at low volume is not the same platform as at high volume here
    let low = m.cells[0][0].cheapest;
    let high = m.cells[0][5].cheapest;
    assert_ne!(m.platforms[low], m.platforms[high], "{:?}", m.platforms);
}
