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

/// One kind of request a shared fleet serves (a workload of an application): its own
/// service times and objective. A single-workload fleet has one class, from its spec.
#[derive(Clone, Debug)]
pub struct FleetClass {
    pub duration: super::rng::Sampler,
    pub slowdown: f64,
    pub cpu_fraction: f64,
    pub slo_ms: f64,
}

/// What a fleet measured for one class (per-workload results of an application).
#[derive(Clone, Debug, Default)]
pub struct ClassStats {
    pub requests: f64,
    pub served: f64,
    pub dropped: f64,
    pub over_slo: f64,
    /// CPU seconds at one full vCPU (how a shared fleet's cost is split).
    pub cpu_s: f64,
    pub hist: super::histogram::Histogram,
}

/// A request waiting for a slot: when it arrived, its class, and when its pipeline began.
#[derive(Clone, Copy, Debug)]
struct Waiting {
    arrived: f64,
    class: u32,
    origin: f64,
}

/// A service that started: when it will complete, its class and pipeline origin (an
/// application turns completions into triggered requests).
#[derive(Clone, Copy, Debug)]
pub struct Started {
    pub done: f64,
    pub class: u32,
    pub origin: f64,
}

pub struct FleetEngine<'a> {
    spec: &'a FleetSpec,
    horizon: f64,
    ready: u32,
    starting: VecDeque<f64>,
    launches: Vec<f64>,
    in_service: u32,
    done: BinaryHeap<Reverse<u64>>,
    queue: VecDeque<Waiting>,
    classes: Vec<FleetClass>,
    pub class_stats: Vec<ClassStats>,
    /// Services started since the caller last drained it (only when `record_starts`).
    pub started: Vec<Started>,
    record_starts: bool,
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
            ready: 0,
            starting: VecDeque::new(),
            launches: Vec::new(),
            in_service: 0,
            done: BinaryHeap::new(),
            queue: VecDeque::new(),
            classes: vec![FleetClass {
                duration: spec.duration.clone(),
                slowdown: spec.slowdown,
                cpu_fraction: 0.0,
                slo_ms: slo_ms.unwrap_or(f64::INFINITY),
            }],
            class_stats: Vec::new(),
            started: Vec::new(),
            record_starts: false,
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

    /// Serves several classes (an application's workloads sharing this fleet), keeping
    /// per-class statistics and recording every service start for triggers.
    pub fn with_classes(mut self, classes: Vec<FleetClass>) -> FleetEngine<'a> {
        self.class_stats = vec![ClassStats::default(); classes.len()];
        self.classes = classes;
        self.record_starts = true;
        self
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

    fn start_service(&mut self, t: f64, w: Waiting) {
        let class = &self.classes[w.class as usize];
        let raw_ms = class.duration.sample(&mut self.rng).max(0.0);
        let service_ms = raw_ms * class.slowdown;
        let (slo, cpu_fraction) = (class.slo_ms, class.cpu_fraction);
        let before = self.ready.min(self.in_service);
        self.in_service += 1;
        if self.ready.min(self.in_service) > before {
            self.periods += 1.0;
        }
        let done = t + service_ms / 1000.0;
        self.done.push(Reverse(key(done)));
        let latency = (t - w.arrived) * 1000.0 + service_ms;
        self.raw.served += 1.0;
        self.raw.count(w.arrived, C_SERVED, 1.0);
        self.raw.hist.record(latency);
        let over = latency > slo;
        if over {
            self.raw.over_slo += 1.0;
        }
        if self.record_starts {
            let c = &mut self.class_stats[w.class as usize];
            c.served += 1.0;
            c.hist.record(latency);
            c.cpu_s += raw_ms * cpu_fraction / 1000.0;
            if over {
                c.over_slo += 1.0;
            }
            self.started.push(Started {
                done,
                class: w.class,
                origin: w.origin,
            });
        }
    }

    fn drop_waiting(&mut self, w: Waiting) {
        self.raw.dropped += 1.0;
        self.raw.count(w.arrived, C_REJECTED, 1.0);
        if self.record_starts {
            self.class_stats[w.class as usize].dropped += 1.0;
        }
    }

    fn dispatch(&mut self, t: f64) {
        let timeout = self.spec.queue_timeout_s;
        while self.in_service < self.capacity() {
            let Some(w) = self.queue.pop_front() else { break };
            if t - w.arrived > timeout {
                self.drop_waiting(w);
                continue;
            }
            self.start_service(t, w);
        }
        // requests that already waited too long leave even without a free slot
        while let Some(&w) = self.queue.front() {
            if t - w.arrived > timeout {
                self.queue.pop_front();
                self.drop_waiting(w);
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

    /// When the next completion, replica start or autoscaler tick happens.
    pub fn next_event(&self) -> f64 {
        let d = self
            .done
            .peek()
            .map(|Reverse(k)| f64::from_bits(*k))
            .unwrap_or(f64::INFINITY);
        let r = self.starting.front().copied().unwrap_or(f64::INFINITY);
        d.min(r).min(self.next_tick)
    }

    /// Handles the next internal event if it is at or before `t`; false when none is.
    pub fn step(&mut self, t: f64) -> bool {
        let d = self
            .done
            .peek()
            .map(|Reverse(k)| f64::from_bits(*k))
            .unwrap_or(f64::INFINITY);
        let r = self.starting.front().copied().unwrap_or(f64::INFINITY);
        let k = self.next_tick;
        let next = d.min(r).min(k);
        if next > t {
            return false;
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
        true
    }

    fn process_until(&mut self, t: f64) {
        while self.step(t) {}
    }

    pub fn arrive(&mut self, t: f64) {
        self.arrive_class(t, 0, t);
    }

    /// An arrival of class `class` whose pipeline began at `origin`.
    pub fn arrive_class(&mut self, t: f64, class: u32, origin: f64) {
        self.process_until(t);
        self.integrate(t);
        self.raw.arrival(t);
        self.raw.acc.add(t, REQ_OD, 1.0);
        if self.record_starts {
            self.class_stats[class as usize].requests += 1.0;
        }
        if self.ready + self.starting.len() as u32 == 0 && self.spec.max > 0 {
            // scale from zero on demand
            self.launch(t);
            self.last_out = t;
        }
        let w = Waiting {
            arrived: t,
            class,
            origin,
        };
        if self.in_service < self.capacity() && self.queue.is_empty() {
            self.start_service(t, w);
        } else if self.queue.len() >= MAX_QUEUE {
            self.drop_waiting(w);
        } else {
            self.queue.push_back(w);
        }
        self.sync();
    }

    pub fn finish(self) -> RawRun {
        self.finish_classes().0
    }

    /// Closes the run at the horizon, with the per-class statistics.
    pub fn finish_classes(mut self) -> (RawRun, Vec<ClassStats>) {
        let h = self.horizon;
        self.process_until(h);
        self.integrate(h);
        // still waiting at the end: dropped if over the timeout, otherwise counted served
        // as they would start as soon as a slot frees (their latency is not known).
        while let Some(w) = self.queue.pop_front() {
            if h - w.arrived > self.spec.queue_timeout_s {
                self.drop_waiting(w);
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
        (self.raw, self.class_stats)
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
