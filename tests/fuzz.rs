//! Property-based fuzzing of every file the program reads: scenarios, price files and
//! traces, generated from the real formats, then mutated (numbers replaced by huge,
//! negative, NaN, infinite or fractional values; fields dropped, duplicated or renamed;
//! text truncated), plus random bytes.
//!
//! What must hold for every input: no panic; either the file loads, or the error is
//! located (it names the file, and a line and column when the problem is in the text); a
//! file that loads can be prepared and simulated in the fast mode (short horizons keep
//! the work bounded) with finite costs. A smaller number of cases goes through the binary
//! (`check`, `run --fast`): exit code 0 or 2, never 1, 101 or a backtrace.
//!
//! The default case counts keep the suite well under a minute in release. To fuzz longer:
//!
//! ```text
//! PROPTEST_CASES=100000 cargo test --release --test fuzz
//! ```
//!
//! Seeds are random unless `PROPTEST_RNG_SEED` is set; `.ci/run` sets it, so CI is
//! reproducible, and every failure found is kept as a regular test in this file.

mod common;

use breakeven::model::{self, LoadError, parse_scenario};
use breakeven::pricing::{BUILTIN_FILES, Catalog, parse_price_file};
use breakeven::sim::{self, Mode, TraceStore, trace};
use proptest::prelude::*;
use std::path::Path;
use std::sync::OnceLock;

fn catalog() -> &'static Catalog {
    static CAT: OnceLock<Catalog> = OnceLock::new();
    CAT.get_or_init(|| Catalog::builtin().expect("built-in catalog"))
}

/// Cases for one property: `PROPTEST_CASES` when set, else `default`.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn config(default: u32) -> ProptestConfig {
    ProptestConfig {
        cases: cases(default),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------------
// Generators over the real formats

/// A valid scenario: short horizon, modest rates, a few platforms.
fn scenario_text() -> impl Strategy<Value = String> {
    let constant = (0.0f64..50.0).prop_map(|r| format!("Constant(rps: {r:.3})"));
    let diurnal = (0.0f64..20.0, 0.0f64..1.0, 0.0f64..24.0)
        .prop_map(|(p, k, h)| format!("Diurnal(peak_rps: {p:.3}, trough_rps: {:.3}, peak_hour: {h:.2})", p * k));
    // day 0, within the first minutes: the horizon is at least 7.2 minutes
    let spike = (0.0f64..0.1, 1.0f64..30.0, 0.0f64..20_000.0)
        .prop_map(|(h, m, r)| format!("Spike(day: 0.0, hour: {h:.3}, duration_min: {m:.2}, requests: {r:.1})"));
    let scheduled = (1.0f64..24.0, 0.0f64..24.0, 1.0f64..30.0, 0.0f64..20.0).prop_map(|(e, a, d, r)| {
        format!("Scheduled(every_hours: {e:.2}, at_hour: {a:.2}, duration_min: {d:.2}, rps: {r:.2})")
    });
    let growth = (-50.0f64..100.0).prop_map(|g| format!("Growth(monthly_pct: {g:.1})"));
    let component = prop_oneof![constant, diurnal, spike, scheduled, growth];
    let duration = prop_oneof![
        (1.0f64..2000.0).prop_map(|x| format!("Fixed({x:.2})")),
        (1.0f64..2000.0).prop_map(|x| format!("Exponential(mean: {x:.2})")),
        (1.0f64..500.0, 1.0f64..10.0).prop_map(|(m, k)| format!("LogNormal(median: {m:.2}, p99: {:.2})", m * k)),
        (1.0f64..500.0, 1.0f64..10.0).prop_map(|(m, k)| format!("Uniform(min: {m:.2}, max: {:.2})", m * k)),
    ];
    let platforms = prop::sample::subsequence(
        vec![
            r#"Function(name: "Lambda", service: "aws-lambda", arch: X86_64, memory_mb: 1024, keep_alive_s: 600.0, max_concurrency: 1000, provisioned: 0, free_tier: true, front_door: ApiGatewayHttp)"#,
            r#"Function(name: "Workers", service: "cloudflare-workers", memory_mb: 128, keep_alive_s: 60.0, max_concurrency: 1000, provisioned: 0, free_tier: true, front_door: None)"#,
            r#"Container(name: "Fargate", service: "aws-fargate", arch: X86_64, vcpu: 0.5, memory_gb: 1.0, concurrency: 40, min_replicas: 1, max_replicas: 20, target_utilization: 0.7, startup_s: 45.0, front_door: Alb)"#,
            r#"Container(name: "Run", service: "gcp-cloud-run", vcpu: 1.0, memory_gb: 0.5, concurrency: 80, min_replicas: 0, max_replicas: 10, target_utilization: 0.6, startup_s: 5.0, front_door: None)"#,
            r#"Vm(name: "EC2", service: "aws-ec2", instance: "t4g.small", concurrency: 60, min_instances: 1, max_instances: 3, purchase: OnDemand, front_door: Alb)"#,
        ],
        1..=3,
    );
    (
        0.005f64..0.05,
        any::<u64>(),
        prop::bool::ANY,
        prop::collection::vec(component, 1..4),
        duration,
        0.0f64..1.0,
        0.0f64..2000.0,
        platforms,
    )
        .prop_map(|(days, seed, det, comps, dur, cpu, cold, plats)| {
            format!(
                "Scenario(\n    version: 1,\n    name: \"fuzz\",\n    horizon_days: {days:.4},\n    seed: {seed},\n    traffic: Traffic(\n        arrivals: {},\n        components: [\n            {},\n        ],\n    ),\n    workload: Workload(\n        duration_ms: {dur},\n        cpu_fraction: {cpu:.3},\n        cold_start_ms: Fixed({cold:.1}),\n        request_kb: 4.0,\n        response_kb: 16.0,\n        latency_slo_ms: Some(500.0),\n    ),\n    platforms: [\n        {},\n    ],\n)\n",
                if det { "Deterministic" } else { "Poisson" },
                comps.join(",\n            "),
                plats.join(",\n        "),
            )
        })
}

/// Values a hostile user writes where a number belongs.
const HOSTILE_NUMBERS: &[&str] = &[
    "1e300",
    "-1e300",
    "-1",
    "-0.0",
    "0",
    "0.5",
    "1.5",
    "NaN",
    "inf",
    "-inf",
    "1e-300",
    "4294967296",
    "18446744073709551616",
    "99999999999999999999999999999",
    "1e12",
    "\"x\"",
    "()",
    "[]",
    "Some(1.0)",
    "None",
];

/// Byte ranges of the number literals in a RON text (outside strings and comments is
/// not tracked: a number inside a comment mutated is harmless and still a valid case).
fn number_spans(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let starts = (b[i].is_ascii_digit() || (b[i] == b'-' && b.get(i + 1).is_some_and(u8::is_ascii_digit)))
            && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_' || b[i - 1] == b'.'));
        if starts {
            let s = i;
            i += 1;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.' || b[i] == b'_') {
                i += 1;
            }
            out.push((s, i));
        } else {
            i += 1;
        }
    }
    out
}

/// One structural change to a RON text.
#[derive(Clone, Debug)]
enum Mutation {
    /// Replace the k-th number literal by a hostile value.
    Number(usize, &'static str),
    /// Drop the k-th line.
    DropLine(usize),
    /// Write the k-th line twice.
    DuplicateLine(usize),
    /// Rename the first field name on the k-th line.
    RenameField(usize),
    /// Cut the text at a fraction of its length.
    Truncate(f64),
    /// Replace one byte.
    Byte(usize, u8),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<usize>(), prop::sample::select(HOSTILE_NUMBERS)).prop_map(|(k, v)| Mutation::Number(k, v)),
        1 => any::<usize>().prop_map(Mutation::DropLine),
        1 => any::<usize>().prop_map(Mutation::DuplicateLine),
        1 => any::<usize>().prop_map(Mutation::RenameField),
        1 => (0.0f64..1.0).prop_map(Mutation::Truncate),
        1 => (any::<usize>(), any::<u8>()).prop_map(|(k, b)| Mutation::Byte(k, b)),
    ]
}

fn apply(text: &str, m: &Mutation) -> String {
    let lines: Vec<&str> = text.lines().collect();
    match *m {
        Mutation::Number(k, v) => {
            let spans = number_spans(text);
            if spans.is_empty() {
                return text.to_string();
            }
            let (a, b) = spans[k % spans.len()];
            format!("{}{v}{}", &text[..a], &text[b..])
        }
        Mutation::DropLine(k) => {
            let k = k % lines.len().max(1);
            lines
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != k)
                .map(|(_, l)| *l)
                .collect::<Vec<_>>()
                .join("\n")
        }
        Mutation::DuplicateLine(k) => {
            let k = k % lines.len().max(1);
            let mut out: Vec<&str> = Vec::new();
            for (i, l) in lines.iter().enumerate() {
                out.push(l);
                if i == k {
                    out.push(l);
                }
            }
            out.join("\n")
        }
        Mutation::RenameField(k) => {
            let k = k % lines.len().max(1);
            let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
            // an earlier mutation may have left no line at all
            if let Some(c) = out.get(k).and_then(|l| l.find(':')) {
                out[k].insert_str(c, "_x");
            }
            out.join("\n")
        }
        Mutation::Truncate(f) => {
            let mut cut = (text.len() as f64 * f) as usize;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text[..cut].to_string()
        }
        Mutation::Byte(k, b) => {
            let mut bytes = text.as_bytes().to_vec();
            if !bytes.is_empty() {
                let k = k % bytes.len();
                bytes[k] = b;
            }
            String::from_utf8_lossy(&bytes).into_owned()
        }
    }
}

// ---------------------------------------------------------------------------------------
// What must hold

/// Every problem names the file, with a position in the text (parse and validation
/// problems are always in the text).
fn assert_located(e: &LoadError, file: &str) {
    let problems = e.problems();
    assert!(!problems.is_empty(), "an error without problems: {e:?}");
    for p in problems {
        assert_eq!(p.file, file, "{p}");
        assert!(p.line >= 1 && p.col >= 1, "not located: {p}");
        assert!(!p.message.is_empty(), "{p}");
    }
}

/// Loads, and when the scenario is valid prepares it and runs it in the fast mode (and,
/// when `exact`, in the exact mode): no panic, finite costs.
fn check_scenario(text: &str, dir: Option<&Path>, exact: bool) {
    let cat = catalog();
    match parse_scenario(text, "fuzz.ron", dir, cat) {
        Err(e) => assert_located(&e, "fuzz.ron"),
        Ok(s) => {
            let base = dir.unwrap_or(Path::new("."));
            let prepared = match sim::prepare(&s, base, cat, &mut TraceStore::default()) {
                Ok(p) => p,
                // a valid scenario can still ask for what the engine refuses; it says so
                Err(e) => {
                    assert!(!e.to_string().is_empty());
                    return;
                }
            };
            let modes: &[Mode] = if exact {
                &[Mode::Fast, Mode::Exact]
            } else {
                &[Mode::Fast]
            };
            for &mode in modes {
                if let Ok(r) = sim::run(&prepared, cat, mode, &sim::Control::default()) {
                    for p in &r.platforms {
                        assert!(
                            p.total_usd.is_finite() && p.total_usd >= 0.0,
                            "{}: {}",
                            p.name,
                            p.total_usd
                        );
                    }
                }
            }
        }
    }
}

/// A price file's extras (network, logs, storage, credits, services) bill finite amounts
/// or give an error; never a panic.
fn check_extras(extras: &[breakeven::pricing::Extra], file: &str) {
    use breakeven::billing::{BillOptions, FreeLedger, MeteredUse, burst, metered, storage};
    use breakeven::pricing::Extra;
    use rust_decimal::Decimal;
    let opts = BillOptions::default();
    let finite = |b: breakeven::billing::Bill, what: &str| {
        let usd = breakeven::cli::money(b.total_usd());
        assert!(usd.is_finite(), "{file}: {what}: {usd}");
    };
    for x in extras {
        match x {
            Extra::Metered(m) => {
                let uses: Vec<MeteredUse> = m
                    .meters
                    .iter()
                    .filter_map(|meter| meter.operations.first())
                    .map(|op| MeteredUse::new(op, Decimal::from(1_000_000)).with_payload_kb(100.0))
                    .collect();
                if let Ok(b) = metered(m, &uses, &opts, &mut FreeLedger::new()) {
                    finite(b, &m.id);
                }
            }
            Extra::AwsEbs(e) => {
                for t in &e.volume_types {
                    let u = storage::EbsUsage {
                        volume_type: t.name.clone(),
                        gb: Decimal::from(30),
                        iops: Some(5000),
                        throughput_mbps: Some(200),
                        volume_seconds: 2_592_000,
                        volumes: 1,
                    };
                    if let Ok(b) = storage::ebs(e, &u) {
                        finite(b, &e.id);
                    }
                }
            }
            Extra::AwsBurstCredits(c) => {
                for size in &c.sizes {
                    let o = burst::surplus_from_hourly(size, burst::CreditBalance::launch(), &[0.9; 48], true);
                    if let Ok(b) = burst::surplus_bill(c, &size.name, o.charged, "") {
                        finite(b, &c.id);
                    }
                }
            }
        }
    }
}

fn check_price_text(text: &str, file: &str) {
    match parse_price_file(text, file) {
        Err(e) => {
            let s = e.to_string();
            assert!(s.starts_with(file), "{s}");
            if let breakeven::pricing::PricingError::Parse { line, col, .. } = e {
                assert!(line >= 1 && col >= 1, "{s}");
            }
        }
        Ok(pf) => {
            // a price file that loads quotes and prices a scenario with finite costs
            let mut cat = catalog().clone();
            let ids: Vec<String> = pf.services.iter().map(|s| s.id().to_string()).collect();
            check_extras(&pf.extras, file);
            cat.add_file(pf, file);
            for id in ids {
                let input = breakeven::quote::QuoteInput {
                    service: id.clone(),
                    requests: Some(2e6),
                    duration_ms: Some(120.0),
                    memory_mb: Some(512.0),
                    vcpu: Some(1.0),
                    memory_gb: Some(2.0),
                    hours: Some(730.0),
                    task_hours: Some(730.0),
                    instance: Some("t4g.small".into()),
                    lcu: Some(1.0),
                    cpu_ms: Some(5.0),
                    ..Default::default()
                };
                if let Ok(bill) = breakeven::quote::quote(&cat, &input) {
                    let usd = breakeven::cli::money(bill.total_usd());
                    assert!(usd.is_finite() && usd < 1e9, "{file}: quote {id}: {usd}");
                }
            }
            let text = wide_scenario();
            if let Ok(s) = parse_scenario(&text, "s.ron", None, &cat)
                && let Ok(r) = sim::simulate(&s, Path::new("."), &cat, Mode::Fast)
            {
                for p in &r.platforms {
                    assert!(
                        p.total_usd.is_finite() && p.total_usd < 1e9,
                        "{file}: {} costs {}",
                        p.name,
                        p.total_usd
                    );
                }
            }
        }
    }
}

/// One platform on every service of the catalog, so a mutated price file is exercised
/// whichever service it changes (one day, a few requests a second).
fn wide_scenario() -> String {
    r#"Scenario(
    version: 1,
    name: "wide",
    horizon_days: 1.0,
    traffic: Traffic(components: [Diurnal(peak_rps: 8.0, trough_rps: 1.0, peak_hour: 14.0), Spike(day: 0.5, hour: 1.0, duration_min: 10.0, requests: 60000.0)]),
    workload: Workload(
        duration_ms: LogNormal(median: 120.0, p99: 900.0),
        cpu_fraction: 0.5,
        cold_start_ms: Fixed(250.0),
        request_kb: 4.0,
        response_kb: 16.0,
        latency_slo_ms: Some(500.0),
        requests_per_connection: 2.0,
    ),
    platforms: [
        Function(name: "Lambda", service: "aws-lambda", memory_mb: 1024, provisioned: 2, front_door: ApiGatewayRest),
        Function(name: "Lambda HTTP", service: "aws-lambda", arch: Arm64, memory_mb: 512, front_door: ApiGatewayHttp),
        Function(name: "Lambda URL", service: "aws-lambda", memory_mb: 256, front_door: FunctionUrl),
        Function(name: "Lambda ALB", service: "aws-lambda", memory_mb: 256, front_door: Alb),
        Function(name: "Workers", service: "cloudflare-workers", memory_mb: 128, concurrency: 50),
        Function(name: "Run functions", service: "gcp-cloud-run", memory_mb: 512, concurrency: 20),
        Function(name: "GCF", service: "gcp-cloud-functions", memory_mb: 512),
        Function(name: "Azure", service: "azure-functions", memory_mb: 512),
        Function(name: "Flex", service: "azure-functions-flex", memory_mb: 2048),
        Container(name: "Fargate", service: "aws-fargate", vcpu: 0.5, memory_gb: 1.0, concurrency: 40, min_replicas: 1, max_replicas: 5, front_door: Alb),
        Container(name: "Cloud Run", service: "gcp-cloud-run", vcpu: 1.0, memory_gb: 0.5, concurrency: 80, min_replicas: 0, max_replicas: 10),
        Container(name: "ACA", service: "azure-container-apps", vcpu: 0.5, memory_gb: 1.0, concurrency: 50, min_replicas: 1, max_replicas: 5),
        Vm(name: "EC2", service: "aws-ec2", instance: "t4g.small", concurrency: 60, min_instances: 1, max_instances: 3, front_door: Alb),
    ],
)
"#
    .to_string()
}

fn contract_scenario_without_trace() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/contract/scenario-v1.ron"))
        .unwrap()
        .replace("Trace(path: \"trace.csv\", format: Csv),", "")
        .replace("horizon_days: 30.0", "horizon_days: 1.0")
}

fn check_trace_text(text: &str) {
    let file = Path::new("fuzz.csv");
    for parsed in [
        trace::parse_csv(text, file),
        trace::parse_azure2019(text, file, None, None),
    ] {
        match parsed {
            Err(l) => {
                assert_eq!(l.file, "fuzz.csv");
                assert!(l.line >= 1 && l.col >= 1, "{l}");
                assert!(l.message.len() < 200, "{l}");
            }
            Ok(t) => {
                assert!(t.total().is_finite() && t.total() <= model::Limits::MAX_REQUESTS);
                assert!(t.peak_rps() <= model::Limits::MAX_RPS);
                assert!(t.period_s > 0.0 && t.period_s.is_finite());
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Trace rows

fn time_cell() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => (0u32..100_000).prop_map(|t| t.to_string()),
        1 => prop::sample::select(vec!["-5", "1e300", "NaN", "inf", "0.0001", "2026-01-05T00:00:00Z", "x", ""])
            .prop_map(str::to_string),
    ]
}

fn count_cell() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => (0u32..1000).prop_map(|c| c.to_string()),
        1 => prop::sample::select(vec![
            "1e300", "1e12", "-3", "NaN", "inf", "0.5", "1e13", "99999999999", "", "x"
        ])
        .prop_map(str::to_string),
    ]
}

fn trace_text() -> impl Strategy<Value = String> {
    prop_oneof![
        // ascending timestamps, sane counts
        (1u32..120, prop::collection::vec(0u32..500, 1..50)).prop_map(|(step, counts)| {
            let mut s = "timestamp,count\n".to_string();
            for (i, c) in counts.iter().enumerate() {
                s.push_str(&format!("{},{c}\n", i as u32 * step));
            }
            s
        }),
        // anything in the cells, in any order
        prop::collection::vec((time_cell(), count_cell()), 0..30)
            .prop_map(|rows| { rows.iter().map(|(t, c)| format!("{t},{c}\n")).collect::<String>() }),
    ]
}

/// Azure Functions 2019 files: the real header, rows of 1,440 per-minute counts with a few
/// hostile cells, sometimes a short row or a bad header.
fn azure_text() -> impl Strategy<Value = String> {
    let row = (
        prop::collection::vec((0usize..1440, count_cell()), 0..4),
        prop::sample::select(vec![1444usize, 1444, 1444, 1443, 1445, 3]),
    )
        .prop_map(|(cells, width)| {
            let mut v: Vec<String> = vec!["o".into(), "a".into(), "f".into(), "http".into()];
            v.extend((0..1440).map(|m| (m % 5).to_string()));
            for (m, c) in cells {
                v[4 + m] = c;
            }
            v.resize(width, "1".into());
            v.join(",")
        });
    (prop::bool::weighted(0.9), prop::collection::vec(row, 0..4)).prop_map(|(good_header, rows)| {
        let mut h = if good_header {
            "HashOwner,HashApp,HashFunction,Trigger".to_string()
        } else {
            "HashOwner,HashApp".to_string()
        };
        for m in 1..=1440 {
            h.push_str(&format!(",{m}"));
        }
        format!("{h}\n{}\n", rows.join("\n"))
    })
}

// ---------------------------------------------------------------------------------------
// In-process properties

proptest! {
    #![proptest_config(config(500))]

    #[test]
    fn generated_scenarios_load_and_run(text in scenario_text()) {
        // valid by construction: a failure here is a generator or a validation bug
        let s = parse_scenario(&text, "fuzz.ron", None, catalog());
        prop_assert!(s.is_ok(), "{}\n{}", text, s.unwrap_err());
        check_scenario(&text, None, false);
    }

    #[test]
    fn mutated_scenarios_never_panic(text in scenario_text(), muts in prop::collection::vec(mutation(), 1..4)) {
        let mut t = text;
        for m in &muts {
            t = apply(&t, m);
        }
        check_scenario(&t, None, false);
    }

    #[test]
    fn mutated_contract_scenario_never_panics(muts in prop::collection::vec(mutation(), 1..3)) {
        let mut t = contract_scenario_without_trace().replace("horizon_days: 1.0", "horizon_days: 0.05");
        for m in &muts {
            t = apply(&t, m);
        }
        check_scenario(&t, None, false);
    }

    #[test]
    fn mutated_wide_scenario_never_panics(muts in prop::collection::vec(mutation(), 1..3)) {
        let mut t = wide_scenario();
        for m in &muts {
            t = apply(&t, m);
        }
        check_scenario(&t, None, false);
    }

    #[test]
    fn mutated_price_files_never_panic(file in 0usize..BUILTIN_FILES.len(), muts in prop::collection::vec(mutation(), 1..3)) {
        let (name, text) = BUILTIN_FILES[file];
        let mut t = text.to_string();
        for m in &muts {
            t = apply(&t, m);
        }
        check_price_text(&t, name);
    }

    #[test]
    fn traces_never_panic(text in trace_text()) {
        check_trace_text(&text);
    }

    #[test]
    fn azure_traces_never_panic(text in azure_text()) {
        check_trace_text(&text);
    }

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let text = String::from_utf8_lossy(&bytes);
        check_scenario(&text, None, false);
        check_price_text(&text, "fuzz.ron");
        check_trace_text(&text);
        let _ = model::Locator::new(&text);
    }
}

proptest! {
    #![proptest_config(config(32))]

    /// The exact engines on small valid scenarios (a few thousand requests each).
    #[test]
    fn generated_scenarios_run_exactly(text in scenario_text()) {
        check_scenario(&text, None, true);
    }

    /// A scenario replaying a generated trace, from a folder: prepared and run.
    #[test]
    fn scenarios_with_generated_traces_never_panic(trace in trace_text(), scale in prop::sample::select(vec!["1.0", "0.0", "1e6", "1e-300"])) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("t.csv"), &trace).unwrap();
        let text = contract_scenario_without_trace()
            .replace("horizon_days: 1.0", "horizon_days: 0.05")
            .replace("Growth(monthly_pct: 10.0),", &format!("Growth(monthly_pct: 10.0), Trace(path: \"t.csv\", format: Csv, scale: {scale}),"));
        let cat = catalog();
        match parse_scenario(&text, "fuzz.ron", Some(dir.path()), cat) {
            Err(e) => assert_located(&e, "fuzz.ron"),
            Ok(s) => match sim::prepare(&s, dir.path(), cat, &mut TraceStore::default()) {
                Err(sim::SimError::Trace(l)) => {
                    prop_assert!(l.file.ends_with("t.csv"), "{}", l);
                    prop_assert!(l.line >= 1, "{}", l);
                }
                Err(e) => prop_assert!(false, "unexpected error {}", e),
                Ok(p) => {
                    let r = sim::run(&p, cat, Mode::Fast, &sim::Control::default());
                    prop_assert!(r.is_ok());
                }
            },
        }
    }
}

// ---------------------------------------------------------------------------------------
// Through the binary

proptest! {
    #![proptest_config(config(16))]

    #[test]
    fn binary_exits_0_or_2_on_mutated_scenarios(text in scenario_text(), muts in prop::collection::vec(mutation(), 0..3)) {
        let mut t = text;
        for m in &muts {
            t = apply(&t, m);
        }
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("fuzz.ron");
        std::fs::write(&f, &t).unwrap();
        let path = f.to_str().unwrap();
        for args in [vec!["check", path], vec!["run", "--fast", path]] {
            let (code, _out, err) = common::breakeven(&args);
            prop_assert!(code == 0 || code == 2, "{:?}: exit {}\n{}\n{}", args, code, err, t);
            prop_assert!(!err.contains("panicked") && !err.contains("internal error"), "{}", err);
            if code == 2 {
                prop_assert!(err.contains(path), "{:?}: not located: {}", args, err);
            }
        }
    }

    #[test]
    fn binary_checks_mutated_price_files(file in 0usize..BUILTIN_FILES.len(), muts in prop::collection::vec(mutation(), 1..3)) {
        let (name, text) = BUILTIN_FILES[file];
        let mut t = text.to_string();
        for m in &muts {
            t = apply(&t, m);
        }
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join(Path::new(name).file_name().unwrap());
        std::fs::write(&f, &t).unwrap();
        let path = f.to_str().unwrap();
        let (code, _out, err) = common::breakeven(&["check", path]);
        prop_assert!(code == 0 || code == 2, "exit {}\n{}", code, err);
        if code == 2 {
            prop_assert!(err.contains(path), "not located: {}", err);
        }
    }
}

#[test]
fn the_wide_scenario_is_valid_and_prices_every_service() {
    let s = parse_scenario(&wide_scenario(), "wide.ron", None, catalog()).unwrap_or_else(|e| panic!("{e}"));
    let r = sim::simulate(&s, Path::new("."), catalog(), Mode::Fast).unwrap();
    let mut services: Vec<&str> = r.platforms.iter().map(|p| p.service.as_str()).collect();
    services.sort();
    services.dedup();
    assert_eq!(services.len(), 9, "{services:?}");
    for p in &r.platforms {
        assert!(p.total_usd > 0.0, "{}: {}", p.name, p.total_usd);
    }
}

// ---------------------------------------------------------------------------------------
/// A REPORT line with one field mangled, or any text at all.
fn log_line() -> impl Strategy<Value = String> {
    let fields = prop::sample::select(vec![
        "Duration: 102.25 ms",
        "Billed Duration: 103 ms",
        "Memory Size: 1024 MB",
        "Max Memory Used: 81 MB",
        "Init Duration: 240.12 ms",
        "Duration: -1e309 ms",
        "Duration: NaN ms",
        "Memory Size: 1e300 MB",
        "Init Duration: ms",
    ]);
    let ts = prop::sample::select(vec![
        "2026-11-30T10:00:01.500Z",
        "2026-11-30 10:00:01",
        "1796032801500",
        "-1e300",
        "9999-99-99T99:99:99Z",
        "",
    ]);
    prop_oneof![
        (ts, prop::collection::vec(fields, 0..6))
            .prop_map(|(t, f)| format!("{t} REPORT RequestId: r\t{}", f.join("\t"))),
        ".{0,200}",
        "\\{\"(time|timestamp|type|message|record)\": ?[^\n]{0,120}",
    ]
}

/// `text` as `dir/fuzz.log`, gzipped when `gz`.
fn write_log(dir: &std::path::Path, text: &str, gz: bool) -> std::path::PathBuf {
    use std::io::Write;
    let f = dir.join("fuzz.log");
    if gz {
        let mut enc = flate2::write::GzEncoder::new(std::fs::File::create(&f).unwrap(), flate2::Compression::fast());
        enc.write_all(text.as_bytes()).unwrap();
        enc.finish().unwrap();
    } else {
        std::fs::write(&f, text).unwrap();
    }
    f
}

/// What was read gives a finite summary, and the scenario `import` builds from it (with
/// its trace and any quantile file, calibrated where the logs allow) is written and loads.
fn imported_scenario_loads(
    o: &breakeven::import::Observed,
    fmt: breakeven::import::Format,
    dir: &std::path::Path,
) -> Result<(), TestCaseError> {
    let s = breakeven::import::fit::summary(o);
    prop_assert!(s.mean_rps.is_finite() && s.span_s.is_finite());
    let built = breakeven::import::build::build(o, fmt, "fuzz", catalog());
    prop_assert!(built.is_ok(), "{}", built.unwrap_err());
    let out = dir.join("fuzz.breakeven.ron");
    prop_assert!(built.unwrap().write(&out).is_ok());
    let loaded = breakeven::model::load_scenario_file(&out, catalog());
    prop_assert!(loaded.is_ok(), "{}", loaded.unwrap_err());
    Ok(())
}

proptest! {
    #![proptest_config(config(2000))]

    /// `import` on hostile logs: every line is a request, another line or a bad line with
    /// its number; reading never panics and fails only when nothing was read.
    #[test]
    fn hostile_logs_never_panic(lines in prop::collection::vec(log_line(), 0..40), gz in any::<bool>()) {
        let dir = tempfile::tempdir().unwrap();
        let f = write_log(dir.path(), &lines.join("\n"), gz);
        let fmt = breakeven::import::Format::LambdaReport;
        match breakeven::import::read_files(std::slice::from_ref(&f), fmt) {
            Ok(o) => {
                prop_assert!(o.requests() > 0);
                prop_assert_eq!(o.requests() + o.bad <= o.lines, true);
                imported_scenario_loads(&o, fmt, dir.path())?;
            }
            Err(e) => prop_assert!(e.to_string().starts_with("nothing to import"), "{}", e),
        }
    }
}

// Regressions found by the fuzzer (each a case that once failed)

/// Found by `hostile_logs_of_every_format_never_panic` in CI: combined-format logs whose
/// request times (9 ms and 4 s) fit a log-normal wider than a scenario holds; the capped
/// p99 rounded up a hair over the cap, and the scenario `import` wrote did not load.
#[test]
fn regression_an_imported_p99_capped_at_the_spread_loads() {
    let (fmt, valid) = FORMAT_LINES[1];
    assert_eq!(fmt, breakeven::import::Format::Combined);
    let alb = FORMAT_LINES[0].1;
    let slow = r#"203.0.113.9 - - [10/Oct/2026:13:55:36 -0700] "POST /y HTTP/1.1" 201 - "-" "curl/8" "10.0.0.1" 4"#;
    let text = [valid, alb, slow, valid, alb, alb, valid].join("\n");
    let dir = tempfile::tempdir().unwrap();
    let f = write_log(dir.path(), &text, false);
    let o = breakeven::import::read_files(std::slice::from_ref(&f), fmt).unwrap();
    assert_eq!(o.requests(), 4);
    let fit = breakeven::import::fit::summary(&o).duration_fit.unwrap();
    assert_eq!((fit.median_ms, fit.p99_ms), (9.402, 94019.999));
    imported_scenario_loads(&o, fmt, dir.path()).unwrap();
}

/// Found by `mutated_price_files_never_panic` before price numbers were checked: a
/// negative scaling burst reached the fast mode's token bucket (`clamp(0.0, burst)` with
/// `burst < 0` panics in a worker thread).
#[test]
fn regression_negative_scale_burst_is_a_load_error() {
    let (name, text) = BUILTIN_FILES[0];
    assert_eq!(name, "pricing/aws-lambda.ron");
    let bad = text.replacen("scale_burst: Some(1000.0)", "scale_burst: Some(-1e300)", 1);
    let e = parse_price_file(&bad, name).unwrap_err().to_string();
    let line = bad.lines().position(|l| l.contains("-1e300")).unwrap() + 1;
    assert!(
        e.starts_with(&format!(
            "{name}:{line}:17: services[0].limits.scale_burst: -1e300 is out of range"
        )),
        "{e}"
    );
    check_price_text(&bad, name);
}

// ---------------------------------------------------------------------------------------
// The other log formats: valid lines of each, mutated (tokens replaced, text cut, bytes
// inserted), and random text, through every line reader and through `read_files`.

/// A valid line of each format (the CloudWatch one after its header).
const FORMAT_LINES: [(breakeven::import::Format, &str); 5] = [
    (
        breakeven::import::Format::Alb,
        r#"https 2026-11-30T22:23:00.186641Z app/my-lb/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.000 0.086 0.001 200 200 34 366 "GET https://www.example.com:443/a?b=\"c\" HTTP/1.1" "curl/7.46.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-2:1:targetgroup/t/73 "Root=1-58337364-23a8" "www.example.com" "-" 1 2026-11-30T22:23:00.099000Z "forward" "-" "-" "10.0.0.1:80" "200" "-" "-" TID_1"#,
    ),
    (
        breakeven::import::Format::Combined,
        r#"203.0.113.9 - alice [10/Oct/2026:13:55:36 -0700] "GET /x?q=\"y\" HTTP/1.1" 200 2326 "https://example.com/" "Mozilla/5.0 (X11)" 0.125"#,
    ),
    (
        breakeven::import::Format::Combined,
        r#"203.0.113.9 - - [10/Oct/2026:13:55:36 -0700] "POST /y HTTP/1.1" 201 - "-" "curl/8" "10.0.0.1" 48210"#,
    ),
    (
        breakeven::import::Format::CloudRunJson,
        r#"{"httpRequest":{"requestMethod":"GET","status":200,"responseSize":"456","latency":"0.012345s"},"timestamp":"2026-11-30T10:00:01.123456Z","resource":{"type":"cloud_run_revision"}}"#,
    ),
    (
        breakeven::import::Format::CloudWatchCsv,
        "2026-11-30T10:00:00Z,120,85.5",
    ),
];

const HOSTILE_TOKENS: [&str; 24] = [
    "-1",
    "NaN",
    "inf",
    "-inf",
    "1e309",
    "-0",
    "99999999999999999999",
    "",
    "\"",
    "[",
    "]",
    "\\",
    "é",
    "\u{0}",
    "{",
    "}",
    ",",
    "9999-99-99T99:99:99Z",
    "29/Feb/2023:00:00:00 +0000",
    " ",
    "0.000",
    "1e300s",
    "18446744073709551616",
    "\u{feff}",
];

/// `line` with `ops` applied: (kind, position, token) — replace the space-separated field
/// at `position`, insert a token at a byte position, or cut there (char boundaries kept).
fn mutate(line: &str, ops: &[(u8, usize, usize)]) -> String {
    let mut s = line.to_string();
    for &(kind, pos, tok) in ops {
        let tok = HOSTILE_TOKENS[tok % HOSTILE_TOKENS.len()];
        let mut at = pos % (s.len() + 1);
        while !s.is_char_boundary(at) {
            at -= 1;
        }
        match kind % 3 {
            0 => {
                let mut fields: Vec<&str> = s.split(' ').collect();
                let i = pos % fields.len();
                fields[i] = tok;
                s = fields.join(" ");
            }
            1 => s.insert_str(at, tok),
            _ => s.truncate(at),
        }
    }
    s
}

fn format_line() -> impl Strategy<Value = (usize, String)> {
    prop_oneof![
        4 => (0..FORMAT_LINES.len(), prop::collection::vec((any::<u8>(), any::<usize>(), any::<usize>()), 0..5))
            .prop_map(|(i, ops)| (i, mutate(FORMAT_LINES[i].1, &ops))),
        1 => (0..FORMAT_LINES.len(), ".{0,300}"),
    ]
}

/// A request read from any line is a finite time with durations and sizes in range.
fn request_in_range(e: &breakeven::import::Entry) -> bool {
    use breakeven::import::{Entry, MAX_BYTES, MAX_MS};
    match e {
        Entry::Request(r) => {
            r.arrival_s.is_finite()
                && r.duration_ms
                    .is_none_or(|d| d.is_finite() && (0.0..=MAX_MS).contains(&d))
                && r.response_bytes
                    .is_none_or(|b| b.is_finite() && (0.0..=MAX_BYTES).contains(&b))
        }
        Entry::Period(p) => {
            p.start_s.is_finite()
                && p.count.is_finite()
                && p.count >= 0.0
                && p.mean_duration_ms
                    .is_none_or(|d| d.is_finite() && (0.0..=MAX_MS).contains(&d))
        }
        Entry::Other | Entry::Bad(_) => true,
    }
}

proptest! {
    #![proptest_config(config(3000))]

    /// Every line reader, on mutated and random lines: no panic, requests in range, and
    /// a bad line always says why.
    #[test]
    fn mutated_lines_of_every_format_never_panic((_, line) in format_line()) {
        use breakeven::import::{Entry, alb, cloudrun, cloudwatch, combined, detect_text};
        for e in [alb::parse_line(&line), combined::parse_line(&line), cloudrun::parse_line(&line)] {
            prop_assert!(request_in_range(&e), "{line:?}: {e:?}");
            if let Entry::Bad(why) = &e {
                prop_assert!(!why.is_empty());
            }
        }
        let mut cw = cloudwatch::State::default();
        prop_assert!(cw.parse_line("Timestamp,Invocations,Duration").is_ok());
        if let Ok(e) = cw.parse_line(&line) {
            prop_assert!(request_in_range(&e), "{line:?}: {e:?}");
        }
        let _ = cloudwatch::State::default().parse_line(&line);
        let _ = cloudrun::State::default().parse_line(&line);
        let _ = detect_text(&line);
    }
}

proptest! {
    #![proptest_config(config(300))]

    /// Whole files of each format (mutated lines among valid ones, gzip or not): read,
    /// fitted and written as a scenario that loads, or "nothing to import" / a located
    /// error; never a panic.
    #[test]
    fn hostile_logs_of_every_format_never_panic(
        which in 0..FORMAT_LINES.len(),
        lines in prop::collection::vec(format_line(), 0..30),
        gz in any::<bool>(),
    ) {
        let (fmt, valid) = FORMAT_LINES[which];
        let mut text: Vec<String> = Vec::new();
        if fmt == breakeven::import::Format::CloudWatchCsv {
            text.push("Timestamp,Invocations,Duration".into());
        }
        for (i, (_, l)) in lines.iter().enumerate() {
            text.push(if i % 3 == 0 { valid.to_string() } else { l.clone() });
        }
        let dir = tempfile::tempdir().unwrap();
        let f = write_log(dir.path(), &text.join("\n"), gz);
        let _ = breakeven::import::detect(std::slice::from_ref(&f));
        match breakeven::import::read_files(std::slice::from_ref(&f), fmt) {
            Ok(o) => {
                prop_assert!(o.requests() > 0);
                imported_scenario_loads(&o, fmt, dir.path())?;
            }
            Err(e) => {
                let e = e.to_string();
                prop_assert!(e.starts_with("nothing to import") || e.contains("fuzz.log: line "), "{}", e);
            }
        }
    }
}
