//! The exact, per-request function engine.
//!
//! Environments are created when a request finds no environment with a free slot, stay
//! warm for the keep-alive after their last request, and are reclaimed. Requests go to the
//! most recently used environment with a free slot (provisioned ones first). Per request:
//! the finished requests and expired environments before it are processed in time order
//! (a min-heap of completions, a FIFO or heap of expiries), then the request is placed.
//! Cost per request is O(log busy); memory is bounded by the number of live environments.
//!
//! Time-weighted statistics are not integrated event by event: every interval is known
//! when it closes (a request's time in flight at arrival, an environment's life at its
//! expiry, an activity period at its end) and is added to the buckets it covers.

use super::SimError;
use super::heap::{QuadHeap, time_key as key};
use super::meter::*;
use super::rng::Rng;
use super::run::*;
use super::spec::{FnMetering, FunctionSpec, KeepAlive};
use super::traffic::RateProfile;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

#[derive(Clone, Copy, Debug, Default)]
struct Env {
    active: u32,
    generation: u32,
    alive: bool,
    provisioned: bool,
    born: f64,
    busy_since: f64,
    ready_at: f64,
}

/// Ceiling of a non-negative number without a libm call (the baseline x86-64 target has
/// no SSE4.1 rounding instruction): adding and removing 2^52 rounds to the nearest whole
/// number (exact below 2^52, where numbers at or above are whole already), then one up
/// if that fell short. No branch on the value and no integer conversion.
#[inline(always)]
pub(super) fn ceil_pos(x: f64) -> f64 {
    const TWO_52: f64 = 4_503_599_627_370_496.0;
    if x >= TWO_52 {
        return x;
    }
    let r = (x + TWO_52) - TWO_52;
    r + (r < x) as u8 as f64
}

/// One request's metered usage under its provider's rounding rules: the request, billed
/// milliseconds (plus billed INIT on a cold start where the provider bills it) or CPU time.
/// Activity periods (Cloud Run-style billing) span requests, so the engines meter those.
#[inline(always)]
pub(super) fn meter_request(
    cell: &mut [f64; NF],
    metering: &FnMetering,
    prov: bool,
    cold: bool,
    service_ms: f64,
    init_ms: f64,
    cpu_ms: f64,
) {
    cell[if prov { REQ_PC } else { REQ_OD }] += 1.0;
    match *metering {
        FnMetering::Lambda { init_billed } => {
            let billed = ceil_pos(service_ms).max(1.0);
            if prov {
                cell[MS_PC] += billed;
            } else {
                cell[MS_OD] += billed;
                if cold && init_billed {
                    let init = ceil_pos(init_ms);
                    cell[MS_OD] += init;
                    cell[MS_INIT] += init;
                }
            }
        }
        FnMetering::PerInvocation { step_ms } => {
            let s = step_ms.max(1) as f64;
            cell[MS_OD] += (ceil_pos(service_ms / s) * s).max(s);
        }
        FnMetering::PerExecutionMin { min_ms } => {
            cell[MS_OD] += ceil_pos(service_ms).max(min_ms as f64);
        }
        FnMetering::ActivePeriod { .. } => {}
        FnMetering::CpuTime => cell[CPU_US] += (cpu_ms * 1000.0).round(),
    }
}

/// The random stream of a platform's INIT durations, apart from its service times: both
/// exact function engines draw one service time per arrival in order and one INIT time per
/// cold start, so they see the same numbers whichever order they find cold starts in.
pub(super) fn init_stream(spec: &FunctionSpec) -> u64 {
    3000 + spec.index as u64
}

#[inline(always)]
fn unkey(k: u64) -> f64 {
    f64::from_bits(k)
}

/// Idle environments' expiry times: a FIFO when keep-alive is fixed (expiries are pushed
/// in time order), a heap when it is random.
enum Expiries {
    Fifo(Fifo),
    Heap(BinaryHeap<Reverse<(u64, u32, u32)>>),
}

impl Expiries {
    #[inline]
    fn push(&mut self, t: f64, env: u32, generation: u32) {
        match self {
            Expiries::Fifo(q) => q.push((t, env, generation)),
            Expiries::Heap(h) => h.push(Reverse((key(t), env, generation))),
        }
    }
    #[inline]
    fn peek(&self) -> Option<(f64, u32, u32)> {
        match self {
            Expiries::Fifo(q) => q.front(),
            Expiries::Heap(h) => h.peek().map(|Reverse((k, e, g))| (unkey(*k), *e, *g)),
        }
    }
    #[inline]
    fn pop(&mut self) {
        match self {
            Expiries::Fifo(q) => q.pop(),
            Expiries::Heap(h) => {
                h.pop();
            }
        }
    }
}

/// A queue as a vector and a read position, compacted now and then: cheaper than a
/// ring buffer's wrap-around arithmetic on every push and pop.
#[derive(Default)]
struct Fifo {
    items: Vec<(f64, u32, u32)>,
    head: usize,
}

impl Fifo {
    #[inline(always)]
    fn push(&mut self, x: (f64, u32, u32)) {
        if self.head > 4096 && self.head * 2 > self.items.len() {
            self.items.drain(..self.head);
            self.head = 0;
        }
        self.items.push(x);
    }
    #[inline(always)]
    fn front(&self) -> Option<(f64, u32, u32)> {
        self.items.get(self.head).copied()
    }
    #[inline(always)]
    fn pop(&mut self) {
        if self.head < self.items.len() {
            self.head += 1;
        }
    }
}

pub struct FnEngine<'a> {
    spec: &'a FunctionSpec,
    horizon: f64,
    slo_ms: f64,
    envs: Vec<Env>,
    free_ids: Vec<u32>,
    avail_od: Vec<(u32, u32)>,
    avail_pc: Vec<(u32, u32)>,
    done: QuadHeap<u32>,
    expiries: Expiries,
    live: u32,
    in_flight: u32,
    tokens: f64,
    tokens_t: f64,
    rng: Rng,
    init_rng: Rng,
    pub raw: RawRun,
}

impl<'a> FnEngine<'a> {
    pub fn new(spec: &'a FunctionSpec, horizon: f64, bucket_s: f64, seed: u64, slo_ms: Option<f64>) -> FnEngine<'a> {
        let expiries = match spec.keep_alive {
            KeepAlive::Fixed(_) => Expiries::Fifo(Fifo::default()),
            KeepAlive::Random(..) => Expiries::Heap(BinaryHeap::new()),
        };
        let mut e = FnEngine {
            spec,
            horizon,
            slo_ms: slo_ms.unwrap_or(f64::INFINITY),
            envs: Vec::new(),
            free_ids: Vec::new(),
            avail_od: Vec::new(),
            avail_pc: Vec::new(),
            done: QuadHeap::default(),
            expiries,
            live: 0,
            in_flight: 0,
            tokens: spec.scale.map(|s| s.0).unwrap_or(0.0),
            tokens_t: 0.0,
            rng: Rng::new(seed, spec.index as u64 + 1),
            init_rng: Rng::new(seed, init_stream(spec)),
            raw: RawRun::new(horizon, bucket_s),
        };
        for _ in 0..spec.provisioned {
            let id = e.new_env(0.0, true);
            let g = e.envs[id as usize].generation;
            e.avail_pc.push((id, g));
        }
        e
    }

    fn new_env(&mut self, t: f64, provisioned: bool) -> u32 {
        let env = Env {
            active: 0,
            generation: 0,
            alive: true,
            provisioned,
            born: t,
            busy_since: t,
            ready_at: t,
        };
        self.live += 1;
        if self.live as f64 > self.raw.peak_instances {
            self.raw.peak_instances = self.live as f64;
        }
        if let Some(id) = self.free_ids.pop() {
            let g = self.envs[id as usize].generation.wrapping_add(1);
            self.envs[id as usize] = Env { generation: g, ..env };
            id
        } else {
            self.envs.push(env);
            (self.envs.len() - 1) as u32
        }
    }

    fn keep_alive(&mut self) -> f64 {
        match &self.spec.keep_alive {
            KeepAlive::Fixed(s) => *s,
            KeepAlive::Random(s, _) => s.sample(&mut self.rng).max(0.0),
        }
    }

    /// Ends an activity period: busy time, and billing for services that bill it.
    #[inline]
    fn end_period(&mut self, env: u32, t: f64) {
        let e = self.envs[env as usize];
        let end = t.min(self.horizon);
        if self.spec.per_env > 1 {
            // with one request per environment, busy time is time in flight (added at
            // arrival); with several it is the environment's activity period
            self.raw.areas.add_interval(e.busy_since, end, BUSY);
        }
        if let FnMetering::ActivePeriod { step_ms, min_ms } = self.spec.metering {
            let ms = ((end - e.busy_since).max(0.0) * 1000.0).ceil() as u64;
            let billed = ms.div_ceil(step_ms.max(1)) * step_ms.max(1);
            let field = if e.provisioned { ACTIVE_MS_PC } else { ACTIVE_MS };
            self.raw.acc.add(e.busy_since, field, billed.max(min_ms) as f64);
        }
    }

    /// Processes completions and expiries up to `t`, in time order.
    #[inline]
    fn process_until(&mut self, t: f64) {
        loop {
            let next_done = match self.done.peek_key() {
                Some(k) => unkey(k),
                None => f64::INFINITY,
            };
            let next_exp = self.expiries.peek();
            let exp_t = next_exp.map(|x| x.0).unwrap_or(f64::INFINITY);
            if next_done <= exp_t {
                if next_done > t {
                    return;
                }
                let Some((_, env)) = self.done.pop() else { return };
                self.complete(env, next_done);
            } else {
                if exp_t > t {
                    return;
                }
                let Some((x, env, generation)) = next_exp else { return };
                self.expiries.pop();
                let e = &mut self.envs[env as usize];
                if e.alive && e.generation == generation && e.active == 0 {
                    e.alive = false;
                    e.generation = e.generation.wrapping_add(1);
                    let born = e.born;
                    self.live -= 1;
                    self.free_ids.push(env);
                    self.raw.areas.add_interval(born, x.min(self.horizon), LIVE);
                }
            }
        }
    }

    #[inline]
    fn complete(&mut self, env: u32, t: f64) {
        self.in_flight -= 1;
        let c = self.spec.per_env;
        let e = &mut self.envs[env as usize];
        e.active -= 1;
        if e.active == 0 {
            e.generation = e.generation.wrapping_add(1);
            let (g, prov) = (e.generation, e.provisioned);
            self.end_period(env, t);
            if prov {
                self.avail_pc.push((env, g));
            } else {
                self.avail_od.push((env, g));
                let ka = self.keep_alive();
                self.expiries.push(t + ka, env, g);
            }
        } else if e.active + 1 == c {
            // it was full: it has a free slot again
            let g = e.generation;
            if e.provisioned {
                self.avail_pc.push((env, g));
            } else {
                self.avail_od.push((env, g));
            }
        }
        if self.avail_od.len() > 64 + 4 * self.live as usize {
            let envs = &self.envs;
            self.avail_od
                .retain(|(e, g)| envs[*e as usize].alive && envs[*e as usize].generation == *g);
        }
    }

    #[inline]
    fn pop_avail(stack: &mut Vec<(u32, u32)>, envs: &[Env], c: u32) -> Option<u32> {
        while let Some((e, g)) = stack.pop() {
            let env = &envs[e as usize];
            if env.alive && env.generation == g && env.active < c {
                return Some(e);
            }
        }
        None
    }

    /// Places one request arriving at `t`.
    #[inline]
    pub fn arrive(&mut self, t: f64) {
        self.place(t, 0);
    }

    /// Completions and expiries up to `t` (before reading `in_flight` for a shared cap).
    pub fn advance(&mut self, t: f64) {
        self.process_until(t);
    }

    pub fn in_flight(&self) -> u32 {
        self.in_flight
    }

    /// Places one request arriving at `t` when `others` requests of other functions hold
    /// the same account concurrency; returns when it completes and its latency (ms), or
    /// None when it was throttled or failed.
    #[inline]
    pub fn place(&mut self, t: f64, others: u32) -> Option<(f64, f64)> {
        self.process_until(t);
        let b = self.raw.cursor(t);
        self.raw.arrival_at(b);
        let spec = self.spec;
        // every arrival draws its service time, served or not (see `init_stream`)
        let raw_ms = spec.duration.sample(&mut self.rng).max(0.0);
        if self.in_flight.saturating_add(others) >= spec.max_in_flight {
            self.raw.throttled += 1.0;
            self.raw.counts[b][C_REJECTED] += 1.0;
            return None;
        }
        let c = spec.per_env;
        let mut cold = false;
        let env = match Self::pop_avail(&mut self.avail_pc, &self.envs, c) {
            Some(e) => e,
            None => match Self::pop_avail(&mut self.avail_od, &self.envs, c) {
                Some(e) => e,
                None => {
                    if let Some((burst, rate)) = spec.scale {
                        self.tokens = (self.tokens + (t - self.tokens_t) * rate).min(burst);
                        self.tokens_t = t;
                        if self.tokens < 1.0 {
                            self.raw.throttled += 1.0;
                            self.raw.counts[b][C_REJECTED] += 1.0;
                            return None;
                        }
                        self.tokens -= 1.0;
                    }
                    cold = true;
                    self.new_env(t, false)
                }
            },
        };
        let init_ms = if cold {
            spec.cold.sample(&mut self.init_rng).max(0.0)
        } else {
            0.0
        };
        let e = &mut self.envs[env as usize];
        if cold {
            e.ready_at = t + init_ms * 0.001;
        }
        if e.active == 0 {
            e.busy_since = t;
            e.generation = e.generation.wrapping_add(1);
        }
        e.active += 1;
        let (generation, prov, ready_at, still_free) = (e.generation, e.provisioned, e.ready_at, e.active < c);
        if still_free {
            if prov {
                self.avail_pc.push((env, generation));
            } else {
                self.avail_od.push((env, generation));
            }
        }
        self.in_flight += 1;

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
        // a cold start's request waits for its INIT; others for a starting environment
        let (wait_ms, finish) = if cold {
            (init_ms, t + (init_ms + service_ms) * 0.001)
        } else {
            let wait_s = (ready_at - t).max(0.0);
            (wait_s * 1000.0, t + wait_s + service_ms * 0.001)
        };
        self.done.push(key(finish), env);
        self.raw.areas.add_interval(t, finish.min(self.horizon), IN_FLIGHT);
        if cold {
            self.raw.counts[b][C_COLD] += 1.0;
            self.raw.cold_starts += 1.0;
            self.raw
                .areas
                .add_interval(t, (t + init_ms * 0.001).min(self.horizon), STARTING);
        }
        let latency = wait_ms + service_ms;
        if failed {
            self.raw.counts[b][C_REJECTED] += 1.0;
            self.raw.failed += 1.0;
        } else {
            self.raw.counts[b][C_SERVED] += 1.0;
            self.raw.served += 1.0;
            self.raw.hist.record(latency);
            if latency > self.slo_ms {
                self.raw.over_slo += 1.0;
            }
        }
        // metering (activity periods are metered when an environment goes idle)
        meter_request(
            &mut self.raw.acc.buckets[b],
            &spec.metering,
            prov,
            cold,
            service_ms,
            init_ms,
            cpu_ms,
        );
        if failed { None } else { Some((finish, latency)) }
    }

    /// Closes the run at the horizon.
    pub fn finish(mut self) -> RawRun {
        self.process_until(self.horizon);
        if self.spec.per_env <= 1 {
            for cell in self.raw.areas.buckets.iter_mut() {
                cell[BUSY] = cell[IN_FLIGHT];
            }
        }
        let h = self.horizon;
        for id in 0..self.envs.len() {
            let e = self.envs[id];
            if !e.alive {
                continue;
            }
            // open lives and activity periods end at the horizon
            self.raw.areas.add_interval(e.born, h, LIVE);
            if e.active > 0 {
                self.end_period(id as u32, h);
            }
        }
        meter_idle_provisioned(&mut self.raw, self.spec, h);
        self.raw
    }
}

/// Where activity periods are billed (Cloud Run, Flex), the provisioned (minimum)
/// instances' time outside their activity periods, billed at the idle rate. Called at the
/// end of a run, once the provisioned activity is all metered.
pub(super) fn meter_idle_provisioned(raw: &mut RawRun, spec: &FunctionSpec, horizon: f64) {
    if matches!(spec.metering, FnMetering::ActivePeriod { .. }) && spec.provisioned > 0 {
        let prov_busy: f64 = raw.acc.totals()[ACTIVE_MS_PC];
        let idle = (spec.provisioned as f64 * horizon * 1000.0 - prov_busy).max(0.0);
        raw.acc.add(0.0, IDLE_MIN_MS, idle.round());
    }
}

/// Runs one function platform over the profile.
pub fn run(
    spec: &FunctionSpec,
    profile: &RateProfile,
    cfg: RunCfg,
    ctl: &Control,
    progress: (f64, f64),
) -> Result<RawRun, SimError> {
    let mut eng = FnEngine::new(spec, profile.horizon_s, cfg.bucket_s, cfg.seed, cfg.slo_ms);
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

#[cfg(test)]
mod tests {
    use super::ceil_pos;

    #[test]
    fn ceil_pos_is_ceil() {
        let mut xs = vec![
            0.0,
            1e-300,
            0.4,
            0.5,
            0.5000001,
            1.0,
            1.5,
            2.5,
            3.0,
            79.9999999,
            1e15 + 0.5,
        ];
        xs.extend([4_503_599_627_370_495.5, 4_503_599_627_370_496.0, 9.1e15, 1e300]);
        let mut x = 0.0;
        while x < 5000.0 {
            xs.push(x);
            x += 0.3217;
        }
        for x in xs {
            assert_eq!(ceil_pos(x), x.ceil(), "{x}");
        }
    }
}
