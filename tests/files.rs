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
    let mut files = ron_files("pricing");
    assert!(files.len() >= 7);
    let regional = ron_files("pricing/regions");
    assert!(regional.len() >= 6);
    files.extend(regional);
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let pf = parse_price_file(&text, &f.display().to_string()).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            !pf.services.is_empty() || !pf.extras.is_empty() || pf.exchange_rates.is_some(),
            "{}",
            f.display()
        );
        // the exchange-rate table names its source and date once
        if let Some(t) = &pf.exchange_rates {
            assert!(
                t.source.starts_with("https://") && t.per_eur.len() >= 8,
                "{}",
                f.display()
            );
        }
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
    assert_eq!(s.traffic().components.len(), 6);
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

/// Names label table columns: one of 65,536 characters passed `check` and then broke the
/// tables `run` and `sweep` print (Rust's format widths stop at 65,535).
#[test]
fn overlong_names_are_positioned_errors() {
    let long = "L".repeat(101);
    let text = contract_text().replacen("name: \"Lambda\"", &format!("name: \"{long}\""), 1);
    let e = parse(&text).unwrap_err();
    let p = &e.problems()[0];
    assert_eq!(p.field, "platforms[0].name");
    assert_eq!(p.line, text.lines().position(|l| l.contains(&long)).unwrap() + 1);
    assert!(p.message.contains("a name of 101 characters: at most 100"), "{p}");
    // 100 characters are a name
    let ok = contract_text().replacen("name: \"Lambda\"", &format!("name: \"{}\"", "L".repeat(100)), 1);
    assert!(parse(&ok).is_ok());
    let v2 =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/contract/scenario-v2.ron"))
            .unwrap()
            .replacen("name: \"payment\"", &format!("name: \"{}\"", "p".repeat(5000)), 1);
    let e = parse(&v2).unwrap_err();
    assert!(
        e.problems()
            .iter()
            .any(|p| p.field.starts_with("workloads[") && p.field.ends_with("].name")),
        "{e}"
    );
}

/// A spike whose day and hour are each in range but which starts after the horizon was
/// dropped without a word (a million requests vanished from `run`).
#[test]
fn a_spike_starting_after_the_horizon_is_a_positioned_error() {
    let horizon = contract_text()
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("horizon_days: ")?
                .trim_end_matches(',')
                .parse::<f64>()
                .ok()
        })
        .unwrap();
    let last_day = horizon - 1.0;
    let spike = "Spike(day: 3.0, hour: 18.0,";
    let text = contract_text().replacen(spike, &format!("Spike(day: {last_day:.1}, hour: 24.0,"), 1);
    let e = parse(&text).unwrap_err();
    let p = &e.problems()[0];
    assert_eq!(p.field, "traffic.components[2].hour");
    assert!(
        p.message.starts_with(&format!("the spike starts {horizon} days in")),
        "{p}"
    );
    // the last hour of the horizon is within it
    let ok = contract_text().replacen(spike, &format!("Spike(day: {last_day:.1}, hour: 23.0,"), 1);
    assert!(parse(&ok).is_ok());
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

// ---------------------------------------------------------------------------------------
// Hostile input (issue 11): price numbers, trace limits, size caps, small things

fn builtin_text(name: &str) -> &'static str {
    breakeven::pricing::BUILTIN_FILES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| *t)
        .unwrap_or_else(|| panic!("no built-in {name}"))
}

/// Replaces `from` (which must occur) in a built-in price file and returns the error
/// line, checked to be the line of the replacement.
fn bad_price(file: &str, from: &str, to: &str) -> String {
    let text = builtin_text(file);
    assert!(text.contains(from), "{file} lacks `{from}`");
    let bad = text.replacen(from, to, 1);
    let line = bad.lines().position(|l| l.contains(to)).unwrap() + 1;
    let e = parse_price_file(&bad, file).expect_err(to).to_string();
    assert!(e.starts_with(&format!("{file}:{line}:")), "{e}");
    e
}

#[test]
fn price_file_numbers_are_checked_with_file_line_and_field() {
    // (a number no decimal holds, in short form: it was three hundred digits)
    let e = bad_price("pricing/aws-lambda.ron", "usd: 0.0000002,", "usd: 1e300,");
    assert!(
        e.contains("`1e300` is not a finite decimal number of at most 28 digits"),
        "{e}"
    );
    let e = bad_price("pricing/aws-lambda.ron", "memory_max_mb: 10240", "memory_max_mb: 64");
    assert!(
        e.contains(": services[0].limits.memory_max_mb: 64 is below memory_min_mb (128)"),
        "{e}"
    );
    let e = bad_price("pricing/aws-lambda.ron", "max_duration_s: 900.0", "max_duration_s: NaN");
    assert!(
        e.contains("services[0].limits.max_duration_s: must be a finite number, found NaN"),
        "{e}"
    );
    let e = bad_price(
        "pricing/aws-lambda.ron",
        "mb_per_vcpu: Some(1769.0)",
        "mb_per_vcpu: Some(0.0)",
    );
    assert!(
        e.contains("services[0].limits.mb_per_vcpu: 0 is out of range: must be above 0"),
        "{e}"
    );
    let e = bad_price(
        "pricing/aws-lambda.ron",
        "scale_burst: Some(1000.0)",
        "scale_burst: Some(0.0)",
    );
    assert!(
        e.contains("services[0].limits.scale_burst: 0 is out of range: must be at least 1"),
        "{e}"
    );
    let e = bad_price("pricing/aws-lambda.ron", "usd: 0.0000002,", "usd: 1000000000,");
    assert!(
        e.contains("services[0].requests.usd: 1e9 USD per unit is above the 100000 USD"),
        "{e}"
    );
    let e = bad_price(
        "pricing/aws-ec2.ron",
        "name: \"t3.micro\", vcpu: 2.0,",
        "name: \"t3.micro\", vcpu: inf,",
    );
    assert!(
        e.contains("services[0].instances[0].vcpu: must be a finite number, found inf"),
        "{e}"
    );
    let e = bad_price("pricing/aws-ec2.ron", "minimum_s: 60", "minimum_s: 100000000");
    assert!(
        e.contains("services[0].minimum_s: 100000000 is out of range: allowed 0 to 86400"),
        "{e}"
    );
    let e = bad_price(
        "pricing/aws-lambda.ron",
        "max_instance_concurrency: 1,",
        "max_instance_concurrency: 0,",
    );
    assert!(
        e.contains("services[0].limits.max_instance_concurrency: 0 is out of range: allowed 1"),
        "{e}"
    );
}

#[test]
fn two_files_of_a_pricing_folder_defining_one_id_is_an_error_naming_both() {
    let dir = tempfile::tempdir().unwrap();
    let text = builtin_text("pricing/cloudflare.ron");
    std::fs::write(dir.path().join("a.ron"), text).unwrap();
    std::fs::write(dir.path().join("b.ron"), text).unwrap();
    let e = Catalog::builtin()
        .unwrap()
        .with_dir(dir.path())
        .unwrap_err()
        .to_string();
    let a = dir.path().join("a.ron").display().to_string();
    let b = dir.path().join("b.ron").display().to_string();
    let line = text
        .lines()
        .position(|l| l.contains("id: \"cloudflare-workers\""))
        .unwrap()
        + 1;
    assert!(e.starts_with(&format!("{b}:{line}:13: services[0].id: ")), "{e}");
    assert!(
        e.contains(&format!("`cloudflare-workers` is also defined in {a}")),
        "{e}"
    );
    // one file replacing a built-in id is the documented way to override a price
    std::fs::remove_file(dir.path().join("b.ron")).unwrap();
    assert!(Catalog::builtin().unwrap().with_dir(dir.path()).is_ok());
}

fn hostile(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/hostile")
        .join(name)
}

/// Prepares a scenario file with its traces: the error as text.
fn prepare_error(name: &str) -> String {
    let cat = catalog();
    let f = hostile(name);
    match load_scenario_file(&f, &cat) {
        Err(e) => e.to_string(),
        Ok(s) => match breakeven::sim::prepare(
            &s,
            f.parent().unwrap(),
            &cat,
            &mut breakeven::sim::TraceStore::default(),
        ) {
            Ok(_) => panic!("{name} prepared"),
            Err(e) => e.to_string(),
        },
    }
}

#[test]
fn trace_counts_are_held_to_the_constant_traffic_limits() {
    let e = prepare_error("scenario-trace-1e300.ron");
    assert!(e.contains("trace-1e300.csv:3:4: count: 1e300 requests in 60 s"), "{e}");
    assert!(e.contains("above the 1e7 req/s limit"), "{e}");
    let e = prepare_error("scenario-trace-1e12.ron");
    assert!(
        e.contains("trace-1e12-in-1s.csv:2:3: count: 1e12 requests in 1 s is 1.000e12 req/s"),
        "{e}"
    );
    let e = prepare_error("scenario-trace-empty.ron");
    assert!(e.contains("trace-empty.csv:1:1: the trace is empty"), "{e}");
    let e = trace_error("0,1\n0.0000001,1\n");
    assert!(
        e.contains("t.csv:2:1: timestamp: ") && e.contains("at least 1 ms apart"),
        "{e}"
    );
    let e = trace_error("0,1\n40000000,1\n");
    assert!(
        e.contains("t.csv:2:1: timestamp: the trace spans more than 366 days"),
        "{e}"
    );
    let e = trace_error("0,9999999999999\n1e6,9999999999999\n");
    assert!(
        e.contains("t.csv:2:5: count: the trace holds more than 1e13 requests"),
        "{e}"
    );
    // a scale that lifts a legal trace above the limit is caught at the busiest row
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.csv"), "0,60\n60,6000\n120,60\n").unwrap();
    let text = std::fs::read_to_string(hostile("scenario-trace-1e300.ron"))
        .unwrap()
        .replace(
            "Trace(path: \"trace-1e300.csv\", format: Csv)",
            "Trace(path: \"t.csv\", format: Csv, scale: 200000.0)",
        );
    let s = parse_scenario(&text, "s.ron", Some(dir.path()), &catalog()).unwrap();
    let e = breakeven::sim::prepare(&s, dir.path(), &catalog(), &mut breakeven::sim::TraceStore::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("t.csv:2:4: count: 2.000e7 req/s at scale 200000"), "{e}");
}

fn trace_error(text: &str) -> String {
    breakeven::sim::trace::parse_csv(text, Path::new("t.csv"))
        .unwrap_err()
        .to_string()
}

#[test]
fn a_folder_or_device_as_a_trace_says_so() {
    let e = load_scenario_file(&hostile("scenario-trace-folder.ron"), &catalog())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("traffic.components[1].path: ") && e.contains("traces-folder: is a folder, not a trace file"),
        "{e}"
    );
    let e = load_scenario_file(&hostile("scenario-trace-device.ron"), &catalog())
        .unwrap_err()
        .to_string();
    assert!(e.contains("/dev/zero: is not a regular file"), "{e}");
}

#[test]
fn oversized_devices_and_folders_are_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let sparse = dir.path().join("sparse.ron");
    std::fs::File::create(&sparse)
        .unwrap()
        .set_len(2 * 1024 * 1024 * 1024)
        .unwrap();
    let cat = catalog();
    let e = load_scenario_file(&sparse, &cat).unwrap_err().to_string();
    assert_eq!(
        e,
        format!(
            "{}: the file is too large (2048 MiB; at most 8 MiB is read)",
            sparse.display()
        )
    );
    let e = load_scenario_file(Path::new("/dev/zero"), &cat)
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("/dev/zero: is not a regular file"), "{e}");
    let e = load_scenario_file(dir.path(), &cat).unwrap_err().to_string();
    assert_eq!(e, format!("{}: is a folder, not a file", dir.path().display()));
    let e = load_scenario_file(&dir.path().join("nope.ron"), &cat).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("{}: no such file", dir.path().join("nope.ron").display())
    );
    assert_eq!(e.problems()[0].to_string(), e.to_string(), "not file:0:0");
    // a price folder with an oversized file
    std::fs::rename(&sparse, dir.path().join("big.ron")).unwrap();
    let e = Catalog::builtin()
        .unwrap()
        .with_dir(dir.path())
        .unwrap_err()
        .to_string();
    assert!(
        e.ends_with("big.ron: the file is too large (2048 MiB; at most 8 MiB is read)"),
        "{e}"
    );
    let e = Catalog::builtin()
        .unwrap()
        .with_dir(&dir.path().join("big.ron"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("is not a folder"), "{e}");
}

#[test]
fn a_byte_order_mark_is_accepted_in_scenarios_price_files_and_traces() {
    let cat = catalog();
    let s = load_scenario_file(&hostile("bom.ron"), &cat).unwrap();
    let p = breakeven::sim::prepare(&s, &hostile(""), &cat, &mut breakeven::sim::TraceStore::default()).unwrap();
    assert_eq!(
        p.profile.expected_requests().round(),
        (2.0 * 8640.0 + 180.0 * 72.0f64).round()
    );
    let text = format!("\u{feff}{}", builtin_text("pricing/cloudflare.ron"));
    assert_eq!(parse_price_file(&text, "c.ron").unwrap().services.len(), 1);
}

#[test]
fn errors_inside_a_field_name_that_field() {
    let text = contract_text().replace("memory_mb: 1024,", "memory_mb: -5,");
    let p = &parse(&text).unwrap_err().problems()[0];
    assert_eq!(p.field, "platforms[0].memory_mb", "{p}");
    let text = contract_text().replace("LogNormal(median: 120.0,", "LogNormal(median: \"x\",");
    let p = &parse(&text).unwrap_err().problems()[0];
    assert_eq!(p.field, "workload.duration_ms.median", "{p}");
    let line = text.lines().position(|l| l.contains("median: \"x\"")).unwrap() + 1;
    assert_eq!(p.line, line, "{p}");
    let text = contract_text().replace("cpu_fraction: 0.5,", "cpu_fraction: (),");
    let p = &parse(&text).unwrap_err().problems()[0];
    assert_eq!(p.field, "workload.cpu_fraction", "{p}");
}

#[test]
fn a_missing_field_is_named_in_its_struct_not_in_the_field_before() {
    let e = parse("Scenario(name: \"x\")").unwrap_err();
    let p = &e.problems()[0];
    assert_eq!(p.field, "version", "{p}");
    assert_eq!((p.line, p.col), (1, 19), "{p}");
    let text = contract_text()
        .replace(
            "        latency_slo_ms: Some(500.0), // None when there is no objective\n",
            "",
        )
        .replace(
            "        cpu_fraction: 0.5,         // share of duration_ms that is CPU work at one full vCPU\n",
            "",
        );
    let p = &parse(&text).unwrap_err().problems()[0];
    assert_eq!(p.field, "workload.cpu_fraction", "{p}");
}

#[test]
fn a_fraction_in_a_whole_number_field_says_so() {
    let text = contract_text().replace("memory_mb: 1024,", "memory_mb: 5.5,");
    let p = &parse(&text).unwrap_err().problems()[0];
    assert_eq!(p.field, "platforms[0].memory_mb", "{p}");
    assert_eq!(
        p.message,
        "a whole number is expected here, without a fraction or exponent"
    );
    let text = contract_text().replace("min_instances: 2,", "min_instances: 1e3,");
    let p = &parse(&text).unwrap_err().problems()[0];
    assert_eq!(p.field, "platforms[2].min_instances", "{p}");
    let lambda = builtin_text("pricing/aws-lambda.ron").replacen("memory_min_mb: 128,", "memory_min_mb: 128.5,", 1);
    let e = parse_price_file(&lambda, "l.ron").unwrap_err().to_string();
    assert!(
        e.contains("services[0].limits.memory_min_mb: a whole number is expected here"),
        "{e}"
    );
}

#[test]
fn an_empty_scenario_file_says_it_is_empty() {
    for text in ["", "  \n\n", "\u{feff}"] {
        let e = parse(text).unwrap_err().problems();
        assert_eq!(e.len(), 1);
        assert_eq!(
            e[0].to_string(),
            "test.ron:1:1: the file is empty; a scenario starts with `Scenario(` (see scenarios/ for examples)"
        );
    }
}

/// An `Empirical` duration is read from its quantile file when the scenario loads: the
/// simulation draws from it (its latency quantiles are the file's), saving writes the
/// path only, and a bad file is an error at its own line and column.
#[test]
fn empirical_durations_come_from_their_quantile_file() {
    let dir = tempfile::tempdir().unwrap();
    // 0-50 %: 10-20 ms; 50-99 %: 20-200 ms; the last 1 %: 200-1000 ms
    std::fs::write(
        dir.path().join("d.csv"),
        "quantile,value\n0,10\n0.5,20\n0.99,200\n1,1000\n",
    )
    .unwrap();
    let text = r#"Scenario(version: 1, name: "e", horizon_days: 1.0, seed: 3,
    traffic: Traffic(arrivals: Poisson, components: [Constant(rps: 2.0)]),
    workload: Workload(duration_ms: Empirical(path: "d.csv"), cpu_fraction: 0.5, cold_start_ms: Fixed(0.0)),
    platforms: [Function(name: "F", service: "aws-lambda", memory_mb: 1769, keep_alive_s: 600.0,
                         max_concurrency: 1000, provisioned: 0, free_tier: false, front_door: None)],
)"#;
    let s = parse_scenario(text, "e.ron", Some(dir.path()), &catalog()).unwrap_or_else(|e| panic!("{e}"));
    let d = &s.workloads[0].request.duration_ms;
    // 0.5 x 15 + 0.49 x 110 + 0.01 x 600
    assert!((d.mean() - 67.4).abs() < 1e-9, "{}", d.mean());
    let r = breakeven::sim::simulate(&s, dir.path(), &catalog(), breakeven::sim::Mode::Exact).unwrap();
    let lat = &r.platforms[0].latency_ms;
    // 172,800 requests: quantiles within the histogram's resolution
    assert!((lat.p50 / 20.0 - 1.0).abs() < 0.03, "{lat:?}");
    assert!((lat.p99 / 200.0 - 1.0).abs() < 0.05, "{lat:?}");
    assert!((lat.mean / 67.4 - 1.0).abs() < 0.02, "{lat:?}");
    let saved = scenario_to_ron(&s).unwrap();
    assert!(
        saved.contains("Empirical(\n") || saved.contains("Empirical("),
        "{saved}"
    );
    assert!(saved.contains("path: \"d.csv\"") && !saved.contains("knots"), "{saved}");
    let back = parse_scenario(&saved, "e.ron", Some(dir.path()), &catalog()).unwrap();
    assert_eq!(back, s);

    std::fs::write(dir.path().join("d.csv"), "quantile,value\n0,10\n0.5,abc\n1,1000\n").unwrap();
    let e = parse_scenario(text, "e.ron", Some(dir.path()), &catalog())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("workload.duration_ms.path: ") && e.contains("d.csv:3:5: the value `abc` is not a number"),
        "{e}"
    );
    std::fs::remove_file(dir.path().join("d.csv")).unwrap();
    let e = parse_scenario(text, "e.ron", Some(dir.path()), &catalog())
        .unwrap_err()
        .to_string();
    assert!(e.contains("d.csv: "), "{e}");
    std::fs::write(dir.path().join("d.csv"), "0,10\n1,1e9\n").unwrap();
    let e = parse_scenario(text, "e.ron", Some(dir.path()), &catalog())
        .unwrap_err()
        .to_string();
    assert!(e.contains("the file's values run from 10 to"), "{e}");
}

/// A one-workload scenario around `traffic` and `workload` (one Lambda, or `platforms`).
fn scenario_text(traffic: &str, workload: &str, platforms: usize) -> String {
    let ps: Vec<String> = (0..platforms)
        .map(|i| format!("Function(name: \"L{i}\", service: \"aws-lambda\", memory_mb: 1024)"))
        .collect();
    format!(
        "Scenario(version: 1, name: \"h\", horizon_days: 366.0, traffic: Traffic(components: [{traffic}]), \
         workload: Workload({workload}, cpu_fraction: 0.5), platforms: [{}])",
        ps.join(", ")
    )
}

const PLAIN: &str = "duration_ms: Fixed(100.0), cold_start_ms: Fixed(200.0)";

/// Problems found by a hostile-input campaign: each a positioned error naming its field.
#[test]
fn hostile_inputs_past_the_limits_are_positioned_errors() {
    let field_msg = |text: &str| -> Vec<(String, String)> {
        parse(text)
            .unwrap_err()
            .problems()
            .iter()
            .map(|p| (p.field.clone(), p.message.clone()))
            .collect()
    };
    // a log-normal with a zero median (infinite spread: billed milliseconds overflowed)
    let p = field_msg(&scenario_text(
        "Constant(rps: 1.0)",
        "duration_ms: Fixed(100.0), cold_start_ms: LogNormal(median: 0.0, p99: 1.0)",
        1,
    ));
    assert_eq!(p[0].0, "workload.cold_start_ms.median", "{p:?}");
    assert!(p[0].1.contains("Fixed(0.0)"), "{p:?}");
    // a spread no request time has (flat, made-up costs): the ratio in short form
    let p = field_msg(&scenario_text(
        "Constant(rps: 1.0)",
        "duration_ms: LogNormal(median: 1e-100, p99: 1.0), cold_start_ms: Fixed(200.0)",
        1,
    ));
    assert_eq!(p[0].0, "workload.duration_ms.p99", "{p:?}");
    assert!(
        p[0].1
            .contains("is 1e100 times the median (1e-100): at most 10000 times"),
        "{p:?}"
    );
    // (10,000 times is allowed)
    assert!(
        parse(&scenario_text(
            "Constant(rps: 1.0)",
            "duration_ms: LogNormal(median: 1.0, p99: 10000.0), cold_start_ms: Fixed(200.0)",
            1
        ))
        .is_ok()
    );
    // a hundred platforms ran out of memory in an application's fast mode
    let p = field_msg(&scenario_text("Constant(rps: 1.0)", PLAIN, 17));
    assert_eq!(p[0].0, "platforms", "{p:?}");
    assert!(p[0].1.starts_with("17 platforms: at most 16"), "{p:?}");
    assert!(parse(&scenario_text("Constant(rps: 1.0)", PLAIN, 16)).is_ok());
    // a horizon of microseconds simulated nothing and said "over 0 seconds"
    let p = field_msg(&scenario_text("Constant(rps: 1.0)", PLAIN, 1).replace("366.0", "1e-9"));
    assert_eq!(p[0].0, "horizon_days", "{p:?}");
    assert!(p[0].1.contains("simulate at least one second"), "{p:?}");
    // thousands of Scheduled jobs took `check` 20 s and more
    let jobs = vec!["Scheduled(every_hours: 0.0167, at_hour: 0.0, duration_min: 1.0, rps: 0.001)"; 2000].join(", ");
    let p = field_msg(&scenario_text(&jobs, PLAIN, 1));
    assert_eq!(p[0].0, "traffic.components", "{p:?}");
    assert!(p[0].1.starts_with("2000 traffic components: at most 64"), "{p:?}");
}

#[test]
fn a_trace_with_growth_is_held_to_the_rate_limit_as_a_whole() {
    // each part within the limit, the whole 5e12 req/s: it simulated, with nonsense costs
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.csv"), "0,60\n").unwrap();
    let text = scenario_text(
        "Trace(path: \"t.csv\", format: Csv), Growth(monthly_pct: 1000.0)",
        PLAIN,
        1,
    );
    let s = parse_scenario(&text, "s.ron", Some(dir.path()), &catalog()).unwrap();
    let e = breakeven::sim::prepare(&s, dir.path(), &catalog(), &mut breakeven::sim::TraceStore::default())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("t.csv:1:3: count: this trace peaks at 1 req/s at scale 1")
            && e.contains("the traffic peaks at 5.07e12 req/s, above the 1e7 req/s limit")
            && e.contains("lower traffic.components[0].scale"),
        "{e}"
    );
    // the same trace without the growth is fine
    let text = scenario_text("Trace(path: \"t.csv\", format: Csv)", PLAIN, 1);
    let s = parse_scenario(&text, "s.ron", Some(dir.path()), &catalog()).unwrap();
    assert!(breakeven::sim::prepare(&s, dir.path(), &catalog(), &mut breakeven::sim::TraceStore::default()).is_ok());
}

#[test]
fn a_missing_or_doubled_version_field_is_named_itself() {
    let first = |text: &str| -> (String, usize, String) {
        let e = parse(text).unwrap_err();
        let p = &e.problems()[0];
        (p.field.clone(), p.line, p.message.clone())
    };
    // (ron places these at the end of the file and the last field was named instead)
    let text = "Scenario(\n  version: 1,\n  name: \"x\",\n  traffic: Traffic(components: [Constant(rps: 1.0)]),\n  \
                platforms: [Function(name: \"L\", service: \"aws-lambda\", memory_mb: 1024)],\n)\n";
    let (field, _, msg) = first(text);
    assert_eq!(field, "workload");
    assert!(
        msg.contains("a version 1 scenario describes its requests in `workload: Workload("),
        "{msg}"
    );
    let (field, line, msg) = first(&text.replace("  traffic:", "  workloads: [],\n  traffic:"));
    assert_eq!((field.as_str(), line), ("workloads", 4), "{msg}");
    assert!(msg.contains("either `workloads` (version 2) or `traffic`"), "{msg}");
    let (field, _, _) = first("Scenario(version: 1, name: \"x\", platforms: [])");
    assert_eq!(field, "traffic");
    // an optional field given without Some(...)
    let text = contract_text().replace(
        "keep_alive_s: 600.0,",
        "keep_alive_s: 600.0, keep_alive_dist_s: Fixed(60.0),",
    );
    let e = parse(&text).unwrap_err();
    let p = &e.problems()[0];
    assert!(p.field.ends_with("keep_alive_dist_s"), "{p}");
    assert!(p.message.contains("write its value inside `Some(...)`"), "{p}");
}

#[test]
fn a_block_named_inside_some_says_to_list_its_fields_directly() {
    let text = contract_text();
    let end = text.rfind(')').unwrap();
    let text = format!(
        "{}    uncertainty: Some(Uncertainty(traffic: Some(Uniform(min: 0.5, max: 2.0)))),\n{}",
        &text[..end],
        &text[end..]
    );
    let e = parse(&text).unwrap_err();
    let p = &e.problems()[0];
    assert_eq!(p.field, "uncertainty", "{p}");
    assert!(
        p.message.contains("`Uncertainty(` is not written here")
            && p.message.contains("as `Some(traffic: ...)`")
            && !p.message.contains("in Scenario"),
        "{p}"
    );
    let line = text.lines().position(|l| l.contains("Some(Uncertainty(")).unwrap() + 1;
    assert_eq!(p.line, line);
    // written as the README shows, the same block loads
    let fixed = text.replace(
        "Some(Uncertainty(traffic: Some(Uniform(min: 0.5, max: 2.0))))",
        "Some(traffic: Some(Uniform(min: 0.5, max: 2.0)))",
    );
    assert!(parse(&fixed).is_ok());
}

/// Monte Carlo's work is bounded: samples x platforms x workloads x months of horizon. A
/// year of the contract's four platforms allows fewer than 5,000 samples; the message
/// names the field and how many fit, and that many load.
#[test]
fn monte_carlo_samples_are_held_to_a_bounded_amount_of_simulation() {
    let with = |samples: u32| {
        let text = contract_text().replace("horizon_days: 30.0,", "horizon_days: 366.0,");
        let end = text.rfind(')').unwrap();
        format!(
            "{}    uncertainty: Some(traffic: Some(Uniform(min: 0.5, max: 2.0)), samples: {samples}),\n{}",
            &text[..end],
            &text[end..]
        )
    };
    let e = parse(&with(5000)).unwrap_err();
    let p = &e.problems()[0];
    assert_eq!(p.field, "uncertainty.samples", "{p}");
    assert!(
        p.message.contains("over 366 days") && p.message.contains("month-long simulations"),
        "{p}"
    );
    let most: u32 = p
        .message
        .split("at most ")
        .nth(1)
        .and_then(|t| t.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{p}"));
    assert!((100..5000).contains(&most), "{p}");
    assert!(parse(&with(most)).is_ok());
    assert!(parse(&with(most + 1)).is_err());
}

/// A scenario whose platforms are all disabled has nothing to compare: `check` says so at
/// `platforms` (it passed, `run` refused without a place, and `sweep` printed an empty
/// table), and so does every command.
#[test]
fn a_scenario_with_every_platform_disabled_is_a_problem_at_platforms() {
    let text = contract_text()
        .replace("name: \"Lambda\",", "name: \"Lambda\", enabled: false,")
        .replace("name: \"Fargate\",", "name: \"Fargate\", enabled: false,")
        .replace("name: \"EC2\",", "name: \"EC2\", enabled: false,");
    let e = parse(&text).unwrap_err();
    let p = &e.problems()[0];
    assert_eq!(p.field, "platforms", "{p}");
    assert!(p.message.contains("every platform is disabled"), "{p}");
    assert_eq!(e.problems().len(), 1, "{e}");
    // one enabled is enough
    let one = text.replacen("name: \"EC2\", enabled: false,", "name: \"EC2\",", 1);
    assert!(parse(&one).is_ok());
}
