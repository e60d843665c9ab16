//! Applications of several workloads (scenario format version 2): reading, checking and
//! saving. Through the public API and the binary.

mod common;

use breakeven::model::{self, Component, Scenario};
use breakeven::pricing::Catalog;
use common::breakeven;
use std::path::Path;

fn catalog() -> Catalog {
    Catalog::builtin().unwrap()
}

fn load(path: &str) -> Scenario {
    model::load_scenario_file(Path::new(path), &catalog()).unwrap()
}

#[test]
fn the_contract_example_of_version_2_is_accepted() {
    let (code, out, err) = breakeven(&["check", "tests/fixtures/contract/scenario-v2.ron"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("4 workloads (1 pipeline), 3 platforms"), "{out}");
    let s = load("tests/fixtures/contract/scenario-v2.ron");
    let names: Vec<&str> = s.workloads.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(names, ["api", "inventory", "payment", "report"]);
    assert_eq!(s.pipelines[0].steps, ["inventory", "payment"]);
    assert_eq!(s.workloads[0].request.calls.len(), 3);
    assert_eq!(s.workloads[0].request.log_kb, 1.5);
    assert!(matches!(
        s.workloads[1].traffic.components[0],
        Component::Triggered { ref workload, per_request, delay_ms } if workload == "api" && per_request == 0.02 && delay_ms == 0.0
    ));
    assert!(s.platforms[1].may_run("report") && !s.platforms[1].runs().is_empty());
    assert!(s.platforms[0].may_run("report"), "no `runs` means every workload");
}

#[test]
fn a_version_1_file_is_one_workload_and_saves_as_version_1() {
    let s = load("scenarios/nightly-report.ron");
    assert_eq!(s.version, 1);
    assert_eq!(s.workloads.len(), 1);
    assert_eq!(s.workloads[0].name, model::WORKLOAD_V1_NAME);
    let text = model::scenario_to_ron(&s).unwrap();
    assert!(text.starts_with("// Breakeven scenario (format version 1)"), "{text}");
    assert!(
        text.contains("traffic: Traffic(") && text.contains("workload: Workload("),
        "{text}"
    );
    assert!(!text.contains("workloads"), "{text}");
    let back = model::parse_scenario(&text, "saved.ron", None, &catalog()).unwrap();
    assert_eq!(back, s);
}

#[test]
fn a_second_workload_makes_a_version_1_scenario_version_2() {
    let mut s = load("scenarios/nightly-report.ron");
    let mut w = s.workloads[0].clone();
    w.name = "other".into();
    s.workloads.push(w);
    let text = model::scenario_to_ron(&s).unwrap();
    assert!(text.contains("version: 2") && text.contains("workloads: ["), "{text}");
    let back = model::parse_scenario(&text, "saved.ron", None, &catalog()).unwrap();
    assert_eq!(back.workloads.len(), 2);
    assert_eq!(back.version, 2);
    assert_eq!(back.workloads[1].name, "other");
}

#[test]
fn a_version_2_file_round_trips() {
    let s = load("tests/fixtures/app/shop.ron");
    let text = model::scenario_to_ron(&s).unwrap();
    let back = model::parse_scenario(&text, "saved.ron", None, &catalog()).unwrap();
    assert_eq!(back, s);
    assert!(text.starts_with("// Breakeven scenario (format version 2)"));
}

fn check_fails(path: &str) -> String {
    let (code, out, err) = breakeven(&["check", path]);
    assert_eq!(code, 2, "{out}{err}");
    err
}

#[test]
fn unknown_workload_names_are_named_with_their_position() {
    let err = check_fails("tests/fixtures/app/unknown.ron");
    assert!(
        err.contains(
            "unknown.ron:8:58: workloads[1].traffic.components[0].workload: unknown workload `apii`; the workloads are: api, worker"
        ),
        "{err}"
    );
    assert!(
        err.contains("unknown.ron:11:96: platforms[0].runs[1]: unknown workload `wrker`"),
        "{err}"
    );
    assert!(err.contains("no enabled platform may run workload `worker`"), "{err}");
}

#[test]
fn a_cycle_of_triggers_is_refused() {
    let err = check_fails("tests/fixtures/app/cycle.ron");
    assert!(
        err.contains("cycle.ron:8:58: workloads[1].traffic.components[0].workload"),
        "{err}"
    );
    assert!(err.contains("is in a cycle of triggers"), "{err}");
}

#[test]
fn pipeline_steps_must_be_triggered_in_order() {
    let err = check_fails("tests/fixtures/app/pipeline-order.ron");
    assert!(
        err.contains(
            "pipeline-order.ron:11:58: pipelines[0].steps[1]: step `a` is not triggered by the step before it (`b`)"
        ),
        "{err}"
    );
}

#[test]
fn a_step_listed_twice_is_named_once_without_asking_it_to_trigger_itself() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("twice.ron");
    let text = std::fs::read_to_string("tests/fixtures/app/pipeline-order.ron")
        .unwrap()
        .replace(r#"steps: ["b", "a"]"#, r#"steps: ["a", "b", "b"]"#);
    std::fs::write(&f, text).unwrap();
    let err = check_fails(f.to_str().unwrap());
    assert!(
        err.contains("twice.ron:11:63: pipelines[0].steps[2]: workload `b` is listed twice in pipeline `backwards`"),
        "{err}"
    );
    assert!(!err.contains("not triggered"), "{err}");
}

#[test]
fn version_2_fields_in_a_version_1_file_are_explained() {
    let text = std::fs::read_to_string("tests/fixtures/app/shop.ron")
        .unwrap()
        .replace("version: 2", "version: 1");
    let e = model::parse_scenario(&text, "v1.ron", None, &catalog()).unwrap_err();
    assert!(
        e.to_string()
            .contains("v1.ron:3:5: version: `workloads` and `pipelines` are version 2 fields: set `version: 2`"),
        "{e}"
    );
    let text = std::fs::read_to_string("scenarios/nightly-report.ron")
        .unwrap()
        .replace(
            "components: [",
            "components: [Triggered(workload: \"x\", per_request: 1.0), ",
        );
    let e = model::parse_scenario(&text, "v1.ron", None, &catalog()).unwrap_err();
    assert!(
        e.to_string().contains("Triggered traffic comes from another workload"),
        "{e}"
    );
}

#[test]
fn both_shapes_at_once_or_neither_are_parse_errors() {
    let text = std::fs::read_to_string("tests/fixtures/app/shop.ron").unwrap().replace(
        "pipelines:",
        "traffic: Traffic(components: [Constant(rps: 1.0)]), pipelines:",
    );
    let e = model::parse_scenario(&text, "both.ron", None, &catalog()).unwrap_err();
    assert!(
        e.to_string()
            .contains("either `workloads` (version 2) or `traffic` and `workload`"),
        "{e}"
    );
    let text = "Scenario(version: 2, name: \"x\", workloads: [], platforms: [])";
    let e = model::parse_scenario(text, "empty.ron", None, &catalog()).unwrap_err();
    assert!(e.to_string().contains("`workloads` is empty"), "{e}");
}

// --- engines over an application -------------------------------------------------------

use breakeven::sim::app::Reuse;
use breakeven::sim::{self, Control, Mode};

fn simulate(path: &str, mode: Mode) -> sim::SimResult {
    let s = load(path);
    sim::simulate(&s, Path::new(path).parent().unwrap(), &catalog(), mode).unwrap()
}

fn prepared(path: &str) -> sim::Prepared {
    let s = load(path);
    sim::prepare(
        &s,
        Path::new(path).parent().unwrap(),
        &catalog(),
        &mut sim::TraceStore::default(),
    )
    .unwrap()
}

#[test]
fn a_version_2_file_with_one_workload_gives_its_version_1_twin_number_for_number() {
    for name in ["nightly-report", "flash-sale", "chatbot-webhook"] {
        let path = format!("scenarios/{name}.ron");
        let v1 = load(&path);
        let mut v2 = v1.clone();
        v2.version = 2;
        let text = model::scenario_to_ron(&v2).unwrap();
        assert!(text.contains("workloads: ["), "written as version 2: {text}");
        let v2 = model::parse_scenario(&text, "twin.ron", Some(Path::new("scenarios")), &catalog()).unwrap();
        assert_eq!(v2.version, 2);
        for mode in [Mode::Fast, Mode::Exact] {
            let a = sim::simulate(&v1, Path::new("scenarios"), &catalog(), mode).unwrap();
            let b = sim::simulate(&v2, Path::new("scenarios"), &catalog(), mode).unwrap();
            let ja = breakeven::report::json::run_json(&a);
            let jb = breakeven::report::json::run_json(&b);
            assert_eq!(ja, jb, "{name} {mode:?}");
            assert!(a.platforms.iter().any(|p| p.total_usd > 1.0), "{name}: real bills");
        }
    }
}

#[test]
fn two_workloads_share_a_fleet_for_less_when_their_peaks_do_not_coincide() {
    let r = simulate("tests/fixtures/app/shared-fleet.ron", Mode::Exact);
    let get = |n: &str| r.platforms.iter().find(|p| p.name == n).unwrap();
    let (both, a, b) = (get("Both"), get("OnlyA"), get("OnlyB"));
    assert!(
        both.total_usd < 0.97 * (a.total_usd + b.total_usd),
        "shared {} vs {} + {}",
        both.total_usd,
        a.total_usd,
        b.total_usd
    );
    // Poisson superposition: the shared fleet sees both streams, 62 req/s on average
    let expected: f64 = 62.0 * 3.0 * 86_400.0;
    let sd = expected.sqrt();
    assert!(
        (both.requests as f64 - expected).abs() < 5.0 * sd,
        "{} vs {expected}",
        both.requests
    );
    assert!(((a.requests + b.requests) as f64 - expected).abs() < 5.0 * sd);
    // Little's law: requests in service = arrival rate x service time (0.2 s), whatever
    // the mix; the queue adds little at this load
    let in_flight = both.series.in_flight.iter().sum::<f64>() / both.series.in_flight.len() as f64;
    assert!(
        (in_flight / (62.0 * 0.2) - 1.0).abs() < 0.03,
        "mean in flight {in_flight}"
    );
    for p in [both, a, b] {
        assert!(
            p.peak_instances <= 12,
            "{} peaks at {} replicas, max 12",
            p.name,
            p.peak_instances
        );
        assert!(p.peak_instances >= 8, "{} needs about 9 replicas at its peak", p.name);
    }
    // each workload's share of the shared fleet is split by CPU time: alike here
    let all = r.placements.iter().find(|p| p.name == "All on Both").unwrap();
    let (ca, cb) = (all.workloads[0].cost_usd, all.workloads[1].cost_usd);
    assert!((ca + cb - both.total_usd).abs() < 1e-6);
    assert!((ca / cb - 1.0).abs() < 0.01, "{ca} vs {cb}");
}

#[test]
fn triggered_requests_follow_completed_upstream_requests_only() {
    let p = prepared("tests/fixtures/app/throttled-chain.ron");
    let ap = p.app.as_ref().expect("an application");
    let cfg = sim::run::RunCfg::of(&p.scenario, sim::bucket_s(p.profile.horizon_s));
    let raw = ap
        .simulate(
            &vec![Some(0), Some(1)],
            Mode::Exact,
            cfg,
            &Control::default(),
            (0.0, 1.0),
            &Reuse::default(),
        )
        .unwrap();
    let (up, down) = (&raw.workloads[0], &raw.workloads[1]);
    assert!((up.requests / (40.0 * 86_400.0) - 1.0).abs() < 0.01, "{}", up.requests);
    assert!(
        up.throttled > 0.2 * up.requests,
        "the cap of 30 throttles: {}",
        up.throttled
    );
    // 1.5 per completed upstream request: one each, and a second for half of them
    let expected = 1.5 * up.served;
    let sd = (0.25 * up.served).sqrt();
    assert!(
        (down.requests - expected).abs() < 5.0 * sd,
        "{} vs {expected}",
        down.requests
    );
    // placed elsewhere, the upstream is never throttled: every request triggers
    let r = ap
        .simulate(
            &vec![None, Some(1)],
            Mode::Exact,
            cfg,
            &Control::default(),
            (0.0, 1.0),
            &Reuse::default(),
        )
        .unwrap();
    let (up2, down2) = (&r.workloads[0], &r.workloads[1]);
    assert_eq!(up2.served, up2.requests);
    assert!((down2.requests - 1.5 * up2.served).abs() < 5.0 * (0.25 * up2.served).sqrt());
}

#[test]
fn the_search_puts_a_steady_api_on_vms_and_a_rare_batch_on_functions() {
    for mode in [Mode::Fast, Mode::Exact] {
        let r = simulate("tests/fixtures/app/steady-and-batch.ron", mode);
        let best = r.best_placement.clone().unwrap();
        assert_eq!(best, "Mixed: api on EC2; batch on Lambda", "{mode:?}");
        let get = |n: &str| r.placements.iter().find(|p| p.name == n).unwrap();
        let (mixed, lambda, ec2) = (get(&best), get("All on Lambda"), get("All on EC2"));
        assert!(mixed.good_enough && lambda.good_enough, "{mode:?}");
        assert!(
            !ec2.good_enough,
            "the fixed VMs cannot absorb 300 eight-minute jobs ({mode:?})"
        );
        assert!(
            mixed.total_usd < 0.5 * lambda.total_usd,
            "{} vs {}",
            mixed.total_usd,
            lambda.total_usd
        );
        let search = r.search.unwrap();
        assert!(search.exhaustive);
        assert_eq!(search.assignments, 4);
    }
}

#[test]
fn run_json_lists_the_placements_of_the_contract_example() {
    let (code, out, err) = breakeven(&["run", "tests/fixtures/contract/scenario-v2.ron", "--fast", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let placements = v["placements"].as_array().unwrap();
    let names: Vec<&str> = placements.iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert!(
        names.contains(&"All on Lambda") && names.contains(&"All on EC2"),
        "{names:?}"
    );
    assert!(
        names.contains(&"All on Fargate"),
        "Fargate's runs lists every workload: {names:?}"
    );
    let best = v["best_placement"].as_str().unwrap();
    let entry = placements
        .iter()
        .find(|p| p["name"] == best)
        .expect("the best placement is listed");
    assert_eq!(entry["good_enough"], true);
    for p in placements {
        assert_eq!(p["assignment"].as_object().unwrap().len(), 4);
        let sum: f64 = p["workloads"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["cost_usd"].as_f64().unwrap())
            .sum();
        assert!(
            (sum - p["total_usd"].as_f64().unwrap()).abs() < 1e-6,
            "per-workload costs add up"
        );
        let pipe = &p["pipelines"][0];
        assert_eq!(pipe["name"], "order");
        assert!(
            pipe["latency_ms"]["p50"].as_f64().unwrap() > 300.0,
            "inventory 40 ms + payment 300 ms"
        );
        assert!(pipe["over_slo_share"].as_f64().unwrap() < 0.05);
    }
    let cheapest_all = placements
        .iter()
        .filter(|p| p["name"].as_str().unwrap().starts_with("All on"))
        .map(|p| p["total_usd"].as_f64().unwrap())
        .fold(f64::INFINITY, f64::min);
    assert!(entry["total_usd"].as_f64().unwrap() <= cheapest_all + 1e-9);
    assert_eq!(v["platforms"].as_array().unwrap().len(), 3);
}

#[test]
fn the_verdict_of_an_application_is_a_placement_with_reasons() {
    use breakeven::analysis;
    let p = prepared("tests/fixtures/app/steady-and-batch.ron");
    let cat = catalog();
    let r = sim::run(&p, &cat, Mode::Fast, &Control::default()).unwrap();
    let sw = analysis::traffic_sweep(&p, &cat).unwrap();
    let v = analysis::verdict(&p, &cat, &r, &sw).unwrap();
    assert_eq!(v.recommendation, analysis::Recommendation::Mixed);
    assert!(
        v.headline.starts_with("Mixed: api on EC2, batch on Lambda, at $"),
        "{}",
        v.headline
    );
    assert!(v.headline.contains("less than all on Lambda ($"), "{}", v.headline);
    let metrics: Vec<&str> = v.reasons.iter().map(|x| x.metric.as_str()).collect();
    assert!(metrics.contains(&"placement_saving"), "{metrics:?}");
    assert_eq!(metrics.iter().filter(|m| **m == "workload_cost_usd").count(), 2);
    let ec2 = v
        .reasons
        .iter()
        .find(|x| x.text.starts_with("All on EC2: not good enough"))
        .unwrap();
    assert!(ec2.text.contains("serves only"), "{}", ec2.text);
    // the sweep is of the whole application: every platform's entry at each scale
    assert_eq!(sw.platforms, ["Lambda", "EC2"]);
    let at1 = sw.cost_at(0, 1.0).unwrap();
    let lambda = r.platforms.iter().find(|x| x.name == "Lambda").unwrap().total_usd;
    assert!((at1 / lambda - 1.0).abs() < 0.05, "sweep at 1x {at1} vs run {lambda}");
}

#[test]
fn fast_and_exact_agree_on_the_shop_application() {
    // a week keeps the exact run short (the month's figures agree as closely)
    let mut s = load("scenarios/shop-order-pipeline.ron");
    s.horizon_days = 7.0;
    let fast = sim::simulate(&s, Path::new("scenarios"), &catalog(), Mode::Fast).unwrap();
    let exact = sim::simulate(&s, Path::new("scenarios"), &catalog(), Mode::Exact).unwrap();
    for (a, b) in fast.platforms.iter().zip(&exact.platforms) {
        let err = (a.total_usd - b.total_usd).abs() / b.total_usd;
        assert!(err < 0.02, "{}: fast {} exact {}", a.name, a.total_usd, b.total_usd);
    }
    assert_eq!(fast.best_placement, exact.best_placement);
    let best = exact.best_placement.as_deref().unwrap();
    assert!(best.starts_with("Mixed: storefront"), "{best}");
    for (a, b) in fast.placements.iter().zip(&exact.placements) {
        assert_eq!(a.name, b.name);
        let (pa, pb) = (&a.pipelines[0].latency_ms, &b.pipelines[0].latency_ms);
        for (q, x, y) in [("p50", pa.p50, pb.p50), ("p99", pa.p99, pb.p99)] {
            assert!((x / y - 1.0).abs() < 0.1, "{}: {q} {x} vs {y}", a.name);
        }
    }
}

#[test]
fn the_saas_back_end_is_best_mixed_with_the_bursty_parts_on_functions() {
    // four nights and the bursts between them keep the exact run short
    let mut s = load("scenarios/saas-backend.ron");
    s.horizon_days = 4.0;
    let r = sim::simulate(&s, Path::new("scenarios"), &catalog(), Mode::Exact).unwrap();
    assert_eq!(
        r.best_placement.as_deref(),
        Some("Mixed: api, consumer on EC2; nightly, webhooks on Lambda")
    );
    let get = |n: &str| r.placements.iter().find(|p| p.name == n).unwrap();
    let best = get("Mixed: api, consumer on EC2; nightly, webhooks on Lambda");
    let lambda = get("All on Lambda");
    // (egress and logs, the same wherever the API runs, narrow the gap)
    assert!(
        best.total_usd < 0.6 * lambda.total_usd,
        "{} vs {}",
        best.total_usd,
        lambda.total_usd
    );
    // a fleet cannot take 300 five-minute jobs in a minute within the 30 s queue timeout
    for name in ["All on Fargate", "All on EC2"] {
        let p = get(name);
        assert!(!p.good_enough, "{name}");
        let nightly = p.workloads.iter().find(|w| w.workload == "nightly").unwrap();
        assert!(
            nightly.dropped > nightly.requests / 2,
            "{name}: {} of {}",
            nightly.dropped,
            nightly.requests
        );
    }
}

/// A sweep narrows a crossover between two of an application's platforms by pricing and
/// planning only those two: the same totals, bit for bit, as pricing every platform.
#[test]
fn two_platforms_of_an_application_price_as_they_do_among_all() {
    use breakeven::sim::{TraceStore, fast_totals_scaled, prepare};
    let cat = catalog();
    let f = Path::new("scenarios/saas-backend.ron");
    let s = model::load_scenario_file(f, &cat).unwrap();
    let p = prepare(&s, f.parent().unwrap(), &cat, &mut TraceStore::default()).unwrap();
    assert!(p.app.is_some());
    let plans = p.fast_plans();
    for x in [0.05, 1.0, 9.0] {
        let all = fast_totals_scaled(&p, &plans, x, None, &cat).unwrap();
        let n = all.len();
        assert!(n >= 3, "{n} platforms");
        assert!(all.iter().all(|t| t.cost_usd > 0.0), "{all:?}");
        let two = fast_totals_scaled(&p, &plans, x, Some(&[n - 1, 1]), &cat).unwrap();
        for (t, k) in two.iter().zip([n - 1, 1]) {
            assert_eq!(t.cost_usd.to_bits(), all[k].cost_usd.to_bits(), "x = {x}, platform {k}");
            assert_eq!(t.compute_usd.to_bits(), all[k].compute_usd.to_bits());
            assert_eq!(format!("{:?}", t.shortfall), format!("{:?}", all[k].shortfall));
        }
    }
}

/// The burstiness axis and the map's rows reshape an application's traffic: before, they
/// reshaped only the total it was priced from, which an application's platforms never
/// read, so every peak-to-mean ratio priced today's traffic.
#[test]
fn an_applications_traffic_is_reshaped_as_a_whole_keeping_each_workloads_volume() {
    use breakeven::analysis::{self, Axis, MapAxes, SweepOptions, shape};
    use breakeven::sim::{TraceStore, fast_totals, prepare};
    let cat = catalog();
    let f = Path::new("scenarios/saas-backend.ron");
    let s = model::load_scenario_file(f, &cat).unwrap();
    let p = prepare(&s, f.parent().unwrap(), &cat, &mut TraceStore::default()).unwrap();
    let ap = p.app.as_deref().unwrap();
    let ratio = |q: &breakeven::sim::Prepared| q.profile.peak_rps() / q.profile.mean_rps();
    let today = ratio(&p);
    assert!(today > 1.5, "saas-backend's peak-to-mean {today}");
    for target in [1.0, 1.5, today, 10.0, 100.0] {
        let q = p
            .with_own_traffic(shape::own_with_peak_to_mean(ap, target).unwrap())
            .unwrap();
        let qa = q.app.as_deref().unwrap();
        // the application's traffic has the ratio asked for (the first minutes of a flat
        // one lack the requests triggered after a delay) ...
        let tol = if target == 1.0 { 0.01 } else { 0.001 };
        assert!(
            (ratio(&q) / target - 1.0).abs() < tol,
            "asked {target}, got {}",
            ratio(&q)
        );
        // ... and every workload its own monthly volume
        for (w, (a, b)) in ap.own.iter().zip(&qa.own).enumerate() {
            let (a, b) = (a.expected_requests(), b.expected_requests());
            assert!((b - a).abs() <= 1e-9 * a.max(1.0), "workload {w}: {a} -> {b} requests");
        }
    }
    // today's ratio reproduces today's prices
    let q = p
        .with_own_traffic(shape::own_with_peak_to_mean(ap, today).unwrap())
        .unwrap();
    let (now, same) = (
        fast_totals(&p, &p.profile, &cat).unwrap(),
        fast_totals(&q, &q.profile, &cat).unwrap(),
    );
    for (a, b) in now.iter().zip(&same) {
        assert!(
            (b.cost_usd / a.cost_usd - 1.0).abs() < 0.01,
            "{} vs {}",
            b.cost_usd,
            a.cost_usd
        );
    }
    // so the burstiness axis moves the costs, and the map's rows differ
    let opts = SweepOptions {
        points: 3,
        ..SweepOptions::for_axis(Axis::Burstiness)
    };
    let sw = analysis::sweep(&p, &cat, Axis::Burstiness, &opts).unwrap();
    let (first, last) = (&sw.points[0], &sw.points[sw.points.len() - 1]);
    assert_eq!(first.monthly_requests, last.monthly_requests);
    assert!(
        first
            .costs_usd
            .iter()
            .zip(&last.costs_usd)
            .any(|(a, b)| (b / a - 1.0).abs() > 0.2),
        "{:?} vs {:?}",
        first.costs_usd,
        last.costs_usd
    );
    let m = analysis::cheapest_map(&p, &cat, MapAxes::VolumeByBurstiness, 3, 2).unwrap();
    let (low, high) = (&m.cells[0][2], &m.cells[1][2]);
    assert!(
        low.costs_usd
            .iter()
            .zip(&high.costs_usd)
            .any(|(a, b)| (b / a - 1.0).abs() > 0.2),
        "{:?} vs {:?}",
        low.costs_usd,
        high.costs_usd
    );
}

/// The duration axis and the memory-by-duration map scale every workload's requests of an
/// application, as a scenario with all durations scaled by hand prices them; before, only
/// the first workload's.
#[test]
fn the_duration_axis_scales_every_workload_of_an_application() {
    use breakeven::analysis::{self, Axis, MapAxes, SweepOptions};
    use breakeven::sim::{TraceStore, fast_totals, prepare};
    let cat = catalog();
    let f = Path::new("tests/fixtures/app/shop.ron");
    let s = model::load_scenario_file(f, &cat).unwrap();
    let p = prepare(&s, f.parent().unwrap(), &cat, &mut TraceStore::default()).unwrap();
    let by_hand = |x: f64| {
        let mut t = s.clone();
        for w in t.workloads.iter_mut() {
            w.request.duration_ms = w.request.duration_ms.scaled(x);
        }
        let q = prepare(&t, f.parent().unwrap(), &cat, &mut TraceStore::default()).unwrap();
        fast_totals(&q, &q.profile, &cat).unwrap()
    };
    let opts = SweepOptions {
        points: 2,
        min: 1.0,
        max: 4.0,
        ..SweepOptions::for_axis(Axis::DurationScale)
    };
    let sw = analysis::sweep(&p, &cat, Axis::DurationScale, &opts).unwrap();
    let top = sw.points.last().unwrap();
    let want = by_hand(top.x);
    for (k, (got, want)) in top.costs_usd.iter().zip(&want).enumerate() {
        assert!(
            (got / want.cost_usd - 1.0).abs() < 1e-9,
            "platform {k} at {}x: {got} vs {}",
            top.x,
            want.cost_usd
        );
    }
    // the worker's longer requests cost Lambda more than the api's alone would
    let only_api = {
        let mut t = s.clone();
        t.workloads[0].request.duration_ms = t.workloads[0].request.duration_ms.scaled(top.x);
        let q = prepare(&t, f.parent().unwrap(), &cat, &mut TraceStore::default()).unwrap();
        fast_totals(&q, &q.profile, &cat).unwrap()
    };
    assert!(
        top.costs_usd[0] > only_api[0].cost_usd * 1.05,
        "{} vs {}",
        top.costs_usd[0],
        only_api[0].cost_usd
    );
    let m = analysis::cheapest_map(&p, &cat, MapAxes::MemoryByDuration, 2, 2).unwrap();
    let cell = &m.cells[1][0];
    let mut t = s.clone();
    for w in t.workloads.iter_mut() {
        w.request.duration_ms = w.request.duration_ms.scaled(m.y[1]);
    }
    let t = analysis::sweep::with_memory(&t, m.x[0], &cat);
    let q = prepare(&t, f.parent().unwrap(), &cat, &mut TraceStore::default()).unwrap();
    let want = fast_totals(&q, &q.profile, &cat).unwrap();
    for (got, want) in cell.costs_usd.iter().zip(&want) {
        assert!((got / want.cost_usd - 1.0).abs() < 1e-9, "{got} vs {}", want.cost_usd);
    }
}

/// An application's size is bounded as a whole: workloads x enabled platforms x months.
/// The largest (32 on 16) fits two months, not a year (a report of it took ten minutes and
/// 3.7 GB); the message says how many days fit.
#[test]
fn an_application_at_the_limits_fits_two_months_not_a_year() {
    let text = |days: f64| {
        let workloads: Vec<String> = (0..32)
            .map(|i| {
                format!(
                    r#"Workload(name: "w{i}", traffic: Traffic(components: [Constant(rps: 1.0)]),
                       duration_ms: Fixed(50.0), cpu_fraction: 0.3, cold_start_ms: Fixed(200.0))"#
                )
            })
            .collect();
        let platforms: Vec<String> = (0..16)
            .map(|i| {
                format!(
                    r#"Function(name: "L{i}", service: "aws-lambda", memory_mb: {})"#,
                    128 + 64 * i
                )
            })
            .collect();
        format!(
            "Scenario(version: 2, name: \"many\", horizon_days: {days:?},\n workloads: [{}],\n platforms: [{}])",
            workloads.join(", "),
            platforms.join(", ")
        )
    };
    let cat = catalog();
    assert!(model::parse_scenario(&text(60.0), "many.ron", None, &cat).is_ok());
    let e = model::parse_scenario(&text(366.0), "many.ron", None, &cat).unwrap_err();
    let p = &e.problems()[0];
    assert_eq!((p.field.as_str(), p.line), ("horizon_days", 1), "{p}");
    assert!(
        p.message
            .contains("32 workloads on 16 platforms over 366 days are 6246 workload-platform-months")
            && p.message.contains("at most 60 days here"),
        "{p}"
    );
    assert!(model::parse_scenario(&text(61.0), "many.ron", None, &cat).is_err());
}

/// Two pipelines of one name, or a workload listed twice in a platform's `runs`, are
/// problems at the field (both passed before).
#[test]
fn pipeline_names_and_runs_entries_are_each_given_once() {
    let text = std::fs::read_to_string("tests/fixtures/contract/scenario-v2.ron").unwrap();
    let two = text.replace(
        r#"Pipeline(name: "order", steps: ["inventory", "payment"], latency_slo_ms: Some(3000.0)),"#,
        r#"Pipeline(name: "order", steps: ["inventory", "payment"], latency_slo_ms: Some(3000.0)),
        Pipeline(name: "order", steps: ["payment"]),"#,
    );
    assert_ne!(two, text);
    let e = model::parse_scenario(&two, "two.ron", None, &catalog()).unwrap_err();
    let p = &e.problems()[0];
    assert_eq!(p.field, "pipelines[1].name", "{p}");
    assert!(p.message.contains("`order` is also the name of pipelines[0]"), "{p}");
    let twice = text.replace(
        r#"runs: ["api", "inventory", "payment", "report"],"#,
        r#"runs: ["api", "inventory", "payment", "report", "api"],"#,
    );
    assert_ne!(twice, text);
    let e = model::parse_scenario(&twice, "twice.ron", None, &catalog()).unwrap_err();
    let p = &e.problems()[0];
    assert!(p.field.ends_with(".runs[4]"), "{p}");
    assert!(p.message.contains("`api` is listed twice"), "{p}");
}
