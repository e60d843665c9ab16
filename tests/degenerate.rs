//! Degenerate scenarios read sensibly through every command: no traffic at all, a trickle,
//! a horizon of minutes, requests longer than the horizon (tests/fixtures/degenerate).
//! No `NaN`, `inf` or `infx`, no cold-start rate above 100 %, no "1 requests", exit 0.

mod common;
use common::breakeven as run;
use std::path::Path;

const FIXTURES: [&str; 4] = [
    "tests/fixtures/degenerate/zero-traffic.ron",
    "tests/fixtures/degenerate/trickle.ron",
    "tests/fixtures/degenerate/five-minutes.ron",
    "tests/fixtures/degenerate/request-longer-than-horizon.ron",
];

/// Words made of letters and digits (so `info` is not `inf`, and `-inf` is).
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
}

/// Everything wrong with `text` as a reader would see it.
fn problems(what: &str, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for w in words(text) {
        if matches!(w, "NaN" | "inf" | "infx" | "Infinity") {
            out.push(format!("{what}: `{w}`"));
        }
    }
    // a count of one with a plural noun ("1 requests", "1 services")
    let nouns = [
        "requests",
        "services",
        "platforms",
        "cold starts",
        "environments",
        "replicas",
        "instances",
        "days",
        "hours",
        "minutes",
        "seconds",
        "traffic components",
        "files",
        "points",
    ];
    let b = text.as_bytes();
    for (i, _) in text.match_indices("1 ") {
        let before = if i == 0 { b' ' } else { b[i - 1] };
        if before.is_ascii_digit() || before == b'.' || before == b',' {
            continue;
        }
        let rest = &text[i + 2..];
        if let Some(n) = nouns.iter().find(|n| rest.starts_with(*n)) {
            let after = rest.as_bytes().get(n.len()).copied().unwrap_or(b' ');
            if !after.is_ascii_alphanumeric() {
                out.push(format!("{what}: \"1 {n}\""));
            }
        }
    }
    // advice to commit to nothing an hour (a traffic-less scenario was told a Savings Plan
    // of $0.0000/h saves $0.00)
    if text.contains("of $0.0000/h") {
        out.push(format!("{what}: a commitment of $0.0000/h"));
    }
    out
}

/// Percentages on cold-start lines (`Cold starts: 12 % of ...`, table cells `0.500%`).
fn cold_rates_over_100(what: &str, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines().filter(|l| l.to_lowercase().contains("cold start")) {
        for (i, _) in line.match_indices('%') {
            let num: String = line[..i]
                .trim_end()
                .chars()
                .rev()
                .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .filter(|c| *c != ',')
                .collect();
            if let Ok(x) = num.parse::<f64>()
                && x > 100.0
            {
                out.push(format!("{what}: {x} % in \"{line}\""));
            }
        }
    }
    out
}

/// Numeric fields of `run --json` that must be numbers (never null, never out of range).
fn check_run_json(what: &str, v: &serde_json::Value, bad: &mut Vec<String>) {
    let Some(platforms) = v["platforms"].as_array() else {
        bad.push(format!("{what}: no platforms"));
        return;
    };
    for p in platforms {
        for key in [
            "total_usd",
            "requests",
            "served",
            "throttled",
            "dropped",
            "cold_starts",
            "cold_start_rate",
            "mean_instances",
            "peak_instances",
            "mean_busy",
        ] {
            if !p[key].is_number() {
                bad.push(format!("{what}: {} {key} is {}", p["name"], p[key]));
            }
        }
        for q in ["p50", "p95", "p99"] {
            if !p["latency_ms"][q].is_number() {
                bad.push(format!("{what}: {} latency {q} is {}", p["name"], p["latency_ms"][q]));
            }
        }
        let rate = p["cold_start_rate"].as_f64().unwrap_or(-1.0);
        if !(0.0..=1.0).contains(&rate) {
            bad.push(format!("{what}: {} cold_start_rate {rate}", p["name"]));
        }
    }
}

fn nulls(v: &serde_json::Value, path: &str, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Null => out.push(path.to_string()),
        serde_json::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                nulls(x, &format!("{path}[{i}]"), out);
            }
        }
        serde_json::Value::Object(o) => {
            for (k, x) in o {
                nulls(x, &format!("{path}.{k}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn degenerate_scenarios_read_sensibly_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let mut bad = Vec::new();
    for f in FIXTURES {
        let stem = Path::new(f).file_stem().unwrap().to_string_lossy().into_owned();
        let runs: [&[&str]; 4] = [&["run", f], &["run", f, "--fast"], &["run", f, "--json"], &["sweep", f]];
        for args in runs {
            let what = args.join(" ");
            let (code, out, err) = run(args);
            if code != 0 {
                bad.push(format!("{what}: exit {code}: {err}"));
                continue;
            }
            bad.extend(problems(&what, &out));
            bad.extend(problems(&what, &err));
            bad.extend(cold_rates_over_100(&what, &out));
            if args.contains(&"--json") {
                let v: serde_json::Value = serde_json::from_str(&out).unwrap();
                check_run_json(&what, &v, &mut bad);
            }
        }
        let (code, out, err) = run(&["sweep", f, "--json"]);
        assert_eq!(code, 0, "sweep --json {f}: {err}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let mut n = Vec::new();
        nulls(&v, "sweep", &mut n);
        bad.extend(n.into_iter().map(|p| format!("sweep --json {f}: null at {p}")));
        for ext in ["md", "json", "csv", "html"] {
            let out_path = dir.path().join(format!("{stem}.{ext}"));
            let o = out_path.to_string_lossy().into_owned();
            let what = format!("report {f} -o .{ext}");
            let (code, _, err) = run(&["report", f, "-o", &o]);
            if code != 0 {
                bad.push(format!("{what}: exit {code}: {err}"));
                continue;
            }
            let text = std::fs::read_to_string(&out_path).unwrap();
            bad.extend(problems(&what, &text));
            bad.extend(cold_rates_over_100(&what, &text));
            if ext == "json" {
                let v: serde_json::Value = serde_json::from_str(&text).unwrap();
                check_run_json(&what, &v, &mut bad);
            }
        }
    }
    assert!(bad.is_empty(), "{} problems:\n{}", bad.len(), bad.join("\n"));
}

#[test]
fn the_checks_catch_what_they_look_for() {
    assert_eq!(problems("t", "cost NaN").len(), 1);
    assert_eq!(problems("t", "ratio infx and -inf").len(), 2);
    assert!(problems("t", "info: 1.1 requests, 21 requests, 1 request").is_empty());
    assert_eq!(problems("t", "served 1 requests over 1 days").len(), 2);
    assert_eq!(problems("t", "1 cold starts").len(), 1);
    assert_eq!(
        problems("t", "A Savings Plan of $0.0000/h on Lambda saves $0.00").len(),
        1
    );
    assert_eq!(cold_rates_over_100("t", "Cold starts: 150 % of 2 requests").len(), 1);
    assert!(cold_rates_over_100("t", "Cold starts: 12.5 % of 8 requests").is_empty());
}

#[test]
fn period_labels_agree_on_a_five_minute_horizon() {
    let (code, out, err) = run(&["run", FIXTURES[2], "--fast"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("simulation over 5 minutes, seed 7"), "{out}");
    assert!(out.contains("(5-minute period)"), "{out}");
    // (a 30-day month in an EBS note is not a 0-day period)
    assert!(
        !out.contains("0.0 days") && !out.contains(" 0-day") && !out.contains("(0-day"),
        "{out}"
    );
}

/// When nothing copes the headline says so first (never "good enough" next to "no platform
/// meets every limit"); with no traffic it says there is none rather than "peak 0.0x".
#[test]
fn the_verdict_reads_sensibly_when_nothing_copes_or_nothing_arrives() {
    let verdict = |name: &str| {
        let file = format!("tests/fixtures/degenerate/{name}.ron");
        let (code, out, err) = run(&["run", &file, "--fast", "--json"]);
        assert_eq!(code, 0, "{err}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        v["verdict"].clone()
    };
    let v = verdict("request-longer-than-horizon");
    let headline = v["headline"].as_str().unwrap();
    assert!(
        headline.starts_with(
            "No platform is good enough: EC2 is the cheapest, at $0.01 for the 10-minute period, but it serves only"
        ),
        "{headline}"
    );
    assert!(!headline.contains("that is good enough"), "{headline}");

    let v = verdict("zero-traffic");
    let texts: Vec<&str> = v["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        texts[0],
        "Traffic: no requests a month, so every platform costs only its fixed charges"
    );
    assert!(texts.iter().all(|t| !t.starts_with("Cold starts:")), "{texts:?}");
}

/// A break-even within 5 % of today's traffic reads as such, never "shrinks 1.0x".
#[test]
fn no_verdict_says_traffic_changes_by_one_times() {
    for entry in std::fs::read_dir("scenarios").unwrap() {
        let file = entry.unwrap().path().display().to_string();
        let (code, out, err) = run(&["run", &file, "--fast"]);
        assert_eq!(code, 0, "{file}: {err}");
        for bad in ["shrinks 1.0x", "grows 1.0x", "infx", "NaN"] {
            assert!(!out.contains(bad), "{file}: {bad}\n{out}");
        }
    }
}
