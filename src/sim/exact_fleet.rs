//! The exact, per-request engine for containers and VMs: a fleet of replicas, each with a
//! number of request slots, fed from one FIFO queue (the load balancer's), scaled by a
//! target-tracking autoscaler that reads average demand over a metric window.

use super::SimError;
use super::heap::time_key as key;
use super::meter::*;
use super::rng::Rng;
use super::run::*;
use super::spec::{FleetMetering, FleetSpec};
use super::traffic::RateProfile;
use crate::model::ContainerBilling;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// Beyond this many waiting requests, new arrivals are dropped at once (memory bound).
pub(super) const MAX_QUEUE: usize = 5_000_000;

pub struct FleetEngine<'a> {
    spec: &'a FleetSpec,
    horizon: f64,
    slo_ms: Option<f64>,
    ready: u32,
    starting: VecDeque<f64>,
    launches: Vec<f64>,
    in_service: u32,
    done: BinaryHeap<Reverse<u64>>,
    queue: VecDeque<f64>,
    next_tick: f64,
    demand_area: f64,
    demand_t: f64,
    last_out: f64,
    last_in: f64,
    active: u32,
    periods: f64,
    rng: Rng,
    pub raw: RawRun,
}

impl<'a> FleetEngine<'a> {
    pub fn new(
        spec: &'a FleetSpec,
        horizon: f64,
        bucket_s: f64,
        seed: u64,
        slo_ms: Option<f64>,
        rate0: f64,
    ) -> FleetEngine<'a> {
        let fixed = spec.min >= spec.max;
        let mut e = FleetEngine {
            spec,
            horizon,
            slo_ms,
            ready: 0,
            starting: VecDeque::new(),
            launches: Vec::new(),
            in_service: 0,
            done: BinaryHeap::new(),
            queue: VecDeque::new(),
            next_tick: if fixed { f64::INFINITY } else { spec.window_s },
            demand_area: 0.0,
            demand_t: 0.0,
            last_out: f64::NEG_INFINITY,
            last_in: f64::NEG_INFINITY,
            active: 0,
            periods: 0.0,
            rng: Rng::new(seed, spec.index as u64 + 1),
            raw: RawRun::new(horizon, bucket_s),
        };
        // The fleet at its minimum is running when the period starts.
        let initial = super::spec::initial_replicas(spec, rate0);
        for _ in 0..initial {
            e.launches.push(0.0);
        }
        e.ready = initial;
        e.sync();
        e
    }

    fn capacity(&self) -> u32 {
        self.ready.saturating_mul(self.spec.slots)
    }

    fn sync(&mut self) {
        let s = self.spec;
        let live = self.ready + self.starting.len() as u32;
        self.active = self.ready.min(self.in_service);
        let a = &mut self.raw.areas.cur;
        a[LIVE] = live as f64;
        a[BUSY] = self.active as f64;
        a[STARTING] = self.starting.len() as f64;
        a[QUEUE] = self.queue.len() as f64;
        a[IN_FLIGHT] = self.in_service as f64;
        let mins = self.ready.min(s.min);
        a[IDLE_MIN] = mins.saturating_sub(self.active) as f64;
        a[ACTIVE_RATE] = if self.ready <= s.min {
            (self.active + self.starting.len() as u32) as f64
        } else {
            live as f64
        };
        if live as f64 > self.raw.peak_instances {
            self.raw.peak_instances = live as f64;
        }
    }

    #[inline]
    fn integrate(&mut self, t: f64) {
        self.raw.areas.advance(t);
        if t > self.demand_t {
            self.demand_area += (self.in_service as f64 + self.queue.len() as f64) * (t - self.demand_t);
            self.demand_t = t;
        }
    }

    fn launch(&mut self, t: f64) {
        self.starting.push_back(t + self.spec.startup_s);
        self.launches.push(t);
        self.raw.cold_starts += 1.0;
        self.raw.count(t, C_COLD, 1.0);
        if matches!(
            self.spec.metering,
            FleetMetering::CloudRun(ContainerBilling::RequestBased)
        ) {
            self.raw.acc.add(t, ACTIVE_MS, (self.spec.startup_s * 1000.0).ceil());
        }
    }

    /// Bills the per-launch minimum and the rounding to a whole second.
    fn terminate_one(&mut self, t: f64) {
        if let Some(l) = self.launches.pop() {
            let life = (t - l).max(0.0);
            let billed = life.ceil().max(self.spec.min_billed_s);
            self.raw.acc.add(t, REPLICA_S, billed - life);
        }
    }

    fn start_service(&mut self, t: f64, arrived: f64) {
        let spec = self.spec;
        let service_ms = spec.duration.sample(&mut self.rng).max(0.0) * spec.slowdown;
        let before = self.ready.min(self.in_service);
        self.in_service += 1;
        if self.ready.min(self.in_service) > before {
            self.periods += 1.0;
        }
        self.done.push(Reverse(key(t + service_ms / 1000.0)));
        let latency = (t - arrived) * 1000.0 + service_ms;
        self.raw.served += 1.0;
        self.raw.count(arrived, C_SERVED, 1.0);
        self.raw.hist.record(latency);
        if let Some(slo) = self.slo_ms
            && latency > slo
        {
            self.raw.over_slo += 1.0;
        }
    }

    fn dispatch(&mut self, t: f64) {
        let timeout = self.spec.queue_timeout_s;
        while self.in_service < self.capacity() {
            let Some(a) = self.queue.pop_front() else { break };
            if t - a > timeout {
                self.raw.dropped += 1.0;
                self.raw.count(a, C_REJECTED, 1.0);
                continue;
            }
            self.start_service(t, a);
        }
        // requests that already waited too long leave even without a free slot
        while let Some(&a) = self.queue.front() {
            if t - a > timeout {
                self.queue.pop_front();
                self.raw.dropped += 1.0;
                self.raw.count(a, C_REJECTED, 1.0);
            } else {
                break;
            }
        }
    }

    fn tick(&mut self, t: f64) {
        let s = self.spec;
        let demand = self.demand_area / s.window_s;
        self.demand_area = 0.0;
        let current = self.ready + self.starting.len() as u32;
        let per = s.slots as f64 * s.target;
        let desired = ((demand / per).ceil() as u32).clamp(s.min, s.max);
        if desired > current {
            for _ in current..desired {
                self.launch(t);
            }
            self.last_out = t;
        } else if desired < current && t - self.last_out >= s.cooldown_s && t - self.last_in >= s.cooldown_s {
            let mut remove = current - desired;
            while remove > 0 && self.starting.pop_back().is_some() {
                self.terminate_one(t);
                remove -= 1;
            }
            while remove > 0 && self.ready > 0 {
                self.ready -= 1;
                self.terminate_one(t);
                remove -= 1;
            }
            self.last_in = t;
        }
        self.sync();
    }

    fn process_until(&mut self, t: f64) {
        loop {
            let d = self
                .done
                .peek()
                .map(|Reverse(k)| f64::from_bits(*k))
                .unwrap_or(f64::INFINITY);
            let r = self.starting.front().copied().unwrap_or(f64::INFINITY);
            let k = self.next_tick;
            let next = d.min(r).min(k);
            if next > t {
                return;
            }
            self.integrate(next);
            if d <= r && d <= k {
                self.done.pop();
                self.in_service -= 1;
                self.dispatch(d);
            } else if r <= k {
                self.starting.pop_front();
                self.ready += 1;
                self.dispatch(r);
            } else {
                self.tick(k);
                self.next_tick = k + self.spec.window_s;
            }
            self.sync();
        }
    }

    pub fn arrive(&mut self, t: f64) {
        self.process_until(t);
        self.integrate(t);
        self.raw.arrival(t);
        self.raw.acc.add(t, REQ_OD, 1.0);
        if self.ready + self.starting.len() as u32 == 0 && self.spec.max > 0 {
            // scale from zero on demand
            self.launch(t);
            self.last_out = t;
        }
        if self.in_service < self.capacity() && self.queue.is_empty() {
            self.start_service(t, t);
        } else if self.queue.len() >= MAX_QUEUE {
            self.raw.dropped += 1.0;
            self.raw.count(t, C_REJECTED, 1.0);
        } else {
            self.queue.push_back(t);
        }
        self.sync();
    }

    pub fn finish(mut self) -> RawRun {
        let h = self.horizon;
        self.process_until(h);
        self.integrate(h);
        // still waiting at the end: dropped if over the timeout, otherwise counted served
        // as they would start as soon as a slot frees (their latency is not known).
        while let Some(a) = self.queue.pop_front() {
            if h - a > self.spec.queue_timeout_s {
                self.raw.dropped += 1.0;
                self.raw.count(a, C_REJECTED, 1.0);
            }
        }
        while !self.launches.is_empty() {
            self.terminate_one(h);
        }
        // replica time, active time and idle-minimum time from the areas
        for b in 0..self.raw.areas.buckets.len() {
            let cell = self.raw.areas.buckets[b];
            let acc = &mut self.raw.acc.buckets[b];
            acc[REPLICA_S] += cell[LIVE];
            match self.spec.metering {
                FleetMetering::CloudRun(_) => {
                    acc[ACTIVE_MS] += cell[BUSY] * 1000.0;
                    acc[IDLE_MIN_MS] += cell[IDLE_MIN] * 1000.0;
                }
                FleetMetering::ContainerApps => {
                    acc[ACTIVE_MS] += cell[ACTIVE_RATE] * 1000.0;
                    acc[IDLE_MIN_MS] += (cell[LIVE] - cell[ACTIVE_RATE]).max(0.0) * 1000.0;
                }
                _ => {}
            }
        }
        if matches!(
            self.spec.metering,
            FleetMetering::CloudRun(ContainerBilling::RequestBased)
        ) {
            // each activity period is rounded up to 100 ms: half a step on average
            self.raw.acc.add(0.0, ACTIVE_MS, (self.periods * 50.0).round());
        }
        self.raw
    }
}

pub fn run(
    spec: &FleetSpec,
    profile: &RateProfile,
    cfg: RunCfg,
    ctl: &Control,
    progress: (f64, f64),
) -> Result<RawRun, SimError> {
    let rate0 = profile.rates.first().copied().unwrap_or(0.0);
    let mut eng = FleetEngine::new(spec, profile.horizon_s, cfg.bucket_s, cfg.seed, cfg.slo_ms, rate0);
    let mut arrivals_gen = ArrivalGen::new(profile, cfg.arrivals);
    let mut arr_rng = Rng::new(cfg.seed, ARRIVAL_STREAM);
    let mut n: u64 = 0;
    while let Some(t) = arrivals_gen.next(&mut arr_rng) {
        eng.arrive(t);
        n += 1;
        if n & 0xFFFF == 0 {
            if ctl.cancelled() {
                return Err(SimError::Cancelled);
            }
            ctl.set_part(progress, t / profile.horizon_s.max(1e-9));
        }
    }
    Ok(eng.finish())
}
