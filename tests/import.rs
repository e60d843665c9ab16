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

/// Memory figures Lambda does not write (a size outside 128 to 10,240 MB, more used than
/// the function has) are bad lines; sizes that mix are counted and said, and no right-sizing
/// advice is read from them.
#[test]
fn impossible_or_mixed_memory_sizes_are_said() {
    let line = |s: u32, size: &str, used: &str| {
        format!(
            "2026-11-30T00:00:{:02}.000Z REPORT RequestId: {s} Duration: 100.00 ms Billed Duration: 100 ms Memory Size: {size} MB Max Memory Used: {used} MB\n",
            s % 60
        )
    };
    let mut text = line(0, "0", "80") + &line(1, "1024", "99999");
    for i in 2..12 {
        text += &line(i, if i < 5 { "128" } else { "1024" }, "60");
    }
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("memory.log");
    std::fs::write(&f, text).unwrap();
    let out = dir.path().join("m.ron");
    let (code, stdout, err) = run(&["import", f.to_str().unwrap(), "-o", out.to_str().unwrap(), "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!((v["requests"].as_u64(), v["bad_lines"].as_u64()), (Some(10), Some(2)));
    let reasons: Vec<&str> = v["first_bad_lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["reason"].as_str().unwrap())
        .collect();
    assert_eq!(
        reasons,
        [
            "Memory Size 0 MB is not a Lambda size (128 to 10240 MB)",
            "Max Memory Used 99999 MB is more than the Memory Size 1024 MB"
        ]
    );
    assert_eq!(v["memory_mb"].as_u64(), Some(1024));
    assert_eq!(v["memory_other_requests"].as_u64(), Some(3));
    assert!(v["memory_advice"].is_null(), "{}", v["memory_advice"]);
    let out2 = dir.path().join("m2.ron");
    let (code, stdout, err) = run(&["import", f.to_str().unwrap(), "-o", out2.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(
        stdout.contains("memory: 1024 MB, at most 60 MB used (the most common size; 3 requests ran at other sizes, read as if at 1024 MB)"),
        "{stdout}"
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
    // an nginx line is read as one (detected), a text that is no log lists the formats
    let (code, _, err) = run(&["import", nginx.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    std::fs::remove_file(&out).unwrap();
    let prose = dir.path().join("notes.txt");
    std::fs::write(&prose, "hello\nworld\n").unwrap();
    let err = import_fails(&prose, &out, &[]);
    for name in ["lambda-report", "alb", "combined", "cloudrun-json", "cloudwatch-csv"] {
        assert!(err.contains(&format!("  {name}: ")), "{err}");
    }
    let err = import_fails(&dir.path().join("missing.log"), &out, &[]);
    assert!(err.contains("missing.log"), "{err}");
    assert!(!out.exists());
    // a stray line from years before, read first, and the log after it: the log is not
    // dropped for the stray's sake (it was, leaving a one-request scenario, exit 0)
    let line = |t: &str, id: usize| {
        format!(
            "{t} REPORT RequestId: {id} Duration: 100.00 ms Billed Duration: 100 ms Memory Size: 1024 MB Max Memory Used: 80 MB\n"
        )
    };
    let mut text = line("1999-01-01T00:00:00.000Z", 0);
    for i in 0..300 {
        text += &line(&format!("2026-11-30T00:{:02}:{:02}.000Z", i / 60, i % 60), i + 1);
    }
    let stray = dir.path().join("stray.log");
    std::fs::write(&stray, text).unwrap();
    let err = import_fails(&stray, &out, &report);
    assert!(
        err.contains("the logs span more than 366 days: 1 line was kept near the first one read, and 300 lie more than 366 days from it")
            && err.contains("stray.log:2:")
            && err.contains("remove the stray lines"),
        "{err}"
    );
    assert!(!out.exists());
}

// ---- the other formats: access logs, request logs and metric exports ----

/// One request: when it arrived, its time and its response size.
struct Request {
    arrival_s: f64,
    duration_ms: f64,
    bytes: u64,
}

const START_S: f64 = 1_796_083_200.0; // 2026-11-30T00:00:00Z

/// Poisson arrivals at `rps` for `hours`, log-normal durations (median 80 ms, p99 400 ms),
/// responses uniform from 1,000 to 3,000 bytes (2 kB on average).
fn requests(rps: f64, hours: f64, seed: u64) -> Vec<Request> {
    let mut rng = Rng(seed);
    let mut t = START_S;
    let mut out = Vec::new();
    loop {
        t += -rng.u01().ln() / rps;
        if t > START_S + hours * 3600.0 {
            return out;
        }
        out.push(Request {
            arrival_s: t,
            duration_ms: rng.lognormal(80.0, 400.0),
            bytes: 1000 + (rng.u01() * 2001.0) as u64,
        });
    }
}

/// ALB lines in the order the load balancer writes them (by response time); every 100th
/// request is not dispatched (`-1`, 502) and has no duration.
fn alb_log(reqs: &[Request]) -> String {
    let mut rows: Vec<(f64, String)> = reqs
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let lost = i % 100 == 99;
            let end = r.arrival_s + if lost { 0.0 } else { r.duration_ms / 1000.0 + 0.0004 };
            let times = if lost {
                "-1 -1 -1 502 -".to_string()
            } else {
                format!("0.000 {:.3} 0.000 200 200", r.duration_ms / 1000.0)
            };
            let line = format!(
                "https {} app/api-lb/50dc6c495c0c9188 203.0.113.{}:{} 10.0.1.7:8080 {times} 310 {} \"GET https://api.example.com:443/v1/orders/{i}?page=2 HTTP/1.1\" \"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15\" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api/73e2d6bc24d8a067 \"Root=1-6745a1b0-{i:024x}\" \"api.example.com\" \"arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012\" 0 {} \"forward\" \"-\" \"-\" \"10.0.1.7:8080\" \"200\" \"-\" \"-\" TID_{i:x}",
                ts_us(end),
                i % 250,
                1024 + i % 60000,
                if lost { 0 } else { r.bytes },
                ts_us(r.arrival_s),
            );
            (end, line)
        })
        .collect();
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    rows.into_iter().map(|(_, l)| l + "\n").collect()
}

/// RFC 3339 to the microsecond, as ALB and Cloud Logging write.
fn ts_us(t: f64) -> String {
    let us = (t * 1e6).round() as i64;
    chrono::DateTime::from_timestamp_micros(us)
        .unwrap()
        .to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// `[10/Oct/2026:13:55:36 -0700]` of Unix seconds (floored), in UTC-7.
fn clf(t: f64) -> String {
    let tz = chrono::FixedOffset::west_opt(7 * 3600).unwrap();
    chrono::DateTime::from_timestamp(t.floor() as i64, 0)
        .unwrap()
        .with_timezone(&tz)
        .format("%d/%b/%Y:%H:%M:%S %z")
        .to_string()
}

/// nginx: logged when the request ends, `$request_time` (s, ms resolution) last.
fn nginx_log(reqs: &[Request]) -> String {
    let mut rows: Vec<(f64, String)> = reqs
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let end = r.arrival_s + r.duration_ms / 1000.0;
            (
                end,
                format!(
                    "198.51.100.{} - - [{}] \"GET /v1/orders/{i} HTTP/1.1\" 200 {} \"https://example.com/\" \"Mozilla/5.0 (X11; Linux x86_64)\" {:.3}\n",
                    i % 200,
                    clf(end),
                    r.bytes,
                    r.duration_ms / 1000.0
                ),
            )
        })
        .collect();
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    rows.into_iter().map(|(_, l)| l).collect()
}

/// Apache: logged at arrival, `%D` (µs) last, after a quoted extra field.
fn apache_log(reqs: &[Request]) -> String {
    reqs.iter()
        .enumerate()
        .map(|(i, r)| {
            format!(
                "198.51.100.{} - bob [{}] \"POST /api/{i} HTTP/1.1\" 201 {} \"-\" \"curl/8.5.0\" \"10.0.0.{}\" {}\n",
                i % 200,
                clf(r.arrival_s),
                r.bytes,
                i % 9,
                (r.duration_ms * 1000.0).round() as u64
            )
        })
        .collect()
}

/// Cloud Run request logs, each followed by a line of the service's own output.
fn cloudrun_log(reqs: &[Request]) -> String {
    let mut s = String::new();
    for (i, r) in reqs.iter().enumerate() {
        let size = if i % 2 == 0 {
            format!("\"{}\"", r.bytes)
        } else {
            r.bytes.to_string()
        };
        s += &format!(
            "{{\"httpRequest\":{{\"requestMethod\":\"GET\",\"requestUrl\":\"https://api-x.a.run.app/v1/{i}\",\"requestSize\":\"310\",\"status\":200,\"responseSize\":{size},\"userAgent\":\"curl/8\",\"remoteIp\":\"203.0.113.9\",\"latency\":\"{:.6}s\",\"protocol\":\"HTTP/1.1\"}},\"insertId\":\"{i:x}\",\"logName\":\"projects/p/logs/run.googleapis.com%2Frequests\",\"resource\":{{\"type\":\"cloud_run_revision\",\"labels\":{{\"service_name\":\"api\",\"location\":\"europe-west1\"}}}},\"severity\":\"INFO\",\"timestamp\":\"{}\",\"trace\":\"projects/p/traces/{i:032x}\"}}\n",
            r.duration_ms / 1000.0,
            ts_us(r.arrival_s)
        );
        s += &format!(
            "{{\"textPayload\":\"order {i} served\",\"timestamp\":\"{}\",\"resource\":{{\"type\":\"cloud_run_revision\"}}}}\n",
            ts_us(r.arrival_s + 0.001)
        );
    }
    s
}

/// A CloudWatch export: per-minute Invocations and mean Duration, empty minutes left out
/// (as CloudWatch does), newest first (as get-metric-data returns them).
fn cloudwatch_csv(reqs: &[Request]) -> (String, Vec<(i64, u64)>) {
    let mut per: std::collections::BTreeMap<i64, (u64, f64)> = Default::default();
    for r in reqs {
        let e = per.entry((r.arrival_s / 60.0).floor() as i64 * 60).or_default();
        e.0 += 1;
        e.1 += r.duration_ms;
    }
    let mut s = String::from("Timestamp,Invocations,Duration\n");
    for (t, (n, sum)) in per.iter().rev() {
        s += &format!("{},{n},{:.3}\n", ts(*t as f64), sum / *n as f64);
    }
    (s, per.iter().map(|(t, (n, _))| (*t, *n)).collect())
}

fn write_gz(path: &Path, text: &str) {
    let mut enc = flate2::write::GzEncoder::new(std::fs::File::create(path).unwrap(), flate2::Compression::fast());
    enc.write_all(text.as_bytes()).unwrap();
    enc.finish().unwrap();
}

/// The scenario written loads and runs; its description names the source.
fn scenario_runs(out: &Path, source: &str) -> String {
    let (code, text, err) = run(&["check", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}{text}");
    let written = std::fs::read_to_string(out).unwrap();
    assert!(written.contains(source), "{source}: {written}");
    assert!(!written.contains("REPORT"), "{written}");
    let (code, _, err) = run(&["run", out.to_str().unwrap(), "--fast", "--json"]);
    assert_eq!(code, 0, "{err}");
    written
}

/// Access logs and request logs recover the generator's parameters: rate within 2 %,
/// duration median and p99 within 5 % (observed and fitted), the mean response within
/// 2 %; detected without `--format`, gzip read as it is.
#[test]
fn access_and_request_logs_from_known_parameters_are_recovered() {
    let reqs = requests(20.0, 2.0, 11);
    assert!((reqs.len() as f64 - 144_000.0).abs() < 2_000.0, "{}", reqs.len());
    let dir = tempfile::tempdir().unwrap();
    let alb = dir.path().join("alb.log.gz");
    write_gz(&alb, &alb_log(&reqs));
    let nginx = dir.path().join("access.log");
    std::fs::write(&nginx, nginx_log(&reqs)).unwrap();
    let apache = dir.path().join("apache.log");
    std::fs::write(&apache, apache_log(&reqs)).unwrap();
    let cloudrun = dir.path().join("requests.jsonl");
    std::fs::write(&cloudrun, cloudrun_log(&reqs)).unwrap();
    for (file, format, source) in [
        (&alb, "alb", "ALB access-log requests"),
        (&nginx, "combined", "combined-log (nginx/Apache) requests"),
        (&apache, "combined", "combined-log (nginx/Apache) requests"),
        (&cloudrun, "cloudrun-json", "Cloud Logging request-log entries"),
    ] {
        let what = file.display();
        let out = dir.path().join("svc.breakeven.ron");
        let v = import_json(&[file], &out);
        assert_eq!(v["format"], format, "{what}");
        assert_eq!(v["requests"].as_u64(), Some(reqs.len() as u64), "{what}");
        assert_eq!(v["bad_lines"].as_u64(), Some(0), "{what}: {v}");
        assert_eq!(v["cold_starts"].as_u64(), Some(0), "{what}");
        let rate = v["mean_rps"].as_f64().unwrap();
        assert!((rate / 20.0 - 1.0).abs() < 0.02, "{what}: {rate} req/s");
        let kb = v["response_kb"].as_f64().unwrap();
        let truth = reqs
            .iter()
            .enumerate()
            .map(|(i, r)| if format == "alb" && i % 100 == 99 { 0 } else { r.bytes })
            .sum::<u64>() as f64
            / reqs.len() as f64
            / 1000.0;
        assert!((kb / truth - 1.0).abs() < 0.02, "{what}: {kb} kB, {truth} kB sent");
        for (q, truth) in [("p50", 80.0), ("p99", 400.0)] {
            let got = v["duration_ms"][q].as_f64().unwrap();
            assert!((got / truth - 1.0).abs() < 0.05, "{what}: observed {q} {got} ms");
        }
        let fit = &v["duration_fit"];
        assert!(
            (fit["median_ms"].as_f64().unwrap() / 80.0 - 1.0).abs() < 0.05,
            "{what}: {fit}"
        );
        assert!(
            (fit["p99_ms"].as_f64().unwrap() / 400.0 - 1.0).abs() < 0.05,
            "{what}: {fit}"
        );
        let written = scenario_runs(&out, &format!("Fitted from {} {source}", reqs.len()));
        assert!(written.contains("response_kb: "), "{written}");
        for p in ["\"Lambda\"", "\"Cloud Run\"", "\"Fargate\"", "\"EC2\""] {
            assert!(written.contains(p), "{written}");
        }
        assert!(written.contains("1024 MB assumed"), "{written}");
        assert_eq!(
            written.contains("front_door: Alb,\n        ),\n        Container"),
            format == "alb",
            "{written}"
        );
        // the trace holds every request, per second
        let trace = std::fs::read_to_string(dir.path().join("svc-trace.csv")).unwrap();
        let total: u64 = trace
            .lines()
            .skip(1)
            .map(|l| l.split(',').nth(1).unwrap().parse::<u64>().unwrap())
            .sum();
        assert_eq!(total, reqs.len() as u64, "{what}");
    }
    // several files are one log (gzip and plain), given the format
    let out = dir.path().join("two.ron");
    let alb_plain = dir.path().join("alb2.log");
    std::fs::write(&alb_plain, alb_log(&reqs[..1000])).unwrap();
    let (code, stdout, err) = run(&[
        "import",
        alb.to_str().unwrap(),
        alb_plain.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--format",
        "alb",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["requests"].as_u64(), Some(reqs.len() as u64 + 1000));
}

/// A metric export's periods are the trace (at its step, missing periods zero), their sum
/// the requests, and the mean duration the scenario's `Fixed` one, said so.
#[test]
fn cloudwatch_exports_are_periods() {
    let reqs = requests(20.0, 2.0, 5);
    let dir = tempfile::tempdir().unwrap();
    let (csv, per) = cloudwatch_csv(&reqs);
    let f = dir.path().join("invocations.csv");
    std::fs::write(&f, csv).unwrap();
    let out = dir.path().join("fn.ron");
    let v = import_json(&[&f], &out);
    assert_eq!(v["format"], "cloudwatch-csv");
    assert_eq!(v["requests"].as_u64(), Some(reqs.len() as u64));
    let rate = v["mean_rps"].as_f64().unwrap();
    assert!((rate / 20.0 - 1.0).abs() < 0.02, "{rate} req/s");
    // the log-normal's mean: median x exp(sigma^2 / 2)
    let sigma = 5f64.ln() / 2.326_347_874;
    let mean = 80.0 * (sigma * sigma / 2.0).exp();
    let got = v["duration_mean_ms"].as_f64().unwrap();
    assert!((got / mean - 1.0).abs() < 0.02, "{got} vs {mean}");
    assert!(v["duration_ms"].is_null() && v["response_kb"].is_null());
    let written = scenario_runs(
        &out,
        &format!("Fitted from {} CloudWatch metric periods of 60 s", per.len()),
    );
    assert!(written.contains(&format!("duration_ms: Fixed({got:?})")), "{written}");
    assert!(written.contains("only a mean per period"), "{written}");
    // a sparse export: empty minutes are zeros in the trace, none left out
    let sparse = requests(0.01, 3.0, 9);
    let (_, per) = cloudwatch_csv(&sparse);
    // without a duration column: the scenario says what it assumed
    let f = dir.path().join("sparse.csv");
    let mut text = String::from("Time,Invocations (Sum)\n");
    for (t, n) in &per {
        text += &format!("{},{n}\n", ts(*t as f64));
    }
    std::fs::write(&f, text).unwrap();
    let out = dir.path().join("sparse.ron");
    let v = import_json(&[&f], &out);
    assert_eq!(v["requests"].as_u64(), Some(sparse.len() as u64));
    let trace = std::fs::read_to_string(dir.path().join("sparse-trace.csv")).unwrap();
    let rows: Vec<&str> = trace.lines().skip(1).collect();
    let (first, last) = (per[0].0, per[per.len() - 1].0);
    assert_eq!(rows.len() as i64, (last - first) / 60 + 1);
    assert!(
        rows.len() > per.len() * 2,
        "{} rows for {} periods",
        rows.len(),
        per.len()
    );
    let total: f64 = rows
        .iter()
        .map(|l| l.split(',').nth(1).unwrap().parse::<f64>().unwrap())
        .sum();
    assert_eq!(total as usize, sparse.len());
    let written = scenario_runs(&out, "CloudWatch metric periods");
    assert!(
        written.contains("no request time in the logs: 100 ms assumed"),
        "{written}"
    );
}

/// Each format's bad lines (malformed, truncated, another format's) are counted with their
/// numbers; the rest are read.
#[test]
fn bad_lines_of_every_format_are_counted_with_their_numbers() {
    let reqs = requests(5.0, 0.5, 21);
    let dir = tempfile::tempdir().unwrap();
    let cut = |s: &str, n: usize| s.lines().next().unwrap()[..n].to_string();
    let alb = alb_log(&reqs);
    let nginx = nginx_log(&reqs);
    let cloudrun = cloudrun_log(&reqs);
    let cases: Vec<(&str, String, Vec<String>, &str)> = vec![
        (
            "alb",
            alb.clone(),
            vec![
                cut(&alb, 160),
                alb.lines().next().unwrap().replacen(" 0.000 ", " 0.000 banana ", 1),
                nginx.lines().next().unwrap().to_string(),
            ],
            "target_processing_time",
        ),
        (
            "combined",
            nginx.clone(),
            vec![
                cut(&nginx, 30),
                nginx.lines().next().unwrap().replacen(" 200 ", " OK ", 1),
                "2026/11/30 00:00:00 [error] 7#7: *1 upstream timed out".into(),
            ],
            "status",
        ),
        (
            "cloudrun-json",
            cloudrun.clone(),
            vec![
                cut(&cloudrun, 100),
                cloudrun
                    .lines()
                    .next()
                    .unwrap()
                    .replacen("s\",\"protocol", "ms\",\"protocol", 1),
                "not json at all".into(),
            ],
            "latency",
        ),
        (
            "cloudwatch-csv",
            cloudwatch_csv(&reqs).0,
            vec![
                "2026-11-30T00:00:00Z,many,1".into(),
                "tomorrow,5,1".into(),
                "2026-11-30T00:00:00Z,-3,1".into(),
            ],
            "the count `many`",
        ),
    ];
    for (format, log, bad, reason) in cases {
        // the bad lines at 2, the middle and the end (the last one truncated: no newline)
        let mut lines: Vec<String> = log.lines().map(String::from).collect();
        let n = lines.len();
        lines.insert(1, bad[1].clone());
        lines.insert(n / 2, bad[2].clone());
        lines.push(String::new());
        lines.push(bad[0].clone());
        let text = lines.join("\n");
        let f = dir.path().join(format!("{format}.log"));
        std::fs::write(&f, &text).unwrap();
        let out = dir.path().join(format!("{format}.ron"));
        let (code, stdout, err) = run(&[
            "import",
            f.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--format",
            format,
            "--json",
        ]);
        assert_eq!(code, 0, "{format}: {err}");
        let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(v["bad_lines"].as_u64(), Some(3), "{format}: {v}");
        let total = v["lines"].as_u64().unwrap();
        assert_eq!(total as usize, n + 4, "{format}");
        let at: Vec<u64> = v["first_bad_lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["line"].as_u64().unwrap())
            .collect();
        assert_eq!(at, vec![2, n as u64 / 2 + 1, total], "{format}: {v}");
        let reasons = v["first_bad_lines"].to_string();
        assert!(reasons.contains(reason), "{format}: {reasons}");
        assert!(err.contains(&format!("{format}.log:2: ")), "{format}: {err}");
        if format != "cloudwatch-csv" {
            assert_eq!(v["requests"].as_u64(), Some(reqs.len() as u64), "{format}");
        }
    }
}

/// Exit 2 only when nothing is usable, with what was found.
#[test]
fn unusable_logs_of_every_format_are_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.ron");
    let write = |name: &str, text: &str| {
        let f = dir.path().join(name);
        std::fs::write(&f, text).unwrap();
        f
    };
    // gcloud's JSON array: how to export lines instead
    let array = write(
        "read.json",
        "[\n  {\n    \"httpRequest\": {\"latency\": \"0.1s\"},\n    \"timestamp\": \"2026-11-30T00:00:00Z\"\n  }\n]\n",
    );
    let err = import_fails(&array, &out, &[]);
    assert!(err.contains("jq -c '.[]'") && err.contains("JSON array"), "{err}");
    // only the service's own output
    let app = write(
        "app.jsonl",
        "{\"textPayload\":\"hi\",\"timestamp\":\"2026-11-30T00:00:00Z\"}\n",
    );
    let err = import_fails(&app, &out, &["--format", "cloudrun-json"]);
    assert!(err.contains("1 lines, none a cloudrun-json request"), "{err}");
    // a header and nothing else; a header that is not one
    let header = write("empty.csv", "Timestamp,Invocations\n");
    let err = import_fails(&header, &out, &[]);
    assert!(err.contains("none a cloudwatch-csv request"), "{err}");
    let wrong = write("wrong.csv", "when,how many\n2026-11-30T00:00:00Z,4\n");
    let err = import_fails(&wrong, &out, &["--format", "cloudwatch-csv"]);
    assert!(
        err.contains("Timestamp,Invocations") && err.contains("wrong.csv: line 1"),
        "{err}"
    );
    // every line bad: the first named
    let bad = write(
        "bad.log",
        "h - - [30/Nov/2026:00:00:00 +0000] \"GET / HTTP/1.1\" 2x0 1\n",
    );
    let err = import_fails(&bad, &out, &["--format", "combined"]);
    assert!(err.contains("bad.log:1: status `2x0`"), "{err}");
    let empty = write("empty.log", "");
    let err = import_fails(&empty, &out, &["--format", "alb"]);
    assert!(err.contains("the files are empty"), "{err}");
    assert!(!out.exists());
}

/// Lines inside the import's old limits but outside the scenario's (a cold start over ten
/// minutes, a 1 TB response, a time before 1970) are bad lines, named, not an internal
/// error about a fitted scenario that does not load.
#[test]
fn values_a_scenario_cannot_hold_are_bad_lines() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o.ron");
    let good = |t: &str| {
        format!(
            "{t} REPORT RequestId: a\tDuration: 12 ms\tBilled Duration: 12 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\n"
        )
    };
    let mut log = String::new();
    for m in 0..30 {
        log.push_str(&good(&format!("2026-11-30T00:{m:02}:00Z")));
    }
    log.push_str("2026-11-30T00:31:00Z REPORT RequestId: b\tDuration: 1 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 1 MB\tInit Duration: 600001 ms\n");
    log.push_str(&good("0000-01-01T00:00:00Z"));
    let f = dir.path().join("l.log");
    std::fs::write(&f, &log).unwrap();
    let (code, stdout, err) = run(&["import", f.to_str().unwrap(), "-o", out.to_str().unwrap(), "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["requests"].as_u64(), Some(30), "{stdout}");
    assert_eq!(v["bad_lines"].as_u64(), Some(2), "{stdout}");
    assert!(
        err.contains("l.log:31: Init Duration 600001 ms is outside 0 to 600000 ms"),
        "{err}"
    );
    let (code, _, err) = run(&["check", out.to_str().unwrap()]);
    assert_eq!(code, 0, "the fitted scenario loads: {err}");

    // nginx: a response past 10 GiB, and a year-0 time
    let line = |t: &str, bytes: &str| {
        format!("203.0.113.9 - - [{t}] \"GET /a HTTP/1.1\" 200 {bytes} \"-\" \"curl/8\" 0.100\n")
    };
    let mut log = String::new();
    for s in 0..30 {
        log.push_str(&line(&format!("30/Nov/2026:10:00:{s:02} +0000"), "512"));
    }
    log.push_str(&line("30/Nov/2026:10:01:00 +0000", "999999999999"));
    log.push_str(&line("01/Jan/0000:00:00:00 +0000", "512"));
    let f = dir.path().join("access.log");
    std::fs::write(&f, &log).unwrap();
    let out = dir.path().join("n.ron");
    let (code, stdout, err) = run(&["import", f.to_str().unwrap(), "-o", out.to_str().unwrap(), "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["bad_lines"].as_u64(), Some(2), "{stdout} {err}");
    assert!(
        err.contains("access.log:31: size `999999999999` is not a byte count"),
        "{err}"
    );
    let (code, _, err) = run(&["check", out.to_str().unwrap()]);
    assert_eq!(code, 0, "the fitted scenario and its trace load: {err}");
}

/// One request is no calibration: it compared zero cold starts with zero and billed
/// "-100.0 %" of the logs' time.
#[test]
fn a_handful_of_requests_is_not_calibrated() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("one.log");
    std::fs::write(
        &f,
        "2026-11-30T00:00:00Z REPORT RequestId: a\tDuration: 12 ms\tBilled Duration: 12 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\n",
    )
    .unwrap();
    let out = dir.path().join("one.ron");
    let (code, stdout, err) = run(&["import", f.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(
        !stdout.contains("calibration:") && !stdout.contains("-100.0 %"),
        "{stdout}"
    );
    assert!(
        stdout.contains("read 1 request (lambda-report) from 1 file (1 line, 0 bad)"),
        "{stdout}"
    );
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.contains("(1 line read)") && text.contains(": 1 request, "),
        "{text}"
    );
}

/// The calibration says when its replay is no measure: a concurrency limit below the
/// logs' peak throttles the replay (its bill came out "-66 %" with no word why), and a log
/// shorter than its trace's step replays another number of requests (it printed "-100 %").
#[test]
fn a_replay_that_is_throttled_or_cut_short_is_not_compared() {
    let dir = tempfile::tempdir().unwrap();
    let line = |i: usize, t: String| {
        format!(
            "{t} REPORT RequestId: {i} Duration: 899000.00 ms Billed Duration: 899000 ms Memory Size: 1024 MB Max Memory Used: 80 MB\n"
        )
    };
    // five a second for ten minutes, each 15 minutes long: 3,000 in flight at the end
    let text: String = (0..3000)
        .map(|i| {
            let s = i / 5;
            line(
                i,
                format!("2026-01-05T00:{:02}:{:02}.{:03}Z", s / 60, s % 60, (i % 5) * 200),
            )
        })
        .collect();
    let f = dir.path().join("throttled.log");
    std::fs::write(&f, text).unwrap();
    let out = dir.path().join("t.ron");
    let (code, stdout, err) = run(&["import", f.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(
        stdout.contains("The replay throttled 66.7 % of the requests: the function's concurrency limit (1000) is below the logs' peak of 3000 in flight")
            && !stdout.contains("The simulation bills"),
        "{stdout}"
    );
    // 3,000 within one second
    let text: String = (0..3000).map(|i| line(i, "2026-01-05T00:00:00.000Z".into())).collect();
    let f = dir.path().join("second.log");
    std::fs::write(&f, text).unwrap();
    let out = dir.path().join("s.ron");
    let (code, stdout, err) = run(&["import", f.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(
        stdout.contains("read 3000 requests") && !stdout.contains("calibration:"),
        "{stdout}"
    );
}

/// `import api.log -o api.log` wrote the scenario over the log, and `report` could write
/// over the trace its scenario reads: both are refused, and the inputs are kept.
#[test]
fn outputs_never_replace_an_input() {
    let (inv, _) = invocations(5.0, 0.5, 300.0, 3);
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("api.log");
    let text = text_log(&inv);
    std::fs::write(&log, &text).unwrap();
    let err = import_fails(&log, &log, &[]);
    assert!(
        err.contains("api.log: it is one of the logs being imported; choose another output name"),
        "{err}"
    );
    // a side file named after the output (api-trace.csv) that is an input
    let trace_named = dir.path().join("x-trace.csv");
    std::fs::write(&trace_named, &text).unwrap();
    let err = import_fails(&trace_named, &dir.path().join("x.ron"), &["--format", "lambda-report"]);
    assert!(
        err.contains("x-trace.csv: it is one of the logs being imported"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&log).unwrap(), text);
    assert_eq!(std::fs::read_to_string(&trace_named).unwrap(), text);
    assert!(!dir.path().join("x.ron").exists());
    // the scenario imported properly, then a report aimed at its own trace
    let out = dir.path().join("api.ron");
    let (code, _, err) = run(&["import", log.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let trace = dir.path().join("api-trace.csv");
    let before = std::fs::read_to_string(&trace).unwrap();
    let (code, _, err) = run(&["report", out.to_str().unwrap(), "--fast", "-o", trace.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("api-trace.csv: it is a file the scenario reads"), "{err}");
    assert_eq!(std::fs::read_to_string(&trace).unwrap(), before);
}
