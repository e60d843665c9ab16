//! Reshaping traffic at the same monthly volume: the burstiness axis.

use crate::sim::app::AppPrepared;
use crate::sim::fast::fast_profile;
use crate::sim::{RateProfile, SimError};

/// The profile with peak-to-mean ratio `target` and the same expected volume.
///
/// Where the scenario's traffic varies, its own shape is sharpened or flattened by a
/// power (rate^g, renormalised), so peaks stay where they were. A flat profile (or a
/// target beyond what sharpening can reach) is concentrated into one daily window of
/// 1/target of the day at target x the mean rate.
pub fn with_peak_to_mean(p: &RateProfile, target: f64) -> RateProfile {
    let mean = p.mean_rps();
    if mean <= 0.0 || p.is_empty() {
        return p.clone();
    }
    let target = target.max(1.0);
    if target <= 1.0 + 1e-9 {
        return RateProfile {
            rates: vec![mean; p.len()],
            ..p.clone()
        };
    }
    // peak-to-mean after the power g, without building the profile: the renormalised
    // peak over the mean is horizon x (r_max / mean)^g / sum (r_i / mean)^g len_i, each
    // term taken relative to the peak's so nothing overflows
    let logs: Vec<(f64, f64)> = p
        .rates
        .iter()
        .enumerate()
        .filter(|(_, r)| **r > 0.0)
        .map(|(i, r)| ((r / mean).ln(), p.piece_len(i)))
        .collect();
    let l_max = logs.iter().map(|l| l.0).fold(f64::NEG_INFINITY, f64::max);
    let span = p.expected_requests() / mean;
    let ratio = |g: f64| -> f64 {
        let vol: f64 = logs.iter().map(|(l, len)| (g * (l - l_max)).exp() * len).sum();
        if vol > 0.0 { span / vol } else { f64::INFINITY }
    };
    let flat = p.peak_rps() / mean < 1.0 + 1e-6;
    if !flat && ratio(64.0) >= target {
        // peak-to-mean grows with g: bisect (to a billionth of g: the volume and the
        // target hold far closer than anything downstream can tell)
        let (mut lo, mut hi) = (0.0f64, 64.0f64);
        while hi - lo > 1e-9 {
            let mid = 0.5 * (lo + hi);
            if ratio(mid) < target {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return power(p, hi, mean);
    }
    concentrated(p, target, mean)
}

/// Each workload's own traffic such that the application's (all workloads', triggered
/// requests included) has peak-to-mean ratio `target`, every workload keeping its
/// monthly volume: each workload's shape is raised to the same power, so the application
/// is sharpened or flattened as a whole and its workloads keep their shares and hours (a
/// nightly batch stays at night, with its volume). Where no power reaches the target
/// (flat traffic), every workload is concentrated into the same daily window. At the
/// fast mode's resolution, as a single workload's reshaping is.
pub fn own_with_peak_to_mean(ap: &AppPrepared, target: f64) -> Result<Vec<RateProfile>, SimError> {
    let own: Vec<RateProfile> = ap.own.iter().map(|p| fast_profile(p).into_owned()).collect();
    let means: Vec<f64> = own.iter().map(RateProfile::mean_rps).collect();
    if !means.iter().any(|m| *m > 0.0) {
        return Ok(own);
    }
    let target = target.max(1.0);
    let each = |f: &dyn Fn(&RateProfile, f64) -> RateProfile| -> Vec<RateProfile> {
        own.iter()
            .zip(&means)
            .map(|(p, m)| if *m > 0.0 { f(p, *m) } else { p.clone() })
            .collect()
    };
    if target <= 1.0 + 1e-9 {
        return Ok(each(&|p, m| RateProfile {
            rates: vec![m; p.len()],
            ..p.clone()
        }));
    }
    let ratio = |v: &[RateProfile]| -> Result<f64, SimError> {
        let t = ap.total_of(v)?;
        let m = t.mean_rps();
        Ok(if m > 0.0 { t.peak_rps() / m } else { 1.0 })
    };
    // (relative to each workload's peak, so no power overflows)
    let powered = |g: f64| each(&|p, _| power(p, g, p.peak_rps()));
    if ratio(&own)? > 1.0 + 1e-6 && ratio(&powered(64.0))? >= target {
        // the application's peak-to-mean grows with the power: bisect it (to a millionth,
        // far closer than the map's rows or a sweep's points can tell)
        let (mut lo, mut hi) = (0.0f64, 64.0f64);
        while hi - lo > 1e-6 {
            let mid = 0.5 * (lo + hi);
            if ratio(&powered(mid))? < target {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return Ok(powered(hi));
    }
    Ok(each(&|p, m| concentrated(p, target, m)))
}

fn power(p: &RateProfile, g: f64, mean: f64) -> RateProfile {
    let mut rates: Vec<f64> = p.rates.iter().map(|r| (r / mean).max(0.0).powf(g)).collect();
    let vol: f64 = rates.iter().enumerate().map(|(i, r)| r * p.piece_len(i)).sum();
    let want = p.expected_requests();
    let k = if vol > 0.0 { want / vol } else { 0.0 };
    rates.iter_mut().for_each(|r| *r *= k);
    RateProfile { rates, ..p.clone() }
}

/// All traffic in one window per day, starting at noon, of length day / target.
fn concentrated(p: &RateProfile, target: f64, mean: f64) -> RateProfile {
    let day = 86_400.0;
    let win = day / target;
    let start = 12.0 * 3600.0 - win / 2.0;
    let rates = (0..p.len())
        .map(|i| {
            let a = p.start(i);
            let b = a + p.piece_len(i);
            // overlap of [a, b) with the daily windows
            let mut ov = 0.0;
            let first_day = (a / day).floor() as i64 - 1;
            let last_day = (b / day).floor() as i64 + 1;
            for d in first_day..=last_day {
                let w0 = d as f64 * day + start.max(0.0);
                let w1 = w0 + win;
                ov += (b.min(w1) - a.max(w0)).max(0.0);
            }
            let len = p.piece_len(i).max(1e-9);
            mean * target * ov / len
        })
        .collect::<Vec<_>>();
    let mut q = RateProfile { rates, ..p.clone() };
    // the horizon may cut a window: renormalise to the same volume
    let vol = q.expected_requests();
    if vol > 0.0 {
        let k = p.expected_requests() / vol;
        q.rates.iter_mut().for_each(|r| *r *= k);
    }
    q
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diurnal() -> RateProfile {
        let rates = (0..1440 * 3)
            .map(|i| 5.0 + 4.0 * ((i as f64 / 1440.0) * std::f64::consts::TAU).cos())
            .collect();
        RateProfile {
            step_s: 60.0,
            horizon_s: 3.0 * 86_400.0,
            rates,
        }
    }

    #[test]
    fn keeps_volume_and_hits_the_target() {
        let p = diurnal();
        for target in [1.0, 1.5, 3.0, 10.0, 50.0] {
            let q = with_peak_to_mean(&p, target);
            assert!(
                (q.expected_requests() / p.expected_requests() - 1.0).abs() < 1e-9,
                "volume at {target}"
            );
            let got = q.peak_rps() / q.mean_rps();
            assert!((got / target - 1.0).abs() < 0.02, "target {target}: {got}");
        }
        let flat = RateProfile {
            step_s: 60.0,
            horizon_s: 86_400.0 * 2.0,
            rates: vec![3.0; 2880],
        };
        let q = with_peak_to_mean(&flat, 8.0);
        assert!((q.peak_rps() / q.mean_rps() / 8.0 - 1.0).abs() < 0.02);
        assert!((q.expected_requests() - flat.expected_requests()).abs() < 1e-6);
    }
}
