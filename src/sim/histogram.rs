//! A fixed-size log-linear histogram of latencies (ms): 64 buckets per power of two from
//! 2^-10 ms to 2^30 ms, about 1 % wide each. Recording is a shift of the float's bits, so
//! it costs a few nanoseconds and memory stays constant in the number of requests.

use serde::Serialize;

const SUB_BITS: u32 = 6;
const SUB: usize = 1 << SUB_BITS;
const MIN_EXP: i32 = -10;
const MAX_EXP: i32 = 30;
pub const BUCKETS: usize = ((MAX_EXP - MIN_EXP) as usize) * SUB;

#[derive(Clone, Debug, PartialEq)]
pub struct Histogram {
    counts: Vec<f64>,
    total: f64,
    sum: f64,
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram {
            counts: vec![0.0; BUCKETS],
            total: 0.0,
            sum: 0.0,
        }
    }
}

/// 2^MIN_EXP.
const MIN_VALUE: f64 = 1.0 / 1024.0;

#[inline(always)]
fn index(v: f64) -> usize {
    if v <= MIN_VALUE {
        return 0;
    }
    let bits = v.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32 - 1023;
    if exp >= MAX_EXP {
        return BUCKETS - 1;
    }
    let sub = ((bits >> (52 - SUB_BITS)) & (SUB as u64 - 1)) as usize;
    (exp - MIN_EXP) as usize * SUB + sub
}

/// Lower edge of bucket `i`, ms.
pub fn bucket_low(i: usize) -> f64 {
    let exp = (i / SUB) as i32 + MIN_EXP;
    let sub = (i % SUB) as f64;
    f64::from_bits(((exp + 1023) as u64) << 52) * (1.0 + sub / SUB as f64)
}

impl Histogram {
    #[inline(always)]
    pub fn record(&mut self, v: f64) {
        self.counts[index(v)] += 1.0;
        self.total += 1.0;
        self.sum += v;
    }

    pub fn record_weighted(&mut self, v: f64, w: f64) {
        if w > 0.0 && v.is_finite() {
            self.counts[index(v)] += w;
            self.total += w;
            self.sum += v * w;
        }
    }

    pub fn merge(&mut self, other: &Histogram) {
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        self.total += other.total;
        self.sum += other.sum;
    }

    pub fn total(&self) -> f64 {
        self.total
    }

    pub fn mean(&self) -> f64 {
        if self.total > 0.0 { self.sum / self.total } else { 0.0 }
    }

    /// The value below which a share `q` of the weight lies (interpolated in the bucket).
    pub fn quantile(&self, q: f64) -> f64 {
        if self.total <= 0.0 {
            return 0.0;
        }
        let target = q.clamp(0.0, 1.0) * self.total;
        let mut acc = 0.0;
        for (i, c) in self.counts.iter().enumerate() {
            if *c <= 0.0 {
                continue;
            }
            if acc + c >= target {
                let lo = bucket_low(i);
                let hi = bucket_low(i + 1);
                let frac = ((target - acc) / c).clamp(0.0, 1.0);
                return lo * (hi / lo).powf(frac);
            }
            acc += c;
        }
        bucket_low(BUCKETS - 1)
    }

    /// Share of the weight above `v`.
    pub fn share_above(&self, v: f64) -> f64 {
        if self.total <= 0.0 {
            return 0.0;
        }
        let k = index(v);
        let lo = bucket_low(k);
        let hi = bucket_low(k + 1);
        let above: f64 = self.counts[k + 1..].iter().sum();
        // assume a log-uniform spread within the bucket holding v
        let part = if hi > lo {
            ((hi / v.max(lo)).ln() / (hi / lo).ln()).clamp(0.0, 1.0)
        } else {
            0.0
        };
        ((above + self.counts[k] * part) / self.total).clamp(0.0, 1.0)
    }

    /// Non-empty buckets as (lower edge ms, upper edge ms, share of weight), for plots.
    pub fn bars(&self) -> Vec<Bar> {
        if self.total <= 0.0 {
            return Vec::new();
        }
        self.counts
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0.0)
            .map(|(i, c)| Bar {
                low_ms: bucket_low(i),
                high_ms: bucket_low(i + 1),
                share: c / self.total,
            })
            .collect()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Bar {
    pub low_ms: f64,
    pub high_ms: f64,
    pub share: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_within_one_percent() {
        let mut h = Histogram::default();
        for i in 1..=100_000 {
            h.record(i as f64 / 100.0);
        }
        for (q, want) in [(0.5, 500.0), (0.95, 950.0), (0.99, 990.0)] {
            let got = h.quantile(q);
            assert!((got / want - 1.0).abs() < 0.012, "q{q}: {got} vs {want}");
        }
        assert!((h.mean() - 500.005).abs() < 1e-6);
        assert!((h.share_above(900.0) - 0.1).abs() < 0.002);
    }

    #[test]
    fn extremes_do_not_panic() {
        let mut h = Histogram::default();
        for v in [0.0, -1.0, 1e-300, 1e300, f64::MAX] {
            h.record(v);
        }
        assert_eq!(h.total(), 5.0);
        assert!(h.quantile(1.0) > 0.0);
        let mut e = Histogram::default();
        e.record_weighted(f64::NAN, 1.0);
        assert_eq!(e.total(), 0.0);
        assert_eq!(e.quantile(0.5), 0.0);
    }
}
