//! The exact engine's fast path for the common case: one request per environment and a
//! fixed keep-alive (Lambda as configured by most users).
//!
//! Then an idle environment needs no identity: idle ones wait in a deque ordered by the
//! time they became idle (the most recently used at the back takes the next request; the
//! front expires first, exactly keep-alive after its last request) and busy ones sit in a
//! min-heap keyed by finish time. Each entry carries only the environment's birth time,
//! for its lifetime statistics. Same model and results as `exact_fn`, far fewer
//! instructions per request.

use super::SimError;
use super::exact_fn::{ceil_pos, meter_request};
use super::heap::QuadHeap;
use super::meter::*;
use super::rng::Rng;
use super::run::*;
use super::spec::{FnMetering, FunctionSpec, KeepAlive};
use super::traffic::RateProfile;

/// Marks a provisioned environment in a heap entry (they are never reclaimed).
const PROVISIONED: f64 = -1.0;

pub fn applies(f: &FunctionSpec) -> bool {
    f.per_env <= 1 && matches!(f.keep_alive, KeepAlive::Fixed(_))
}

/// A double-ended queue as a vector and a front index, compacted now and then: pushes and
/// pops at the back are a `Vec`'s, pops at the front move an index.
#[derive(Default)]
struct Deque {
    v: Vec<(f64, f64)>,
    head: usize,
}

impl Deque {
    #[inline(always)]
    fn front(&self) -> Option<&(f64, f64)> {
        self.v.get(self.head)
    }
    #[inline(always)]
    fn pop_front(&mut self) {
        self.head += 1;
        if self.head == self.v.len() {
            self.v.clear();
            self.head = 0;
        }
    }
    #[inline(always)]
    fn push_back(&mut self, x: (f64, f64)) {
        if self.head > 1024 && self.head * 2 > self.v.len() {
            self.v.drain(..self.head);
            self.head = 0;
        }
        self.v.push(x);
    }
    #[inline(always)]
    fn pop_back(&mut self) -> Option<(f64, f64)> {
        if self.v.len() > self.head {
            let x = self.v.pop();
            if self.head == self.v.len() {
                self.v.clear();
                self.head = 0;
            }
            x
        } else {
            None
        }
    }
}

struct Pool<'a> {
    spec: &'a FunctionSpec,
    horizon: f64,
    keep_alive: f64,
    slo_ms: f64,
    /// (became idle at, born at), oldest at the front.
    idle: Deque,
    idle_provisioned: u32,
    /// finish time bits -> born at (or PROVISIONED).
    busy: QuadHeap<f64>,
    live: u32,
    tokens: f64,
    tokens_t: f64,
    rng: Rng,
    raw: RawRun,
}

impl Pool<'_> {
    #[inline(always)]
    fn expire_until(&mut self, t: f64) {
        while let Some(&(since, born)) = self.idle.front() {
            let x = since + self.keep_alive;
            if x > t {
                break;
            }
            self.idle.pop_front();
            self.live -= 1;
            self.raw.areas.add_interval(born, x.min(self.horizon), LIVE);
        }
    }

    /// Completions and expiries up to `t`, in time order.
    #[inline(always)]
    fn process_until(&mut self, t: f64) {
        while let Some(k) = self.busy.peek_key() {
            let done = f64::from_bits(k);
            if done > t {
                break;
            }
            self.expire_until(done);
            let Some((_, born)) = self.busy.pop() else { break };
            if born == PROVISIONED {
                self.idle_provisioned += 1;
            } else {
                self.idle.push_back((done, born));
            }
        }
        self.expire_until(t);
    }

    #[inline(always)]
    fn arrive(&mut self, t: f64) {
        self.process_until(t);
        let b = self.raw.cursor(t);
        self.raw.arrival_at(b);
        let spec = self.spec;
        if self.busy.len() as u32 >= spec.max_in_flight {
            self.raw.throttled += 1.0;
            self.raw.counts[b][C_REJECTED] += 1.0;
            return;
        }
        let (born, cold, prov) = if self.idle_provisioned > 0 {
            self.idle_provisioned -= 1;
            (PROVISIONED, false, true)
        } else if let Some((_, born)) = self.idle.pop_back() {
            (born, false, false)
        } else {
            if let Some((burst, rate)) = spec.scale {
                self.tokens = (self.tokens + (t - self.tokens_t) * rate).min(burst);
                self.tokens_t = t;
                if self.tokens < 1.0 {
                    self.raw.throttled += 1.0;
                    self.raw.counts[b][C_REJECTED] += 1.0;
                    return;
                }
                self.tokens -= 1.0;
            }
            self.live += 1;
            if self.live as f64 > self.raw.peak_instances {
                self.raw.peak_instances = self.live as f64;
            }
            (t, true, false)
        };
        let init_ms = if cold {
            spec.cold.sample(&mut self.rng).max(0.0)
        } else {
            0.0
        };
        let raw_ms = spec.duration.sample(&mut self.rng).max(0.0);
        let mut service_ms = raw_ms * spec.slowdown;
        let mut failed = false;
        if service_ms > spec.max_duration_ms {
            service_ms = spec.max_duration_ms;
            failed = true;
        }
        let cpu_ms = raw_ms * spec.cpu_fraction;
        if let Some(max_cpu) = spec.max_cpu_ms
            && cpu_ms > max_cpu
        {
            failed = true;
        }
        let latency = init_ms + service_ms;
        let finish = t + latency * 0.001;
        self.busy.push(finish.max(0.0).to_bits(), born);
        let end = finish.min(self.horizon);
        self.raw.areas.add_interval(t, end, IN_FLIGHT);
        let raw = &mut self.raw;
        if cold {
            raw.counts[b][C_COLD] += 1.0;
            raw.cold_starts += 1.0;
            raw.areas
                .add_interval(t, (t + init_ms * 0.001).min(self.horizon), STARTING);
        }
        if failed {
            raw.counts[b][C_REJECTED] += 1.0;
            raw.failed += 1.0;
        } else {
            raw.counts[b][C_SERVED] += 1.0;
            raw.served += 1.0;
            raw.hist.record(latency);
            if latency > self.slo_ms {
                raw.over_slo += 1.0;
            }
        }
        let cell = &mut raw.acc.buckets[b];
        meter_request(cell, &spec.metering, prov, cold, service_ms, init_ms, cpu_ms);
        if let FnMetering::ActivePeriod { step_ms, min_ms } = spec.metering {
            // one request per environment: the activity period is this request
            let ms = ceil_pos((end - t).max(0.0) * 1000.0) as u64;
            let step = step_ms.max(1);
            let billed = (ms.div_ceil(step) * step).max(min_ms) as f64;
            cell[if prov { ACTIVE_MS_PC } else { ACTIVE_MS }] += billed;
        }
    }

    fn finish(mut self) -> RawRun {
        let h = self.horizon;
        self.process_until(h);
        // environments alive at the horizon
        while let Some((_, born)) = self.busy.pop() {
            if born != PROVISIONED {
                self.raw.areas.add_interval(born, h, LIVE);
            }
        }
        while let Some((_, born)) = self.idle.pop_back() {
            self.raw.areas.add_interval(born, h, LIVE);
        }
        for _ in 0..self.spec.provisioned {
            self.raw.areas.add_interval(0.0, h, LIVE);
        }
        for cell in self.raw.areas.buckets.iter_mut() {
            cell[BUSY] = cell[IN_FLIGHT];
        }
        if matches!(self.spec.metering, FnMetering::ActivePeriod { .. }) && self.spec.provisioned > 0 {
            let prov_busy: f64 = self.raw.acc.totals()[ACTIVE_MS_PC];
            let idle = (self.spec.provisioned as f64 * h * 1000.0 - prov_busy).max(0.0);
            self.raw.acc.add(0.0, IDLE_MIN_MS, idle.round());
        }
        self.raw
    }
}

pub fn run(
    spec: &FunctionSpec,
    profile: &RateProfile,
    cfg: RunCfg,
    ctl: &Control,
    progress: (f64, f64),
) -> Result<RawRun, SimError> {
    let KeepAlive::Fixed(keep_alive) = spec.keep_alive else {
        return Err(SimError::Spec("the pool fast path needs a fixed keep-alive".into()));
    };
    let mut raw = RawRun::new(profile.horizon_s, cfg.bucket_s);
    raw.peak_instances = spec.provisioned as f64;
    let mut pool = Pool {
        spec,
        horizon: profile.horizon_s,
        keep_alive,
        slo_ms: cfg.slo_ms.unwrap_or(f64::INFINITY),
        idle: Deque::default(),
        idle_provisioned: spec.provisioned,
        busy: QuadHeap::default(),
        live: spec.provisioned,
        tokens: spec.scale.map(|s| s.0).unwrap_or(0.0),
        tokens_t: 0.0,
        rng: Rng::new(cfg.seed, spec.index as u64 + 1),
        raw,
    };
    let mut arrivals = ArrivalGen::new(profile, cfg.arrivals);
    let mut arr_rng = Rng::new(cfg.seed, ARRIVAL_STREAM);
    let mut n: u64 = 0;
    while let Some(t) = arrivals.next(&mut arr_rng) {
        pool.arrive(t);
        n += 1;
        if n & 0xFFFF == 0 {
            if ctl.cancelled() {
                return Err(SimError::Cancelled);
            }
            ctl.set_progress(progress.0 + progress.1 * t / profile.horizon_s.max(1e-9));
        }
    }
    Ok(pool.finish())
}
