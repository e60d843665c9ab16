use breakeven::model::parse_scenario;
use breakeven::pricing::Catalog;
use breakeven::sim::{Control, Mode, TraceStore, prepare, run};
use std::path::Path;
use std::time::Instant;
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rps: f64 = args[1].parse().unwrap();
    let ms: f64 = args[2].parse().unwrap();
    let days: f64 = args[3].parse().unwrap();
    let cat = Catalog::builtin().unwrap();
    let text = format!(r#"Scenario(version: 1, name: "perf", horizon_days: {days}, seed: 1,
      traffic: Traffic(components: [Constant(rps: {rps})]),
      workload: Workload(duration_ms: LogNormal(median: {ms}, p99: {p99}), cpu_fraction: 0.0, cold_start_ms: Fixed(200.0)),
      platforms: [Function(name: "L", service: "aws-lambda", memory_mb: 1024, max_concurrency: 100000)])"#, p99 = ms * 4.0);
    let s = parse_scenario(&text, "p", None, &cat).unwrap();
    let p = prepare(&s, Path::new("."), &cat, &mut TraceStore::default()).unwrap();
    let t = Instant::now();
    let r = run(&p, &cat, Mode::Exact, &Control::default()).unwrap();
    let el = t.elapsed().as_secs_f64();
    let pr = &r.platforms[0];
    println!("{} requests in {:.3} s = {:.1} M req/s; mean live {:.1}, peak {}", pr.requests, el, pr.requests as f64 / el / 1e6, pr.mean_instances, pr.peak_instances);
}
#[allow(dead_code)]
fn unused() {}
