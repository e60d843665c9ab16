//! What every engine produces for one platform before pricing, and the shared helpers:
//! time-weighted areas per bucket, arrival generation, run control.

use super::histogram::Histogram;
use super::meter::Acc;
use super::rng::Rng;
use super::traffic::RateProfile;
use crate::model::Arrivals;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

pub const LIVE: usize = 0;
pub const BUSY: usize = 1;
pub const STARTING: usize = 2;
pub const QUEUE: usize = 3;
pub const IN_FLIGHT: usize = 4;
/// Fleets: idle minimum replicas (billed at an idle rate by Cloud Run and Container Apps).
pub const IDLE_MIN: usize = 5;
/// Fleets: replicas billed at Container Apps' active rate.
pub const ACTIVE_RATE: usize = 6;
pub const NA: usize = 7;

/// Time integrals of instance counts, split by bucket.
#[derive(Clone, Debug)]
pub struct Areas {
    pub bucket_s: f64,
    inv_bucket_s: f64,
    last_t: f64,
    pub cur: [f64; NA],
    pub buckets: Vec<[f64; NA]>,
}

impl Areas {
    pub fn new(bucket_s: f64, n: usize) -> Areas {
        Areas {
            bucket_s,
            inv_bucket_s: 1.0 / bucket_s,
            last_t: 0.0,
            cur: [0.0; NA],
            buckets: vec![[0.0; NA]; n.max(1)],
        }
    }

    /// Integrates the current counts up to `t`.
    #[inline]
    pub fn advance(&mut self, t: f64) {
        while t > self.last_t {
            let b = ((self.last_t / self.bucket_s) as usize).min(self.buckets.len() - 1);
            let end = if b + 1 >= self.buckets.len() {
                t
            } else {
                t.min((b + 1) as f64 * self.bucket_s)
            };
            let dt = end - self.last_t;
            if dt <= 0.0 {
                // float edge at a bucket boundary
                self.last_t = t;
                break;
            }
            for (c, v) in self.buckets[b].iter_mut().zip(&self.cur) {
                *c += v * dt;
            }
            self.last_t = end;
        }
    }

    /// Adds the interval [t0, t1) to field `k`, split at bucket edges (clipped to the
    /// buckets' span; the last bucket takes anything beyond).
    #[inline(always)]
    pub fn add_interval(&mut self, t0: f64, t1: f64, k: usize) {
        let n = self.buckets.len();
        let b = ((t0 * self.inv_bucket_s) as usize).min(n - 1);
        // most intervals are short and fall inside one bucket
        if t1 <= (b + 1) as f64 * self.bucket_s || b + 1 == n {
            if t1 > t0 {
                self.buckets[b][k] += t1 - t0;
            }
            return;
        }
        self.add_interval_split(t0, t1, k);
    }

    #[cold]
    fn add_interval_split(&mut self, mut t0: f64, t1: f64, k: usize) {
        let n = self.buckets.len();
        let inv = self.inv_bucket_s;
        while t0 < t1 {
            let b = ((t0 * inv) as usize).min(n - 1);
            let end = if b + 1 >= n {
                t1
            } else {
                t1.min((b + 1) as f64 * self.bucket_s)
            };
            if end <= t0 {
                self.buckets[b][k] += t1 - t0;
                return;
            }
            self.buckets[b][k] += end - t0;
            t0 = end;
        }
    }

    /// Adds an area directly (fast mode, or a known future interval).
    pub fn add(&mut self, t: f64, k: usize, area: f64) {
        let b = ((t / self.bucket_s) as usize).min(self.buckets.len() - 1);
        self.buckets[b][k] += area;
    }

    pub fn total(&self, k: usize) -> f64 {
        self.buckets.iter().map(|c| c[k]).sum()
    }
}

/// Event counts per bucket.
pub const C_ARRIVALS: usize = 0;
pub const C_SERVED: usize = 1;
pub const C_REJECTED: usize = 2;
pub const C_COLD: usize = 3;
pub const NC: usize = 4;

/// Everything an engine measured for one platform.
#[derive(Clone, Debug)]
pub struct RawRun {
    pub requests: f64,
    pub served: f64,
    pub throttled: f64,
    pub dropped: f64,
    pub failed: f64,
    pub cold_starts: f64,
    pub over_slo: f64,
    pub peak_instances: f64,
    pub areas: Areas,
    pub counts: Vec<[f64; NC]>,
    pub hourly_arrivals: Vec<f64>,
    pub hist: Histogram,
    pub acc: Acc,
    pub notes: Vec<String>,
    cursor_b: usize,
    cursor_end: f64,
    hour: usize,
    hour_end: f64,
}

impl RawRun {
    pub fn new(horizon_s: f64, bucket_s: f64) -> RawRun {
        let n = (horizon_s / bucket_s).ceil().max(1.0) as usize;
        let hours = (horizon_s / 3600.0).ceil().max(1.0) as usize;
        RawRun {
            requests: 0.0,
            served: 0.0,
            throttled: 0.0,
            dropped: 0.0,
            failed: 0.0,
            cold_starts: 0.0,
            over_slo: 0.0,
            peak_instances: 0.0,
            areas: Areas::new(bucket_s, n),
            counts: vec![[0.0; NC]; n],
            hourly_arrivals: vec![0.0; hours],
            hist: Histogram::default(),
            acc: Acc::new(bucket_s, n),
            notes: Vec::new(),
            cursor_b: 0,
            cursor_end: bucket_s,
            hour: 0,
            hour_end: 3600.0,
        }
    }

    #[inline(always)]
    pub fn count(&mut self, t: f64, k: usize, v: f64) {
        let b = ((t / self.areas.bucket_s) as usize).min(self.counts.len() - 1);
        self.counts[b][k] += v;
    }

    /// Bucket and hour of `t` for arrivals, which come in time order: a cursor that
    /// advances instead of dividing for every request.
    #[inline(always)]
    pub fn cursor(&mut self, t: f64) -> usize {
        while t >= self.cursor_end && self.cursor_b + 1 < self.counts.len() {
            self.cursor_b += 1;
            self.cursor_end += self.areas.bucket_s;
        }
        while t >= self.hour_end && self.hour + 1 < self.hourly_arrivals.len() {
            self.hour += 1;
            self.hour_end += 3600.0;
        }
        self.cursor_b
    }

    /// Until when the cursor stays in its bucket and hour (infinite past the last).
    #[inline(always)]
    pub fn cursor_until(&self) -> f64 {
        let b = if self.cursor_b + 1 < self.counts.len() {
            self.cursor_end
        } else {
            f64::INFINITY
        };
        let h = if self.hour + 1 < self.hourly_arrivals.len() {
            self.hour_end
        } else {
            f64::INFINITY
        };
        b.min(h)
    }

    /// Counts `n` arrivals at the cursor.
    #[inline(always)]
    pub fn arrivals_at(&mut self, b: usize, n: f64) {
        self.requests += n;
        self.counts[b][C_ARRIVALS] += n;
        self.hourly_arrivals[self.hour] += n;
    }

    /// Counts an arrival at the cursor.
    #[inline(always)]
    pub fn arrival_at(&mut self, b: usize) {
        self.arrivals_at(b, 1.0);
    }

    /// Adds another run over the same horizon and buckets (an application's functions on
    /// one platform: one bill for all of them). Peaks add up: an upper bound, as the
    /// functions' peaks need not coincide.
    pub fn merge(&mut self, o: &RawRun) {
        self.requests += o.requests;
        self.served += o.served;
        self.throttled += o.throttled;
        self.dropped += o.dropped;
        self.failed += o.failed;
        self.cold_starts += o.cold_starts;
        self.over_slo += o.over_slo;
        self.peak_instances += o.peak_instances;
        for (a, b) in self.areas.buckets.iter_mut().zip(&o.areas.buckets) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
        for (a, b) in self.counts.iter_mut().zip(&o.counts) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
        for (a, b) in self.hourly_arrivals.iter_mut().zip(&o.hourly_arrivals) {
            *a += b;
        }
        self.hist.merge(&o.hist);
        for (a, b) in self.acc.buckets.iter_mut().zip(&o.acc.buckets) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
        for n in &o.notes {
            if !self.notes.contains(n) {
                self.notes.push(n.clone());
            }
        }
    }

    #[inline(always)]
    pub fn arrival(&mut self, t: f64) {
        self.requests += 1.0;
        self.count(t, C_ARRIVALS, 1.0);
        let h = ((t / 3600.0) as usize).min(self.hourly_arrivals.len() - 1);
        self.hourly_arrivals[h] += 1.0;
    }
}

/// Shared between a run and whoever started it: cancel flag and progress (0..1).
///
/// Progress never goes backwards: platforms run in parallel and each owns a share of the
/// bar (`set_part`), so the total is the sum of the shares' progress, not whichever
/// platform reported last.
#[derive(Clone, Debug, Default)]
pub struct Control {
    pub cancel: Arc<AtomicBool>,
    progress_ppm: Arc<AtomicU64>,
    /// Progress of each share of the bar, keyed by where the share starts.
    parts: Arc<std::sync::Mutex<Vec<(f64, f64)>>>,
}

impl Control {
    pub fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
    /// Moves the bar to `fraction`, or leaves it where it is if it is already further.
    pub fn set_progress(&self, fraction: f64) {
        let ppm = (fraction.clamp(0.0, 1.0) * 1e6) as u64;
        self.progress_ppm.fetch_max(ppm, Ordering::Relaxed);
    }
    /// The share `(start, width)` of the bar is `done` (0..1) complete.
    pub fn set_part(&self, share: (f64, f64), done: f64) {
        let total = match self.parts.lock() {
            Ok(mut parts) => {
                let value = share.1 * done.clamp(0.0, 1.0);
                match parts.iter_mut().find(|(start, _)| *start == share.0) {
                    Some(p) => p.1 = p.1.max(value),
                    None => parts.push((share.0, value)),
                }
                parts.iter().map(|p| p.1).sum::<f64>()
            }
            // a panicked engine thread: its progress no longer matters
            Err(_) => return,
        };
        self.set_progress(total);
    }
    pub fn progress(&self) -> f64 {
        self.progress_ppm.load(Ordering::Relaxed) as f64 / 1e6
    }
    pub fn request_cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

/// Draws arrival times from the piecewise-constant rate: exponential gaps within each
/// piece (exact for a non-homogeneous Poisson process; the memoryless gap restarts at a
/// piece boundary), or evenly spaced at the current rate (arrival k where the cumulative
/// rate reaches k + 1/2).
pub struct ArrivalGen<'a> {
    profile: &'a RateProfile,
    kind: Arrivals,
    i: usize,
    t: f64,
    end: f64,
    rate: f64,
    inv_rate: f64,
    /// Deterministic: cumulative expected count at `t`, and the next target.
    lambda: f64,
    next_target: f64,
    /// Counted: arrivals still to place in the current piece (`None` before it is drawn).
    left: Option<u64>,
}

impl<'a> ArrivalGen<'a> {
    pub fn new(profile: &'a RateProfile, kind: Arrivals) -> ArrivalGen<'a> {
        let rate = profile.rates.first().copied().unwrap_or(0.0);
        ArrivalGen {
            profile,
            kind,
            i: 0,
            t: 0.0,
            end: profile.piece_len(0),
            rate,
            inv_rate: if rate > 0.0 { 1.0 / rate } else { 0.0 },
            lambda: 0.0,
            next_target: 0.5,
            left: None,
        }
    }

    fn next_piece(&mut self) -> bool {
        self.lambda += self.rate * (self.end - self.t);
        self.i += 1;
        if self.i >= self.profile.rates.len() {
            return false;
        }
        self.t = self.end;
        self.end = self.t + self.profile.piece_len(self.i);
        self.rate = self.profile.rates[self.i];
        self.inv_rate = if self.rate > 0.0 { 1.0 / self.rate } else { 0.0 };
        self.left = None;
        true
    }

    #[inline]
    pub fn next(&mut self, rng: &mut Rng) -> Option<f64> {
        loop {
            if self.rate > 0.0 {
                match self.kind {
                    Arrivals::Poisson => {
                        let c = self.t + rng.exp1() * self.inv_rate;
                        if c < self.end {
                            self.t = c;
                            return Some(c);
                        }
                    }
                    Arrivals::Deterministic => {
                        let c = self.t + (self.next_target - self.lambda) * self.inv_rate;
                        if c < self.end {
                            self.lambda = self.next_target;
                            self.next_target += 1.0;
                            self.t = c;
                            return Some(c);
                        }
                    }
                    Arrivals::Counted => {
                        let left = match self.left {
                            Some(n) => n,
                            None => {
                                // the piece's count: its expectation, the fraction at random
                                let lam = self.rate * (self.end - self.t);
                                let whole = lam.floor();
                                (whole as u64) + u64::from(rng.u01() < lam - whole)
                            }
                        };
                        if left > 0 {
                            // the first of `left` uniform times in [t, end): its minimum,
                            // 1 - V^(1/left) of the way (order statistics, one draw each)
                            let c = self.t + (self.end - self.t) * (1.0 - rng.u01().powf(1.0 / left as f64));
                            self.left = Some(left - 1);
                            if c < self.end {
                                self.t = c;
                                return Some(c);
                            }
                            // rounding put it on the boundary: the piece's last instant
                            let c = self.t.max(self.end - (self.end - self.t) * f64::EPSILON);
                            self.t = c;
                            return Some(c);
                        }
                        self.left = Some(0);
                    }
                }
            }
            if !self.next_piece() {
                return None;
            }
        }
    }

    /// Appends arrivals to `out` until it holds `max` of them or the horizon is reached:
    /// the same times as calling `next` that often, with the common case (Poisson
    /// arrivals inside one piece) in a tight loop.
    pub fn fill(&mut self, rng: &mut Rng, out: &mut Vec<f64>, max: usize) {
        'pieces: while out.len() < max {
            if self.rate > 0.0 && self.kind == Arrivals::Poisson {
                let (end, inv) = (self.end, self.inv_rate);
                let mut t = self.t;
                while out.len() < max {
                    let c = t + rng.exp1() * inv;
                    if c >= end {
                        // the draw that overshoots the piece is spent, as in `next`
                        self.t = t;
                        if !self.next_piece() {
                            return;
                        }
                        continue 'pieces;
                    }
                    t = c;
                    out.push(c);
                }
                self.t = t;
                return;
            }
            match self.next(rng) {
                Some(t) => out.push(t),
                None => return,
            }
        }
    }

    /// Time reached so far (for progress).
    pub fn now(&self) -> f64 {
        self.t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_arrivals_are_evenly_spaced() {
        let p = RateProfile {
            step_s: 60.0,
            horizon_s: 3600.0,
            rates: vec![1.0 / 540.0; 60],
        };
        let mut g = ArrivalGen::new(&p, Arrivals::Deterministic);
        let mut r = Rng::new(1, 1);
        let ts: Vec<f64> = std::iter::from_fn(|| g.next(&mut r)).collect();
        assert_eq!(ts.len(), 7); // at 270, 810, ..., 3510
        for w in ts.windows(2) {
            assert!((w[1] - w[0] - 540.0).abs() < 1e-6);
        }
        assert!((ts[0] - 270.0).abs() < 1e-6);
    }

    #[test]
    fn fill_gives_what_next_gives() {
        let p = RateProfile {
            step_s: 60.0,
            horizon_s: 3000.0,
            rates: (0..50).map(|i| [3.0, 0.0, 0.01, 40.0][i % 4]).collect(),
        };
        for kind in [Arrivals::Poisson, Arrivals::Deterministic, Arrivals::Counted] {
            let (mut g, mut r) = (ArrivalGen::new(&p, kind), Rng::new(4, 4));
            let one_by_one: Vec<f64> = std::iter::from_fn(|| g.next(&mut r)).collect();
            let (mut g, mut r) = (ArrivalGen::new(&p, kind), Rng::new(4, 4));
            let mut filled = Vec::new();
            loop {
                let before = filled.len();
                g.fill(&mut r, &mut filled, before + 37);
                if filled.len() < before + 37 {
                    break;
                }
            }
            assert!(one_by_one.len() > 1000);
            assert_eq!(filled, one_by_one, "{kind:?}");
        }
    }

    /// A piece's count is its expectation (whole counts exactly, a fraction at random),
    /// at uniform times within it.
    #[test]
    fn counted_arrivals_keep_each_pieces_count() {
        let rates: Vec<f64> = (0..3000).map(|i| [1.0, 0.0, 3.0, 2.5][i % 4]).collect();
        let p = RateProfile {
            step_s: 1.0,
            horizon_s: 3000.0,
            rates: rates.clone(),
        };
        let mut g = ArrivalGen::new(&p, Arrivals::Counted);
        let mut r = Rng::new(9, 2);
        let ts: Vec<f64> = std::iter::from_fn(|| g.next(&mut r)).collect();
        let mut per = vec![0u32; 3000];
        for w in ts.windows(2) {
            assert!(w[1] >= w[0]);
        }
        for &t in &ts {
            per[t.floor() as usize] += 1;
        }
        for (i, &n) in per.iter().enumerate() {
            match i % 4 {
                0 => assert_eq!(n, 1, "second {i}"),
                1 => assert_eq!(n, 0, "second {i}"),
                2 => assert_eq!(n, 3, "second {i}"),
                _ => assert!(n == 2 || n == 3, "second {i}: {n}"),
            }
        }
        // the half is drawn: 750 pieces of 2.5, about 375 threes
        let threes = per.iter().skip(3).step_by(4).filter(|&&n| n == 3).count() as f64;
        assert!((threes - 375.0).abs() < 4.0 * (750.0f64 * 0.25).sqrt(), "{threes}");
        // uniform within the second: the mean offset of the single arrivals is 1/2
        let ones: Vec<f64> = ts
            .iter()
            .filter(|t| (t.floor() as usize).is_multiple_of(4))
            .map(|t| t.fract())
            .collect();
        let mean = ones.iter().sum::<f64>() / ones.len() as f64;
        assert!(
            (mean - 0.5).abs() < 4.0 * (1.0 / 12.0 / ones.len() as f64).sqrt(),
            "{mean}"
        );
    }

    #[test]
    fn poisson_count_matches_the_rate() {
        let p = RateProfile {
            step_s: 60.0,
            horizon_s: 100_000.0,
            rates: (0..1667).map(|i| if i % 2 == 0 { 2.0 } else { 0.5 }).collect(),
        };
        let mut g = ArrivalGen::new(&p, Arrivals::Poisson);
        let mut r = Rng::new(3, 0);
        let n = std::iter::from_fn(|| g.next(&mut r)).count() as f64;
        let want = p.expected_requests();
        assert!((n - want).abs() < 4.0 * want.sqrt(), "{n} vs {want}");
    }

    #[test]
    fn areas_split_across_buckets() {
        let mut a = Areas::new(10.0, 3);
        a.cur[LIVE] = 2.0;
        a.advance(25.0);
        assert_eq!(a.buckets[0][LIVE], 20.0);
        assert_eq!(a.buckets[1][LIVE], 20.0);
        assert_eq!(a.buckets[2][LIVE], 10.0);
        a.advance(40.0); // past the last bucket: kept in the last
        assert_eq!(a.total(LIVE), 80.0);
    }
}

/// What every engine needs besides the platform and the traffic.
#[derive(Clone, Copy, Debug)]
pub struct RunCfg {
    pub arrivals: Arrivals,
    pub seed: u64,
    pub bucket_s: f64,
    pub slo_ms: Option<f64>,
}

impl RunCfg {
    /// The scenario's arrivals, seed and latency objective, with display buckets of `bucket_s`.
    pub fn of(s: &crate::model::Scenario, bucket_s: f64) -> RunCfg {
        RunCfg {
            arrivals: s.traffic().arrivals,
            seed: s.seed,
            bucket_s,
            slo_ms: s.workload().latency_slo_ms,
        }
    }
}

/// Every platform sees the same arrivals (common random numbers): differences between
/// platforms are then not noise from different traffic.
pub const ARRIVAL_STREAM: u64 = 1000;

#[cfg(test)]
mod control_tests {
    use super::Control;

    #[test]
    fn progress_of_parallel_shares_adds_up_and_never_goes_back() {
        let c = Control::default();
        c.set_part((0.5, 0.5), 0.8); // the second platform is ahead
        assert!((c.progress() - 0.4).abs() < 1e-6);
        c.set_part((0.0, 0.5), 0.2); // the first reports later: the bar moves on, not back
        assert!((c.progress() - 0.5).abs() < 1e-6);
        c.set_part((0.0, 0.5), 0.1);
        assert!((c.progress() - 0.5).abs() < 1e-6);
        c.set_progress(0.3);
        assert!((c.progress() - 0.5).abs() < 1e-6);
        c.set_part((0.0, 0.5), 1.0);
        c.set_part((0.5, 0.5), 1.0);
        assert!((c.progress() - 1.0).abs() < 1e-6);
    }
}
