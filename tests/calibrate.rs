//! `breakeven import` checks its own answer (issue 15): the observed traffic replayed
//! through the simulation gives the observed cold starts, concurrency and bill, a
//! keep-alive is recovered from the cold starts alone, and durations no log-normal fits
//! are kept as observed (`Empirical`).

use std::path::Path;

mod common;
use common::breakeven as run;

/// SplitMix64: a small seeded generator, so the logs are the same on every run.
struct Mix(u64);
impl Mix {
    fn u01(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64 + 0.5 / (1u64 << 53) as f64
    }
    fn lognormal(&mut self, median: f64, p99: f64) -> f64 {
        let z = (-2.0 * self.u01().ln()).sqrt() * (std::f64::consts::TAU * self.u01()).cos();
        median * ((p99 / median).ln() / 2.326_347_874 * z).exp()
    }
}

/// REPORT lines of Poisson traffic at `rps` for `days`, served by environments that stay
/// `keep_alive_s` after their last request (counted from its end, as Lambda does); a cold
/// start's INIT is billed with the request (Lambda since August 2025). `duration` draws
/// one duration, ms. Returns the log and its cold starts.
fn report_log(
    rps: f64,
    days: f64,
    keep_alive_s: f64,
    seed: u64,
    mut duration: impl FnMut(&mut Mix) -> f64,
) -> (String, u64) {
    let mut rng = Mix(seed);
    let start = 1_796_083_200.0; // 2026-11-30T00:00:00Z
    let (mut t, mut cold) = (start, 0u64);
    let mut free_since: Vec<f64> = Vec::new();
    let mut busy_until: Vec<f64> = Vec::new();
    let mut lines: Vec<(f64, String)> = Vec::new();
    loop {
        t += -rng.u01().ln() / rps;
        if t > start + days * 86_400.0 {
            break;
        }
        busy_until.retain(|&b| {
            if b <= t {
                free_since.push(b);
            }
            b > t
        });
        free_since.retain(|&f| t - f <= keep_alive_s);
        let d = duration(&mut rng);
        let init = match (0..free_since.len()).max_by(|&a, &b| free_since[a].total_cmp(&free_since[b])) {
            Some(j) => {
                free_since.swap_remove(j);
                None
            }
            None => {
                cold += 1;
                Some(rng.lognormal(240.0, 600.0))
            }
        };
        let end = t + (d + init.unwrap_or(0.0)) / 1000.0;
        busy_until.push(end);
        lines.push((
            end,
            format!(
                "{} REPORT RequestId: r{}\tDuration: {d:.2} ms\tBilled Duration: {:.0} ms\tMemory Size: 1024 MB\tMax Memory Used: 90 MB\t{}\n",
                breakeven::import::rfc3339(end),
                lines.len(),
                (d + init.unwrap_or(0.0)).ceil(),
                init.map(|x| format!("Init Duration: {x:.2} ms\t")).unwrap_or_default()
            ),
        ));
    }
    lines.sort_by(|a, b| a.0.total_cmp(&b.0));
    (lines.into_iter().map(|(_, l)| l).collect(), cold)
}

fn import(log: &str, dir: &Path) -> serde_json::Value {
    let file = dir.join("fn.log");
    std::fs::write(&file, log).unwrap();
    let out = dir.join("fn.breakeven.ron");
    let (code, stdout, err) = run(&["import", file.to_str().unwrap(), "-o", out.to_str().unwrap(), "--json"]);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

fn row<'a>(c: &'a serde_json::Value, what: &str) -> &'a serde_json::Value {
    c["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["what"] == what)
        .unwrap_or_else(|| panic!("no row {what}: {c}"))
}

/// One request every 200 s for 20 days with a 10-minute keep-alive: P(cold) = e^-3, about
/// 5 %, 430 cold starts. The fit finds the keep-alive from the cold starts alone, and the
/// replay with it gives the observed cold starts, concurrency and bill.
#[test]
fn the_replay_recovers_the_keep_alive_and_the_bill() {
    let (log, cold) = report_log(0.005, 20.0, 600.0, 11, |r| r.lognormal(80.0, 400.0));
    assert!((350..550).contains(&cold), "{cold}");
    let dir = tempfile::tempdir().unwrap();
    let v = import(&log, dir.path());
    let c = &v["calibration"];
    assert_eq!(c["fit_inside_range"], true, "{c}");
    let ka = c["fitted_keep_alive_s"].as_f64().unwrap();
    // the count's own noise (1/sqrt(430) = 5 %) moves the fit by about 0.05 / lambda = 10 s
    assert!((ka / 600.0 - 1.0).abs() < 0.1, "fitted keep-alive {ka} s: {c}");
    let cs = row(c, "cold starts");
    assert_eq!(cs["observed"].as_f64(), Some(cold as f64));
    assert!(
        (cs["fitted"].as_f64().unwrap() / cold as f64 - 1.0).abs() < 0.03,
        "{cs}"
    );
    // with the scenario's own 600 s the replay is the generator's model
    let sim = cs["simulated"].as_f64().unwrap();
    assert!((sim - cold as f64).abs() < 4.0 * (cold as f64).sqrt(), "{cs}");
    // one request in flight at a time, averaged over the series bucket
    let peak = row(c, "peak concurrency");
    let (o, f) = (peak["observed"].as_f64().unwrap(), peak["fitted"].as_f64().unwrap());
    assert!(o > 0.0 && (f / o - 1.0).abs() < 0.5, "{peak}");
    let gbs = row(c, "billed GB-seconds");
    let (o, f) = (gbs["observed"].as_f64().unwrap(), gbs["fitted"].as_f64().unwrap());
    assert!((f / o - 1.0).abs() < 0.03, "{gbs}");
    let bill = row(c, "compute bill");
    let (o, f) = (bill["observed"].as_f64().unwrap(), bill["fitted"].as_f64().unwrap());
    assert!((f / o - 1.0).abs() < 0.03, "{bill}");
    // the scenario keeps the fitted keep-alive and says so
    let text = std::fs::read_to_string(dir.path().join("fn.breakeven.ron")).unwrap();
    assert!(text.contains(&format!("keep_alive_s: {ka:?},")), "{text}");
    assert!(text.contains("fitted so that replaying the observed traffic gives the observed cold starts"));
    let (code, _, err) = run(&["check", dir.path().join("fn.breakeven.ron").to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
}

/// Durations from two populations (cache hits at 5 ms, misses at 200 ms) fit no
/// log-normal: the scenario keeps the observed quantiles, and the simulation draws them.
#[test]
fn durations_no_log_normal_fits_are_kept_as_observed() {
    let (log, _) = report_log(2.0, 0.5, 600.0, 5, |r| {
        if r.u01() < 0.7 {
            r.lognormal(5.0, 8.0)
        } else {
            r.lognormal(200.0, 400.0)
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let v = import(&log, dir.path());
    assert_eq!(v["duration_fit"]["good"], false, "{}", v["duration_fit"]);
    let durations = dir.path().join("fn-durations.csv");
    assert_eq!(v["durations"].as_str(), Some(durations.to_str().unwrap()));
    let text = std::fs::read_to_string(dir.path().join("fn.breakeven.ron")).unwrap();
    assert!(
        text.contains("duration_ms: Empirical(path: \"fn-durations.csv\")"),
        "{text}"
    );
    let cat = breakeven::pricing::Catalog::builtin().unwrap();
    let s = breakeven::model::load_scenario_file(&dir.path().join("fn.breakeven.ron"), &cat).unwrap();
    let d = &s.workloads[0].request.duration_ms;
    // the scenario holds durations at one full vCPU; the logs' were at 1024 MB
    let slowdown = breakeven::import::fit::lambda_slowdown(&cat, 1024);
    assert!((slowdown - (0.5 + 0.5 * 1769.0 / 1024.0)).abs() < 1e-9, "{slowdown}");
    for (q, key) in [(0.5, "p50"), (0.99, "p99")] {
        let want = v["duration_ms"][key].as_f64().unwrap();
        let got = d.quantile(q) * slowdown;
        assert!((got / want - 1.0).abs() < 0.05, "{key}: {got} vs {want}");
    }
    // the median of the mixture lies among the hits, the p99 among the misses
    assert!(
        d.quantile(0.5) * slowdown < 10.0 && d.quantile(0.99) * slowdown > 200.0,
        "{d:?}"
    );
}

/// Three requests a second of 50 ms for a day: environments are rarely idle for the
/// keep-alive, so the cold starts come from requests that overlap by chance and need a
/// second or third environment. The replay keeps each second's count and places its
/// requests at random, as they came, so it finds them (evenly spaced, it found half); the
/// generator's own 600 s keep-alive gives the observed count within its noise.
#[test]
fn cold_starts_from_overlapping_requests_are_replayed() {
    let (log, cold) = report_log(3.0, 1.0, 600.0, 23, |r| r.lognormal(50.0, 200.0));
    assert!(cold > 30, "{cold}");
    let dir = tempfile::tempdir().unwrap();
    let v = import(&log, dir.path());
    let c = &v["calibration"];
    let cs = row(c, "cold starts");
    assert_eq!(cs["observed"].as_f64(), Some(cold as f64));
    let sim = cs["simulated"].as_f64().unwrap();
    assert!(
        (sim - cold as f64).abs() < 4.0 * (cold as f64).sqrt(),
        "{cold} observed, {sim} replayed: {c}"
    );
    let text = std::fs::read_to_string(dir.path().join("fn.breakeven.ron")).unwrap();
    assert!(text.contains("arrivals: Counted"), "{text}");
}
