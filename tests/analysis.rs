//! The analysis layer: break-even points by root finding, monotone cost curves, verdicts
//! for every shipped scenario, Monte Carlo bands.

use breakeven::analysis::{self, Axis, MapAxes, Recommendation, SweepOptions};
use breakeven::model::{Dist, Uncertainty, load_scenario_file, parse_scenario};
use breakeven::pricing::Catalog;
use breakeven::sim::{
    Control, Coping, Mode, Prepared, Shortfall, Total, TraceStore, fast_totals, prepare, run, shortfall,
};
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
    // t3.small for 720 hours, and its 8 GB gp3 root volume (the default) for the month;
    // no CPU use, so no surplus credits
    let vm: f64 = (720.0f64 * 0.0208 * 100.0).round() / 100.0 + 8.0 * 0.08;
    let want = vm / (per_request * requests_at_1x);
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
    assert!((c.cost_usd - 15.62).abs() < 0.1, "{}", c.cost_usd);
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
            assert_costs_near(&f.display().to_string(), &sw.platforms, pt, &fresh, 0.01);
        }
    }
}

/// A sweep point's costs within `rel` (or 2 cents) of a fresh run at its scale.
fn assert_costs_near(label: &str, platforms: &[String], pt: &analysis::SweepPoint, fresh: &[Total], rel: f64) {
    for (i, name) in platforms.iter().enumerate() {
        let (a, b) = (pt.costs_usd[i], fresh[i].cost_usd);
        assert!(
            (a - b).abs() <= rel * b.max(a) + 0.02,
            "{label}: {name} at {}x: sweep {a} vs run {b}",
            pt.x
        );
    }
}

#[test]
fn filled_sweep_points_are_within_one_and_a_half_percent_of_a_simulation() {
    // the traffic sweep simulates a coarse grid and fills only where the curves are straight
    // in log-log (within 0.5 %): every filled point against a fresh fast run of its own,
    // which wiggles by up to about 1 % from one point to the next (the autoscaler's sampled
    // readings, the pool's stretches), so the bound is the fill's and the wiggle's
    let cat = catalog();
    for name in ["startup-launch.ron", "steady-high.ron", "chatbot-webhook.ron"] {
        let p = load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(name));
        let sw = analysis::traffic_sweep(&p, &cat).unwrap();
        let filled: Vec<_> = sw.points.iter().filter(|q| !q.simulated).collect();
        assert!(
            filled.len() >= 20 && filled.len() <= 60,
            "{name}: {} of {} points filled",
            filled.len(),
            sw.points.len()
        );
        for pt in filled {
            let fresh = fast_totals(&p, &p.profile.scaled(pt.x), &cat).unwrap();
            assert_costs_near(name, &sw.platforms, pt, &fresh, 0.015);
            for (i, name_i) in sw.platforms.iter().enumerate() {
                assert_eq!(
                    pt.good_enough[i],
                    fresh[i].good_enough(),
                    "{name}: {name_i} at {}x",
                    pt.x
                );
            }
        }
    }
}

#[test]
fn a_progressive_sweep_hands_over_a_coarse_one_first() {
    let cat = catalog();
    let p = load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/startup-launch.ron"));
    let mut coarse = None;
    let done = analysis::traffic_sweep_progressive(&p, &cat, &mut |s| coarse = Some(s)).unwrap();
    let coarse = coarse.expect("a coarse sweep first");
    // the same grid, a third of it simulated, the rest refined later
    let xs = |s: &analysis::Sweep| s.points.iter().map(|q| q.x).collect::<Vec<_>>();
    assert_eq!(xs(&coarse), xs(&done));
    let simulated = |s: &analysis::Sweep| s.points.iter().filter(|q| q.simulated).count();
    assert!(simulated(&coarse) <= 30, "{}", simulated(&coarse));
    assert!(simulated(&done) > simulated(&coarse) + 20, "{}", simulated(&done));
    // the same break-evens, found within the coarse brackets, narrowed in the finished one
    let pairs = |s: &analysis::Sweep| s.crossovers.iter().map(|c| c.between.clone()).collect::<Vec<_>>();
    assert_eq!(pairs(&coarse), pairs(&done));
    // (four grid steps of 1e6^(1/99): the coarse grid's)
    let coarse_step = 4.0 * 1e6f64.ln() / 99.0;
    for (a, b) in coarse.crossovers.iter().zip(&done.crossovers) {
        assert!(
            (a.x / b.x).ln().abs() < coarse_step,
            "{:?}: {} then {}",
            a.between,
            a.x,
            b.x
        );
    }
    // and the finished sweep is the one a plain sweep gives
    let plain = analysis::traffic_sweep(&p, &cat).unwrap();
    assert_eq!(
        plain.crossovers.iter().map(|c| c.x).collect::<Vec<_>>(),
        done.crossovers.iter().map(|c| c.x).collect::<Vec<_>>()
    );
}

/// Where the exact engine (every request simulated) puts the break-even of platforms `i`
/// and `j`, by bisection within [lo, hi] to 0.5 %.
fn exact_crossover(p: &Prepared, i: usize, j: usize, mut lo: f64, mut hi: f64) -> f64 {
    let cat = catalog();
    let d = |x: f64| {
        let sub = Prepared {
            scenario: p.scenario.clone(),
            profile: p.profile.scaled(x).into(),
            specs: vec![p.specs[i].clone(), p.specs[j].clone()],
            app: None,
        };
        let r = run(&sub, &cat, Mode::Exact, &Control::default()).unwrap();
        r.platforms[0].total_usd - r.platforms[1].total_usd
    };
    let below = d(lo).signum();
    assert_ne!(below, d(hi).signum(), "no change of order in [{lo}, {hi}]");
    while hi / lo > 1.005 {
        let mid = (lo * hi).sqrt();
        if d(mid).signum() == below {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    (lo * hi).sqrt()
}

#[test]
fn fast_sweep_crossovers_agree_with_exact_bisection_within_one_percent() {
    let cat = catalog();
    for (name, pairs) in [
        (
            "chatbot-webhook.ron",
            &[["Lambda", "EC2"], ["Cloud Run functions", "EC2"]][..],
        ),
        ("image-processing.ron", &[["Lambda", "EC2"]][..]),
    ] {
        let p = load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(name));
        let sw = analysis::traffic_sweep(&p, &cat).unwrap();
        for pair in pairs {
            let c = sw
                .crossovers
                .iter()
                .find(|c| c.between == [pair[0].to_string(), pair[1].to_string()])
                .unwrap_or_else(|| panic!("{name}: no crossover {pair:?} in {:#?}", sw.crossovers));
            let at = |n: &str| sw.platforms.iter().position(|q| q == n).unwrap();
            let exact = exact_crossover(&p, at(pair[0]), at(pair[1]), c.x / 1.3, c.x * 1.3);
            assert!(
                (c.x / exact - 1.0).abs() < 0.01,
                "{name}: {pair:?} at {}x in the fast sweep, {exact}x by exact bisection",
                c.x
            );
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
    let base: Vec<f64> = fast_totals(&p, &p.profile, &cat)
        .unwrap()
        .iter()
        .map(|t| t.cost_usd)
        .collect();
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

/// Under fixed inputs every sample's curves are today's, so each crossover re-found from
/// the base one (a first step where the sweep's slope points, then narrowing to 1 %) lands
/// on the sweep's crossover, for every crossover of two shipped scenarios.
#[test]
fn monte_carlo_re_finds_every_crossover_where_the_sweep_found_it() {
    let cat = catalog();
    for name in ["startup-launch.ron", "steady-high.ron"] {
        let p = load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(name));
        let sw = analysis::traffic_sweep(&p, &cat).unwrap();
        assert!(sw.crossovers.len() >= 5, "{name}");
        let fixed = Uncertainty {
            traffic: Some(Dist::Fixed(1.0)),
            duration: Some(Dist::Fixed(1.0)),
            cold_start: None,
            keep_alive: None,
            samples: 3,
        };
        let mc = analysis::monte_carlo(&p, &cat, &fixed, Some(&sw)).unwrap();
        assert_eq!(mc.crossovers.len(), sw.crossovers.len(), "{name}");
        for (band, c) in mc.crossovers.iter().zip(&sw.crossovers) {
            assert_eq!(band.between, c.between);
            for x in [band.p10_scale, band.p50_scale, band.p90_scale] {
                // both found to within their tolerances (1 % and 0.5 %)
                assert!((x / c.x - 1.0).abs() < 0.016, "{name} {:?}: {x} vs {}", c.between, c.x);
            }
        }
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
            // the cheapest of those that cope (a failing platform may cost less)
            assert!(
                c.costs_usd
                    .iter()
                    .zip(&c.good_enough)
                    .all(|(x, g)| !g || *x >= c.costs_usd[c.cheapest])
            );
            assert_eq!(c.good_enough[c.cheapest], !c.none_copes);
        }
    }
    // cheap at low volume is not the same platform as at high volume here
    let low = m.cells[0][0].cheapest;
    let high = m.cells[0][5].cheapest;
    assert_ne!(m.platforms[low], m.platforms[high], "{:?}", m.platforms);
}

/// A platform judged by the verdict's rule at every analysis point: the nightly job's
/// Fargate task (one replica, one job at a time, ten-minute queue) runs out of room as the
/// nightly batch grows; it is cheaper than Lambda there only because it serves a few jobs.
#[test]
fn nightly_report_breakeven_with_a_failing_fargate_is_not_a_plain_one() {
    let cat = catalog();
    let p = load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/nightly-report.ron"));
    let sw = analysis::traffic_sweep(&p, &cat).unwrap();
    let fargate = sw.platforms.iter().position(|n| n == "Fargate task").unwrap();
    let lambda = sw.platforms.iter().position(|n| n == "Lambda").unwrap();
    // today every platform copes; at 17x one replica serves two of the 17 jobs a night
    let near = |x: f64| {
        sw.points
            .iter()
            .min_by(|a, b| (a.x.ln() - x.ln()).abs().total_cmp(&(b.x.ln() - x.ln()).abs()))
            .unwrap()
    };
    assert!(near(1.0).good_enough.iter().all(|g| *g), "{:?}", near(1.0).shortfalls);
    let at17 = near(17.0);
    assert!(!at17.good_enough[fargate]);
    match at17.shortfalls[fargate] {
        Some(Shortfall::Rejected { share }) => assert!(share > 0.5 && share < 0.95, "{share}"),
        other => panic!("{other:?}"),
    }
    assert!(at17.good_enough[lambda]);
    assert_eq!(at17.cheapest(), Some(lambda), "{:?}", at17.costs_usd);
    // every crossover with Fargate above 2x is marked, and says why
    let with_fargate: Vec<_> = sw
        .crossovers
        .iter()
        .filter(|c| c.between.contains(&"Fargate task".to_string()) && c.x > 2.0)
        .collect();
    assert!(!with_fargate.is_empty(), "{:#?}", sw.crossovers);
    for c in with_fargate {
        assert!(!c.good_enough, "{c:?}");
        let caveat = c.caveat().unwrap();
        assert!(
            caveat.starts_with("Fargate task serves only") && caveat.ends_with("% of requests there"),
            "{caveat}"
        );
    }
    // the verdict names no plain break-even with it
    let r = run(&p, &cat, Mode::Fast, &Control::default()).unwrap();
    let v = analysis::verdict(&p, &cat, &r, &sw).unwrap();
    assert_eq!(v.platform, "Lambda");
    let be = v
        .reasons
        .iter()
        .find(|r| r.metric == "nearest_crossover_scale")
        .unwrap();
    assert!(!be.text.starts_with("Break-even with Fargate task"), "{}", be.text);
    // no crossover with Lambda is with a platform that copes (EC2 at 52x serves 4 %)
    assert!(!be.value.is_finite(), "{be:?}");
    assert!(
        be.text
            .contains("Fargate task is cheaper above 17x today's traffic, but it serves only"),
        "{}",
        be.text
    );
    let ten = v.reasons.iter().find(|r| r.metric == "cost_ratio_10x");
    if let Some(ten) = ten
        && ten.text.contains("Fargate task")
        && sw.shortfall_at(fargate, 10.0).is_some()
    {
        assert!(ten.text.contains("but Fargate task serves only"), "{}", ten.text);
    }
}

/// Steady-high traffic with a fixed pair of small instances added: cheap, and hopeless
/// above a fraction of today's traffic.
fn with_fixed_pair() -> Prepared {
    let f = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/steady-high.ron");
    let text = std::fs::read_to_string(&f).unwrap().replacen(
        "platforms: [",
        r#"platforms: [
        Vm(name: "Two t4g.small", service: "aws-ec2", instance: "t4g.small", concurrency: 100,
           min_instances: 2, max_instances: 2, front_door: Alb),"#,
        1,
    );
    prepared(&text)
}

#[test]
fn a_fixed_fleet_that_cannot_keep_up_is_never_the_cheapest() {
    let cat = catalog();
    let p = with_fixed_pair();
    let sw = analysis::traffic_sweep(&p, &cat).unwrap();
    let pair = sw.platforms.iter().position(|n| n == "Two t4g.small").unwrap();
    // at today's 800 req/s, 12 ms of CPU each, two 2-vCPU instances are far short
    let top = sw.points.last().unwrap();
    assert!(top.x >= 2.0, "{}", top.x);
    for pt in sw.points.iter().filter(|q| q.x >= 1.0) {
        assert!(!pt.good_enough[pair], "{}x: {:?}", pt.x, pt.shortfalls[pair]);
        match pt.shortfalls[pair] {
            Some(Shortfall::Rejected { share }) => assert!(share > 0.4, "{}x: {share}", pt.x),
            Some(Shortfall::OverSlo { share, .. }) => assert!(share > 0.05),
            other => panic!("{}x: {other:?}", pt.x),
        }
        // its flat bill is the lowest, but it is never the cheapest
        assert_ne!(pt.cheapest(), Some(pair), "{}x: {:?}", pt.x, pt.costs_usd);
    }
    let today = sw.points.iter().find(|q| q.x >= 1.0).unwrap();
    let min = today.costs_usd.iter().copied().fold(f64::INFINITY, f64::min);
    assert_eq!(today.costs_usd[pair], min, "{:?}", today.costs_usd);
    // at a thousandth of today's traffic (0.8 req/s) the pair copes
    assert!(sw.points[0].good_enough[pair], "{:?}", sw.points[0].shortfalls);
    // the map: never the cheapest where it fails, and the cells say who would be
    let m = analysis::cheapest_map(&p, &cat, MapAxes::VolumeByBurstiness, 5, 3).unwrap();
    let mut flagged = 0;
    for (iy, row) in m.cells.iter().enumerate() {
        for (ix, c) in row.iter().enumerate() {
            if !c.none_copes {
                assert!(c.good_enough[c.cheapest], "cell {ix},{iy}: {c:?}");
            }
            if !c.good_enough[pair] && !c.none_copes {
                assert_ne!(c.cheapest, pair, "cell {ix},{iy}");
            }
            if c.cheapest_any == pair && c.cheapest != pair {
                flagged += 1;
                assert!(c.shortfalls[pair].is_some());
            }
        }
    }
    // at 1x and 10x (columns 2 and 3 of 0.01x..100x) the pair is cheapest of all but
    // fails; at 100x (80,000 req/s) nothing copes, and the cell says so
    assert!(flagged >= 2, "{flagged}");
    assert!(m.cells[0][4].none_copes, "{:?}", m.cells[0][4]);
    assert!(m.cells[0][4].good_enough.iter().all(|g| !g));
    let verdict_run = run(&p, &cat, Mode::Fast, &Control::default()).unwrap();
    let pr = &verdict_run.platforms[pair];
    assert!(pr.shortfall.is_some(), "{pr:?}");
    assert_ne!(verdict_run.cheapest().map(|c| c.name.as_str()), Some("Two t4g.small"));
}

#[test]
fn monte_carlo_never_counts_a_failing_platform_as_cheapest() {
    let cat = catalog();
    let mut p = with_fixed_pair();
    let base = fast_totals(&p, &p.profile, &cat).unwrap();
    let pair = p.specs.iter().position(|s| s.name() == "Two t4g.small").unwrap();
    let cheapest_all = (0..base.len())
        .min_by(|a, b| base[*a].cost_usd.total_cmp(&base[*b].cost_usd))
        .unwrap();
    assert_eq!(cheapest_all, pair, "the pair is the lowest bill: {base:?}");
    assert!(!base[pair].good_enough());
    // every multiplier fixed: each sample is today's run
    let u = Uncertainty {
        traffic: Some(Dist::Fixed(1.0)),
        duration: None,
        cold_start: None,
        keep_alive: None,
        samples: 4,
    };
    p.scenario.uncertainty = Some(u.clone());
    let mc = analysis::monte_carlo(&p, &cat, &u, None).unwrap();
    assert_eq!(mc.platforms[pair].p_cheapest, 0.0);
    assert_eq!(mc.platforms[pair].p_good_enough, 0.0);
    let good_best = (0..base.len())
        .filter(|i| base[*i].good_enough())
        .min_by(|a, b| base[*a].cost_usd.total_cmp(&base[*b].cost_usd))
        .unwrap();
    assert_eq!(mc.platforms[good_best].p_cheapest, 1.0, "{:?}", mc.platforms);
    assert_eq!(mc.p_none_copes, 0.0);
    // traffic from a thousandth to twice today's: the pair copes (and wins) only at the low end
    let u = Uncertainty {
        traffic: Some(Dist::Uniform { min: 0.001, max: 2.0 }),
        duration: None,
        cold_start: None,
        keep_alive: None,
        samples: 40,
    };
    let mc = analysis::monte_carlo(&p, &cat, &u, None).unwrap();
    let band = &mc.platforms[pair];
    assert!(band.p_good_enough > 0.0 && band.p_good_enough < 0.5, "{band:?}");
    assert!(band.p_cheapest <= band.p_good_enough, "{band:?}");
    let total: f64 = mc.platforms.iter().map(|b| b.p_cheapest).sum::<f64>() + mc.p_none_copes;
    assert!(total >= 1.0 - 1e-9, "{total}");
}

#[test]
fn the_rule_reads_the_same_on_a_result_and_on_fast_totals() {
    let cat = catalog();
    for f in shipped() {
        let p = load(&f);
        let r = run(&p, &cat, Mode::Fast, &Control::default()).unwrap();
        let t = fast_totals(&p, &p.profile, &cat).unwrap();
        for (pr, (tot, sp)) in r.platforms.iter().zip(t.iter().zip(&p.specs)) {
            if p.app.is_none() {
                // an application's platforms are judged workload by workload instead
                let judged = shortfall(sp, &Coping::of_result(pr), &p.scenario);
                assert_eq!(judged, pr.shortfall, "{}: {}", f.display(), pr.name);
            }
            assert_eq!(
                tot.good_enough(),
                pr.shortfall.is_none(),
                "{}: {} {:?} vs {:?}",
                f.display(),
                pr.name,
                tot.shortfall,
                pr.shortfall
            );
        }
    }
}

/// A map asked to stop gives up with `Cancelled` before pricing every cell; one never
/// asked is the map.
#[test]
fn a_map_stops_when_asked_and_is_whole_otherwise() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let cat = catalog();
    let f = Path::new("scenarios/startup-launch.ron");
    let s = load_scenario_file(f, &cat).unwrap();
    let p = prepare(&s, f.parent().unwrap(), &cat, &mut TraceStore::default()).unwrap();
    let asked = AtomicUsize::new(0);
    let stop_after_two = || asked.fetch_add(1, Ordering::SeqCst) >= 2;
    let r = analysis::cheapest_map_until(&p, &cat, MapAxes::VolumeByBurstiness, 6, 5, &stop_after_two);
    assert!(
        matches!(r, Err(breakeven::sim::SimError::Cancelled)),
        "{:?}",
        r.map(|m| m.cells.len())
    );
    assert!(
        asked.load(Ordering::SeqCst) < 30,
        "asked {} times",
        asked.load(Ordering::SeqCst)
    );
    let whole = analysis::cheapest_map_until(&p, &cat, MapAxes::VolumeByBurstiness, 6, 5, &|| false).unwrap();
    let plain = analysis::cheapest_map(&p, &cat, MapAxes::VolumeByBurstiness, 6, 5).unwrap();
    assert_eq!(whole.cells.len(), 5);
    for (a, b) in whole.cells.iter().flatten().zip(plain.cells.iter().flatten()) {
        assert_eq!(a.costs_usd, b.costs_usd);
    }
}
