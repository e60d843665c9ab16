//! `breakeven import` (issue 15): logs generated from known parameters are read back and
//! the parameters recovered; bad, truncated, mixed and empty logs are counted, not fatal,
//! unless nothing can be read.

use std::io::Write;
use std::path::Path;

mod common;
use common::breakeven as run;

/// A small, seeded generator (xorshift*), so the logs are the same on every run.
struct Rng(u64);
impl Rng {
    fn u01(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        ((self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
    fn normal(&mut self) -> f64 {
        (-2.0 * self.u01().ln()).sqrt() * (2.0 * std::f64::consts::PI * self.u01()).cos()
    }
    fn lognormal(&mut self, median: f64, p99: f64) -> f64 {
        let sigma = (p99 / median).ln() / 2.326_347_874;
        median * (sigma * self.normal()).exp()
    }
}

struct Invocation {
    end_s: f64,
    duration_ms: f64,
    init_ms: Option<f64>,
}

/// Poisson arrivals at `rps` for `hours` from 2026-11-30T00:00Z, log-normal durations
/// (median 80 ms, p99 400 ms), and cold starts from a keep-alive of `keep_alive_s`: an
/// arrival finding no environment idle for less than that starts one (initialisation
/// log-normal, median 240 ms, p99 600 ms).
fn invocations(rps: f64, hours: f64, keep_alive_s: f64, seed: u64) -> (Vec<Invocation>, u64) {
    let mut rng = Rng(seed);
    let start = 1_796_083_200.0; // 2026-11-30T00:00:00Z
    let mut t = start;
    let mut free_since: Vec<f64> = Vec::new(); // idle environments: when each became free
    let mut busy_until: Vec<f64> = Vec::new();
    let (mut out, mut cold) = (Vec::new(), 0);
    loop {
        t += -rng.u01().ln() / rps;
        if t > start + hours * 3600.0 {
            break;
        }
        // environments that finished by now are idle; those idle too long are gone
        let mut i = 0;
        while i < busy_until.len() {
            if busy_until[i] <= t {
                free_since.push(busy_until.swap_remove(i));
            } else {
                i += 1;
            }
        }
        free_since.retain(|&f| t - f <= keep_alive_s);
        let duration_ms = rng.lognormal(80.0, 400.0);
        let init_ms = if let Some(j) = (0..free_since.len()).max_by(|&a, &b| free_since[a].total_cmp(&free_since[b])) {
            free_since.swap_remove(j);
            None
        } else {
            cold += 1;
            Some(rng.lognormal(240.0, 600.0))
        };
        let end = t + (duration_ms + init_ms.unwrap_or(0.0)) / 1000.0;
        busy_until.push(end);
        out.push(Invocation {
            end_s: end,
            duration_ms,
            init_ms,
        });
    }
    out.sort_by(|a, b| a.end_s.total_cmp(&b.end_s));
    (out, cold)
}

fn ts(t: f64) -> String {
    breakeven::import::rfc3339(t)
}

fn text_log(inv: &[Invocation]) -> String {
    let mut s = String::new();
    for (i, v) in inv.iter().enumerate() {
        let start = v.end_s - (v.duration_ms + v.init_ms.unwrap_or(0.0)) / 1000.0;
        s += &format!("{} START RequestId: r{i} Version: $LATEST\n", ts(start));
        s += &format!("{} INFO handling order {i}\n", ts(start + 0.001));
        s += &format!("{} END RequestId: r{i}\n", ts(v.end_s));
        s += &format!(
            "{} REPORT RequestId: r{i}\tDuration: {:.2} ms\tBilled Duration: {:.0} ms\tMemory Size: 1024 MB\tMax Memory Used: {} MB\t{}\n",
            ts(v.end_s),
            v.duration_ms,
            v.duration_ms.ceil(),
            70 + i % 20,
            v.init_ms
                .map(|x| format!("Init Duration: {x:.2} ms\t"))
                .unwrap_or_default()
        );
    }
    s
}

fn json_log(inv: &[Invocation]) -> String {
    let mut s = String::new();
    for (i, v) in inv.iter().enumerate() {
        let init = v
            .init_ms
            .map(|x| format!(",\"initDurationMs\":{x:.3}"))
            .unwrap_or_default();
        s += &format!(
            "{{\"time\":\"{}\",\"type\":\"platform.report\",\"record\":{{\"requestId\":\"r{i}\",\"metrics\":{{\"durationMs\":{:.3},\"billedDurationMs\":{:.0},\"memorySizeMB\":512,\"maxMemoryUsedMB\":90{init}}},\"status\":\"success\"}}}}\n",
            ts(v.end_s),
            v.duration_ms,
            v.duration_ms.ceil()
        );
        s += &format!(
            "{{\"time\":\"{}\",\"type\":\"platform.start\",\"record\":{{\"requestId\":\"r{i}\"}}}}\n",
            ts(v.end_s)
        );
    }
    s
}

fn export_log(inv: &[Invocation]) -> String {
    let mut s = String::new();
    for (i, v) in inv.iter().enumerate() {
        let init = v
            .init_ms
            .map(|x| format!("\\tInit Duration: {x:.2} ms"))
            .unwrap_or_default();
        s += &format!(
            "{{\"timestamp\": {}, \"message\": \"REPORT RequestId: r{i}\\tDuration: {:.2} ms\\tBilled Duration: {:.0} ms\\tMemory Size: 2048 MB\\tMax Memory Used: 120 MB{init}\\t\\n\"}}\n",
            (v.end_s * 1000.0).round() as i64,
            v.duration_ms,
            v.duration_ms.ceil()
        );
    }
    s
}

fn import_json(files: &[&Path], out: &Path) -> serde_json::Value {
    let mut args: Vec<&str> = vec!["import"];
    args.extend(files.iter().map(|f| f.to_str().unwrap()));
    args.extend(["-o", out.to_str().unwrap(), "--json"]);
    let (code, stdout, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

/// Every format recovers the generator's parameters: rate within 2 %, duration median and
/// p99 within 5 %, the cold-start count exactly; and the scenario it writes loads and runs.
#[test]
fn logs_from_known_parameters_are_recovered_in_every_format() {
    let (inv, cold) = invocations(20.0, 2.0, 300.0, 7);
    assert!(
        cold > 20 && (inv.len() as f64 - 144_000.0).abs() < 2_000.0,
        "{cold} {}",
        inv.len()
    );
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("report.log");
    std::fs::write(&text, text_log(&inv)).unwrap();
    let gz = dir.path().join("report.log.gz");
    let mut enc = flate2::write::GzEncoder::new(std::fs::File::create(&gz).unwrap(), flate2::Compression::fast());
    enc.write_all(text_log(&inv).as_bytes()).unwrap();
    enc.finish().unwrap();
    let json = dir.path().join("report.json");
    std::fs::write(&json, json_log(&inv)).unwrap();
    let export = dir.path().join("export.json");
    std::fs::write(&export, export_log(&inv)).unwrap();
    for (file, memory) in [(&text, 1024), (&gz, 1024), (&json, 512), (&export, 2048)] {
        let out = dir.path().join("api.breakeven.ron");
        let v = import_json(&[file], &out);
        let what = file.display();
        assert_eq!(v["format"], "lambda-report");
        assert_eq!(v["requests"].as_u64(), Some(inv.len() as u64), "{what}");
        assert_eq!(v["cold_starts"].as_u64(), Some(cold), "{what}");
        assert_eq!(v["bad_lines"].as_u64(), Some(0), "{what}");
        assert_eq!(v["memory_mb"].as_u64(), Some(memory), "{what}");
        let rate = v["mean_rps"].as_f64().unwrap();
        assert!((rate / 20.0 - 1.0).abs() < 0.02, "{what}: {rate} req/s");
        for (q, truth) in [("p50", 80.0), ("p99", 400.0)] {
            let got = v["duration_ms"][q].as_f64().unwrap();
            assert!((got / truth - 1.0).abs() < 0.05, "{what}: observed {q} {got} ms");
        }
        let fit = &v["duration_fit"];
        assert!((fit["median_ms"].as_f64().unwrap() / 80.0 - 1.0).abs() < 0.05, "{fit}");
        assert!((fit["p99_ms"].as_f64().unwrap() / 400.0 - 1.0).abs() < 0.05, "{fit}");
        assert_eq!(fit["good"], true, "{fit}");
        // the scenario it wrote loads, names its source and runs
        let (code, out_text, err) = run(&["check", out.to_str().unwrap()]);
        assert_eq!(code, 0, "{err}{out_text}");
        let written = std::fs::read_to_string(&out).unwrap();
        assert!(
            written.contains(&format!(
                "Fitted from {} Lambda REPORT lines ({} lines read)",
                v["requests"], v["lines"]
            )),
            "{written}"
        );
        assert!(dir.path().join("api-trace.csv").exists());
        let (code, _, err) = run(&["run", out.to_str().unwrap(), "--fast", "--json"]);
        assert_eq!(code, 0, "{err}");
    }
    // several files are one log
    let out = dir.path().join("both.ron");
    let v = import_json(&[&text, &json], &out);
    assert_eq!(v["requests"].as_u64(), Some(2 * inv.len() as u64));
    assert_eq!(v["cold_starts"].as_u64(), Some(2 * cold));
}

/// Bad, truncated and mixed lines are counted with their numbers; reading goes on.
#[test]
fn bad_lines_are_counted_and_listed_not_fatal() {
    let (inv, _) = invocations(5.0, 0.5, 300.0, 3);
    let mut log = text_log(&inv);
    log.insert_str(0, "2026-11-30T00:00:00Z REPORT RequestId: x\tDuration: banana ms\n");
    log.push_str("REPORT RequestId: y\tDuration: 3 ms\n"); // no timestamp
    log.push_str("2026-11-30T01:00:00Z REPORT RequestId: z\tDura"); // truncated
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("mixed.log");
    std::fs::write(&f, log).unwrap();
    let out = dir.path().join("m.ron");
    let (code, stdout, err) = run(&["import", f.to_str().unwrap(), "-o", out.to_str().unwrap(), "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["requests"].as_u64(), Some(inv.len() as u64));
    assert_eq!(v["bad_lines"].as_u64(), Some(3));
    let lines: Vec<u64> = v["first_bad_lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["line"].as_u64().unwrap())
        .collect();
    let total = v["lines"].as_u64().unwrap();
    assert_eq!(lines, vec![1, total - 1, total]);
    assert!(
        err.contains("warning: 3 of") && err.contains("mixed.log:1: `banana"),
        "{err}"
    );
}

/// `import FILE -o OUT [extra...]`, which must be exit 2: its error output.
fn import_fails(file: &Path, out: &Path, extra: &[&str]) -> String {
    let mut args = vec!["import", file.to_str().unwrap(), "-o", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let (code, _, err) = run(&args);
    assert_eq!(code, 2, "{args:?}: {err}");
    err
}

/// Nothing usable is exit 2 with what was found; no file is written.
#[test]
fn empty_or_unusable_logs_are_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.ron");
    let report = ["--format", "lambda-report"];
    let empty = dir.path().join("empty.log");
    std::fs::write(&empty, "").unwrap();
    let err = import_fails(&empty, &out, &report);
    assert!(err.contains("nothing to import: the files are empty"), "{err}");
    let starts = dir.path().join("starts.log");
    std::fs::write(
        &starts,
        "2026-11-30T00:00:00Z START RequestId: a\n2026-11-30T00:00:01Z END RequestId: a\n",
    )
    .unwrap();
    let err = import_fails(&starts, &out, &report);
    assert!(err.contains("2 lines, none a lambda-report request"), "{err}");
    // not a format this version reads: detection says so
    let nginx = dir.path().join("access.log");
    std::fs::write(
        &nginx,
        "127.0.0.1 - - [30/Nov/2026:00:00:00 +0000] \"GET / HTTP/1.1\" 200 12\n",
    )
    .unwrap();
    let err = import_fails(&nginx, &out, &[]);
    assert!(err.contains("reads AWS Lambda REPORT lines"), "{err}");
    let err = import_fails(&dir.path().join("missing.log"), &out, &[]);
    assert!(err.contains("missing.log"), "{err}");
    assert!(!out.exists());
}
