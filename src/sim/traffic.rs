//! The scenario's traffic as a piecewise-constant request rate over the horizon.
//!
//! Each component is integrated exactly over each piece (so the expected number of
//! requests is right whatever the resolution), and arrivals are then drawn from the
//! piecewise-constant rate — exact for a non-homogeneous Poisson process with that rate.

use super::trace::{Trace, TraceStore};
use crate::model::validate::fmt;
use crate::model::{Component, Located, Scenario, Traffic};
use std::f64::consts::PI;
use std::path::Path;
use std::sync::Arc;

const DAY_S: f64 = 86_400.0;
const MONTH_S: f64 = 30.0 * DAY_S;
/// The profile's default resolution.
pub const DEFAULT_STEP_S: f64 = 60.0;
/// Most pieces a profile is cut into (4.2 million: 34 MB of rates).
pub const MAX_PIECES: usize = 1 << 22;

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

    /// Expected number of requests over the horizon. Every piece but the last is a whole
    /// step, so this is a plain sum (four running sums: the fast mode and the sweeps call
    /// it on every run, over tens of thousands of pieces).
    pub fn expected_requests(&self) -> f64 {
        let Some((&last, full)) = self.rates.split_last() else {
            return 0.0;
        };
        sum4(full) * self.step_s + last * self.piece_len(self.rates.len() - 1)
    }

    pub fn mean_rps(&self) -> f64 {
        if self.horizon_s > 0.0 {
            self.expected_requests() / self.horizon_s
        } else {
            0.0
        }
    }

    pub fn peak_rps(&self) -> f64 {
        let mut m = [0.0f64; 4];
        let chunks = self.rates.chunks_exact(4);
        let rest = chunks.remainder().iter().copied().fold(0.0, f64::max);
        for c in chunks {
            for (m, x) in m.iter_mut().zip(c) {
                *m = m.max(*x);
            }
        }
        m.iter().copied().fold(rest, f64::max)
    }

    /// Share of time with (almost) no traffic: pieces below 1 % of the mean rate.
    pub fn idle_share(&self) -> f64 {
        let mean = self.mean_rps();
        if self.horizon_s <= 0.0 || mean <= 0.0 {
            return 1.0;
        }
        let thr = 0.01 * mean;
        let Some((&last, full)) = self.rates.split_last() else {
            return 1.0;
        };
        let whole = full.iter().filter(|r| **r < thr).count() as f64;
        let idle = whole * self.step_s
            + if last < thr {
                self.piece_len(self.rates.len() - 1)
            } else {
                0.0
            };
        idle / self.horizon_s
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

    /// Average rate over each display bucket [b w, (b + 1) w) clipped to the horizon, in one
    /// pass over the pieces (a test holds it to a direct per-bucket integration).
    pub fn bucket_means(&self, bucket_s: f64, n: usize) -> Vec<f64> {
        let mut req = vec![0.0; n.max(1)];
        let last = req.len() - 1;
        let per = bucket_s / self.step_s;
        if per >= 1.0 && (per - per.round()).abs() < 1e-9 {
            // buckets made of whole pieces (the usual case): sums of consecutive pieces
            let m = per.round() as usize;
            let n_pieces = self.rates.len();
            for (b, chunk) in self.rates.chunks(m).enumerate() {
                let q = if (b + 1) * m < n_pieces {
                    sum4(chunk) * self.step_s
                } else {
                    let first = b * m;
                    chunk
                        .iter()
                        .enumerate()
                        .map(|(j, r)| r * self.piece_len(first + j))
                        .sum()
                };
                req[b.min(last)] += q;
            }
        } else {
            self.spread_requests(bucket_s, &mut req);
        }
        req.iter()
            .enumerate()
            .map(|(b, q)| {
                let t0 = b as f64 * bucket_s;
                let t1 = ((b + 1) as f64 * bucket_s).min(self.horizon_s);
                if t1 > t0 { q / (t1 - t0) } else { 0.0 }
            })
            .collect()
    }

    /// Adds each piece's requests to the buckets of `bucket_s` it overlaps.
    fn spread_requests(&self, bucket_s: f64, req: &mut [f64]) {
        let last = req.len() - 1;
        for (i, &r) in self.rates.iter().enumerate() {
            if r == 0.0 {
                continue;
            }
            let mut a = self.start(i);
            let end = a + self.piece_len(i);
            while a < end {
                let b = ((a / bucket_s) as usize).min(last);
                let b_end = if b == last {
                    end
                } else {
                    ((b + 1) as f64 * bucket_s).min(end)
                };
                if b_end <= a {
                    req[b] += r * (end - a);
                    break;
                }
                req[b] += r * (b_end - a);
                a = b_end;
            }
        }
    }
}

/// A sum with four running totals: independent additions the processor can overlap.
fn sum4(xs: &[f64]) -> f64 {
    let mut acc = [0.0f64; 4];
    let chunks = xs.chunks_exact(4);
    let rest: f64 = chunks.remainder().iter().sum();
    for c in chunks {
        for (a, x) in acc.iter_mut().zip(c) {
            *a += x;
        }
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + rest
}

/// Resolves the scenario's trace files (relative to `base_dir`) and builds the profile of
/// its first workload (all of a single-workload scenario).
pub fn build_profile(s: &Scenario, base_dir: &Path, traces: &mut TraceStore) -> Result<RateProfile, Located> {
    let loaded = load_traces(s, 0, base_dir, traces)?;
    let step = common_step(s.horizon_s(), [&loaded]);
    let prof = profile_with(s.traffic(), s.horizon_s(), step, &loaded);
    check_peak(s, 0, base_dir, &loaded, &prof)?;
    Ok(prof)
}

/// The profile of every workload's own traffic (Triggered components are left to the
/// application: they follow another workload's completions), all on one grid of pieces so
/// that workloads sharing a fleet add up piece by piece.
pub fn build_profiles(s: &Scenario, base_dir: &Path, traces: &mut TraceStore) -> Result<Vec<RateProfile>, Located> {
    let mut all = Vec::with_capacity(s.workloads.len());
    for i in 0..s.workloads.len() {
        all.push(load_traces(s, i, base_dir, traces)?);
    }
    let step = common_step(s.horizon_s(), all.iter());
    let mut out = Vec::with_capacity(all.len());
    for (wi, (w, loaded)) in s.workloads.iter().zip(&all).enumerate() {
        let prof = profile_with(&w.traffic, s.horizon_s(), step, loaded);
        check_peak(s, wi, base_dir, loaded, &prof)?;
        out.push(prof);
    }
    Ok(out)
}

/// The rate limit on a workload's traffic as a whole once its traces are read: each trace
/// is checked on its own as it loads, and the other components without the traces by
/// validation, but a trace plus Growth (or two traces, or a trace and a Constant) can
/// still add up past it. Named at the row of the trace that contributes the most.
fn check_peak(s: &Scenario, wi: usize, base_dir: &Path, loaded: &Loaded, prof: &RateProfile) -> Result<(), Located> {
    let max = crate::model::Limits::MAX_RPS;
    let peak = prof.peak_rps();
    if loaded.is_empty() || peak <= max * (1.0 + 1e-9) {
        return Ok(());
    }
    let Some((i, tr, scale)) = loaded
        .iter()
        .max_by(|a, b| (a.1.peak_rps() * a.2).total_cmp(&(b.1.peak_rps() * b.2)))
    else {
        return Ok(());
    };
    let tp = s.traffic_path(wi);
    let path = match s.workloads.get(wi).and_then(|w| w.traffic.components.get(*i)) {
        Some(Component::Trace { path, .. }) => base_dir.join(path).display().to_string(),
        _ => tp.clone(),
    };
    let (line, col) = tr.peak_position();
    Err(Located {
        file: path,
        line,
        col,
        field: "count".into(),
        message: format!(
            "this trace peaks at {} req/s at scale {scale}, and with the other components of {tp} \
             (growth, other traces, constant traffic) the traffic peaks at {} req/s, above the {} req/s \
             limit: lower {tp}.components[{i}].scale, the growth or the other components",
            fmt(tr.peak_rps() * scale),
            fmt(peak),
            fmt(max)
        ),
    })
}

type Loaded = Vec<(usize, Arc<Trace>, f64)>;

fn load_traces(s: &Scenario, wi: usize, base_dir: &Path, traces: &mut TraceStore) -> Result<Loaded, Located> {
    let mut loaded: Loaded = Vec::new();
    let tp = s.traffic_path(wi);
    let Some(w) = s.workloads.get(wi) else {
        return Ok(loaded);
    };
    for (i, c) in w.traffic.components.iter().enumerate() {
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
                        e.field = format!("{tp}.components[{i}].path");
                    }
                    e
                })?;
            // the same limit as on Constant traffic, with the component's scale applied
            let peak = tr.peak_rps() * scale;
            if peak > crate::model::Limits::MAX_RPS {
                let (line, col) = tr.peak_position();
                return Err(Located {
                    file: full.display().to_string(),
                    line,
                    col,
                    field: "count".into(),
                    message: format!(
                        "{:.3e} req/s at scale {scale} ({tp}.components[{i}].scale) is above the {:e} req/s limit",
                        peak,
                        crate::model::Limits::MAX_RPS
                    ),
                });
            }
            loaded.push((i, tr, *scale));
        }
    }
    Ok(loaded)
}

/// The finest step any trace needs (at least a second), coarsened so that the profile
/// stays within `MAX_PIECES`.
fn common_step<'a>(horizon: f64, loaded: impl IntoIterator<Item = &'a Loaded>) -> f64 {
    let mut step = DEFAULT_STEP_S;
    for l in loaded {
        for (_, tr, _) in l {
            step = step.min(tr.min_step_s().max(1.0));
        }
    }
    // a 1-second trace over a year would be 31.6 million pieces (250 MB per series):
    // above MAX_PIECES the step grows, and the trace is averaged over a few seconds
    step.max(horizon / MAX_PIECES as f64)
}

fn profile_with(traffic: &Traffic, horizon: f64, step: f64, traces: &[(usize, Arc<Trace>, f64)]) -> RateProfile {
    let n = (horizon / step).ceil().max(1.0) as usize;
    let mut p = RateProfile {
        step_s: step,
        horizon_s: horizon,
        rates: vec![0.0; n],
    };
    let mut growth: Vec<f64> = Vec::new();
    for c in &traffic.components {
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
                // sin(omega (t - tp)) at every piece edge: computed once per edge, and for
                // one day only when the step divides a day (the values repeat daily)
                let per_day = DAY_S / step;
                let period = if (per_day - per_day.round()).abs() < 1e-9 && per_day >= 1.0 {
                    per_day.round() as usize
                } else {
                    usize::MAX
                };
                let edge_sin = |j: usize| (omega * (j as f64 * step - tp)).sin();
                let table: Vec<f64> = (0..=n.min(period)).map(edge_sin).collect();
                let base = trough_rps + amp;
                let k_full = amp / (omega * step);
                // j: the piece's start edge in the table (wraps after a day)
                let mut j = 0;
                for i in 0..n {
                    let end_sin = if i + 1 == n {
                        let (a, len) = (p.start(i), p.piece_len(i));
                        // mean of cos(omega (t - tp)) over the last, possibly partial piece
                        p.rates[i] += base + amp * ((omega * (a + len - tp)).sin() - table[j]) / (omega * len);
                        break;
                    } else {
                        table[j + 1]
                    };
                    // mean of cos(omega (t - tp)) over [a, a + step)
                    p.rates[i] += base + k_full * (end_sin - table[j]);
                    j += 1;
                    if j == period {
                        j = 0;
                    }
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
            // added by the application from the upstream workload
            Component::Trace { .. } | Component::Triggered { .. } => {}
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
        if k.abs() < 1e-15 {
            continue;
        }
        // exp(k t) at each piece edge, computed once and shared by the pieces either side
        let mut g_start = 1.0;
        let inv_full = 1.0 / (k * step);
        for i in 0..n {
            let (a, len) = (p.start(i), p.piece_len(i));
            let g_end = super::rng::fast_exp(k * (a + len));
            let inv = if len == step { inv_full } else { 1.0 / (k * len) };
            p.rates[i] *= (g_end - g_start) * inv;
            g_start = g_end;
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

    fn scenario(components: Vec<Component>, days: f64) -> Scenario {
        let mut s: Scenario = crate::model::ron_options()
            .from_str(
                "Scenario(version: 1, name: \"t\", seed: 1, traffic: Traffic(components: []), \
                 workload: Workload(duration_ms: Fixed(100.0), cpu_fraction: 0.5, cold_start_ms: Fixed(100.0)), \
                 platforms: [])",
            )
            .unwrap();
        s.horizon_days = days;
        s.traffic_mut().components = components;
        s
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

    /// Average rate over [t0, t1), piece by piece: the reference for `bucket_means`.
    fn mean_over(p: &RateProfile, t0: f64, t1: f64) -> f64 {
        let mut acc = 0.0;
        for i in 0..p.rates.len() {
            let (a, len) = (p.start(i), p.piece_len(i));
            acc += p.rates[i] * ((a + len).min(t1) - a.max(t0)).max(0.0);
        }
        acc / (t1 - t0)
    }

    #[test]
    fn bucket_means_match_mean_over_and_daily_sines_repeat() {
        let d = build(
            vec![
                Component::Diurnal {
                    peak_rps: 10.0,
                    trough_rps: 1.0,
                    peak_hour: 14.0,
                },
                Component::Spike {
                    day: 1.0,
                    hour: 3.3,
                    duration_min: 7.0,
                    requests: 5000.0,
                },
            ],
            3.0,
        );
        // pieces of later days equal the first day's (the spike aside)
        assert!((d.rates[5] - d.rates[5 + 2 * 1440]).abs() < 1e-9);
        // direct evaluation at a piece of the third day
        let (a, len, w) = (2.0 * DAY_S + 600.0, 60.0, 2.0 * PI / DAY_S);
        let direct = 5.5 + 4.5 * ((w * (a + len - 50_400.0)).sin() - (w * (a - 50_400.0)).sin()) / (w * len);
        assert!((d.rates[2 * 1440 + 10] - direct).abs() < 1e-9);
        for bucket in [60.0, 420.0, 3600.0, 7000.0] {
            let n = (d.horizon_s / bucket).ceil() as usize;
            let fast = d.bucket_means(bucket, n);
            assert_eq!(fast.len(), n);
            for (b, v) in fast.iter().enumerate() {
                let slow = mean_over(&d, b as f64 * bucket, ((b + 1) as f64 * bucket).min(d.horizon_s));
                assert!((v - slow).abs() <= 1e-9 * slow.max(1.0), "{bucket} {b}: {v} vs {slow}");
            }
        }
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
