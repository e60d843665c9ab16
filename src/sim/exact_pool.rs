//! The exact engine's fast path for the common case: one request per environment and a
//! fixed keep-alive (Lambda as most users configure it, with or without provisioned
//! concurrency). Same model and, request for request, the same results as `exact_fn` (a
//! test holds the two together); far fewer instructions and branch mispredictions per
//! request.
//!
//! Requests are taken in blocks of up to `BLOCK` arrivals. Per block:
//!
//! 1. arrival times and service times are drawn into arrays (tight loops the processor
//!    overlaps), and each request's completion time assuming a warm start;
//! 2. the completions that fall inside the block, with those carried over from earlier
//!    blocks (a heap holds only those), are sorted by a counting sort on time slots plus
//!    an insertion pass for the few out of order within a slot;
//! 3. one pass over arrivals and completions in time order plays the pool: a completion
//!    puts its environment on top of the idle stack (or back in the provisioned pool), an
//!    arrival takes a provisioned one if any is idle, else the top of the stack (the most
//!    recently used), or starts a new environment, and the bottom of the stack expires
//!    a keep-alive after it went idle. A cold start moves its request's completion later
//!    by the INIT time, which is drawn then (from its own random stream) and queued in a
//!    small heap; the stale warm completion is skipped;
//! 4. a last pass meters every request into its display bucket.
//!
//! An idle environment needs no identity: the stack holds only the times they went idle.
//! Environment lifetimes enter the time-weighted live count as a step up at the cold start
//! and a step down at the expiry, so no birth time is carried along.

use super::SimError;
use super::exact_fn::{ceil_pos, meter_idle_provisioned, meter_request};
use super::heap::{QuadHeap, time_key as key};
use super::meter::*;
use super::rng::Rng;
use super::run::*;
use super::spec::{FnMetering, FunctionSpec, KeepAlive};
use super::traffic::RateProfile;

pub fn applies(f: &FunctionSpec) -> bool {
    f.per_env <= 1 && matches!(f.keep_alive, KeepAlive::Fixed(_))
}

/// Arrivals per block. Large enough that at high rates most completions fall inside their
/// block rather than going through the heap of later ones (at 10,000 req/s and 80 ms
/// requests, 1,024 arrivals span only 0.1 s and the rate halved); the block's arrays
/// (about 0.6 MB) stay in the second-level cache.
const BLOCK: usize = 8192;

const COLD: u8 = 1;
const THROTTLED: u8 = 2;
const FAILED: u8 = 4;
/// Served by a provisioned environment (which returns to the provisioned pool).
const PROV: u8 = 8;

/// A completion: its time and who it belongs to. `tag` is the request's index in the block
/// plus `FIRST`, or `EARLIER` / `EARLIER_PROV` for a request of an earlier block. The tag
/// indexes the block's `status`, whose first two entries describe earlier requests.
#[derive(Clone, Copy, Debug)]
struct Done {
    t: f64,
    tag: u32,
}

const EARLIER: u32 = 0;
const EARLIER_PROV: u32 = 1;
const FIRST: u32 = 2;

/// The requests of one block, as parallel arrays.
#[derive(Default)]
struct Block {
    arrival: Vec<f64>,
    svc_ms: Vec<f64>,
    cpu_ms: Vec<f64>,
    init_ms: Vec<f64>,
    finish: Vec<f64>,
    status: Vec<u8>,
    /// Completions inside the block, sorted by time.
    done: Vec<Done>,
    /// Scratch of the counting sort.
    slot_count: Vec<u32>,
    /// The slot of each completion (`u32::MAX` past the block).
    slot_of: Vec<u32>,
    scratch: Vec<Done>,
}

struct Pool<'a> {
    spec: &'a FunctionSpec,
    horizon: f64,
    keep_alive: f64,
    slo_ms: f64,
    /// Times the idle environments went idle, oldest first: the stack is
    /// `idle[idle_head..idle_top]` (the top is the most recent); the storage beyond the top
    /// is room for pushes without a capacity check.
    idle: Vec<f64>,
    idle_head: usize,
    idle_top: usize,
    /// Requests in flight (their environments are busy).
    busy: u32,
    /// Idle provisioned environments (they take requests first and never expire).
    idle_prov: u32,
    live: u32,
    tokens: f64,
    tokens_t: f64,
    /// Completions after the blocks seen so far (keys are time bits; whether the
    /// environment is provisioned).
    later: QuadHeap<bool>,
    /// Completions of cold starts inside the current block (moved by their INIT time).
    moved: QuadHeap<u32>,
    /// Steps of the live count per display bucket (added up at the end).
    live_steps: Vec<f64>,
    init_rng: Rng,
    raw: RawRun,
}

/// Billed milliseconds of an activity period of `s` seconds (one request per environment:
/// the period is the request).
#[inline(always)]
fn active_ms(s: f64, step_ms: u64, min_ms: u64) -> f64 {
    let ms = ceil_pos(s.max(0.0) * 1000.0) as u64;
    let step = step_ms.max(1);
    (ms.div_ceil(step) * step).max(min_ms) as f64
}

impl Pool<'_> {
    /// The live count steps by `sign` at `t` and stays so until the horizon.
    #[inline]
    fn live_step(&mut self, t: f64, sign: f64) {
        let areas = &mut self.raw.areas;
        let n = areas.buckets.len();
        let t = t.min(self.horizon);
        let b = ((t / areas.bucket_s) as usize).min(n - 1);
        let end = if b + 1 == n {
            self.horizon
        } else {
            ((b + 1) as f64 * areas.bucket_s).min(self.horizon)
        };
        areas.buckets[b][LIVE] += sign * (end - t).max(0.0);
        if b + 1 < n {
            self.live_steps[b + 1] += sign;
        }
    }

    #[inline]
    fn expire_until(&mut self, t: f64) {
        while self.idle_head < self.idle_top {
            let x = self.idle[self.idle_head] + self.keep_alive;
            if x > t {
                break;
            }
            self.idle_head += 1;
            self.live -= 1;
            self.live_step(x, -1.0);
        }
        if self.idle_head == self.idle_top {
            self.idle_head = 0;
            self.idle_top = 0;
        }
    }

    /// Makes room for `k` pushes on the idle stack (moving it down when its bottom has
    /// expired far from the start of the storage).
    #[inline]
    fn idle_room(&mut self, k: usize) {
        if self.idle_head == 0 && self.idle.len() > self.idle_top + k {
            return;
        }
        self.idle_room_slow(k);
    }

    #[inline(never)]
    fn idle_room_slow(&mut self, k: usize) {
        if self.idle_head > 0 && self.idle_head * 2 > self.idle_top {
            self.idle.copy_within(self.idle_head..self.idle_top, 0);
            self.idle_top -= self.idle_head;
            self.idle_head = 0;
        }
        if self.idle.len() < self.idle_top + k + 1 {
            self.idle.resize(self.idle_top + k + 1024, 0.0);
        }
    }

    #[inline(always)]
    fn idle_push(&mut self, t: f64) {
        if self.idle.len() <= self.idle_top {
            self.idle_room(1);
        }
        self.idle[self.idle_top] = t;
        self.idle_top += 1;
    }

    /// Draws the block's service times and warm completions, and sorts the completions
    /// that fall inside it.
    #[inline(never)]
    fn prepare_block(&mut self, blk: &mut Block, rng: &mut Rng) {
        let spec = self.spec;
        let n = blk.arrival.len();
        blk.svc_ms.resize(n, 0.0);
        blk.cpu_ms.resize(n, 0.0);
        blk.finish.resize(n, 0.0);
        blk.status.resize(n + FIRST as usize, 0);
        blk.status[EARLIER as usize] = 0;
        blk.status[EARLIER_PROV as usize] = PROV;
        blk.init_ms.clear();
        blk.init_ms.resize(n, 0.0);
        spec.duration.fill(rng, &mut blk.svc_ms);
        let (slowdown, max_ms, cpu_fraction) = (spec.slowdown, spec.max_duration_ms, spec.cpu_fraction);
        let max_cpu = spec.max_cpu_ms.unwrap_or(f64::INFINITY);
        let per_request = blk
            .svc_ms
            .iter_mut()
            .zip(&mut blk.cpu_ms)
            .zip(&mut blk.status[FIRST as usize..])
            .zip(&mut blk.finish)
            .zip(&blk.arrival);
        for ((((svc_ms, cpu_ms), status), finish), &t) in per_request {
            let raw_ms = svc_ms.max(0.0);
            let svc = raw_ms * slowdown;
            let over = svc > max_ms;
            let svc = if over { max_ms } else { svc };
            let cpu = raw_ms * cpu_fraction;
            *status = if over | (cpu > max_cpu) { FAILED } else { 0 };
            *svc_ms = svc;
            *cpu_ms = cpu;
            *finish = t + svc * 0.001;
        }
        let end = blk.arrival[n - 1];
        // the completions up to the block's end, earlier requests' (already in order, from
        // the heap) and this block's: a counting sort on time slots, then an insertion
        // pass for the few out of order within a slot
        blk.scratch.clear();
        while let Some(k) = self.later.peek_key() {
            let t = f64::from_bits(k);
            if t > end {
                break;
            }
            let Some((_, prov)) = self.later.pop() else { break };
            let tag = if prov { EARLIER_PROV } else { EARLIER };
            blk.scratch.push(Done { t, tag });
        }
        let start = blk.arrival[0];
        let slots = 2 * (n + blk.scratch.len());
        let scale = slots as f64 / (end - start).max(1e-300);
        // slot of a completion time in [start, end]: at most `slots` (times before the
        // start, from earlier requests, saturate to slot 0)
        let slot = |f: f64| (((f - start) * scale) as i64).max(0) as usize;
        blk.slot_count.clear();
        blk.slot_count.resize(slots + 1, 0);
        blk.slot_of.clear();
        for d in &blk.scratch {
            let s = slot(d.t).min(slots);
            blk.slot_count[s] += 1;
            blk.slot_of.push(s as u32);
        }
        let mut inside = blk.scratch.len();
        for &f in &blk.finish {
            let s = if f <= end {
                inside += 1;
                slot(f).min(slots)
            } else {
                usize::MAX
            };
            if let Some(c) = blk.slot_count.get_mut(s) {
                *c += 1;
            }
            blk.slot_of.push(s as u32);
        }
        // counts to first positions
        let mut at = 0;
        for c in blk.slot_count.iter_mut() {
            let k = *c;
            *c = at;
            at += k;
        }
        let done = &mut blk.done;
        done.clear();
        done.resize(inside + 1, Done { t: 0.0, tag: 0 });
        let (slot_earlier, slot_block) = blk.slot_of.split_at(blk.scratch.len());
        for (s, d) in slot_earlier.iter().zip(&blk.scratch) {
            let c = &mut blk.slot_count[*s as usize];
            done[*c as usize] = *d;
            *c += 1;
        }
        for ((s, &t), tag) in slot_block.iter().zip(&blk.finish).zip(FIRST..) {
            if let Some(c) = blk.slot_count.get_mut(*s as usize) {
                done[*c as usize] = Done { t, tag };
                *c += 1;
            }
        }
        for i in 1..inside {
            let x = done[i];
            if x.t < done[i - 1].t {
                let mut j = i;
                while j > 0 && done[j - 1].t > x.t {
                    done[j] = done[j - 1];
                    j -= 1;
                }
                done[j] = x;
            }
        }
        // a sentinel that never comes before an arrival
        done[inside] = Done {
            t: f64::INFINITY,
            tag: EARLIER,
        };
    }

    /// Plays the block's arrivals and completions in time order: the branch-free loop
    /// while nothing unusual happens, one general step for an arrival that needs more
    /// (a cold start, an expiry, the concurrency cap, or a moved completion pending).
    #[inline(never)]
    fn play_block(&mut self, blk: &mut Block) {
        let n = blk.arrival.len();
        let end = blk.arrival[n - 1];
        let (mut i, mut j) = (0, 0);
        while i < n {
            if self.moved.is_empty() {
                if self.spec.provisioned > 0 {
                    self.play_calm::<true>(blk, &mut i, &mut j);
                } else {
                    self.play_calm::<false>(blk, &mut i, &mut j);
                }
                if i == n {
                    break;
                }
            }
            self.play_one(blk, i, &mut j, end);
            i += 1;
        }
        // what is left for later blocks: completions at the block's last instant, moved
        // cold completions, and this block's requests that finish after it
        for d in &blk.done[j..] {
            let status = blk.status[d.tag as usize];
            if d.t.is_finite() && status & (COLD | THROTTLED) == 0 {
                self.later.push(key(d.t), status & PROV != 0);
            }
        }
        // (cold starts are never provisioned)
        while let Some((k, _)) = self.moved.pop() {
            self.later.push(k, false);
        }
        for (&f, &status) in blk.finish.iter().zip(&blk.status[FIRST as usize..]) {
            if f > end && status & THROTTLED == 0 {
                self.later.push(key(f), status & PROV != 0);
            }
        }
    }

    /// Events in time order without a data-dependent branch, until arrival `i` needs the
    /// general step or the block ends. Each step takes either the next completion (its
    /// environment goes on the idle stack unless the completion is stale) or the next
    /// arrival (which takes the top of the stack); both are computed and one is kept.
    #[inline(always)]
    ///
    /// `WITH_PROV`: whether the function has provisioned environments (a separate
    /// instance of the loop, so that functions without them pay nothing for it).
    fn play_calm<const WITH_PROV: bool>(&mut self, blk: &mut Block, i: &mut usize, j: &mut usize) {
        // room on the stack for every completion left in the block
        self.idle_room(blk.done.len() - *j);
        let n = blk.arrival.len();
        let (arrival, done, status) = (&blk.arrival[..], &blk.done[..], &mut blk.status[..]);
        let idle = &mut self.idle[..];
        let (mut a, mut c) = (*i, *j);
        let (head, mut top, mut busy, mut idle_prov) = (self.idle_head, self.idle_top, self.busy, self.idle_prov);
        let (ka, cap) = (self.keep_alive, self.spec.max_in_flight);
        while a < n {
            let d = done[c];
            let t = arrival[a];
            // times are positive: their bit patterns order like them, and comparing
            // integers is quicker on this loop's critical path
            let (dk, tk) = (d.t.to_bits(), t.to_bits());
            let is_c = (dk < tk) | ((dk == tk) & (d.tag as usize <= a + 1));
            let st = status[d.tag as usize];
            let fresh = is_c & (st & (COLD | THROTTLED) == 0);
            let prov = WITH_PROV && st & PROV != 0;
            idle[top] = d.t;
            top += (fresh & !prov) as usize;
            idle_prov += (fresh & prov) as u32;
            busy -= fresh as u32;
            c += is_c as usize;
            let arrives = !is_c;
            let take_prov = WITH_PROV && idle_prov > 0;
            let unusual = if WITH_PROV {
                (busy >= cap) | ((top == head) & !take_prov) | ((top > head) & (idle[head] + ka <= t))
            } else {
                // (an empty stack is unusual anyway, so its stale bottom may be read)
                (top == head) | (busy >= cap) | (idle[head] + ka <= t)
            };
            if arrives & unusual {
                break;
            }
            top -= (arrives & !take_prov) as usize;
            idle_prov -= (arrives & take_prov) as u32;
            if WITH_PROV {
                status[a + FIRST as usize] |= (arrives & take_prov) as u8 * PROV;
            }
            busy += arrives as u32;
            a += arrives as usize;
        }
        *i = a;
        *j = c;
        self.idle_top = top;
        self.busy = busy;
        self.idle_prov = idle_prov;
    }

    /// Arrival `i` with everything that may come with it.
    fn play_one(&mut self, blk: &mut Block, i: usize, j: &mut usize, end: f64) {
        let spec = self.spec;
        let t = blk.arrival[i];
        let before = i as u32 + FIRST - 1; // tags up to this are requests that arrived earlier
        // completions up to t (a request's own completion never precedes it)
        loop {
            let d = blk.done[*j];
            let (ct, tag, from_moved) = match self.moved.peek() {
                Some((k, tag)) if f64::from_bits(k) < d.t => (f64::from_bits(k), tag, true),
                _ => (d.t, d.tag, false),
            };
            if ct > t || (ct == t && tag > before) {
                break;
            }
            if from_moved {
                self.moved.pop();
            } else {
                *j += 1;
                // a cold start's warm completion is stale; a throttled request has none
                let status = blk.status[tag as usize];
                if status & (COLD | THROTTLED) != 0 {
                    continue;
                }
                if status & PROV != 0 {
                    self.busy -= 1;
                    self.idle_prov += 1;
                    continue;
                }
            }
            self.busy -= 1;
            self.idle_push(ct);
        }
        if self.idle_head < self.idle_top && self.idle[self.idle_head] + self.keep_alive <= t {
            self.expire_until(t);
        }
        if self.busy >= spec.max_in_flight {
            blk.status[i + FIRST as usize] |= THROTTLED;
            return;
        }
        if self.idle_prov > 0 {
            self.idle_prov -= 1;
            blk.status[i + FIRST as usize] |= PROV;
        } else if self.idle_top > self.idle_head {
            self.idle_top -= 1;
            if self.idle_top == self.idle_head {
                self.idle_head = 0;
                self.idle_top = 0;
            }
        } else if !self.cold_start(blk, i, end) {
            return;
        }
        self.busy += 1;
    }

    /// Starts an environment for request `i` of the block, if the scaling rate allows
    /// (else the request is throttled: false).
    #[inline(never)]
    fn cold_start(&mut self, blk: &mut Block, i: usize, end: f64) -> bool {
        let spec = self.spec;
        let t = blk.arrival[i];
        if let Some((burst, rate)) = spec.scale {
            self.tokens = (self.tokens + (t - self.tokens_t) * rate).min(burst);
            self.tokens_t = t;
            if self.tokens < 1.0 {
                blk.status[i + FIRST as usize] |= THROTTLED;
                return false;
            }
            self.tokens -= 1.0;
        }
        self.live += 1;
        if self.live as f64 > self.raw.peak_instances {
            self.raw.peak_instances = self.live as f64;
        }
        self.live_step(t, 1.0);
        let init_ms = spec.cold.sample(&mut self.init_rng).max(0.0);
        blk.init_ms[i] = init_ms;
        blk.status[i + FIRST as usize] |= COLD;
        let f = t + (init_ms + blk.svc_ms[i]) * 0.001;
        blk.finish[i] = f;
        if f <= end {
            self.moved.push(key(f), i as u32 + FIRST);
        }
        true
    }

    /// Meters every request of the block into its display bucket, a bucket's run of
    /// requests at a time: counts, time in flight and usage add up in locals.
    #[inline(never)]
    fn meter_block(&mut self, blk: &Block) {
        let spec = self.spec;
        let h = self.horizon;
        let slo = self.slo_ms;
        let n = blk.arrival.len();
        let bucket_s = self.raw.areas.bucket_s;
        let mut i = 0;
        while i < n {
            let raw = &mut self.raw;
            let b = raw.cursor(blk.arrival[i]);
            let until = raw.cursor_until();
            let mut j = i + 1;
            while j < n && blk.arrival[j] < until {
                j += 1;
            }
            raw.arrivals_at(b, (j - i) as f64);
            // a request whose whole time in flight lies in this bucket adds to it
            let area_end = ((b + 1) as f64 * bucket_s).min(h);
            let mut cell = [0.0; NF];
            let (mut served, mut in_flight, mut over_slo) = (0.0, 0.0, 0.0);
            for k in i..j {
                let (t, f, status) = (blk.arrival[k], blk.finish[k], blk.status[k + FIRST as usize]);
                if status & THROTTLED != 0 {
                    raw.throttled += 1.0;
                    raw.counts[b][C_REJECTED] += 1.0;
                    continue;
                }
                let (svc, init_ms) = (blk.svc_ms[k], blk.init_ms[k]);
                let (cold, prov) = (status & COLD != 0, status & PROV != 0);
                let latency = init_ms + svc;
                let f = f.min(h);
                // time in flight: in this bucket's local sum unless it runs past the bucket
                if f <= area_end {
                    in_flight += f - t;
                } else {
                    raw.areas.add_interval(t, f, IN_FLIGHT);
                }
                if cold {
                    raw.counts[b][C_COLD] += 1.0;
                    raw.cold_starts += 1.0;
                    raw.areas.add_interval(t, (t + init_ms * 0.001).min(h), STARTING);
                }
                if status & FAILED != 0 {
                    raw.counts[b][C_REJECTED] += 1.0;
                    raw.failed += 1.0;
                } else {
                    served += 1.0;
                    raw.hist.record(latency);
                    over_slo += (latency > slo) as u8 as f64;
                }
                meter_request(&mut cell, &spec.metering, prov, cold, svc, init_ms, blk.cpu_ms[k]);
                if let FnMetering::ActivePeriod { step_ms, min_ms } = spec.metering {
                    let field = if prov { ACTIVE_MS_PC } else { ACTIVE_MS };
                    cell[field] += active_ms(f - t, step_ms, min_ms);
                }
            }
            raw.served += served;
            raw.counts[b][C_SERVED] += served;
            raw.over_slo += over_slo;
            raw.areas.buckets[b][IN_FLIGHT] += in_flight;
            for (x, v) in raw.acc.buckets[b].iter_mut().zip(&cell) {
                *x += v;
            }
            i = j;
        }
    }

    fn finish(mut self) -> RawRun {
        let h = self.horizon;
        // completions before the horizon free their environments, which may then expire
        while let Some(k) = self.later.peek_key() {
            let t = f64::from_bits(k);
            if t > h {
                break;
            }
            let Some((_, prov)) = self.later.pop() else { break };
            if !prov {
                self.expire_until(t);
                self.idle_push(t);
            }
        }
        self.expire_until(h);
        meter_idle_provisioned(&mut self.raw, self.spec, h);
        let mut level = 0.0;
        let areas = &mut self.raw.areas;
        let n = areas.buckets.len();
        for b in 0..n {
            level += self.live_steps[b];
            let width = ((b + 1) as f64 * areas.bucket_s).min(h) - b as f64 * areas.bucket_s;
            areas.buckets[b][LIVE] += level * width.max(0.0);
        }
        for cell in areas.buckets.iter_mut() {
            cell[BUSY] = cell[IN_FLIGHT];
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
    let raw = RawRun::new(profile.horizon_s, cfg.bucket_s);
    let n_buckets = raw.areas.buckets.len();
    let mut pool = Pool {
        spec,
        horizon: profile.horizon_s,
        keep_alive,
        slo_ms: cfg.slo_ms.unwrap_or(f64::INFINITY),
        idle: Vec::new(),
        idle_head: 0,
        idle_top: 0,
        busy: 0,
        live: spec.provisioned,
        idle_prov: spec.provisioned,
        tokens: spec.scale.map(|s| s.0).unwrap_or(0.0),
        tokens_t: 0.0,
        later: QuadHeap::default(),
        moved: QuadHeap::default(),
        live_steps: vec![0.0; n_buckets],
        init_rng: Rng::new(cfg.seed, super::exact_fn::init_stream(spec)),
        raw,
    };
    // provisioned environments live the whole horizon
    pool.raw.peak_instances = spec.provisioned as f64;
    pool.live_step(0.0, spec.provisioned as f64);
    let mut rng = Rng::new(cfg.seed, spec.index as u64 + 1);
    let mut arrivals = ArrivalGen::new(profile, cfg.arrivals);
    let mut arr_rng = Rng::new(cfg.seed, ARRIVAL_STREAM);
    let mut blk = Block::default();
    loop {
        blk.arrival.clear();
        arrivals.fill(&mut arr_rng, &mut blk.arrival, BLOCK);
        if blk.arrival.is_empty() {
            break;
        }
        pool.prepare_block(&mut blk, &mut rng);
        pool.play_block(&mut blk);
        pool.meter_block(&blk);
        if ctl.cancelled() {
            return Err(SimError::Cancelled);
        }
        let t = blk.arrival[blk.arrival.len() - 1];
        ctl.set_part(progress, t / profile.horizon_s.max(1e-9));
        if blk.arrival.len() < BLOCK {
            break;
        }
    }
    Ok(pool.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::parse_scenario;
    use crate::pricing::Catalog;
    use crate::sim::{Spec, TraceStore, prepare};
    use std::path::Path;

    /// Runs one function platform through both exact engines.
    fn both(traffic: &str, platform: &str, days: f64, arrivals: &str) -> (RawRun, RawRun) {
        let cat = Catalog::builtin().expect("catalog");
        let text = format!(
            r#"Scenario(version: 1, name: "t", horizon_days: {days}, seed: 7,
                traffic: Traffic(arrivals: {arrivals}, components: [{traffic}]),
                workload: Workload(duration_ms: LogNormal(median: 80.0, p99: 900.0), cpu_fraction: 0.5,
                                   cold_start_ms: LogNormal(median: 300.0, p99: 1500.0)),
                platforms: [{platform}])"#
        );
        let s = parse_scenario(&text, "t.ron", None, &cat).expect("scenario");
        let p = prepare(&s, Path::new("."), &cat, &mut TraceStore::default()).expect("prepare");
        let Spec::Function(f) = &p.specs[0] else {
            panic!("a function")
        };
        assert!(applies(f));
        let cfg = RunCfg::of(&s, crate::sim::bucket_s(p.profile.horizon_s));
        let ctl = Control::default();
        let pool = run(f, &p.profile, cfg, &ctl, (0.0, 1.0)).expect("pool");
        let reference = super::super::exact_fn::run(f, &p.profile, cfg, &ctl, (0.0, 1.0)).expect("fn");
        (pool, reference)
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
    }

    fn assert_same(a: &RawRun, b: &RawRun, what: &str) {
        assert!(a.requests > 1000.0, "{what}: {}", a.requests);
        for (x, y, field) in [
            (a.requests, b.requests, "requests"),
            (a.served, b.served, "served"),
            (a.throttled, b.throttled, "throttled"),
            (a.failed, b.failed, "failed"),
            (a.cold_starts, b.cold_starts, "cold starts"),
            (a.over_slo, b.over_slo, "over slo"),
            (a.peak_instances, b.peak_instances, "peak"),
        ] {
            assert_eq!(x, y, "{what}: {field}");
        }
        assert_eq!(a.counts, b.counts, "{what}: counts");
        assert_eq!(a.hourly_arrivals, b.hourly_arrivals, "{what}: hourly");
        assert_eq!(a.hist, b.hist, "{what}: latency histogram");
        for (bucket, (x, y)) in a.areas.buckets.iter().zip(&b.areas.buckets).enumerate() {
            for k in [LIVE, BUSY, STARTING, IN_FLIGHT] {
                assert!(
                    close(x[k], y[k]),
                    "{what}: area {k} in bucket {bucket}: {} vs {}",
                    x[k],
                    y[k]
                );
            }
        }
        for (x, y) in a.acc.buckets.iter().zip(&b.acc.buckets) {
            for k in 0..NF {
                assert!(close(x[k], y[k]), "{what}: metered {k}: {} vs {}", x[k], y[k]);
            }
        }
    }

    #[test]
    fn matches_the_general_engine_request_for_request() {
        let lambda = r#"Function(name: "L", service: "aws-lambda", memory_mb: 1024"#;
        for (what, traffic, platform, days, arrivals) in [
            (
                "steady, tens of environments",
                "Constant(rps: 50.0)",
                format!("{lambda})"),
                0.2,
                "Poisson",
            ),
            (
                "daily cycle, short keep-alive: environments come and go",
                "Diurnal(peak_rps: 3.0, trough_rps: 0.0, peak_hour: 12.0)",
                format!("{lambda}, keep_alive_s: 20.0)"),
                1.0,
                "Poisson",
            ),
            (
                "spike against a concurrency cap and the scaling rate",
                "Constant(rps: 1.0), Spike(day: 0.0, hour: 1.0, duration_min: 2.0, requests: 600000.0)",
                format!("{lambda}, max_concurrency: 1200)"),
                0.1,
                "Poisson",
            ),
            (
                "steady load above a small concurrency cap",
                "Constant(rps: 400.0)",
                format!("{lambda}, max_concurrency: 30)"),
                0.02,
                "Poisson",
            ),
            (
                "provisioned concurrency below the load: overflow cold starts",
                "Diurnal(peak_rps: 120.0, trough_rps: 5.0, peak_hour: 12.0)",
                format!("{lambda}, provisioned: 6, keep_alive_s: 60.0)"),
                0.25,
                "Poisson",
            ),
            (
                "Cloud Run style billing with minimum instances",
                "Diurnal(peak_rps: 30.0, trough_rps: 0.5, peak_hour: 3.0)",
                r#"Function(name: "G", service: "gcp-cloud-run", memory_mb: 512, provisioned: 2, keep_alive_s: 30.0)"#
                    .to_string(),
                0.2,
                "Poisson",
            ),
            (
                "timer traffic, evenly spaced",
                "Constant(rps: 0.2)",
                format!("{lambda}, keep_alive_s: 4.0)"),
                0.5,
                "Deterministic",
            ),
            (
                "Cloud Run style activity billing, one request per instance",
                "Constant(rps: 20.0)",
                r#"Function(name: "G", service: "gcp-cloud-run", memory_mb: 512)"#.to_string(),
                0.1,
                "Poisson",
            ),
        ] {
            let (pool, reference) = both(traffic, &platform, days, arrivals);
            assert_same(&pool, &reference, what);
            // each case exercises what it is named for
            assert!(pool.cold_starts >= 20.0, "{what}: {}", pool.cold_starts);
            if what.contains("cap") {
                assert!(pool.throttled > 100.0, "{what}: {}", pool.throttled);
            }
            if what.contains("provisioned") || what.contains("minimum") {
                let served_warm_provisioned = pool.acc.totals()[REQ_PC];
                assert!(served_warm_provisioned > 1000.0, "{what}: {served_warm_provisioned}");
            }
        }
    }
}
