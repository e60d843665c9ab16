//! Every shipped file loads and validates; scenarios round-trip through save and load;
//! bad input is reported with file, line, column and field, never a panic.

use breakeven::model::{self, LoadError, load_scenario_file, parse_scenario, save_scenario_file, scenario_to_ron};
use breakeven::pricing::{Catalog, parse_price_file};
use proptest::prelude::*;
use std::path::{Path, PathBuf};

fn catalog() -> Catalog {
    Catalog::builtin().expect("built-in catalog parses")
}

fn ron_files(dir: &str) -> Vec<PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .collect();
    v.sort();
    v
}

#[test]
fn every_pricing_file_loads_and_every_price_is_sourced() {
    let files = ron_files("pricing");
    assert!(files.len() >= 7);
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let pf = parse_price_file(&text, &f.display().to_string()).unwrap_or_else(|e| panic!("{e}"));
        assert!(!pf.services.is_empty());
        // Every figure names its source URL and effective date in the text itself.
        let prices = text.matches("usd:").count() - text.matches("Tier(").count();
        let sourced = text.matches("source:").count();
        assert!(
            sourced >= prices,
            "{}: {prices} prices but {sourced} sources",
            f.display()
        );
    }
    let cat = catalog();
    for id in [
        "aws-lambda",
        "aws-api-gateway-http",
        "aws-api-gateway-rest",
        "aws-function-url",
        "aws-alb",
        "aws-fargate",
        "aws-ec2",
        "gcp-cloud-run",
        "gcp-cloud-functions",
        "azure-functions",
        "azure-functions-flex",
        "azure-container-apps",
        "cloudflare-workers",
    ] {
        assert!(cat.get(id).is_some(), "catalog lacks {id}");
    }
    if let Some(breakeven::pricing::Service::AwsEc2(ec2)) = cat.get("aws-ec2") {
        assert!(ec2.instances.len() >= 9);
    } else {
        panic!("aws-ec2 is not an EC2 entry");
    }
}

#[test]
fn every_shipped_scenario_loads_and_round_trips() {
    let cat = catalog();
    let files = ron_files("scenarios");
    assert!(files.len() >= 8, "the eight use cases are shipped");
    let dir = tempfile::tempdir().unwrap();
    for f in files {
        let s = load_scenario_file(&f, &cat).unwrap_or_else(|e| panic!("{e}"));
        let out = dir.path().join(f.file_name().unwrap());
        save_scenario_file(&out, &s).unwrap();
        let back = load_scenario_file(&out, &cat).unwrap_or_else(|e| panic!("{e}\n{}", scenario_to_ron(&s).unwrap()));
        assert_eq!(s, back, "{} changed through save and load", f.display());
    }
}

#[test]
fn contract_scenario_loads_with_its_trace() {
    let cat = catalog();
    let f = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/contract/scenario-v1.ron");
    let s = load_scenario_file(&f, &cat).unwrap();
    assert_eq!(s.name, "Contract example");
    assert_eq!(s.platforms.len(), 3);
    assert_eq!(s.traffic.components.len(), 6);
}

#[test]
fn default_scenario_is_the_startup_launch() {
    let s = model::default_scenario(&catalog()).unwrap();
    assert!(s.name.starts_with("Startup launch"));
    assert!(s.platforms.len() >= 4);
}

fn contract_text() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/contract/scenario-v1.ron"))
        .unwrap()
}

fn parse(text: &str) -> Result<model::Scenario, LoadError> {
    parse_scenario(text, "test.ron", None, &catalog())
}

#[test]
fn unknown_field_names_line_column_and_field() {
    let text = contract_text().replace("memory_mb: 1024,", "memory_mb: 1024, memroy_mb: 3,");
    let e = parse(&text).unwrap_err();
    let p = &e.problems()[0];
    assert_eq!(p.file, "test.ron");
    assert!(p.field.ends_with("memroy_mb"), "{p}");
    assert!(p.message.contains("unknown field"), "{p}");
    let line = text.lines().position(|l| l.contains("memroy_mb")).unwrap() + 1;
    assert_eq!(p.line, line);
    assert!(p.col > 1);
}

#[test]
fn out_of_range_values_are_all_reported_with_positions() {
    let text = contract_text()
        .replace("cpu_fraction: 0.5,", "cpu_fraction: 1.5,")
        .replace("Constant(rps: 2.0)", "Constant(rps: NaN)")
        .replace(
            "Spike(day: 3.0, hour: 18.0, duration_min: 120.0, requests: 500000.0)",
            "Spike(day: 3.0, hour: 18.0, duration_min: 1.0, requests: 60000000000000.0)",
        );
    let e = parse(&text).unwrap_err();
    let probs = e.problems();
    let fields: Vec<&str> = probs.iter().map(|p| p.field.as_str()).collect();
    assert!(fields.contains(&"workload.cpu_fraction"), "{fields:?}");
    assert!(fields.contains(&"traffic.components[0].rps"), "{fields:?}");
    assert!(fields.contains(&"traffic.components[2].requests"), "{fields:?}");
    let cpu = probs.iter().find(|p| p.field == "workload.cpu_fraction").unwrap();
    assert!(cpu.message.contains("0 to 1"), "{cpu}");
    assert_eq!(
        cpu.line,
        text.lines().position(|l| l.contains("cpu_fraction: 1.5")).unwrap() + 1
    );
}

#[test]
fn negative_memory_is_a_positioned_error() {
    let text = contract_text().replace("memory_mb: 1024,", "memory_mb: -5,");
    let e = parse(&text).unwrap_err();
    let p = &e.problems()[0];
    assert_eq!(
        p.line,
        text.lines().position(|l| l.contains("memory_mb: -5")).unwrap() + 1
    );
    assert!(p.field.contains("memory_mb"), "{p}");
}

#[test]
fn wrong_service_and_instance_are_named() {
    let text = contract_text()
        .replace("instance: \"t4g.small\"", "instance: \"t9.huge\"")
        .replace("service: \"aws-fargate\"", "service: \"aws-lambda\"");
    let e = parse(&text).unwrap_err();
    let s = e.to_string();
    assert!(s.contains("platforms[2].instance") && s.contains("t9.huge"), "{s}");
    assert!(
        s.contains("platforms[1].service") && s.contains("cannot host a Container"),
        "{s}"
    );
}

#[test]
fn missing_trace_file_is_reported_at_its_path_field() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("s.ron");
    std::fs::write(&f, contract_text()).unwrap();
    let e = load_scenario_file(&f, &catalog()).unwrap_err();
    let p = e
        .problems()
        .into_iter()
        .find(|p| p.field.ends_with(".path"))
        .expect("trace path problem");
    assert!(p.message.contains("trace file not found"));
    assert_eq!(p.field, "traffic.components[5].path");
}

#[test]
fn malformed_ron_is_a_positioned_parse_error() {
    let e = parse("Scenario(version: 1, name: \"x\",, )").unwrap_err();
    assert!(matches!(e, LoadError::Parse(_)));
    let p = &e.problems()[0];
    assert_eq!(p.line, 1);
    assert!(p.col > 1);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn parsers_never_panic_on_random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = parse(&text);
        let _ = parse_price_file(&text, "x.ron");
        let _ = model::Locator::new(&text);
    }

    #[test]
    fn parsers_never_panic_on_mutated_scenarios(pos in 0usize..3000, byte in any::<u8>(), cut in 0usize..3000) {
        let mut b = contract_text().into_bytes();
        let i = pos % b.len();
        b[i] = byte;
        b.truncate(cut.max(1) % (b.len() + 1));
        let _ = parse(&String::from_utf8_lossy(&b));
    }
}
