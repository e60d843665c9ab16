//! Flat-memory summaries of a log: arrivals counted per second (per minute once the log
//! spans more than `PER_SECOND_MAX_S`), and durations in log-spaced bins with the exact
//! sums the log-normal's maximum-likelihood fit needs. Neither grows with the number of
//! lines, so a log of tens of millions of lines is read in the same memory as a short one.

/// Arrivals per interval of `step_s` seconds, from `origin_s` (Unix seconds) on.
#[derive(Clone, Debug, Default)]
pub struct Counts {
    pub origin_s: i64,
    pub step_s: i64,
    pub counts: Vec<u64>,
    /// First and last second counted (the span check reads these, not the vector, which
    /// keeps slack to the left).
    min_s: i64,
    max_s: i64,
}

/// Longest span kept per second (31 days: 2.7 M intervals); longer logs per minute.
pub const PER_SECOND_MAX_S: i64 = 31 * 86_400;
/// Longest span read at all (the scenario's horizon limit).
pub const SPAN_MAX_S: i64 = 366 * 86_400;

impl Counts {
    /// Counts one arrival at `t_s`; `Err` when it lies more than `SPAN_MAX_S` from the
    /// arrivals already counted.
    pub fn add(&mut self, t_s: f64) -> Result<(), String> {
        self.add_n(t_s, 1)
    }

    /// Adds `n` to the interval holding `t_s` (busy milliseconds, say, not arrivals).
    pub fn add_n(&mut self, t_s: f64, n: u64) -> Result<(), String> {
        let t = t_s.floor() as i64;
        if self.counts.is_empty() {
            self.origin_s = t;
            self.step_s = 1;
            self.counts.push(n);
            (self.min_s, self.max_s) = (t, t);
            return Ok(());
        }
        let (lo, hi) = (self.min_s.min(t), self.max_s.max(t));
        if hi - lo >= SPAN_MAX_S {
            return Err(format!(
                "the request at {} lies more than 366 days from the others",
                crate::import::rfc3339(t_s)
            ));
        }
        (self.min_s, self.max_s) = (lo, hi);
        if self.step_s == 1 && hi - lo >= PER_SECOND_MAX_S {
            self.coarsen(60);
        }
        let step = self.step_s;
        if t < self.origin_s {
            // grow to the left with slack (logs of several streams arrive a little out of
            // order; copying the whole vector for every step back would be quadratic)
            let need = (self.origin_s - t + step - 1) / step;
            let room = need + (self.counts.len() as i64 / 4).min(3_600);
            let mut grown = vec![0u64; room as usize];
            grown.extend_from_slice(&self.counts);
            self.counts = grown;
            self.origin_s -= room * step;
        }
        let i = ((t - self.origin_s) / step) as usize;
        if i >= self.counts.len() {
            self.counts.resize(i + 1, 0);
        }
        self.counts[i] += n;
        Ok(())
    }

    fn coarsen(&mut self, step_s: i64) {
        let origin = self.origin_s.div_euclid(step_s) * step_s;
        let mut out: Vec<u64> = Vec::new();
        for (i, &c) in self.counts.iter().enumerate() {
            let t = self.origin_s + i as i64 * self.step_s;
            let j = ((t - origin) / step_s) as usize;
            if j >= out.len() {
                out.resize(j + 1, 0);
            }
            out[j] += c;
        }
        self.origin_s = origin;
        self.step_s = step_s;
        self.counts = out;
    }

    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// Seconds from the first counted interval's start to the last one's end.
    pub fn span_s(&self) -> f64 {
        match self.used() {
            Some((a, b)) => ((b - a + 1) as i64 * self.step_s) as f64,
            None => 0.0,
        }
    }

    /// When interval `i` starts, Unix seconds.
    pub fn start_s(&self, i: usize) -> f64 {
        (self.origin_s + i as i64 * self.step_s) as f64
    }

    /// The first and last intervals with arrivals.
    pub fn used(&self) -> Option<(usize, usize)> {
        let first = self.counts.iter().position(|&c| c > 0)?;
        let last = self.counts.iter().rposition(|&c| c > 0)?;
        Some((first, last))
    }
}

/// Bins per factor of e: 1 % apart, so a quantile read from the bins is within 0.5 %.
const BINS_PER_E: f64 = 100.5;
/// Smallest value binned, ms (smaller values share the first bin).
const LO_MS: f64 = 0.001;
/// Bins up to 10^8 ms (28 hours).
const NBINS: usize = 2_300;

/// Positive durations (ms): log-spaced counts, and the exact count, sum, sum of logs and
/// sum of squared logs.
#[derive(Clone, Debug)]
pub struct LogSketch {
    bins: Vec<u64>,
    pub n: u64,
    pub sum: f64,
    pub sum_ln: f64,
    pub sum_ln2: f64,
    pub min: f64,
    pub max: f64,
}

impl Default for LogSketch {
    fn default() -> Self {
        LogSketch {
            bins: vec![0; NBINS],
            n: 0,
            sum: 0.0,
            sum_ln: 0.0,
            sum_ln2: 0.0,
            min: f64::INFINITY,
            max: 0.0,
        }
    }
}

impl LogSketch {
    /// Lower edge of bin `i`, ms.
    fn edge(i: usize) -> f64 {
        LO_MS * (i as f64 / BINS_PER_E).exp()
    }

    /// Adds a positive, finite value (the caller has checked it).
    pub fn add(&mut self, x: f64) {
        let l = x.max(LO_MS).ln();
        // the bin from the same logarithm (one `ln` per value: this runs once a line)
        let b = (((l - LO_MS.ln()) * BINS_PER_E).max(0.0) as usize).min(NBINS - 1);
        self.bins[b] += 1;
        self.n += 1;
        self.sum += x;
        self.sum_ln += l;
        self.sum_ln2 += l * l;
        self.min = self.min.min(x);
        self.max = self.max.max(x);
    }

    pub fn mean(&self) -> f64 {
        if self.n == 0 { 0.0 } else { self.sum / self.n as f64 }
    }

    /// The bins that hold values: (lower edge, upper edge, count), for histograms.
    pub fn bins(&self) -> impl Iterator<Item = (f64, f64, u64)> + '_ {
        self.bins
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(|(i, &c)| (Self::edge(i), Self::edge(i + 1), c))
    }

    /// The `q` quantile (0..1), interpolated within its bin (log scale).
    pub fn quantile(&self, q: f64) -> Option<f64> {
        if self.n == 0 {
            return None;
        }
        let target = q.clamp(0.0, 1.0) * self.n as f64;
        let mut acc = 0.0;
        for (i, &c) in self.bins.iter().enumerate() {
            if c == 0 {
                continue;
            }
            let next = acc + c as f64;
            if next >= target {
                let f = ((target - acc) / c as f64).clamp(0.0, 1.0);
                let (a, b) = (Self::edge(i).ln(), Self::edge(i + 1).ln());
                return Some((a + f * (b - a)).exp().clamp(self.min, self.max));
            }
            acc = next;
        }
        Some(self.max)
    }

    /// The log-normal's maximum-likelihood parameters (mean and standard deviation of the
    /// logs), when there are at least two values.
    pub fn lognormal_mle(&self) -> Option<(f64, f64)> {
        if self.n < 2 {
            return None;
        }
        let n = self.n as f64;
        let mu = self.sum_ln / n;
        let var = (self.sum_ln2 / n - mu * mu).max(0.0);
        Some((mu, var.sqrt()))
    }

    /// Kolmogorov-Smirnov distance between the binned values and the log-normal (mu,
    /// sigma): the largest gap between the two CDFs at the bin edges.
    pub fn ks_lognormal(&self, mu: f64, sigma: f64) -> f64 {
        if self.n == 0 {
            return 0.0;
        }
        let n = self.n as f64;
        let cdf = |x: f64| {
            if sigma <= 0.0 {
                if x.ln() >= mu { 1.0 } else { 0.0 }
            } else {
                0.5 * statrs::function::erf::erfc(-(x.ln() - mu) / (sigma * std::f64::consts::SQRT_2))
            }
        };
        let (mut acc, mut d) = (0.0, 0.0f64);
        for (i, &c) in self.bins.iter().enumerate() {
            if c == 0 {
                continue;
            }
            let before = acc / n;
            acc += c as f64;
            let after = acc / n;
            d = d.max((cdf(Self::edge(i)) - before).abs());
            d = d.max((cdf(Self::edge(i + 1)) - after).abs());
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_are_within_half_a_percent_and_the_fit_is_exact_on_logs() {
        let mut s = LogSketch::default();
        let xs: Vec<f64> = (1..=10_000).map(|i| i as f64 * 0.37).collect();
        for &x in &xs {
            s.add(x);
        }
        for q in [0.5, 0.95, 0.99] {
            let exact = xs[(q * xs.len() as f64) as usize - 1];
            let got = s.quantile(q).unwrap();
            assert!((got / exact - 1.0).abs() < 0.006, "q{q}: {got} vs {exact}");
        }
        let (mu, sigma) = s.lognormal_mle().unwrap();
        let n = xs.len() as f64;
        let m: f64 = xs.iter().map(|x| x.ln()).sum::<f64>() / n;
        let v: f64 = xs.iter().map(|x| (x.ln() - m).powi(2)).sum::<f64>() / n;
        assert!((mu - m).abs() < 1e-9 && (sigma - v.sqrt()).abs() < 1e-9);
    }

    #[test]
    fn counts_grow_both_ways_and_turn_to_minutes_past_a_month() {
        let mut c = Counts::default();
        c.add(1000.5).unwrap();
        c.add(990.0).unwrap();
        c.add(1003.9).unwrap();
        assert_eq!(c.step_s, 1);
        assert_eq!(c.total(), 3);
        assert_eq!(c.span_s(), 14.0);
        c.add(1000.0 + 40.0 * 86_400.0).unwrap();
        assert_eq!(c.step_s, 60);
        assert_eq!(c.total(), 4);
        assert!(c.add(1000.0 + 400.0 * 86_400.0).is_err());
        assert_eq!(c.total(), 4);
    }
}
