use breakeven::sim::rng::{Rng, Sampler};
use breakeven::model::Dist;
use std::time::Instant;
fn main() {
    let n = 50_000_000u64;
    let mut r = Rng::new(1, 1);
    let t = Instant::now();
    let mut acc = 0.0;
    for _ in 0..n { acc += r.exp1(); }
    println!("exp1: {:.1} ns ({acc})", t.elapsed().as_nanos() as f64 / n as f64);
    let s = Sampler::new(&Dist::LogNormal { median: 80.0, p99: 320.0 });
    let t = Instant::now();
    for _ in 0..n { acc += s.sample(&mut r); }
    println!("lognormal: {:.1} ns ({acc})", t.elapsed().as_nanos() as f64 / n as f64);
    let t = Instant::now();
    for _ in 0..n { acc += r.normal(); }
    println!("normal: {:.1} ns ({acc})", t.elapsed().as_nanos() as f64 / n as f64);
    let mut h = std::collections::BinaryHeap::new();
    let t = Instant::now();
    let mut now = 0.0f64;
    for _ in 0..n { now += 0.01; h.push(std::cmp::Reverse(((now + 0.08 * r.exp1()).to_bits(), 1u32))); while let Some(std::cmp::Reverse((k, _))) = h.peek() { if f64::from_bits(*k) <= now { h.pop(); } else { break } } }
    println!("heap cycle (~8 busy): {:.1} ns", t.elapsed().as_nanos() as f64 / n as f64);
}
