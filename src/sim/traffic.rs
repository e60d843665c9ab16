//! The scenario's traffic as a piecewise-constant request rate over the horizon.
//!
//! Each component is integrated exactly over each piece (so the expected number of
//! requests is right whatever the resolution), and arrivals are then drawn from the
//! piecewise-constant rate — exact for a non-homogeneous Poisson process with that rate.

use super::trace::{Trace, TraceStore};
use crate::model::{Component, Located, Scenario};
use std::f64::consts::PI;
use std::path::Path;
use std::sync::Arc;

const DAY_S: f64 = 86_400.0;
const MONTH_S: f64 = 30.0 * DAY_S;
/// The profile's default resolution.
pub const DEFAULT_STEP_S: f64 = 60.0;

/// Request rate (req/s) per piece. All pieces have length `step_s` except possibly the
/// last, which ends at the horizon.
#[derive(Clone, Debug, PartialEq)]
pub struct RateProfile {
    pub step_s: f64,
    pub horizon_s: f64,
    pub rates: Vec<f64>,
}

impl RateProfile {
    pub fn len(&self) -> usize {
        self.rates.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rates.is_empty()
    }

    pub fn start(&self, i: usize) -> f64 {
        i as f64 * self.step_s
    }

    pub fn piece_len(&self, i: usize) -> f64 {
        (self.horizon_s - self.start(i)).min(self.step_s).max(0.0)
    }

    /// Expected number of requests over the horizon.
    pub fn expected_requests(&self) -> f64 {
        self.rates.iter().enumerate().map(|(i, r)| r * self.piece_len(i)).sum()
    }

    pub fn mean_rps(&self) -> f64 {
        if self.horizon_s > 0.0 {
            self.expected_requests() / self.horizon_s
        } else {
            0.0
        }
    }

    pub fn peak_rps(&self) -> f64 {
        self.rates.iter().copied().fold(0.0, f64::max)
    }

    /// Share of time with (almost) no traffic: pieces below 1 % of the mean rate.
    pub fn idle_share(&self) -> f64 {
        let mean = self.mean_rps();
        if self.horizon_s <= 0.0 || mean <= 0.0 {
            return 1.0;
        }
        let idle: f64 = self
            .rates
            .iter()
            .enumerate()
            .filter(|(_, r)| **r < 0.01 * mean)
            .map(|(i, _)| self.piece_len(i))
            .sum();
        // an empty float sum is -0.0; report +0.0
        idle / self.horizon_s + 0.0
    }

    /// The same shape at `k` times the volume.
    pub fn scaled(&self, k: f64) -> RateProfile {
        RateProfile {
            step_s: self.step_s,
            horizon_s: self.horizon_s,
            rates: self.rates.iter().map(|r| r * k).collect(),
        }
    }

    /// Merges `factor` consecutive pieces (rates averaged by duration).
    pub fn coarsened(&self, factor: usize) -> RateProfile {
        if factor <= 1 {
            return self.clone();
        }
        let step = self.step_s * factor as f64;
        let rates = self
            .rates
            .chunks(factor)
            .enumerate()
            .map(|(c, chunk)| {
                let mut req = 0.0;
                let mut len = 0.0;
                for (j, r) in chunk.iter().enumerate() {
                    let l = self.piece_len(c * factor + j);
                    req += r * l;
                    len += l;
                }
                if len > 0.0 { req / len } else { 0.0 }
            })
            .collect();
        RateProfile {
            step_s: step,
            horizon_s: self.horizon_s,
            rates,
        }
    }

    /// Average rate over [t0, t1) (for plots at another resolution).
    pub fn mean_over(&self, t0: f64, t1: f64) -> f64 {
        if t1 <= t0 {
            return 0.0;
        }
        let mut acc = 0.0;
        let first = (t0 / self.step_s).floor().max(0.0) as usize;
        for i in first..self.rates.len() {
            let a = self.start(i);
            let b = a + self.piece_len(i);
            if a >= t1 {
                break;
            }
            let ov = (b.min(t1) - a.max(t0)).max(0.0);
            acc += self.rates[i] * ov;
        }
        acc / (t1 - t0)
    }
}

/// Resolves the scenario's trace files (relative to `base_dir`) and builds the profile.
pub fn build_profile(s: &Scenario, base_dir: &Path, traces: &mut TraceStore) -> Result<RateProfile, Located> {
    let mut loaded: Vec<(usize, Arc<Trace>, f64)> = Vec::new();
    for (i, c) in s.traffic.components.iter().enumerate() {
        if let Component::Trace {
            path,
            format,
            function,
            app,
            scale,
        } = c
        {
            let full = base_dir.join(path);
            let tr = traces
                .get(&full, *format, function.as_deref(), app.as_deref())
                .map_err(|mut e| {
                    if e.line == 0 {
                        e.field = format!("traffic.components[{i}].path");
                    }
                    e
                })?;
            loaded.push((i, tr, *scale));
        }
    }
    let horizon = s.horizon_s();
    let mut step = DEFAULT_STEP_S;
    for (_, tr, _) in &loaded {
        step = step.min(tr.min_step_s().max(1.0));
    }
    Ok(profile_with(s, horizon, step, &loaded))
}

fn profile_with(s: &Scenario, horizon: f64, step: f64, traces: &[(usize, Arc<Trace>, f64)]) -> RateProfile {
    let n = (horizon / step).ceil().max(1.0) as usize;
    let mut p = RateProfile {
        step_s: step,
        horizon_s: horizon,
        rates: vec![0.0; n],
    };
    let mut growth: Vec<f64> = Vec::new();
    for c in &s.traffic.components {
        match *c {
            Component::Constant { rps } => p.rates.iter_mut().for_each(|r| *r += rps),
            Component::Diurnal {
                peak_rps,
                trough_rps,
                peak_hour,
            } => {
                let amp = (peak_rps - trough_rps) / 2.0;
                let omega = 2.0 * PI / DAY_S;
                let tp = peak_hour * 3600.0;
                for i in 0..n {
                    let (a, len) = (p.start(i), p.piece_len(i));
                    // mean of cos(omega (t - tp)) over [a, a + len)
                    let avg_cos = ((omega * (a + len - tp)).sin() - (omega * (a - tp)).sin()) / (omega * len);
                    p.rates[i] += trough_rps + amp + amp * avg_cos;
                }
            }
            Component::Spike {
                day,
                hour,
                duration_min,
                requests,
            } => {
                let start = day * DAY_S + hour * 3600.0;
                let dur = duration_min * 60.0;
                add_window(&mut p, start, start + dur, requests / dur);
            }
            Component::Scheduled {
                every_hours,
                at_hour,
                duration_min,
                rps,
            } => {
                let period = every_hours * 3600.0;
                let mut t = at_hour * 3600.0;
                while t < horizon {
                    add_window(&mut p, t, t + duration_min * 60.0, rps);
                    t += period;
                }
            }
            Component::Growth { monthly_pct } => growth.push(monthly_pct),
            Component::Trace { .. } => {}
        }
    }
    for (_, tr, scale) in traces {
        for i in 0..n {
            let (a, len) = (p.start(i), p.piece_len(i));
            p.rates[i] += scale * (tr.cumulative_at(a + len) - tr.cumulative_at(a)) / len;
        }
    }
    for pct in growth {
        let k = (1.0 + pct / 100.0).ln() / MONTH_S; // g(t) = exp(k t)
        for i in 0..n {
            let (a, len) = (p.start(i), p.piece_len(i));
            let mean_g = if k.abs() < 1e-15 {
                1.0
            } else {
                ((k * (a + len)).exp() - (k * a).exp()) / (k * len)
            };
            p.rates[i] *= mean_g;
        }
    }
    for r in p.rates.iter_mut() {
        if !r.is_finite() || *r < 0.0 {
            *r = 0.0;
        }
    }
    p
}

/// Adds `rate` over [t0, t1) to the overlapping pieces.
fn add_window(p: &mut RateProfile, t0: f64, t1: f64, rate: f64) {
    if t1 <= 0.0 || t0 >= p.horizon_s || t1 <= t0 {
        return;
    }
    let first = (t0.max(0.0) / p.step_s).floor() as usize;
    for i in first..p.rates.len() {
        let a = p.start(i);
        let len = p.piece_len(i);
        if a >= t1 {
            break;
        }
        let ov = ((a + len).min(t1) - a.max(t0)).max(0.0);
        p.rates[i] += rate * ov / len;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Arrivals, Dist, Traffic, Workload};

    fn scenario(components: Vec<Component>, days: f64) -> Scenario {
        Scenario {
            version: 1,
            name: "t".into(),
            description: String::new(),
            horizon_days: days,
            seed: 1,
            traffic: Traffic {
                arrivals: Arrivals::Poisson,
                components,
            },
            workload: Workload {
                duration_ms: Dist::Fixed(100.0),
                cpu_fraction: 0.5,
                cold_start_ms: Dist::Fixed(100.0),
                request_kb: 0.0,
                response_kb: 0.0,
                latency_slo_ms: None,
                requests_per_connection: 1.0,
            },
            platforms: vec![],
            uncertainty: None,
        }
    }

    fn build(c: Vec<Component>, days: f64) -> RateProfile {
        build_profile(&scenario(c, days), Path::new("."), &mut TraceStore::default()).unwrap()
    }

    #[test]
    fn components_integrate_to_their_volumes() {
        let p = build(vec![Component::Constant { rps: 2.0 }], 1.0);
        assert!((p.expected_requests() - 2.0 * 86_400.0).abs() < 1e-6);
        let d = build(
            vec![Component::Diurnal {
                peak_rps: 10.0,
                trough_rps: 1.0,
                peak_hour: 14.0,
            }],
            2.0,
        );
        assert!((d.mean_rps() - 5.5).abs() < 1e-9);
        let peak_piece = (14.0 * 60.0) as usize;
        assert!((d.rates[peak_piece] - 10.0).abs() < 0.01);
        let s = build(
            vec![Component::Spike {
                day: 0.0,
                hour: 1.5,
                duration_min: 90.0,
                requests: 5400.0,
            }],
            1.0,
        );
        assert!((s.expected_requests() - 5400.0).abs() < 1e-6);
        assert!((s.peak_rps() - 1.0).abs() < 1e-9);
        let j = build(
            vec![Component::Scheduled {
                every_hours: 24.0,
                at_hour: 2.0,
                duration_min: 8.0,
                rps: 20.0,
            }],
            3.0,
        );
        assert!((j.expected_requests() - 3.0 * 8.0 * 60.0 * 20.0).abs() < 1e-6);
        assert!(j.idle_share() > 0.99);
    }

    #[test]
    fn growth_compounds_monthly() {
        let g = build(
            vec![
                Component::Constant { rps: 1.0 },
                Component::Growth { monthly_pct: 10.0 },
            ],
            30.0,
        );
        let expected = 30.0 * 86_400.0 * 0.1 / 1.1f64.ln(); // integral of 1.1^(t/30d)
        assert!((g.expected_requests() / expected - 1.0).abs() < 1e-9);
        assert!((g.rates.last().unwrap() - 1.1).abs() < 0.001);
    }

    #[test]
    fn scaling_and_coarsening_keep_volume() {
        let d = build(
            vec![Component::Diurnal {
                peak_rps: 10.0,
                trough_rps: 1.0,
                peak_hour: 14.0,
            }],
            1.0,
        );
        assert!((d.scaled(3.0).expected_requests() - 3.0 * d.expected_requests()).abs() < 1e-6);
        assert!((d.coarsened(7).expected_requests() - d.expected_requests()).abs() < 1e-6);
    }
}
