//! Distributions of a duration (request time, cold start, keep-alive).
//!
//! The variant fields carry the unit of the field that holds the distribution
//! (`duration_ms` holds milliseconds, `keep_alive_dist_s` seconds). Sampling lives in
//! `sim`; this module only knows the shape, so that both engines and the GUI agree on
//! what a `LogNormal(median, p99)` means.

use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// z-score of the 99th percentile of a standard normal distribution.
pub const Z_P99: f64 = 2.326_347_874_040_840_8;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Dist {
    Fixed(f64),
    Exponential {
        mean: f64,
    },
    /// Log-normal given by its median and 99th percentile (what latency dashboards show).
    LogNormal {
        median: f64,
        p99: f64,
    },
    Uniform {
        min: f64,
        max: f64,
    },
    /// Quantiles observed in logs, for when no parametric form fits: a CSV file of
    /// `quantile,value` rows (cumulative probability from 0 to 1, the value in the field's
    /// unit), relative to the scenario's folder. Between two rows the values are spread
    /// evenly (the quantile function is linear). The file is read when the scenario is
    /// loaded (`model::empirical`); only its path is saved.
    Empirical {
        path: String,
        #[serde(skip)]
        knots: Knots,
    },
}

/// (cumulative probability, value) pairs: probabilities rising from 0 to 1, values never
/// falling. Shared, not copied, when a scenario is cloned (undo keeps many copies).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Knots(pub Arc<[(f64, f64)]>);

impl Knots {
    /// The value at cumulative probability `p` (linear between knots).
    pub fn quantile(&self, p: f64) -> f64 {
        let k = &self.0;
        match k.len() {
            0 => 0.0,
            1 => k[0].1,
            n => {
                // the first knot at or above p (knots rise strictly in p)
                let i = k.partition_point(|&(q, _)| q < p).clamp(1, n - 1);
                let (p0, v0) = k[i - 1];
                let (p1, v1) = k[i];
                if p1 <= p0 {
                    return v1;
                }
                let t = ((p - p0) / (p1 - p0)).clamp(0.0, 1.0);
                v0 + (v1 - v0) * t
            }
        }
    }

    /// The mean of the piecewise-uniform distribution.
    pub fn mean(&self) -> f64 {
        self.0
            .windows(2)
            .map(|w| (w[1].0 - w[0].0) * (w[0].1 + w[1].1) / 2.0)
            .sum()
    }

    fn scaled(&self, k: f64) -> Knots {
        Knots(self.0.iter().map(|&(p, v)| (p, v * k)).collect())
    }
}

impl Dist {
    pub fn mean(&self) -> f64 {
        match *self {
            Dist::Fixed(x) => x,
            Dist::Exponential { mean } => mean,
            Dist::LogNormal { median, p99 } => {
                let (mu, sigma) = lognormal_params(median, p99);
                (mu + sigma * sigma / 2.0).exp()
            }
            Dist::Uniform { min, max } => (min + max) / 2.0,
            Dist::Empirical { ref knots, .. } => knots.mean(),
        }
    }

    /// The value at cumulative probability `p` in (0, 1).
    pub fn quantile(&self, p: f64) -> f64 {
        // an empirical distribution is bounded: its ends are the values observed
        let raw_p = p.clamp(0.0, 1.0);
        let p = p.clamp(1e-12, 1.0 - 1e-12);
        match *self {
            Dist::Fixed(x) => x,
            Dist::Exponential { mean } => -mean * (1.0 - p).ln(),
            Dist::LogNormal { median, p99 } => {
                let (mu, sigma) = lognormal_params(median, p99);
                (mu + sigma * normal_quantile(p)).exp()
            }
            Dist::Uniform { min, max } => min + (max - min) * p,
            Dist::Empirical { ref knots, .. } => knots.quantile(raw_p),
        }
    }

    /// Multiplies every value by `k` (used to convert units and to scale scenarios).
    pub fn scaled(&self, k: f64) -> Dist {
        match *self {
            Dist::Fixed(x) => Dist::Fixed(x * k),
            Dist::Exponential { mean } => Dist::Exponential { mean: mean * k },
            Dist::LogNormal { median, p99 } => Dist::LogNormal {
                median: median * k,
                p99: p99 * k,
            },
            Dist::Uniform { min, max } => Dist::Uniform {
                min: min * k,
                max: max * k,
            },
            Dist::Empirical { ref path, ref knots } => Dist::Empirical {
                path: path.clone(),
                knots: knots.scaled(k),
            },
        }
    }

    /// The parameters as (label, value) pairs, for validation messages and editors.
    pub fn params(&self) -> Vec<(&'static str, f64)> {
        match *self {
            Dist::Fixed(x) => vec![("", x)],
            Dist::Exponential { mean } => vec![("mean", mean)],
            Dist::LogNormal { median, p99 } => vec![("median", median), ("p99", p99)],
            Dist::Uniform { min, max } => vec![("min", min), ("max", max)],
            // checked as the file is read (`model::empirical`)
            Dist::Empirical { .. } => vec![],
        }
    }

    pub fn kind_name(&self) -> &'static str {
        match self {
            Dist::Fixed(_) => "Fixed",
            Dist::Exponential { .. } => "Exponential",
            Dist::LogNormal { .. } => "LogNormal",
            Dist::Uniform { .. } => "Uniform",
            Dist::Empirical { .. } => "Empirical",
        }
    }
}

/// (mu, sigma) of the underlying normal for a log-normal with this median and p99.
pub fn lognormal_params(median: f64, p99: f64) -> (f64, f64) {
    let mu = median.max(f64::MIN_POSITIVE).ln();
    let sigma = ((p99 / median).max(1.0)).ln() / Z_P99;
    (mu, sigma)
}

/// Inverse of the standard normal CDF.
pub fn normal_quantile(p: f64) -> f64 {
    use statrs::distribution::{ContinuousCDF, Normal};
    // statrs' inverse_cdf is accurate and well tested; the standard normal cannot fail.
    match Normal::new(0.0, 1.0) {
        Ok(n) => n.inverse_cdf(p),
        Err(_) => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lognormal_quantiles_hit_median_and_p99() {
        let d = Dist::LogNormal {
            median: 120.0,
            p99: 900.0,
        };
        assert!((d.quantile(0.5) - 120.0).abs() < 1e-9);
        assert!((d.quantile(0.99) - 900.0).abs() < 1e-6);
        // mean of a log-normal exceeds its median: exp(sigma^2/2) * median
        let sigma = (900.0f64 / 120.0).ln() / Z_P99;
        assert!((d.mean() - 120.0 * (sigma * sigma / 2.0).exp()).abs() < 1e-9);
        assert!(d.mean() > 120.0 * 1.4 && d.mean() < 120.0 * 1.5);
    }

    #[test]
    fn empirical_quantiles_are_linear_between_knots() {
        let d = Dist::Empirical {
            path: "d.csv".into(),
            knots: Knots(vec![(0.0, 10.0), (0.5, 20.0), (0.99, 100.0), (1.0, 300.0)].into()),
        };
        assert_eq!(d.quantile(0.25), 15.0);
        assert!((d.quantile(0.99) - 100.0).abs() < 1e-9);
        assert!((d.quantile(0.995) - 200.0).abs() < 1e-6);
        // 0.5 x 15 + 0.49 x 60 + 0.01 x 200
        assert!((d.mean() - (7.5 + 29.4 + 2.0)).abs() < 1e-9);
        assert!((d.scaled(2.0).mean() - 2.0 * d.mean()).abs() < 1e-9);
        assert_eq!(d.scaled(2.0).quantile(0.0), 20.0);
    }

    #[test]
    fn exponential_and_uniform_means() {
        assert_eq!(Dist::Exponential { mean: 5.0 }.mean(), 5.0);
        assert!((Dist::Exponential { mean: 5.0 }.quantile(0.5) - 5.0 * 2f64.ln()).abs() < 1e-12);
        assert_eq!(Dist::Uniform { min: 2.0, max: 4.0 }.mean(), 3.0);
        assert_eq!(Dist::Fixed(7.0).scaled(2.0), Dist::Fixed(14.0));
    }
}
