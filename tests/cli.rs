//! The command line as users and scripts call it (`../shared/contract/cli.md`).

use std::path::Path;
use std::process::Command;

mod common;
use common::breakeven as run;

fn json(args: &[&str]) -> serde_json::Value {
    let (code, out, err) = run(args);
    assert_eq!(code, 0, "{args:?}: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

fn total(args: &[&str]) -> f64 {
    json(args)["total_usd"].as_f64().unwrap()
}

#[test]
fn quote_lambda_matches_the_official_example() {
    let v = json(&[
        "quote",
        "aws-lambda",
        "--requests",
        "3000000",
        "--duration-ms",
        "120",
        "--memory-mb",
        "1536",
        "--json",
    ]);
    assert_eq!(v["service"], "aws-lambda");
    assert_eq!(v["total_usd"].as_f64(), Some(2.73));
    let bill = v["bill"].as_array().unwrap();
    let req = bill.iter().find(|l| l["item"] == "Requests").unwrap();
    assert_eq!(req["quantity"].as_f64(), Some(2_000_000.0));
    assert_eq!(req["unit_price_usd"].as_f64(), Some(0.0000002));
    assert_eq!(req["amount_usd"].as_f64(), Some(0.40));
    // The table form prints the same total.
    let (code, out, _) = run(&[
        "quote",
        "aws-lambda",
        "--requests",
        "3000000",
        "--duration-ms",
        "120",
        "--memory-mb",
        "1536",
    ]);
    assert_eq!(code, 0);
    assert!(
        out.contains("$2.73") && out.contains("Duration") && out.contains("$2.33"),
        "{out}"
    );
}

#[test]
fn quote_totals_for_every_contract_form() {
    let q = |a: &[&str]| {
        let mut v = vec!["quote"];
        v.extend_from_slice(a);
        v.push("--json");
        total(&v)
    };
    assert_eq!(
        q(&[
            "aws-lambda",
            "--requests",
            "7440000",
            "--duration-ms",
            "2000",
            "--memory-mb",
            "1024",
            "--no-free-tier"
        ]),
        249.49
    );
    assert_eq!(
        q(&[
            "aws-lambda",
            "--requests",
            "6000000",
            "--duration-ms",
            "280",
            "--memory-mb",
            "4096",
            "--ephemeral-mb",
            "2048"
        ]),
        106.41
    );
    assert_eq!(
        q(&[
            "aws-lambda",
            "--requests",
            "2000000",
            "--duration-ms",
            "280",
            "--memory-mb",
            "4096",
            "--provisioned",
            "7",
            "--provisioned-hours",
            "24"
        ]),
        32.26
    );
    assert_eq!(
        q(&["aws-api-gateway-http", "--requests", "432000000", "--request-kb", "58"]),
        418.8
    );
    assert_eq!(
        q(&["aws-api-gateway-http", "--requests", "1080000", "--request-kb", "4608"]),
        9.72
    );
    assert_eq!(
        q(&["aws-api-gateway-rest", "--requests", "5000000", "--response-kb", "3"]),
        18.79
    );
    assert_eq!(
        q(&[
            "aws-api-gateway-rest",
            "--requests",
            "15000000000",
            "--response-kb",
            "4"
        ]),
        41502.94
    );
    assert_eq!(
        q(&[
            "aws-fargate",
            "--task-hours",
            "25",
            "--vcpu",
            "1",
            "--memory-gb",
            "2",
            "--ephemeral-gb",
            "30"
        ]),
        1.26
    );
    assert_eq!(
        q(&[
            "aws-fargate",
            "--task-hours",
            "25",
            "--vcpu",
            "1",
            "--memory-gb",
            "2",
            "--ephemeral-gb",
            "30",
            "--arch",
            "arm64"
        ]),
        1.02
    );
    assert_eq!(
        q(&[
            "aws-fargate",
            "--task-hours",
            "300",
            "--vcpu",
            "0.25",
            "--memory-gb",
            "1"
        ]),
        4.37
    );
    assert_eq!(
        q(&[
            "aws-fargate",
            "--task-hours",
            "300",
            "--vcpu",
            "1",
            "--memory-gb",
            "2",
            "--windows"
        ]),
        47.25
    );
    assert_eq!(q(&["aws-ec2", "--instance", "t3.medium", "--hours", "730"]), 30.37);
    assert!(
        q(&[
            "aws-ec2",
            "--instance",
            "t3.medium",
            "--hours",
            "730",
            "--purchase",
            "savings-1y"
        ]) < 30.37
    );
    assert_eq!(
        q(&["cloudflare-workers", "--requests", "15000000", "--cpu-ms", "7"]),
        8.0
    );
    assert_eq!(
        q(&["cloudflare-workers", "--requests", "720", "--cpu-ms", "180000"]),
        6.99
    );
    assert_eq!(
        q(&[
            "azure-functions",
            "--requests",
            "3000000",
            "--duration-ms",
            "1000",
            "--memory-mb",
            "512"
        ]),
        18.0
    );
    assert_eq!(q(&["aws-alb", "--hours", "720", "--lcu", "1.08"]), 22.42);
    // Services without an official example still quote, and free tiers switch off.
    for a in [
        &[
            "gcp-cloud-run",
            "--requests",
            "10000000",
            "--duration-ms",
            "200",
            "--concurrency",
            "10",
        ][..],
        &[
            "gcp-cloud-functions",
            "--requests",
            "10000000",
            "--duration-ms",
            "200",
            "--memory-mb",
            "256",
        ][..],
        &["azure-functions-flex", "--requests", "10000000", "--duration-ms", "200"][..],
        &[
            "azure-container-apps",
            "--hours",
            "1460",
            "--vcpu",
            "0.5",
            "--memory-gb",
            "1",
            "--requests",
            "10000000",
        ][..],
    ] {
        let with = q(a);
        let mut b = a.to_vec();
        b.push("--no-free-tier");
        assert!(q(&b) > with, "{a:?}");
    }
}

#[test]
fn quote_bad_input_exits_2_with_a_message() {
    let (code, _, err) = run(&[
        "quote",
        "aws-lambda",
        "--requests",
        "100",
        "--duration-ms",
        "120",
        "--memory-mb",
        "-5",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("memory-mb"), "{err}");
    let (code, _, err) = run(&[
        "quote",
        "aws-lambda",
        "--requests",
        "NaN",
        "--duration-ms",
        "120",
        "--memory-mb",
        "512",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("requests"), "{err}");
    let (code, _, err) = run(&["quote", "aws-nothing", "--requests", "1"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown service"), "{err}");
    let (code, _, err) = run(&["quote", "aws-lambda", "--requests", "1"]);
    assert_eq!(code, 2);
    assert!(err.contains("--duration-ms"), "{err}");
}

#[test]
fn check_accepts_the_contract_and_every_shipped_file() {
    let (code, out, err) = run(&["check", "tests/fixtures/contract/scenario-v1.ron"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("ok:"));
    let mut files: Vec<String> = ["scenarios", "pricing", "pricing/regions"]
        .iter()
        .flat_map(|d| std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(d)).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| p.display().to_string())
        .collect();
    files.sort();
    let mut args = vec!["check"];
    args.extend(files.iter().map(|s| s.as_str()));
    let (code, out, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().filter(|l| l.starts_with("ok:")).count(), files.len());
}

#[test]
fn check_reports_bad_files_with_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let contract =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/contract/scenario-v1.ron"))
            .unwrap();
    let cases = [
        (
            "syntax.ron",
            contract.replacen("horizon_days: 30.0,", "horizon_days: 30.0,,", 1),
            "horizon_days",
        ),
        (
            "unknown.ron",
            contract.replacen("seed: 42,", "seed: 42, colour: 1,", 1),
            "colour",
        ),
        (
            "negative.ron",
            contract.replacen("memory_mb: 1024", "memory_mb: -1024", 1),
            "memory_mb",
        ),
        (
            "nan.ron",
            contract.replacen("cpu_fraction: 0.5", "cpu_fraction: NaN", 1),
            "cpu_fraction",
        ),
        (
            "absurd.ron",
            contract.replacen("Constant(rps: 2.0)", "Constant(rps: 1000000000000.0)", 1),
            "rps",
        ),
        ("notrace.ron", contract.clone(), "path"),
    ];
    for (name, text, field) in cases {
        let f = dir.path().join(name);
        std::fs::write(&f, text).unwrap();
        let (code, _, err) = run(&["check", f.to_str().unwrap()]);
        assert_eq!(code, 2, "{name}: {err}");
        let first = err.lines().next().unwrap();
        // file:line:col: field: message
        let parts: Vec<&str> = first.splitn(4, ':').collect();
        assert!(parts[0].ends_with(name), "{first}");
        assert!(
            parts[1].parse::<usize>().is_ok() && parts[2].parse::<usize>().is_ok(),
            "{first}"
        );
        assert!(err.contains(field), "{name}: {err}");
    }
    // a bad row in a trace the scenario names is reported at the trace's line and column
    std::fs::write(
        dir.path().join("trace.csv"),
        "timestamp,count\n2026-01-05T00:00:00Z,120\n2026-01-05T00:01:00Z,lots\n",
    )
    .unwrap();
    let f = dir.path().join("badtrace.ron");
    std::fs::write(&f, &contract).unwrap();
    let (code, _, err) = run(&["check", f.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    let first = err.lines().next().unwrap();
    assert!(first.contains("trace.csv:3:"), "{first}");
    assert!(first.contains("badtrace.ron"), "{first}");
    let (code, _, err) = run(&["check", "/nonexistent/file.ron"]);
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent/file.ron"));
}

/// Ctrl+C during a long exact run cancels it cleanly: exit code 130, no results printed.
#[cfg(unix)]
#[test]
fn interrupting_a_long_run_cancels_it_with_exit_code_130() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("long.ron");
    // 777 million requests: minutes of exact simulation, so the interrupt lands mid-run
    std::fs::write(
        &f,
        r#"Scenario(version: 1, name: "long", horizon_days: 30.0, seed: 1,
  traffic: Traffic(components: [Constant(rps: 300.0)]),
  workload: Workload(duration_ms: Fixed(50.0), cpu_fraction: 0.0, cold_start_ms: Fixed(200.0)),
  platforms: [Function(name: "Lambda", service: "aws-lambda", memory_mb: 1024)])"#,
    )
    .unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_breakeven"))
        .args(["run", f.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("cancelled"), "{stderr}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("Total"));
}

/// `run` ends with the verdict and its reasons; `--json` carries it as `verdict` (the same
/// shape as in a JSON report), beside the contract's fields.
#[test]
fn run_prints_the_verdict_with_its_reasons() {
    let (code, out, err) = run(&["run", "scenarios/steady-high.ron", "--fast"]);
    assert_eq!(code, 0, "{err}");
    let verdict = out.lines().find(|l| l.starts_with("Verdict: ")).expect("verdict line");
    assert!(verdict.contains("VMs") || verdict.contains("Containers"), "{verdict}");
    assert!(out.lines().filter(|l| l.starts_with("  - ")).count() >= 3, "{out}");
    let v = json(&["run", "scenarios/nightly-report.ron", "--fast", "--json"]);
    assert_eq!(v["verdict"]["recommendation"], "serverless", "{}", v["verdict"]);
    assert!(v["verdict"]["reasons"].as_array().is_some_and(|r| r.len() >= 3));
    for field in ["name", "total_usd", "cold_start_rate", "latency_ms", "bill"] {
        assert!(!v["platforms"][0][field].is_null(), "{field}");
    }
}

// ---------------------------------------------------------------------------------------
// Hostile input (issue 11): every bad file is exit 2 with its name; no panic reaches the user

fn hostile(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/hostile")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn hostile_traces_are_exit_2_at_check_and_run_time() {
    for (scenario, expect) in [
        (
            "scenario-trace-1e300.ron",
            "trace-1e300.csv:3:4: count: 1e300 requests in 60 s",
        ),
        (
            "scenario-trace-1e12.ron",
            "trace-1e12-in-1s.csv:2:3: count: 1e12 requests in 1 s",
        ),
        ("scenario-trace-empty.ron", "trace-empty.csv:1:1: the trace is empty"),
        (
            "scenario-trace-folder.ron",
            "traces-folder: is a folder, not a trace file",
        ),
        ("scenario-trace-device.ron", "/dev/zero: is not a regular file"),
    ] {
        let f = hostile(scenario);
        for args in [vec!["check", f.as_str()], vec!["run", "--fast", f.as_str()]] {
            let (code, out, err) = run(&args);
            assert_eq!(code, 2, "{args:?}: {err}");
            assert!(err.contains(expect), "{args:?}: {err}");
            assert!(!out.contains("ok:"), "{out}");
        }
    }
    let (code, out, err) = run(&["check", &hostile("bom.ron")]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("scenario \"Hostile byte-order mark\""), "{out}");
}

#[test]
fn unreadable_files_are_exit_2_naming_the_file_and_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let sparse = dir.path().join("sparse.ron");
    std::fs::File::create(&sparse)
        .unwrap()
        .set_len(2 * 1024 * 1024 * 1024)
        .unwrap();
    let sparse = sparse.display().to_string();
    let folder = dir.path().display().to_string();
    let missing = dir.path().join("nope.ron").display().to_string();
    for (file, expect) in [
        (
            sparse.as_str(),
            format!("{sparse}: the file is too large (2048 MiB; at most 8 MiB is read)"),
        ),
        (
            "/dev/zero",
            "/dev/zero: is not a regular file (a device, pipe or socket); give the path of a file".to_string(),
        ),
        (folder.as_str(), format!("{folder}: is a folder, not a file")),
        (missing.as_str(), format!("{missing}: no such file")),
    ] {
        for cmd in ["check", "run", "sweep"] {
            let (code, _, err) = run(&[cmd, file]);
            assert_eq!(code, 2, "{cmd} {file}: {err}");
            assert_eq!(err.lines().next().unwrap(), expect, "{cmd}");
        }
    }
    #[cfg(unix)]
    {
        let fifo = dir.path().join("fifo.ron");
        let ok = Command::new("mkfifo").arg(&fifo).status().map(|s| s.success());
        if ok.unwrap_or(false) {
            let (code, _, err) = run(&["check", fifo.to_str().unwrap()]);
            assert_eq!(code, 2, "{err}");
            assert!(err.contains("fifo.ron: is not a regular file"), "{err}");
        }
    }
}

#[test]
fn bad_price_files_are_exit_2_at_load_for_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let lambda = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("pricing/aws-lambda.ron")).unwrap();
    let bad = lambda.replacen("memory_max_mb: 10240", "memory_max_mb: 64", 1);
    let line = bad.lines().position(|l| l.contains("memory_max_mb: 64")).unwrap() + 1;
    let f = dir.path().join("lambda.ron");
    std::fs::write(&f, &bad).unwrap();
    let expect = format!(
        "{}:{line}:17: services[0].limits.memory_max_mb: 64 is below memory_min_mb (128)",
        f.display()
    );
    let (code, _, err) = run(&["check", f.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(&expect), "{err}");
    let contract = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/contract/scenario-v1.ron");
    let d = dir.path().to_str().unwrap();
    let c = contract.to_str().unwrap();
    for args in [
        vec!["--pricing", d, "run", "--fast", c],
        vec!["--pricing", d, "sweep", c],
        vec!["--pricing", d, "check", c],
        vec![
            "--pricing",
            d,
            "quote",
            "aws-lambda",
            "--requests",
            "1000000",
            "--duration-ms",
            "100",
            "--memory-mb",
            "128",
        ],
    ] {
        let (code, out, err) = run(&args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(&expect), "{args:?}: {err}");
        assert!(out.is_empty(), "{out}");
    }
    // the same id in two files of the folder
    std::fs::write(dir.path().join("lambda.ron"), &lambda).unwrap();
    std::fs::write(dir.path().join("lambda2.ron"), &lambda).unwrap();
    let (code, _, err) = run(&["--pricing", d, "check", c]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(&format!("{}:", dir.path().join("lambda2.ron").display()))
            && err.contains(&format!(
                "`aws-lambda` is also defined in {}",
                dir.path().join("lambda.ron").display()
            )),
        "{err}"
    );
}

/// A failure no input can cause (here: stdout is a full disk) reaches the user as one
/// line and exit code 1, not Rust's panic message and exit code 101.
#[cfg(target_os = "linux")]
#[test]
fn an_internal_failure_is_one_line_and_exit_code_1() {
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_breakeven"))
        .args(["check", "tests/fixtures/contract/scenario-v1.ron"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(full)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("breakeven: internal error: failed printing to stdout")
            && err.trim_end().ends_with("; please report it"),
        "{err}"
    );
}

/// `sweep --json` says at every point and crossover whether each platform copes (the
/// verdict's rule); the table marks the costs of those that do not.
#[test]
fn sweep_flags_platforms_that_do_not_cope() {
    let v = json(&["sweep", "scenarios/nightly-report.ron", "--json"]);
    let names = ["Lambda", "Fargate task", "EC2"];
    let points = v["points"].as_array().unwrap();
    for p in points {
        for n in names {
            assert!(p["good_enough"][n].is_boolean(), "{n}: {p}");
            assert!(p["costs_usd"][n].is_number(), "{n}: {p}");
        }
    }
    let at = |x: f64| {
        points
            .iter()
            .min_by(|a, b| {
                let d = |p: &serde_json::Value| (p["scale"].as_f64().unwrap().ln() - x.ln()).abs();
                d(a).total_cmp(&d(b))
            })
            .unwrap()
    };
    assert_eq!(at(1.0)["good_enough"]["Fargate task"], true);
    assert_eq!(at(17.0)["good_enough"]["Fargate task"], false);
    assert_eq!(at(17.0)["good_enough"]["Lambda"], true);
    assert_eq!(at(17.0)["shortfalls"]["Fargate task"]["rule"], "rejected_share");
    let crossovers = v["crossovers"].as_array().unwrap();
    assert!(
        crossovers.iter().all(|c| c["good_enough"].is_boolean()),
        "{crossovers:?}"
    );
    let hollow = crossovers
        .iter()
        .find(|c| {
            c["between"].as_array().unwrap().contains(&"Fargate task".into()) && c["scale"].as_f64().unwrap() > 2.0
        })
        .expect("a crossover with Fargate above 2x");
    assert_eq!(hollow["good_enough"], false, "{hollow}");
    assert!(
        hollow["caveat"].as_str().unwrap().contains("Fargate task serves only"),
        "{hollow}"
    );
    // the table: starred costs and a legend line
    let (code, out, err) = run(&["sweep", "scenarios/nightly-report.ron"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.lines().any(|l| l.trim_end().ends_with('*')), "{out}");
    assert!(out.contains("* not good enough there"), "{out}");
    assert!(
        out.contains("(not a real break-even: Fargate task serves only"),
        "{out}"
    );
}

/// A Markdown report whose chart cannot be written is not left behind: exit 2, the
/// message names the chart, and neither the `.md` nor any other chart stays.
#[test]
fn report_side_file_failure_removes_the_report() {
    let dir = tempfile::tempdir().unwrap();
    // a folder where the first chart would go
    std::fs::create_dir(dir.path().join("r-costs.svg")).unwrap();
    let out = dir.path().join("r.md");
    let (code, stdout, err) = run(&[
        "report",
        "tests/fixtures/degenerate/five-minutes.ron",
        "--fast",
        "-o",
        &out.to_string_lossy(),
    ]);
    assert_eq!(code, 2, "{stdout}{err}");
    assert!(err.contains("cannot write") && err.contains("r-costs.svg"), "{err}");
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["r-costs.svg"], "only the folder that was in the way stays");
    // without the obstacle the same report writes the .md and its charts
    std::fs::remove_dir(dir.path().join("r-costs.svg")).unwrap();
    let (code, stdout, err) = run(&[
        "report",
        "tests/fixtures/degenerate/five-minutes.ron",
        "--fast",
        "-o",
        &out.to_string_lossy(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("r.md") && stdout.contains("r-costs.svg"), "{stdout}");
}

/// Text cells a spreadsheet would run as formulas (`=`, `+`, `-`, `@`) get a leading `'`
/// in the bill and series CSVs; numbers stay numbers.
#[test]
fn csv_reports_neutralise_formula_cells() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string("tests/fixtures/degenerate/five-minutes.ron")
        .unwrap()
        .replace("name: \"Five minutes\"", "name: \"@SUM(A1)\"")
        .replace("name: \"Lambda\"", "name: \"=HYPERLINK(\\\"x\\\")\"")
        .replace("name: \"EC2\"", "name: \"-EC2\"");
    let scenario = dir.path().join("evil.ron");
    std::fs::write(&scenario, text).unwrap();
    let out = dir.path().join("evil.csv");
    let (code, _, err) = run(&[
        "report",
        &scenario.to_string_lossy(),
        "--fast",
        "--series",
        "-o",
        &out.to_string_lossy(),
    ]);
    assert_eq!(code, 0, "{err}");
    let mut rows = csv::Reader::from_path(&out).unwrap();
    let mut platforms = std::collections::BTreeSet::new();
    for r in rows.records() {
        let r = r.unwrap();
        assert_eq!(&r[0], "'@SUM(A1)");
        platforms.insert(r[1].to_string());
        for (i, cell) in r.iter().enumerate() {
            assert!(!cell.starts_with(['=', '+', '-', '@']), "column {i}: {cell}");
        }
        // quantity, unit price and costs are plain numbers
        for i in [5, 7, 8, 9] {
            assert!(r[i].parse::<f64>().is_ok(), "column {i}: {}", &r[i]);
        }
    }
    assert!(platforms.contains("'=HYPERLINK(\"x\")"), "{platforms:?}");
    assert!(platforms.contains("'-EC2"), "{platforms:?}");
    let series = std::fs::read_to_string(dir.path().join("evil-series.csv")).unwrap();
    let head = series.lines().next().unwrap();
    assert!(head.contains("\"'=HYPERLINK(\"\"x\"\") busy\""), "{head}");
    assert!(head.contains(",'-EC2 busy,"), "{head}");
}

/// A valid scenario at the traffic limits: the fast mode answers in bounded time and
/// memory; an exact run, which would take weeks, is refused up front with what to do.
#[test]
fn a_scenario_at_the_limits_runs_fast_and_refuses_an_exact_run() {
    let file = hostile("max-traffic.ron");
    let (code, out, err) = run(&["run", &file, "--fast", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let lambda = &v["platforms"][0];
    let requests = lambda["requests"].as_f64().unwrap();
    assert!((requests / 2.592e13 - 1.0).abs() < 1e-3, "{requests}");
    assert!(lambda["total_usd"].as_f64().unwrap() > 1e6);
    for args in [
        vec!["run", file.as_str()],
        vec!["report", file.as_str(), "-o", "/tmp/never-written.html"],
    ] {
        let (code, out, err) = run(&args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(
            err.contains("an exact simulation of this scenario means simulating 2.6e13 requests")
                && err.contains("--fast"),
            "{err}"
        );
    }
    assert!(!Path::new("/tmp/never-written.html").exists());
}

/// Huge values read as `1e300` in messages, not as three hundred digits.
#[test]
fn huge_flag_values_read_in_scientific_notation() {
    let (code, _, err) = run(&[
        "quote",
        "aws-lambda",
        "--requests",
        "1e30",
        "--duration-ms",
        "100",
        "--memory-mb",
        "128",
    ]);
    assert_eq!(code, 2);
    assert_eq!(err.trim(), "error: --requests: 1e30 is out of range: allowed 0 to 1e15");
}

// ---------------------------------------------------------------------------------------
// Applications (scenario version 2)

const V2: &str = "tests/fixtures/contract/scenario-v2.ron";

/// `run` on an application: after the platform table, every placement with its total (the
/// best starred), then the best placement workload by workload and its pipeline, the same
/// numbers as `run --json`.
#[test]
fn run_table_shows_placements_of_an_application() {
    let (code, out, err) = run(&["run", V2, "--fast"]);
    assert_eq!(code, 0, "{err}");
    let v = json(&["run", V2, "--fast", "--json"]);
    let best = v["best_placement"].as_str().expect("a best placement");
    assert!(best.starts_with("Mixed: "), "{best}");
    assert!(
        out.contains("Placements (30-day period; * = the best of all 81 assignments that is good enough)"),
        "{out}"
    );
    let placements = v["placements"].as_array().unwrap();
    assert_eq!(placements.len(), 4, "three all-on placements and the mixed one");
    let money = |x: f64| format!("${x:.2}");
    for p in placements {
        let name = p["name"].as_str().unwrap();
        let line = out
            .lines()
            .find(|l| l.get(4..).is_some_and(|s| s.starts_with(name)))
            .unwrap_or_else(|| panic!("no line for {name} in\n{out}"));
        assert_eq!(line.starts_with("  * "), name == best, "{line}");
        assert!(line.contains(&money(p["total_usd"].as_f64().unwrap())), "{line}");
        assert!(line.trim_end().ends_with("yes"), "{line}");
    }
    // the best placement's workloads: where each runs and its share, adding up to the total
    let bp = placements.iter().find(|p| p["name"] == best).unwrap();
    let mut sum = 0.0;
    for w in bp["workloads"].as_array().unwrap() {
        let (name, platform) = (w["workload"].as_str().unwrap(), w["platform"].as_str().unwrap());
        let cost = w["cost_usd"].as_f64().unwrap();
        sum += cost;
        let cols: Vec<&str> = out
            .lines()
            .find(|l| l.split_whitespace().next() == Some(name) && l.contains(&money(cost)))
            .unwrap_or_else(|| panic!("no row for {name} in\n{out}"))
            .split_whitespace()
            .collect();
        assert_eq!(cols[1], platform);
        assert_eq!(cols[3], w["requests"].as_u64().unwrap().to_string());
    }
    assert!((sum - bp["total_usd"].as_f64().unwrap()).abs() < 0.005, "{sum}");
    let order = out
        .lines()
        .find(|l| l.trim_start().starts_with("order "))
        .expect("the order pipeline");
    let p99 = bp["pipelines"][0]["latency_ms"]["p99"].as_f64().unwrap();
    assert!(order.contains(&format!("{p99:.0}")), "{order}");
    // one workload: no placements table (the output is as before)
    let (code, single, _) = run(&["run", "scenarios/steady-high.ron", "--fast"]);
    assert_eq!(code, 0);
    assert!(!single.contains("Placements"), "{single}");
}

/// `sweep --workload report` scales only the nightly job: the application's rate stays at
/// today's 22.88 req/s (the job adds 30 requests a month), EC2's fixed fleet of two keeps
/// its cost (compute $139.79, and the rest of its bill: the API's egress, logs, its NAT
/// gateways and root volumes, none of which the job moves), Fargate (which hosts the
/// job's eight-minute runs) grows with it.
#[test]
fn sweep_can_scale_one_workload() {
    let v = json(&["sweep", V2, "--workload", "report", "--json"]);
    assert_eq!(v["workload"], "report");
    let points = v["points"].as_array().unwrap();
    assert_eq!(points.len(), 100);
    let ec2 = points[0]["costs_usd"]["EC2"].as_f64().unwrap();
    assert!(ec2 > 139.79 + 64.8, "{ec2}: compute, two NAT gateways and more");
    for p in points {
        let rps = p["mean_rps"].as_f64().unwrap();
        assert!((rps - 22.88).abs() < 0.05, "{p}");
        assert!((p["costs_usd"]["EC2"].as_f64().unwrap() - ec2).abs() < 0.02, "{p}");
    }
    let fargate = |p: &serde_json::Value| p["costs_usd"]["Fargate"].as_f64().unwrap();
    let (first, last) = (&points[0], &points[points.len() - 1]);
    assert!(fargate(last) > fargate(first) + 100.0, "{first} {last}");
    // scaling the whole application instead moves the rate with the scale
    let whole = json(&["sweep", V2, "--json"]);
    assert!(whole.get("workload").is_none());
    let wl = whole["points"].as_array().unwrap();
    assert!(wl[wl.len() - 1]["mean_rps"].as_f64().unwrap() > 1000.0);
    // the table names the workload
    let (code, out, err) = run(&["sweep", V2, "--workload", "report"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("Cost per platform against the traffic of workload report"),
        "{out}"
    );
}

#[test]
fn sweep_workload_errors_name_the_workloads() {
    for (args, want) in [
        (
            vec!["sweep", V2, "--workload", "checkout"],
            "no workload named `checkout`; its workloads are `api`, `inventory`, `payment`, `report`",
        ),
        (
            vec!["sweep", "scenarios/steady-high.ron", "--workload", "api"],
            "has one workload (`workload`)",
        ),
        (
            vec!["sweep", V2, "--workload", "payment"],
            "every request of `payment` is triggered by `inventory`",
        ),
        (
            vec!["sweep", V2, "--workload", "api", "--axis", "memory"],
            "it goes with --axis traffic",
        ),
    ] {
        let (code, out, err) = run(&args);
        assert_eq!(code, 2, "{args:?}: {out}");
        assert!(err.contains(want), "{args:?}: {err}");
        assert!(out.is_empty(), "{args:?}: {out}");
    }
}

/// `breakeven run … | head`: the reader goes away before the output is written. That is
/// not an internal error: a quiet exit with the shells' code for a closed pipe.
#[test]
fn a_closed_pipe_is_a_quiet_exit_not_an_internal_error() {
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_breakeven"))
        .args(["run", "scenarios/steady-high.ron", "--fast"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // closed before anything is printed
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("internal error"), "{err}");
    assert_eq!(out.status.code(), Some(141), "{err}");
}

/// Every `breakeven quote` form of the contract (optional `[...]` parts left out) runs and
/// prints JSON with a total.
#[test]
fn every_quote_form_of_the_contract_runs() {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/contract/cli.md")).unwrap();
    let mut n = 0;
    for l in text
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("breakeven quote "))
    {
        let mut plain = String::new();
        let mut depth = 0;
        for c in l.chars() {
            match c {
                '[' => depth += 1,
                ']' => depth -= 1,
                c if depth == 0 => plain.push(c),
                _ => {}
            }
        }
        let args: Vec<&str> = plain.split_whitespace().skip(1).collect();
        let (code, out, err) = run(&args);
        assert_eq!(code, 0, "{l}: {err}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{l}: {e}: {out}"));
        assert!(v["total_usd"].is_number(), "{l}: {out}");
        n += 1;
    }
    assert!(n >= 20, "{n} forms");
}

/// A small file asking an exact run to hold hundreds of millions of requests at once
/// (day-long requests at ten million a second under a limit of four billion) is refused
/// before it starts, naming the platform and the way out; before, it ran out of memory.
/// The fast mode prices it.
#[test]
fn an_exact_run_holding_too_many_requests_at_once_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("held.ron");
    std::fs::write(
        &f,
        r#"Scenario(version: 1, name: "held", horizon_days: 0.0005,
 traffic: Traffic(arrivals: Deterministic, components: [Constant(rps: 10000000.0)]),
 workload: Workload(duration_ms: Fixed(86000000.0), cpu_fraction: 0.01, cold_start_ms: Fixed(1.0)),
 platforms: [Function(name: "GCF", service: "gcp-cloud-functions", memory_mb: 256, max_concurrency: 4000000000)])"#,
    )
    .unwrap();
    let path = f.to_str().unwrap();
    let (code, out, err) = run(&["run", path]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("an exact simulation of GCF would hold about 4.3e8 requests in flight at once")
            && err.contains("use the fast mode"),
        "{err}"
    );
    let (code, out, err) = run(&["run", path, "--fast"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("GCF"), "{out}");
}

/// A pricing folder that gives a built-in id another kind of entry, or drops a meter the
/// bills use, is refused where it says so (file, line, column, field); before, `check`
/// passed and `run` dropped every load balancer line, or failed with an internal error.
#[test]
fn a_pricing_folder_keeps_each_ids_kind_and_meters() {
    let lambda = std::fs::read_to_string("pricing/aws-lambda.ron").unwrap();
    let network = std::fs::read_to_string("pricing/aws-network.ron").unwrap();
    let cases = [
        (
            "aws-lambda.ron",
            lambda.replacen("id: \"aws-lambda\"", "id: \"aws-alb\"", 1),
            "services[0].id: `aws-alb` is an AwsAlb entry in the catalog and the bills read it as one, but this is an AwsLambda entry",
        ),
        (
            "aws-network.ron",
            network.replacen(
                "operations: [\"internet-out\", \"egress\"]",
                "operations: [\"egress-out\"]",
                1,
            ),
            "extras[0].meters: `aws-data-transfer` has no meter for `internet-out`, which the bills use",
        ),
    ];
    for (name, text, want) in cases {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(name), &text).unwrap();
        let d = dir.path().to_str().unwrap();
        for args in [
            vec!["--pricing", d, "check", "scenarios/startup-launch.ron"],
            vec!["--pricing", d, "run", "--fast", "scenarios/startup-launch.ron"],
        ] {
            let (code, out, err) = run(&args);
            assert_eq!(code, 2, "{args:?}: {out}{err}");
            assert!(err.contains(name) && err.contains(want), "{args:?}: {err}");
        }
    }
    // the shipped files themselves, as a folder, are accepted
    let (code, _, err) = run(&["--pricing", "pricing", "check", "scenarios/startup-launch.ron"]);
    assert_eq!(code, 0, "{err}");
}

/// A sweep whose top would bill more milliseconds than a bill holds (10-minute requests
/// at 2,000 req/s for a year, times 1,000) ends where bills still can: `run --fast` failed
/// on its verdict's sweep, though the run itself bills fine.
#[test]
fn a_sweep_ends_where_its_usage_can_still_be_billed() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("long.ron");
    std::fs::write(
        &f,
        r#"Scenario(version: 1, name: "long requests", horizon_days: 366.0, seed: 1,
  traffic: Traffic(components: [Constant(rps: 2000.0)]),
  workload: Workload(duration_ms: Fixed(600000.0), cpu_fraction: 0.1, cold_start_ms: Fixed(100.0)),
  platforms: [Function(name: "Lambda", service: "aws-lambda", memory_mb: 1024, max_concurrency: 4294967295)])"#,
    )
    .unwrap();
    let (code, out, err) = run(&["sweep", f.to_str().unwrap(), "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let xs: Vec<f64> = v["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["scale"].as_f64().unwrap())
        .collect();
    let top = *xs.last().unwrap();
    // 1.8e19 billed ms is about 500x (a tenth throttled there), below the sweep's 1,000x
    assert!(xs.len() == 100 && (400.0..600.0).contains(&top), "{top}");
    let (code, out, err) = run(&["run", f.to_str().unwrap(), "--fast"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Verdict: "), "{out}");
}

/// Tier bounds scaled to a period of days are repeating decimals: shown to three decimals
/// (the API's first 300 million requests a month over 7 days were "0 to
/// 69,999,999.99999999999999999999 request").
#[test]
fn tier_bounds_of_a_short_period_are_shown_rounded() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("week.ron");
    std::fs::write(
        &f,
        r#"Scenario(version: 1, name: "a busy week", horizon_days: 7.0, seed: 1,
  traffic: Traffic(components: [Constant(rps: 2000.0)]),
  workload: Workload(duration_ms: Fixed(100.0), cpu_fraction: 0.3, cold_start_ms: Fixed(100.0), response_kb: 16.0),
  platforms: [Function(name: "Lambda", service: "aws-lambda", memory_mb: 1024, front_door: ApiGatewayHttp)])"#,
    )
    .unwrap();
    let (code, out, err) = run(&["run", f.to_str().unwrap(), "--fast"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("0 to 70,000,000 request"), "{out}");
    assert!(out.contains("above 70,000,000 request"), "{out}");
    assert!(!out.contains("99999"), "{out}");
}
