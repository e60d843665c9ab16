//! Regions (issue 14): the catalog's regional prices, `--region` on quotes, `region:` on
//! scenario platforms, the errors for a region the catalog lacks, and the crossover moving
//! the way the regional price ratio says.

mod common;
use breakeven::analysis;
use breakeven::model::parse_scenario;
use breakeven::pricing::Catalog;
use breakeven::sim::{Control, Mode, TraceStore, prepare, run};
use common::breakeven;
use std::path::Path;

fn catalog() -> Catalog {
    Catalog::builtin().unwrap()
}

fn parsed(text: &str) -> breakeven::model::Scenario {
    parse_scenario(text, "t.ron", None, &catalog()).unwrap_or_else(|e| panic!("{e}"))
}

fn prepared(s: &breakeven::model::Scenario) -> breakeven::sim::Prepared {
    prepare(s, Path::new("."), &catalog(), &mut TraceStore::default()).unwrap()
}

fn quote_total(args: &[&str]) -> (f64, serde_json::Value) {
    let mut a = vec!["quote"];
    a.extend_from_slice(args);
    a.push("--json");
    let (code, out, err) = breakeven(&a);
    assert_eq!(code, 0, "{args:?}: {err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    (v["total_usd"].as_f64().unwrap(), v)
}

#[test]
fn every_aws_compute_service_is_priced_in_six_regions_or_more() {
    let cat = catalog();
    let want = [
        "us-east-1",
        "us-west-2",
        "eu-west-1",
        "eu-central-1",
        "ap-southeast-1",
        "ap-northeast-1",
    ];
    for id in [
        "aws-lambda",
        "aws-fargate",
        "aws-ec2",
        "aws-api-gateway-http",
        "aws-api-gateway-rest",
        "aws-alb",
    ] {
        let regions = cat.regions(id);
        assert_eq!(regions[0], "us-east-1", "{id}: the reference region comes first");
        for r in want {
            assert!(regions.contains(&r), "{id} lacks {r}: {regions:?}");
            // the entry of a region is that region's, not the reference under another name
            assert_eq!(cat.get_in(id, Some(r)).unwrap().region(), r, "{id} in {r}");
        }
    }
    // Google prices by tier: a Tier 2 region is billed as europe-west3, a Tier 1 one as us-central1
    let run = cat.regions("gcp-cloud-run");
    for r in [
        "us-central1",
        "europe-west1",
        "europe-west3",
        "asia-southeast1",
        "us-west2",
    ] {
        assert!(run.contains(&r), "{run:?}");
    }
    assert_eq!(
        cat.get_in("gcp-cloud-run", Some("asia-southeast1")).unwrap().region(),
        "europe-west3"
    );
    assert_eq!(
        cat.get_in("gcp-cloud-run", Some("europe-west1")).unwrap().region(),
        "us-central1"
    );
    // London is Tier 2 for Cloud Run but Tier 1 for 1st-gen functions (Google's two lists)
    assert_eq!(
        cat.get_in("gcp-cloud-run", Some("europe-west2")).unwrap().region(),
        "europe-west3"
    );
    assert_eq!(
        cat.get_in("gcp-cloud-functions", Some("europe-west2"))
            .unwrap()
            .region(),
        "us-central1"
    );
    // Azure: Container Apps in two regions; Functions only where a price was found
    assert_eq!(cat.regions("azure-container-apps"), vec!["eastus", "westeurope"]);
    assert_eq!(cat.regions("azure-functions"), vec!["eastus"]);
    assert!(cat.get_in("aws-lambda", Some("mars-1")).is_none());
    assert!(cat.get_in("azure-functions", Some("westeurope")).is_none());
}

#[test]
fn regional_quotes_reproduce_the_regional_rates_to_the_cent() {
    // EC2 m7g.large, eu-central-1: $0.0978 an hour (offer version 20260903195206)
    let (t, v) = quote_total(&[
        "aws-ec2",
        "--instance",
        "m7g.large",
        "--hours",
        "730",
        "--region",
        "eu-central-1",
    ]);
    assert_eq!(t, 71.39); // 730 x 0.0978 = 71.394
    assert_eq!(v["region"], "eu-central-1");
    // the same in us-east-1: $0.0816
    assert_eq!(
        quote_total(&["aws-ec2", "--instance", "m7g.large", "--hours", "730"]).0,
        59.57
    );
    // Fargate, Singapore: $0.05056 per vCPU-hour, $0.00553 per GB-hour, billed per second
    let (t, _) = quote_total(&[
        "aws-fargate",
        "--task-hours",
        "730",
        "--vcpu",
        "1",
        "--memory-gb",
        "2",
        "--region",
        "ap-southeast-1",
    ]);
    assert_eq!(t, 36.91 + 8.07); // 730 x 0.05056 = 36.9088; 730 x 2 x 0.00553 = 8.0738
    // Lambda provisioned concurrency, Frankfurt: $0.0000050147 per GB-s (us-east-1: $0.0000041667)
    let (_, v) = quote_total(&[
        "aws-lambda",
        "--requests",
        "0",
        "--duration-ms",
        "100",
        "--memory-mb",
        "1024",
        "--provisioned",
        "1",
        "--provisioned-hours",
        "730",
        "--region",
        "eu-central-1",
    ]);
    let pc = v["bill"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["item"].as_str().unwrap().contains("Provisioned concurrency"))
        .unwrap_or_else(|| panic!("{v}"));
    assert_eq!(pc["unit_price_usd"], 0.0000050147);
    assert_eq!(pc["amount_usd"], 13.18); // 730 h x 3600 s x 1 GB x 0.0000050147 = 13.1786
    // Cloud Run, Singapore (Tier 2): $0.0000336 per vCPU-s, $0.0000035 per GiB-s, $0.40 per million
    let (t, v) = quote_total(&[
        "gcp-cloud-run",
        "--requests",
        "3000000",
        "--duration-ms",
        "200",
        "--vcpu",
        "1",
        "--memory-gb",
        "0.5",
        "--no-free-tier",
        "--region",
        "asia-southeast1",
    ]);
    // 3 M x 0.2 s = 600,000 vCPU-s x 0.0000336 = 20.16; 300,000 GiB-s x 0.0000035 = 1.05; 1.20
    assert_eq!(t, 22.41);
    assert_eq!(v["region"], "asia-southeast1");
    // Container Apps, West Europe: $0.000034 per active vCPU-s, $0.000004 per GiB-s, $0.56 per million
    let (t, _) = quote_total(&[
        "azure-container-apps",
        "--hours",
        "100",
        "--vcpu",
        "1",
        "--memory-gb",
        "2",
        "--requests",
        "1000000",
        "--no-free-tier",
        "--region",
        "westeurope",
    ]);
    // 360,000 vCPU-s x 0.000034 = 12.24; 720,000 GiB-s x 0.000004 = 2.88; 0.56
    assert_eq!(t, 15.68);
}

#[test]
fn a_region_the_catalog_lacks_is_an_error_that_lists_the_regions_it_has() {
    let (code, out, err) = breakeven(&[
        "quote",
        "aws-lambda",
        "--requests",
        "1000",
        "--duration-ms",
        "10",
        "--memory-mb",
        "128",
        "--region",
        "eu-west-3",
    ]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains("no prices of `aws-lambda` for region `eu-west-3`") && err.contains("eu-central-1"),
        "{err}"
    );
    // an instance type not priced in that region names the region and what is priced there
    let (code, _, err) = breakeven(&[
        "quote",
        "aws-ec2",
        "--instance",
        "m6i.large",
        "--hours",
        "1",
        "--region",
        "eu-central-1",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("`m6i.large` in eu-central-1") && err.contains("m7g.large"),
        "{err}"
    );
    // the rest of the bill is priced in its reference region only, and says so
    let (code, _, err) = breakeven(&["quote", "aws-nat-gateway", "--hours", "1", "--region", "eu-central-1"]);
    assert_eq!(code, 2);
    assert!(err.contains("it has: us-east-1"), "{err}");
}

#[test]
fn a_scenario_platform_in_an_unpriced_region_is_exit_2_at_its_field() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("s.ron");
    std::fs::write(
        &f,
        r#"Scenario(version: 1, name: "r", horizon_days: 1.0, seed: 1,
    traffic: Traffic(components: [Constant(rps: 1.0)]),
    workload: Workload(duration_ms: Fixed(100.0), cpu_fraction: 0.5, cold_start_ms: Fixed(200.0)),
    platforms: [
        Function(name: "Functions", service: "azure-functions", memory_mb: 512,
            region: "westeurope"),
        Vm(name: "EC2", service: "aws-ec2", instance: "m6i.large", concurrency: 10,
            min_instances: 1, max_instances: 1, region: "eu-central-1"),
        Container(name: "Cloud Run", service: "gcp-cloud-run", vcpu: 1.0, memory_gb: 2.0, concurrency: 10,
            min_replicas: 1, max_replicas: 2, region: "us-east-1"),
    ])"#,
    )
    .unwrap();
    let (code, _, err) = breakeven(&["check", f.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    let file = f.display().to_string();
    assert!(
        err.contains(&format!("{file}:6:13: platforms[0].region"))
            && err.contains("no prices of `azure-functions` for region `westeurope`; it has: eastus"),
        "{err}"
    );
    assert!(
        err.contains("platforms[1].instance") && err.contains("`m6i.large` in region `eu-central-1`"),
        "{err}"
    );
    // another provider's region name
    assert!(
        err.contains("platforms[2].region")
            && err.contains("no prices of `gcp-cloud-run` for region `us-east-1`; it has: us-central1, "),
        "{err}"
    );
}

/// Lambda against one m7g.large kept up all month: the crossover sits where the month's
/// instance bill equals the requests' Lambda bill, so it moves by the instance's regional
/// price ratio (its 8 GB root volume is priced at us-east-1's gp3 rate in both: the rest of
/// the bill is priced in its reference region).
#[test]
fn a_dearer_region_moves_the_crossover_by_the_price_ratio() {
    let cat = catalog();
    let crossover = |region: &str| {
        let s = parsed(&format!(
            r#"Scenario(version: 1, name: "linear", horizon_days: 30.0, seed: 1,
            traffic: Traffic(arrivals: Deterministic, components: [Constant(rps: 1.0)]),
            workload: Workload(duration_ms: Fixed(100.0), cpu_fraction: 0.0, cold_start_ms: Fixed(0.0)),
            platforms: [
                Function(name: "Lambda", service: "aws-lambda", memory_mb: 1024, free_tier: false,
                    max_concurrency: 100000, region: "{region}"),
                Vm(name: "EC2", service: "aws-ec2", instance: "m7g.large", concurrency: 100000,
                    min_instances: 1, max_instances: 1, region: "{region}"),
            ])"#
        ));
        let p = prepared(&s);
        let sw = analysis::traffic_sweep(&p, &cat).unwrap();
        assert_eq!(sw.crossovers.len(), 1, "{region}: {:#?}", sw.crossovers);
        sw.crossovers[0].x
    };
    let (virginia, tokyo) = (crossover("us-east-1"), crossover("ap-northeast-1"));
    // Lambda costs the same per request in both; the instance 0.1054 / 0.0816 an hour
    let per_request = 0.0000002 + 0.1 * 0.0000166667;
    let month = |hourly: f64| (720.0 * hourly * 100.0f64).round() / 100.0 + 8.0 * 0.08;
    let want_virginia = month(0.0816) / (per_request * 30.0 * 86_400.0);
    assert!(
        (virginia / want_virginia - 1.0).abs() < 0.005,
        "{virginia} vs {want_virginia}"
    );
    let ratio = tokyo / virginia;
    let want = month(0.1054) / month(0.0816);
    assert!(
        ratio > 1.25 && (ratio / want - 1.0).abs() < 0.005,
        "crossover moved by {ratio}, want {want}"
    );
}

#[test]
fn a_platform_billed_with_carried_figures_is_marked_and_its_bill_names_its_region() {
    let cat = catalog();
    let s = parsed(
        r#"Scenario(version: 1, name: "marks", horizon_days: 1.0, seed: 1,
        traffic: Traffic(components: [Constant(rps: 2.0)]),
        workload: Workload(duration_ms: Fixed(100.0), cpu_fraction: 0.5, cold_start_ms: Fixed(200.0)),
        platforms: [
            Function(name: "Frankfurt arm", service: "aws-lambda", arch: Arm64, memory_mb: 1024,
                provisioned: 2, region: "eu-central-1"),
            Function(name: "Frankfurt x86", service: "aws-lambda", memory_mb: 1024,
                provisioned: 2, region: "eu-central-1"),
            Container(name: "Seoul", service: "gcp-cloud-run", vcpu: 1.0, memory_gb: 0.5, concurrency: 10,
                min_replicas: 0, max_replicas: 5, region: "asia-northeast3"),
        ])"#,
    );
    let p = prepared(&s);
    let r = run(&p, &cat, Mode::Fast, &Control::default()).unwrap();
    // arm64 provisioned-concurrency rates were found for us-east-1 only
    assert_eq!(
        r.platforms[0].unverified_prices,
        vec![
            "provisioned arm64 (AWS Lambda)",
            "provisioned duration arm64 (AWS Lambda)"
        ]
    );
    assert!(
        r.platforms[1].unverified_prices.is_empty(),
        "{:?}",
        r.platforms[1].unverified_prices
    );
    assert!(
        r.platforms[2].unverified_prices.is_empty(),
        "{:?}",
        r.platforms[2].unverified_prices
    );
    assert_eq!(r.platforms[0].bill.region, "eu-central-1");
    // Seoul is a Tier 2 region: billed at Tier 2 rates, under its own name
    assert_eq!(r.platforms[2].bill.region, "asia-northeast3");
    let cpu = r.platforms[2]
        .bill
        .lines
        .iter()
        .find(|l| l.item.starts_with("CPU"))
        .unwrap();
    assert_eq!(cpu.unit_price_usd.to_string(), "0.0000336");
    // and the JSON says so
    let j = breakeven::report::json::run_json(&r);
    assert_eq!(
        j["platforms"][0]["unverified_prices"][0],
        "provisioned arm64 (AWS Lambda)"
    );
}

#[test]
fn a_region_survives_saving_and_reloading() {
    let text = std::fs::read_to_string("scenarios/startup-launch.ron").unwrap();
    let text = text.replacen(
        "service: \"aws-lambda\",",
        "service: \"aws-lambda\", region: \"eu-west-1\",",
        1,
    );
    let s = parsed(&text);
    assert_eq!(s.platforms[0].region(), Some("eu-west-1"));
    let saved = breakeven::model::scenario_to_ron(&s).unwrap();
    assert!(saved.contains("region: \"eu-west-1\""), "{saved}");
    assert_eq!(parsed(&saved), s);
    // a platform without a region saves without one (files keep their shape)
    assert_eq!(saved.matches("region:").count(), 1);
}
