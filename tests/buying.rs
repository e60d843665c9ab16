//! Where and how to buy (issue 14's analysis): every platform priced in each place and
//! under each purchase option, the commitment that pays, the verdict's sentences about
//! them, and `sweep --axis region|purchase`.

mod common;
use breakeven::analysis::{self, PurchaseLevel};
use breakeven::model::{Scenario, parse_scenario};
use breakeven::pricing::Catalog;
use breakeven::pricing::location::LOCATIONS;
use breakeven::sim::{TraceStore, fast_totals, prepare};
use common::breakeven;
use std::path::Path;

fn catalog() -> Catalog {
    Catalog::builtin().unwrap()
}

fn parsed(text: &str) -> Scenario {
    parse_scenario(text, "t.ron", None, &catalog()).unwrap_or_else(|e| panic!("{e}"))
}

fn shipped(name: &str) -> (Scenario, breakeven::sim::Prepared) {
    let cat = catalog();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    let s = parse_scenario(&text, &path.display().to_string(), path.parent(), &cat).unwrap();
    let p = prepare(&s, path.parent().unwrap(), &cat, &mut TraceStore::default()).unwrap();
    (s, p)
}

/// The analysis simulates once and bills every place again: the same totals as
/// simulating the moved scenario from scratch, a single workload and an application.
#[test]
fn billing_a_place_again_equals_simulating_it() {
    let cat = catalog();
    for name in ["startup-launch.ron", "steady-high.ron", "saas-backend.ron"] {
        let (s, p) = shipped(name);
        let b = analysis::buying(&p, &cat).unwrap();
        for (row, l) in b.places.iter().zip(LOCATIONS) {
            let mut moved = s.clone();
            let mut enabled = 0;
            for pl in moved.platforms.iter_mut() {
                if !pl.enabled() {
                    continue;
                }
                if let Some(r) = &row.regions[enabled] {
                    *pl.region_mut() = Some(r.clone());
                }
                enabled += 1;
            }
            let q = prepare(
                &moved,
                Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").as_path(),
                &cat,
                &mut TraceStore::default(),
            )
            .unwrap();
            let fresh = fast_totals(&q, &q.profile, &cat).unwrap();
            for (i, c) in row.costs_usd.iter().enumerate() {
                if let Some(c) = c {
                    assert!(
                        (c - fresh[i].cost_usd).abs() < 1e-6,
                        "{name}, {} in {}: billed again {c}, simulated {}",
                        b.platforms[i],
                        l.name,
                        fresh[i].cost_usd
                    );
                    assert_eq!(row.good_enough[i], fresh[i].good_enough(), "{name} {}", l.name);
                }
            }
        }
    }
}

/// One m7g.large kept up all month: usage is the same every hour, so the best 1-year
/// savings plan covers all of it (used 100 %), saves the discount on the instance hours,
/// and is sized at the plan's rate (AWS); in Frankfurt the instance is dearer.
#[test]
fn a_fleet_kept_up_all_month_commits_all_its_hours() {
    let cat = catalog();
    let s = parsed(
        r#"Scenario(version: 1, name: "fixed", horizon_days: 30.0, seed: 1,
        traffic: Traffic(arrivals: Deterministic, components: [Constant(rps: 1.0)]),
        workload: Workload(duration_ms: Fixed(100.0), cpu_fraction: 0.1, cold_start_ms: Fixed(0.0)),
        platforms: [
            Vm(name: "EC2", service: "aws-ec2", instance: "m7g.large", concurrency: 100,
                min_instances: 1, max_instances: 1),
        ])"#,
    );
    let p = prepare(&s, Path::new("."), &cat, &mut TraceStore::default()).unwrap();
    let b = analysis::buying(&p, &cat).unwrap();
    let one = b
        .commitments
        .iter()
        .find(|c| c.purchase == breakeven::model::Purchase::Savings1y)
        .unwrap();
    // 720 hours of m7g.large at $0.0816
    assert!((one.covered_usd - 58.75).abs() < 0.006, "{one:?}");
    let d = one.discount_pct / 100.0;
    assert!((one.break_even_utilization - (1.0 - d)).abs() < 1e-12);
    assert!((one.utilization - 1.0).abs() < 1e-9, "{one:?}");
    // (the bill is in cents: $58.75 for 720 hours)
    assert!((one.best_usd_per_hour - 0.0816 * (1.0 - d)).abs() < 1e-5, "{one:?}");
    assert!((one.saving_usd - 58.75 * d).abs() < 0.01, "{one:?}");
    // the 1-year row bills that commitment hour by hour: on demand minus the saving
    let od = b.purchases.iter().find(|r| r.level == PurchaseLevel::OnDemand).unwrap();
    let y1 = b.purchases.iter().find(|r| r.level == PurchaseLevel::OneYear).unwrap();
    assert!(
        (od.costs_usd[0] - y1.costs_usd[0] - one.saving_usd).abs() < 0.02,
        "{od:?} {y1:?}"
    );
    // Frankfurt prices the same month at eu-central-1's rate (the 8 GB root volume at
    // the reference region's $0.08 a GB-month, as the rest of the bill)
    let fra = b.places.iter().find(|r| r.location == "Frankfurt").unwrap();
    let (q, _) = quote(&[
        "aws-ec2",
        "--instance",
        "m7g.large",
        "--hours",
        "720",
        "--region",
        "eu-central-1",
    ]);
    assert!(
        (fra.costs_usd[0].unwrap() - q - 0.64).abs() < 0.011,
        "{fra:?} against {q}"
    );
    assert_eq!(fra.regions[0].as_deref(), Some("eu-central-1"));
    // AWS has no region in Iowa: the platform is left out there, with the reason
    let iowa = b.places.iter().find(|r| r.location == "Iowa").unwrap();
    assert_eq!(iowa.costs_usd[0], None);
    assert!(
        iowa.missing[0]
            .as_deref()
            .unwrap()
            .contains("AWS has no region in Iowa")
    );
}

/// Runs `breakeven ARGS` (exit 0 expected) and reads what it prints as JSON.
fn json_of(args: &[&str]) -> serde_json::Value {
    let (code, out, err) = breakeven(args);
    assert_eq!(code, 0, "{args:?}: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}"))
}

/// `shipped`'s file name as a path the binary can read.
fn scenario_file(name: &str) -> String {
    format!("{}/scenarios/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn quote(args: &[&str]) -> (f64, serde_json::Value) {
    let mut a = vec!["quote"];
    a.extend_from_slice(args);
    a.push("--json");
    let v = json_of(&a);
    (v["total_usd"].as_f64().unwrap(), v)
}

/// Traffic only in working hours: a commitment sized to the mean pays for idle nights, so
/// the best size is smaller and saves more; below the break-even use nothing pays.
#[test]
fn an_uneven_week_commits_below_its_mean() {
    let cat = catalog();
    let s = parsed(
        r#"Scenario(version: 1, name: "office hours", horizon_days: 30.0, seed: 1,
        traffic: Traffic(arrivals: Poisson, components: [
            Diurnal(peak_rps: 60.0, trough_rps: 0.5, peak_hour: 14.0),
        ]),
        workload: Workload(duration_ms: Fixed(200.0), cpu_fraction: 0.5, cold_start_ms: Fixed(300.0)),
        platforms: [
            Function(name: "Lambda", service: "aws-lambda", memory_mb: 1024, free_tier: false),
            Container(name: "Fargate", service: "aws-fargate", vcpu: 0.5, memory_gb: 1.0, concurrency: 20,
                min_replicas: 1, max_replicas: 20),
        ])"#,
    );
    let p = prepare(&s, Path::new("."), &cat, &mut TraceStore::default()).unwrap();
    let b = analysis::buying(&p, &cat).unwrap();
    for c in &b.commitments {
        assert!(c.saving_usd >= -1e-9, "{c:?}");
        assert!(
            c.saving_usd + 1e-9 >= c.saving_at_mean_usd,
            "the best size beats the mean: {c:?}"
        );
        assert!(c.utilization <= 1.0 + 1e-9);
        if c.saving_usd > 0.0 {
            assert!(c.utilization + 1e-9 >= c.break_even_utilization, "{c:?}");
        }
    }
    let lambda = b
        .commitments
        .iter()
        .find(|c| c.platform == "Lambda" && c.purchase == breakeven::model::Purchase::Savings1y)
        .unwrap();
    // a daily cycle: the mean-sized plan leaves nights idle, and saves less than the best
    assert!(lambda.saving_at_mean_usd < lambda.saving_usd - 0.5, "{lambda:?}");
    assert!(lambda.utilization > 0.88 && lambda.utilization < 1.0, "{lambda:?}");
}

/// The verdict says when a purchase option or another place changes the answer: EC2 on
/// its savings plan wins steady-high, Fargate on Spot would be cheaper still.
#[test]
fn the_verdict_names_a_purchase_option_that_changes_the_answer() {
    let v = json_of(&["run", &scenario_file("steady-high.ron"), "--fast", "--json"]);
    let reasons = v["verdict"]["reasons"].as_array().unwrap();
    let by = |m: &str| {
        reasons
            .iter()
            .find(|r| r["metric"] == m)
            .unwrap_or_else(|| panic!("no {m}: {reasons:#?}"))
    };
    let spot = by("purchase_changes_answer");
    assert!(spot["text"].as_str().unwrap().contains("Fargate"), "{spot}");
    assert!(spot["text"].as_str().unwrap().contains("Spot"), "{spot}");
    assert!(spot["value"].as_f64().unwrap() > 0.0);
    let place = by("cheapest_place_saving_usd");
    assert!(
        place["text"].as_str().unwrap().contains("EC2 fleet costs least in"),
        "{place}"
    );
    let commit = by("commitment_saving_usd");
    assert!(commit["text"].as_str().unwrap().contains("savings plan"), "{commit}");
}

/// Two platforms a cent apart under a purchase option are a tie within the fast mode's
/// noise, not a different answer: the same Container Apps service three times (one on a
/// sized plan, one on demand, one on a 3-year plan) gave three "would be the cheapest"
/// lines of a cent each before; the commitment that pays is still named.
#[test]
fn a_purchase_option_that_only_ties_does_not_change_the_answer() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("ties.ron");
    std::fs::write(
        &f,
        r#"Scenario(version: 1, name: "ties", horizon_days: 30.0, seed: 3,
    traffic: Traffic(components: [Constant(rps: 20.0)]),
    workload: Workload(duration_ms: Fixed(200.0), cpu_fraction: 0.5, cold_start_ms: Fixed(200.0)),
    platforms: [
        Container(name: "ACA", service: "azure-container-apps", vcpu: 1.0, memory_gb: 2.0, concurrency: 10,
            min_replicas: 1, max_replicas: 10, purchase: Savings1y, commitment_usd_per_hour: 0.05),
        Container(name: "ACA od", service: "azure-container-apps", vcpu: 1.0, memory_gb: 2.0, concurrency: 10,
            min_replicas: 1, max_replicas: 10),
        Container(name: "ACA sp", service: "azure-container-apps", vcpu: 1.0, memory_gb: 2.0, concurrency: 10,
            min_replicas: 1, max_replicas: 10, purchase: Savings3y),
    ])"#,
    )
    .unwrap();
    let v = json_of(&["run", f.to_str().unwrap(), "--fast", "--json"]);
    let reasons = v["verdict"]["reasons"].as_array().unwrap();
    assert!(
        reasons.iter().all(|r| r["metric"] != "purchase_changes_answer"),
        "{reasons:#?}"
    );
    let commit = reasons
        .iter()
        .find(|r| r["metric"] == "commitment_saving_usd")
        .expect("the plan that pays");
    assert!(
        commit["text"]
            .as_str()
            .unwrap()
            .contains("3-year savings plan for compute"),
        "{commit}"
    );
}

#[test]
fn sweep_by_region_and_by_purchase() {
    let file = scenario_file("startup-launch.ron");
    let v = json_of(&["sweep", &file, "--axis", "region", "--json"]);
    assert_eq!(v["axis"], "region");
    let points = v["points"].as_array().unwrap();
    assert_eq!(points.len(), LOCATIONS.len());
    let fra = points.iter().find(|p| p["location"] == "Frankfurt").unwrap();
    assert_eq!(fra["regions"]["Lambda"], "eu-central-1");
    assert_eq!(fra["regions"]["Cloud Run"], "europe-west3");
    assert!(
        fra["costs_usd"]["Cloud Run"].as_f64().unwrap() > v["configured"]["costs_usd"]["Cloud Run"].as_f64().unwrap()
    );
    let iowa = points.iter().find(|p| p["location"] == "Iowa").unwrap();
    assert!(iowa["costs_usd"]["Lambda"].is_null());
    assert!(iowa["missing"]["Lambda"].as_str().unwrap().contains("no region"));

    let v = json_of(&["sweep", &file, "--axis", "purchase", "--json"]);
    assert_eq!(v["axis"], "purchase");
    let points = v["points"].as_array().unwrap();
    let labels: Vec<&str> = points.iter().map(|p| p["purchase"].as_str().unwrap()).collect();
    assert_eq!(labels, ["on_demand", "one_year", "three_year", "spot"]);
    // Lambda and Cloud Run have no Spot: they stay on demand in that row
    assert_eq!(points[3]["options"]["Lambda"], "on-demand");
    assert_eq!(points[3]["options"]["Fargate"], "spot");
    for c in v["commitments"].as_array().unwrap() {
        let d = c["discount_pct"].as_f64().unwrap() / 100.0;
        assert!(
            (c["break_even_utilization"].as_f64().unwrap() - (1.0 - d)).abs() < 1e-9,
            "{c}"
        );
    }

    // tables
    let (code, out, _) = breakeven(&["sweep", &file, "--axis", "purchase"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("Break-even use") && out.contains("1-year Compute Savings Plan"),
        "{out}"
    );
    let (code, out, _) = breakeven(&["sweep", &file, "--axis", "region"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("Frankfurt") && out.contains("eu-central-1") && out.contains("AWS has no region in Iowa"),
        "{out}"
    );

    // a grid or a workload means nothing here: exit 2 saying so
    let (code, _, err) = breakeven(&["sweep", &file, "--axis", "region", "--points", "10"]);
    assert_eq!(code, 2);
    assert!(err.contains("--axis region and --axis purchase"), "{err}");
}

/// `report --currency EUR`: every amount of the HTML and Markdown in euros at the stated
/// rate and date, JSON and CSV keeping their US-dollar fields and adding the euro ones.
#[test]
fn a_report_in_euros_states_its_rate() {
    let dir = std::env::temp_dir().join(format!("breakeven-report-eur-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = scenario_file("startup-launch.ron");
    let out = |ext: &str| dir.join(format!("r.{ext}")).display().to_string();
    for ext in ["md", "json", "csv"] {
        let (code, _, err) = breakeven(&["report", &file, "-o", &out(ext), "--fast", "--currency", "EUR"]);
        assert_eq!(code, 0, "{err}");
    }
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out("json")).unwrap()).unwrap();
    assert_eq!(json["currency"], "EUR");
    let rate = json["exchange_rate"].as_f64().unwrap();
    assert!(rate > 0.5 && rate < 1.5, "{rate}");
    assert_eq!(json["rate_date"], "2026-10-02");
    let lambda = &json["platforms"][0];
    let (usd, eur) = (lambda["total_usd"].as_f64().unwrap(), lambda["total"].as_f64().unwrap());
    assert!((usd * rate - eur).abs() < 0.006, "{usd} x {rate} = {eur}");
    assert!(!json["buying"]["places"].as_array().unwrap().is_empty());

    let md = std::fs::read_to_string(out("md")).unwrap();
    assert!(
        md.contains("amounts in EUR at") && md.contains("reference rate of 2026-10-02"),
        "{md}"
    );
    let total = format!("€{eur:.2}");
    assert!(md.contains(&total), "{total} not in the Markdown");
    // every amount outside the price sources is converted
    let before_sources = md.split("## Pricing sources").next().unwrap();
    assert!(
        !before_sources.contains("$1") && !before_sources.contains("$0."),
        "dollars left in the report"
    );
    assert!(md.contains("## Where and how to buy"));

    let csv = std::fs::read_to_string(out("csv")).unwrap();
    let head = csv.lines().next().unwrap();
    assert!(head.ends_with("monthly_cost_eur,annual_cost_eur"), "{head}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The places and purchase options over traffic scale: the column at today's traffic is
/// the analysis of today's traffic; an application leaves the maps out.
#[test]
fn the_maps_over_traffic_agree_with_todays_column() {
    let cat = catalog();
    let (_, p) = shipped("steady-high.ron");
    let scales = analysis::buying::map_scales();
    let today = scales
        .iter()
        .position(|x| (x - 1.0).abs() < 1e-12)
        .expect("1x is a column");
    let maps = analysis::buying::buying_maps(&p, &cat, &scales).unwrap().unwrap();
    let b = analysis::buying(&p, &cat).unwrap();
    assert_eq!(maps.places.rows.len(), LOCATIONS.len());
    for (r, row) in b.places.iter().enumerate() {
        assert_eq!(maps.places.cheapest[r][today], row.cheapest(), "{}", row.location);
        assert_eq!(maps.places.costs_usd[r][today], row.costs_usd);
    }
    for (r, row) in b.purchases.iter().enumerate() {
        assert_eq!(maps.purchases.cheapest[r][today], row.cheapest(), "{}", row.label);
    }
    // the cheapest changes along the traffic somewhere (steady-high: Lambda when small)
    let lambda = maps.platforms.iter().position(|n| n == "Lambda").unwrap();
    assert_eq!(maps.places.cheapest[0][0], Some(lambda));
    let (_, app) = shipped("saas-backend.ron");
    assert!(analysis::buying::buying_maps(&app, &cat, &scales).unwrap().is_none());
}

/// `sweep --currency`: tables in the currency with the rate stated; JSON keeps every
/// `*_usd` field and adds its converted twin (`costs` beside `costs_usd`).
#[test]
fn sweeps_in_another_currency() {
    let file = scenario_file("startup-launch.ron");
    let v = json_of(&["sweep", &file, "--currency", "EUR", "--json"]);
    assert_eq!(v["currency"], "EUR");
    let rate = v["exchange_rate"].as_f64().unwrap();
    let p = &v["points"][50];
    let (usd, eur) = (
        p["costs_usd"]["Lambda"].as_f64().unwrap(),
        p["costs"]["Lambda"].as_f64().unwrap(),
    );
    assert!((usd * rate - eur).abs() < 0.006, "{usd} x {rate} = {eur}");
    let c = &v["crossovers"][0];
    assert!((c["cost_usd"].as_f64().unwrap() * rate - c["cost"].as_f64().unwrap()).abs() < 0.006);

    let (code, out, err) = breakeven(&["sweep", &file, "--axis", "purchase", "--currency", "JPY"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains('¥') && out.contains("Amounts in JPY at"), "{out}");
    assert!(!out.contains("$1") && !out.contains("$0."), "dollars left: {out}");
    let v = json_of(&["sweep", &file, "--axis", "region", "--currency", "GBP", "--json"]);
    let fra = v["points"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["location"] == "Frankfurt")
        .unwrap();
    assert!(fra["costs"]["Lambda"].as_f64().unwrap() < fra["costs_usd"]["Lambda"].as_f64().unwrap());
    assert!(fra["costs"]["Lambda"].as_f64().is_some() && v["configured"]["costs"].is_object());
}
