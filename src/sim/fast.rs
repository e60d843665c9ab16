//! The fast mode: expected values per stretch of time instead of individual requests.
//!
//! Functions. Requests in flight are M/G/m/m: Poisson with mean rate x mean service time,
//! truncated at the concurrency cap (so the cap throttles as Erlang B, and neither the
//! requests in flight nor the pool exceed what the cap allows). With most-recently-used
//! routing the live environments are the running maximum of the busy count over the
//! keep-alive, and a request is cold when the busy count is at that maximum; by time
//! reversal both follow from the time the busy count takes to pass above a level, which
//! is close to exponential with the rate of a birth-death chain's mean passage time
//! (passages come in clumps: counting every upcrossing, as a plain hazard does, loses
//! cold starts). See `pool_stats`. A cold request holds its environment for INIT +
//! service, which enters the load once refined.
//!
//! Stretches start with what earlier ones left alive (`Carry`): when the pool must grow,
//! every environment beyond those is a cold start, and the pool overshoots the steady
//! level while cold requests hold their environments for INIT (a fluid of the first
//! occupancy after the step, `Growth`), within the scaling rate's token bucket; requests
//! the bucket cannot serve meanwhile are throttled (fluid ramp). While a larger pool from
//! before is alive, it counts as live and arrivals rarely find it full. Requests longer
//! than the execution-time limit fail, billed to the limit. Deterministic arrivals
//! (timers) are handled by their own arithmetic.
//!
//! A stretch shorter than the service time has not built the stationary load: the pool
//! and the cap are judged on the requests in flight at its end, rate x E[min(len, S)]
//! (the rate convolved with the service time's survival), the growth fluid takes arrivals
//! only within the stretch, and its environments stay until its requests end plus the
//! keep-alive. So 1,000 eight-minute jobs arriving within a minute fit a cap of 1,000.
//!
//! Fleets are a fluid model with the same autoscaler rules, maximum replicas, queue
//! timeout and queue bound as the exact engine, and M/M/c waiting below capacity.
//! Requests the queue dropped hold no slot when replicas become ready.
//!
//! Measured against the exact engine (tests/fast_vs_exact.rs): cold-start rate within
//! 10 % and live environments within 2 % in steady state (5 and 50 req/s, keep-alive 60
//! and 600 s), within 8 % and 2 % for a burst from zero; served, throttled, dropped and
//! failed within 0.3 % of requests under caps, scaling-rate ramps, execution-time limits
//! and a saturated fleet; bursts shorter than their requests (a nightly timer burst of
//! 8-minute jobs, 2-minute Poisson spikes of 10-minute requests) within 1 % of requests,
//! 1 % of cost and 3 % of live environments. See ARCHITECTURE.md for where the error is
//! largest.

use super::histogram::Histogram;
use super::meter::*;
use super::rng::fast_exp;
use super::run::*;
use super::spec::{FleetMetering, FleetSpec, FnMetering, FunctionSpec, KeepAlive};
use super::traffic::RateProfile;
use crate::model::{Arrivals, ContainerBilling, Dist};

/// The resolution the fast mode works at: five-minute pieces over long horizons (a 30-day
/// month is 8,640 of them), the profile's own below two days. Volumes are kept exactly;
/// only edges inside a five-minute piece are smoothed.
pub fn fast_profile(p: &RateProfile) -> std::borrow::Cow<'_, RateProfile> {
    let factor = (300.0 / p.step_s).floor() as usize;
    if p.horizon_s >= 2.0 * 86_400.0 && factor > 1 {
        std::borrow::Cow::Owned(p.coarsened(factor))
    } else {
        std::borrow::Cow::Borrowed(p)
    }
}

/// A stretch of constant rate.
#[derive(Clone, Copy, Debug)]
pub struct Piece {
    pub t0: f64,
    pub len: f64,
    pub rate: f64,
}

/// Merges consecutive pieces whose rates stay within 5 % of the stretch's first rate,
/// up to `max_len` seconds: steady traffic becomes a few long stretches, while spikes and
/// job windows keep their edges.
pub fn merge_pieces(p: &RateProfile, max_len: f64) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    let mut cur: Option<(Piece, f64)> = None; // (piece, requests)
    for (i, &r) in p.rates.iter().enumerate() {
        let len = p.piece_len(i);
        if len <= 0.0 {
            continue;
        }
        match cur.as_mut() {
            Some((c, req)) if c.len + len <= max_len + 1e-9 && close(c.rate, r) => {
                *req += r * len;
                c.len += len;
                c.rate = *req / c.len;
            }
            _ => {
                if let Some((c, _)) = cur.take() {
                    out.push(c);
                }
                cur = Some((
                    Piece {
                        t0: p.start(i),
                        len,
                        rate: r,
                    },
                    r * len,
                ));
            }
        }
    }
    if let Some((c, _)) = cur {
        out.push(c);
    }
    out
}

fn close(a: f64, b: f64) -> bool {
    let m = a.abs().max(b.abs());
    m == 0.0 || (a - b).abs() <= 0.05 * m
}

const NQ: usize = 128;

/// Points of a distribution at evenly spaced probabilities (for expectations of
/// nonlinear functions such as rounding, and for latency templates).
fn quantiles(d: &Dist, k: f64, n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| (d.quantile((i as f64 + 0.5) / n as f64) * k).max(0.0))
        .collect()
}

fn mean_of<F: Fn(f64) -> f64>(xs: &[f64], f: F) -> f64 {
    xs.iter().map(|&x| f(x)).sum::<f64>() / xs.len().max(1) as f64
}

/// Erlang B blocking probability. Negligible (below 1e-15) when the load is far below
/// the servers; otherwise the stable recursion, started where the terms matter.
pub fn erlang_b(m: u32, a: f64) -> f64 {
    if a <= 0.0 {
        return 0.0;
    }
    let mf = m as f64;
    if mf - a >= 7.0 * a.sqrt() + 5.0 {
        return 0.0;
    }
    // 1/B(j) = 1 + (j/a) / B(j-1); from j0 on, with 1/B(j0) from the Poisson ratio
    // P(N <= j0) / pi(j0), which is close to 1 when j0 is well below the load
    // (a cap far below the load starts at the cap itself: B = 1 - m/a there)
    let j0 = ((a - 7.0 * a.sqrt() - 5.0).max(0.0).floor() as u32).min(m);
    let mut inv = if j0 == 0 {
        1.0
    } else {
        1.0 / (1.0 - (j0 as f64) / a).max(1e-300)
    };
    // j / a is off the dependency chain, so each step waits on one multiply and one add
    // (not a division): this loop is the fleets' hot spot in sweeps
    let inv_a = 1.0 / a;
    let mut jf = j0 as f64;
    for _ in (j0 + 1)..=m {
        jf += 1.0;
        inv = 1.0 + inv * (jf * inv_a);
    }
    1.0 / inv
}

/// Keep-alive values with weights: one point when fixed, quantiles when random.
fn keep_alive_points(k: &KeepAlive) -> Vec<f64> {
    match k {
        KeepAlive::Fixed(s) => vec![*s],
        KeepAlive::Random(_, d) => quantiles(d, 1.0, 8),
    }
}

/// The stationary warm pool of one stretch: Poisson arrivals at `lam`, `a` requests in
/// flight on average (M/G/infinity, truncated at the concurrency cap: M/G/m/m).
#[derive(Clone, Copy, Debug, Default)]
struct PoolStats {
    /// Share of accepted requests that start an environment.
    p_cold: f64,
    /// Mean live environments.
    live: f64,
    /// Share of arrivals throttled by the concurrency cap (Erlang B).
    thr: f64,
    /// Mean requests in flight (accepted only).
    busy_req: f64,
    /// Mean environments with at least one request.
    busy_envs: f64,
    /// Mean requests in flight on provisioned environments.
    on_pc: f64,
}

/// Hashing for maps keyed by the bits of a few floats (the pool memo): the keys are not
/// chosen by anyone hostile, so a multiply-and-rotate per word (as rustc's FxHash) does,
/// and costs a fraction of the default SipHash in the fast mode's inner loop.
#[derive(Clone, Copy, Default)]
struct BitsHash;

impl std::hash::BuildHasher for BitsHash {
    type Hasher = BitsHasher;
    fn build_hasher(&self) -> BitsHasher {
        BitsHasher(0)
    }
}

struct BitsHasher(u64);

impl std::hash::Hasher for BitsHasher {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }
    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(5) ^ x).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// The pool in steady state. With one request per environment, most-recently-used routing
/// and a fixed keep-alive T, the live environments are exactly the maximum of the busy
/// count over the last T seconds, and an arrival is cold exactly when the busy count is at
/// that maximum. The busy count is a birth-death process with Poisson stationary law
/// (its M/G/infinity law, reversible), so by time reversal
///
///   P(cold) = sum_L pi(L) P_L(no passage above L within T),
///   live    = sum_k P(max over T of B > k c),
///
/// and passage times above L are close to exponential (quasi-stationary) with rate
/// r(L) = F(L) / m(L), m(L) = sum_{j<=L} F(j)^2 / (lambda pi(j)) the mean first-passage
/// time from the stationary law (F the cdf); started at L itself the chance of no quick
/// passage is A(L) = E_L[tau] r(L), with E_L[tau] = F(L) / (lambda pi(L)). The clumping
/// of passages (an excursion above L crosses it many times) is what a plain
/// rate-of-upcrossings hazard misses. Exact as service time goes to zero (exp(-lambda T)).
fn pool_stats(lam: f64, a: f64, c: usize, prov: usize, cap: u32, kas: &[f64], scratch: &mut Scratch) -> PoolStats {
    if lam <= 0.0 || a <= 0.0 {
        return PoolStats {
            live: prov as f64,
            ..PoolStats::default()
        };
    }
    let m = cap as usize;
    let sd = a.sqrt();
    // (pi below 1e-12 outside: nothing there moves the sums)
    let band = (7.0 * sd + 10.0).ceil() as usize;
    let p_lo = (a - 6.0 * sd - 5.0).floor().max(0.0) as usize;
    let p_hi = (a + 7.0 * sd + 10.0).ceil() as usize;
    // levels [lo, hi]: the Poisson bulk, truncated at the cap (the busy count never
    // exceeds it; far above the load it piles up just below the cap)
    let hi = p_hi.min(m);
    let lo = p_lo.min(m.saturating_sub(band));
    let n = hi - lo + 1;
    let Scratch { pmf: w, levels } = scratch;
    w.clear();
    w.resize(n, 0.0);
    // relative pmf from the mode outwards (no factorials), then normalised
    let mode = (a.floor() as usize).clamp(lo, hi);
    w[mode - lo] = 1.0;
    // (the ratios are off the chain of multiplications, so no step waits on a division)
    let inv_a = 1.0 / a;
    for j in mode..hi {
        w[j + 1 - lo] = w[j - lo] * (a / (j + 1) as f64);
    }
    for j in (lo + 1..=mode).rev() {
        w[j - 1 - lo] = w[j - lo] * (j as f64 * inv_a);
    }
    let z: f64 = w.iter().sum();
    let inv_z = 1.0 / z;
    let thr = if m <= p_hi { w[m - lo] * inv_z } else { 0.0 };
    let ka_min = kas.iter().copied().fold(f64::INFINITY, f64::min);
    let nk = kas.len() as f64;
    // One pass bottom-up: the moments, and the cumulative F and m(L) at the levels
    // environments are needed at (k c, k >= prov, below the cap). Environments whose
    // passage rate is high are certainly alive (and never the cold one): only the others
    // are kept for the exponentials. No integer division per level: `k` and `rem` count.
    let (mut busy_req, mut busy_envs, mut on_pc) = (0.0, 0.0, 0.0);
    let (mut f_cum, mut m_cum) = (0.0, 0.0);
    let inv_lam = 1.0 / lam;
    let pc_slots = prov * c;
    let mut k = lo / c;
    let mut rem = lo % c;
    // environments k+1 with k c below `lo`: always alive
    let mut alive_below = lo.div_ceil(c).max(prov) - prov;
    levels.clear();
    for (i, p) in w.iter_mut().enumerate() {
        let j = lo + i;
        *p *= inv_z;
        let p = *p;
        busy_req += p * j as f64;
        busy_envs += p * (k + (rem > 0) as usize) as f64;
        on_pc += p * j.min(pc_slots) as f64;
        f_cum += p;
        if p > 0.0 {
            m_cum += f_cum * f_cum * inv_lam / p;
        }
        if rem == 0 && k >= prov && j < m && m_cum > 0.0 {
            if ka_min * f_cum > 40.0 * m_cum {
                alive_below = k + 1 - prov;
            } else {
                let r = f_cum / m_cum;
                let big_a = if p > 0.0 {
                    (f_cum * inv_lam / p * r).min(1.0)
                } else {
                    1.0
                };
                levels.push((k, f_cum.min(1.0), r, big_a, p));
            }
        }
        rem += 1;
        if rem == c {
            rem = 0;
            k += 1;
        }
    }
    let mut live = prov as f64;
    let mut p_cold = 0.0;
    for &(k, f, r, big_a, p) in levels.iter() {
        if k + 1 - prov <= alive_below {
            continue; // below a level certainly alive
        }
        for &ka in kas {
            let e = fast_exp(-ka * r);
            live += (1.0 - f * e) / nk;
            p_cold += p * big_a * e / nk;
        }
    }
    live += alive_below as f64;
    // the pool never exceeds what the cap can keep busy
    let max_envs = m.div_ceil(c).max(prov) as f64;
    PoolStats {
        p_cold: (p_cold / (1.0 - thr).max(1e-12)).min(1.0),
        live: live.min(max_envs),
        thr,
        busy_req,
        busy_envs,
        on_pc,
    }
}

/// How the pool grows when the rate steps up: the survival functions of a warm request's
/// occupancy (service), a cold one's (INIT + service) and of what was in flight before
/// (the residual service), on a grid spanning the longest occupancy.
struct Growth {
    dt: f64,
    surv_warm: Vec<f64>,
    surv_cold: Vec<f64>,
    surv_resid: Vec<f64>,
}

const GROWTH_STEPS: usize = 40;

impl Growth {
    fn new(svc_s: &[f64], init_s: &[f64]) -> Growth {
        let s_max = svc_s.iter().copied().fold(0.0, f64::max);
        let i_max = init_s.iter().copied().fold(0.0, f64::max);
        let dt = ((s_max + i_max) * 1.05 / GROWTH_STEPS as f64).max(1e-9);
        let mean_s = mean_of(svc_s, |x| x).max(1e-12);
        let share = |xs: &mut dyn Iterator<Item = f64>, t: f64| {
            let (mut n, mut k) = (0usize, 0usize);
            for x in xs {
                n += 1;
                k += (x > t) as usize;
            }
            k as f64 / n.max(1) as f64
        };
        let mut surv_warm = Vec::with_capacity(GROWTH_STEPS + 1);
        let mut surv_cold = Vec::with_capacity(GROWTH_STEPS + 1);
        let mut surv_resid = Vec::with_capacity(GROWTH_STEPS + 1);
        for k in 0..=GROWTH_STEPS {
            let t = k as f64 * dt;
            surv_warm.push(share(&mut svc_s.iter().copied(), t));
            surv_cold.push(share(
                &mut svc_s.iter().flat_map(|s| init_s.iter().map(move |i| s + i)),
                t,
            ));
            surv_resid.push(mean_of(svc_s, |s| (s - t).max(0.0)) / mean_s);
        }
        Growth {
            dt,
            surv_warm,
            surv_cold,
            surv_resid,
        }
    }

    /// The pool (in requests) a step to `lam` builds from `pool` environments' worth of
    /// slots with `busy0` requests in flight: a fluid where an arrival takes a free slot if
    /// there is one and otherwise starts an environment, whose request then holds it for
    /// INIT + service, so the pool overshoots the steady load; at most `cap` in flight,
    /// and at most the scaling rate's `tokens` (refilled at `refill` per second, up to
    /// `burst`) environments started (with `c` slots each). Arrivals stop after `len`.
    #[allow(clippy::too_many_arguments)]
    fn peak(
        &self,
        lam: f64,
        len: f64,
        pool: f64,
        busy0: f64,
        cap: f64,
        c: f64,
        scale: Option<(f64, f64)>,
        tokens: f64,
    ) -> f64 {
        let n = GROWTH_STEPS + 1;
        let mut cold = [0.0; GROWTH_STEPS + 1];
        let mut warm = [0.0; GROWTH_STEPS + 1];
        let mut p = pool;
        let mut tokens = tokens * c;
        for k in 0..n {
            // arrivals only within the stretch (a burst shorter than the occupancy ends)
            let per_step = lam * (len - k as f64 * self.dt).clamp(0.0, self.dt);
            let mut busy = busy0 * self.surv_resid[k];
            for j in 0..k {
                busy += cold[j] * self.surv_cold[k - j] + warm[j] * self.surv_warm[k - j];
            }
            let w = per_step.min((p - busy).max(0.0));
            let mut new = (per_step - w).min((cap - busy - w).max(0.0));
            if let Some((burst, refill)) = scale {
                new = new.min(tokens);
                tokens = (tokens - new + refill * c * self.dt).min(burst * c);
            }
            warm[k] = w;
            cold[k] = new;
            p += new;
        }
        p
    }
}

/// What a function's pool depends on besides the stretch's rate and load.
struct PoolCfg<'a> {
    c: usize,
    prov: usize,
    cap: u32,
    kas: &'a [f64],
    /// Mean INIT, s.
    init_s: f64,
}

/// The stationary pool of a stretch at rate `lam` with `a` requests in service on average
/// (`a_own` in flight at its end, `a` when it lasts longer than the longest service), and
/// the share of its requests in flight that are in service rather than in INIT: a cold
/// request holds its environment for INIT + service, so the pool is refined once with the
/// INIT load its cold starts add. `pool(a_in)`: the pool at that load. Whether it refined.
fn settled_pool(
    lam: f64,
    a: f64,
    a_own: f64,
    pc: &PoolCfg,
    pool: &mut dyn FnMut(f64) -> PoolStats,
) -> (PoolStats, f64, bool) {
    let mut st = pool(a_own);
    let extra = lam * st.p_cold * pc.init_s;
    // (requests in flight for their service alone, as a volume over the stretch: INIT is
    // added as `starting`)
    let mut service_part = a / a_own.max(1e-300);
    let refined = extra > 0.002 * a_own;
    if refined {
        st = pool(a_own + extra);
        service_part = a / (a_own + extra);
    }
    (st, service_part, refined)
}

/// The pool table's step in log rate: 128 nodes a decade. Between nodes the pool is a
/// cubic in log rate (its cold and throttled shares cubics in their logs: they fall like
/// exp(-rate x keep-alive)), within 2e-4 of `pool_stats` itself (a unit test).
const TABLE_STEP: f64 = std::f64::consts::LN_10 / 128.0;

/// Distinct rates in a run beyond which its pools come from the table: a table over the
/// two or three decades of rates a month spans has a few hundred nodes.
const TABLE_FROM_RATES: usize = 256;

/// `Node::regime`'s bit for a pool within reach of the cap.
const NEAR_CAP: u8 = 1 << 5;

/// A node of the pool table: the settled pool at one rate, and which of its kinks it is
/// past (refined for INIT, live capped, cold share capped, the cap throttling, the cap
/// within reach). Nodes in different regimes are not interpolated across, nor near the
/// cap: the stretch is computed itself.
#[derive(Clone, Copy)]
struct Node {
    st: PoolStats,
    service_part: f64,
    regime: u8,
}

impl Node {
    fn at(lam: f64, mean_s: f64, pc: &PoolCfg, scratch: &mut Scratch) -> Node {
        let a = lam * mean_s;
        let (st, service_part, refined) = settled_pool(lam, a, a, pc, &mut |a_in| {
            pool_stats(lam, a_in, pc.c, pc.prov, pc.cap, pc.kas, scratch)
        });
        let max_envs = (pc.cap as usize).div_ceil(pc.c).max(pc.prov) as f64;
        // (within reach of the concurrency cap the pool turns sharply, between nodes:
        // such stretches are computed themselves)
        let a_in = a + lam * st.p_cold * pc.init_s;
        let near_cap = a_in + 7.0 * a_in.sqrt() + 10.0 >= pc.cap as f64;
        let regime = refined as u8
            | (near_cap as u8) << 5
            | ((st.live >= max_envs) as u8) << 1
            | ((st.p_cold >= 1.0) as u8) << 2
            | ((st.thr > 0.0) as u8) << 3
            | ((st.p_cold > 0.0) as u8) << 4;
        Node {
            st,
            service_part,
            regime,
        }
    }
}

/// A function's settled pool as a function of the rate, on a log grid filled as stretches
/// need it: a traffic that grows (or is scaled by a sweep) never repeats a rate, so a
/// month's 2,000 stretches would each compute a pool; about a hundred nodes do instead.
/// The nodes' rates are fixed (e^(i TABLE_STEP)), so a stretch's pool does not depend on
/// which stretches came before it.
#[derive(Default)]
struct PoolTable(std::collections::HashMap<i64, Node, BitsHash>);

thread_local! {
    /// Pool tables kept between runs on this thread, by what a pool depends on: a sweep's
    /// points, its crossovers' probes and the app's runs after an edit of the traffic
    /// share the nodes of the same function. A node is a function of its key and index
    /// alone, so what is kept (or which thread ran what) changes no result.
    static TABLES: std::cell::RefCell<Vec<(Vec<u64>, PoolTable)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Tables kept per thread, and nodes kept per table.
const TABLES_KEPT: usize = 8;
const NODES_KEPT: usize = 20_000;

impl PoolTable {
    /// What a function's settled pool depends on besides the rate.
    fn key(mean_s: f64, init_s: f64, c: usize, prov: usize, cap: u32, kas: &[f64]) -> Vec<u64> {
        let mut k = vec![
            mean_s.to_bits(),
            init_s.to_bits(),
            c as u64,
            prov as u64,
            u64::from(cap),
        ];
        k.extend(kas.iter().map(|x| x.to_bits()));
        k
    }

    /// This thread's table for `key` (empty if none is kept).
    fn take(key: &[u64]) -> PoolTable {
        TABLES.with(|t| {
            let mut t = t.borrow_mut();
            match t.iter().position(|(k, _)| k.as_slice() == key) {
                Some(i) => t.remove(i).1,
                None => PoolTable::default(),
            }
        })
    }

    /// Keeps this table for the thread's next run, the most recent first.
    fn keep(mut self, key: Vec<u64>) {
        if self.0.len() > NODES_KEPT {
            self.0.clear();
        }
        TABLES.with(|t| {
            let mut t = t.borrow_mut();
            t.insert(0, (key, self));
            t.truncate(TABLES_KEPT);
        });
    }

    /// The settled pool at `lam` and its service share, interpolated (a cubic) between the
    /// four nodes around it; None where they straddle a kink.
    fn get(&mut self, lam: f64, mut node: impl FnMut(f64) -> Node) -> Option<(PoolStats, f64)> {
        let u = lam.ln() / TABLE_STEP;
        if !u.is_finite() || u.abs() > 1e6 {
            return None;
        }
        let i = u.floor();
        let t = u - i;
        let i = i as i64;
        let mut ns = [None::<Node>; 4];
        for (k, n) in ns.iter_mut().enumerate() {
            let j = i + k as i64 - 1;
            *n = Some(*self.0.entry(j).or_insert_with(|| node((j as f64 * TABLE_STEP).exp())));
        }
        let ns = ns.map(|n| n.expect("filled above"));
        let regime = ns[0].regime;
        if regime & NEAR_CAP != 0 || ns.iter().any(|n| n.regime != regime) {
            return None;
        }
        let lin = |f: fn(&Node) -> f64| cubic(ns.map(|n| f(&n)), t);
        // shares that fall exponentially are interpolated in their logs (all four nodes
        // positive, as the regime says; zero stays zero)
        let log = |f: fn(&Node) -> f64| {
            let v = ns.map(|n| f(&n));
            if v.iter().all(|x| *x > 0.0) {
                cubic(v.map(f64::ln), t).exp()
            } else {
                0.0
            }
        };
        let st = PoolStats {
            p_cold: log(|n| n.st.p_cold).min(1.0),
            live: lin(|n| n.st.live).max(0.0),
            thr: log(|n| n.st.thr).min(1.0),
            busy_req: lin(|n| n.st.busy_req).max(0.0),
            busy_envs: lin(|n| n.st.busy_envs).max(0.0),
            on_pc: lin(|n| n.st.on_pc).max(0.0),
        };
        Some((st, lin(|n| n.service_part).clamp(0.0, 1.0)))
    }
}

/// The cubic through four equally spaced values (at -1, 0, 1, 2), at `t` in [0, 1)
/// between the middle two (the second at t = 0, exactly).
fn cubic(p: [f64; 4], t: f64) -> f64 {
    let [p0, p1, p2, p3] = p;
    let (tm, tp, t2) = (t - 1.0, t + 1.0, t - 2.0);
    (-t * tm * t2 * p0 + 3.0 * tp * tm * t2 * p1 - 3.0 * tp * t * t2 * p2 + tp * t * tm * p3) / 6.0
}

/// Buffers `pool_stats` reuses from one stretch to the next.
#[derive(Default)]
struct Scratch {
    pmf: Vec<f64>,
    /// (environment k, F(k c), r(k c), A(k c), pi(k c)) for the levels evaluated.
    levels: Vec<(usize, f64, f64, f64, f64)>,
}

/// When the environments of the last timer stretch expire: uniformly over [d0, d1] (their
/// last requests spread over the last rounds of arrivals).
#[derive(Clone, Copy, Debug)]
struct Death {
    d0: f64,
    d1: f64,
}

impl Death {
    /// Share still alive at `t`.
    fn alive_at(&self, t: f64) -> f64 {
        if t >= self.d1 {
            0.0
        } else if t <= self.d0 {
            1.0
        } else {
            (self.d1 - t) / (self.d1 - self.d0)
        }
    }

    /// Mean share alive over [t0, t1).
    fn mean_alive(&self, t0: f64, t1: f64) -> f64 {
        if t1 <= t0 {
            return self.alive_at(t0);
        }
        let full = (t1.min(self.d0) - t0).max(0.0);
        let (a, b) = (t0.max(self.d0), t1.min(self.d1));
        let part = if b > a && self.d1 > self.d0 {
            ((self.d1 - a).powi(2) - (self.d1 - b).powi(2)) / (2.0 * (self.d1 - self.d0))
        } else {
            0.0
        };
        (full + part) / (t1 - t0)
    }
}

/// Pools left by earlier stretches: (environments, time they expire), as a sliding-window
/// maximum (levels falling, expiries rising). An environment stays a keep-alive after it
/// was last needed, so a stretch starts with what the previous ones left.
#[derive(Default)]
struct Carry(Vec<(f64, f64)>);

impl Carry {
    fn at(&mut self, t: f64) -> f64 {
        let gone = self.0.iter().take_while(|x| x.1 <= t).count();
        self.0.drain(..gone);
        self.0.first().map(|x| x.0).unwrap_or(0.0)
    }

    fn push(&mut self, level: f64, until: f64) {
        while self.0.last().is_some_and(|x| x.0 <= level) {
            self.0.pop();
        }
        self.0.push((level, until));
    }

    /// Time-integral of the excess over `base` within [t0, t1), and how long the excess is
    /// at least one environment.
    fn excess(&self, base: f64, t0: f64, t1: f64) -> (f64, f64) {
        let (mut area, mut covered, mut t) = (0.0, 0.0, t0);
        for &(level, until) in &self.0 {
            if level <= base || t >= t1 {
                break;
            }
            if until <= t {
                continue;
            }
            let e = until.min(t1);
            area += (level - base) * (e - t);
            covered += (level - base).min(1.0) * (e - t);
            t = e;
        }
        (area, covered)
    }
}

/// One function platform in the fast mode.
pub fn run_function(spec: &FunctionSpec, profile: &RateProfile, cfg: RunCfg) -> RawRun {
    let coarse = fast_profile(profile);
    let plan = merge_pieces(&coarse, 3600.0);
    run_function_planned(spec, &plan, 1.0, coarse.horizon_s, cfg)
}

/// A fast-mode plan: the stretches of a traffic shape, which do not change when the
/// traffic is scaled (closeness of rates is relative), so a sweep computes them once.
#[derive(Clone, Debug)]
pub enum Plan {
    Function(Vec<Piece>),
    Fleet(FleetPlan),
}

#[derive(Clone, Debug)]
pub struct FleetPlan {
    svc_q: Vec<f64>,
    mean_s: f64,
    m2: f64,
    pieces: Vec<BusyPiece>,
}

/// Plans for `spec` over `profile` (at the fast mode's resolution).
pub fn plan(spec: &super::spec::Spec, profile: &RateProfile) -> Plan {
    let coarse = fast_profile(profile);
    match spec {
        super::spec::Spec::Function(_) => Plan::Function(merge_pieces(&coarse, 3600.0)),
        super::spec::Spec::Fleet(f) => Plan::Fleet(fleet_plan(f, &coarse)),
    }
}

fn fleet_plan(spec: &FleetSpec, profile: &RateProfile) -> FleetPlan {
    let svc_q: Vec<f64> = quantiles(&spec.duration_dist, spec.slowdown, NQ);
    let mean_s = mean_of(&svc_q, |x| x) / 1000.0;
    let m2 = mean_of(&svc_q, |x| x * x) / 1e6;
    let busy = busy_profile(profile, &svc_q);
    let pieces = merge_with_busy(profile, &busy, 3600.0);
    FleetPlan {
        svc_q,
        mean_s,
        m2,
        pieces,
    }
}

/// The plan of a fleet shared by several workloads (an application's): each class is a
/// workload's spec on this fleet (its service times) and its rate over the same grid. The
/// busy count adds up class by class, so a nightly job's eight-minute requests weigh as
/// they do when they run, not averaged over the month; the service-time mix for waiting
/// and latency is weighted by each class's requests.
pub fn fleet_plan_mixed(classes: &[(&FleetSpec, &RateProfile)]) -> Option<FleetPlan> {
    let plans: Vec<ClassPlan> = classes.iter().map(|(f, p)| class_plan(f, p)).collect();
    fleet_plan_of(&plans.iter().collect::<Vec<_>>())
}

/// One workload's part of a shared fleet's plan: what does not depend on the others
/// (an application's search combines these for every set of workloads on the fleet).
#[derive(Clone, Debug)]
pub struct ClassPlan {
    /// The coarse profile's rates and the busy count they bring, piece by piece.
    rates: Vec<f64>,
    busy: Vec<f64>,
    step_s: f64,
    horizon_s: f64,
    /// Service-time quantiles (ms) and the expected requests.
    q: Vec<f64>,
    n: f64,
}

impl ClassPlan {
    /// Service times at evenly spaced quantiles, ms.
    pub fn quantiles_ms(&self) -> &[f64] {
        &self.q
    }
}

pub fn class_plan(spec: &FleetSpec, prof: &RateProfile) -> ClassPlan {
    let coarse = fast_profile(prof);
    let q = quantiles(&spec.duration_dist, spec.slowdown, NQ);
    let busy = busy_profile(&coarse, &q);
    ClassPlan {
        rates: coarse.rates.clone(),
        busy,
        step_s: coarse.step_s,
        horizon_s: coarse.horizon_s,
        q,
        n: prof.expected_requests(),
    }
}

/// The least replica time and busy-instance time (s) fleet `spec` holds while serving the
/// classes `plans` (its requests in service `a`, piece by piece, at `claimed` of their
/// value): replicas are never fewer than the minimum, nor than `a / slots` for the work
/// in service; instances with a request number E[min(r, B)], B ~ Poisson(a), for r >=
/// max(1, ceil(a / slots)) replicas, which is at least 0.632 min(a, r) (concave in a,
/// 1 - 1/e of r at a = r) and at least a - (sqrt(a + (a - r)^2) + a - r) / 2 (the
/// Cauchy-Schwarz bound on E[(B - r)+]). An application's search prices this to rule
/// out placements without simulating them.
pub fn fleet_floor(spec: &FleetSpec, plans: &[&ClassPlan], claimed: f64) -> (f64, f64) {
    let Some(c0) = plans.first() else {
        return (0.0, 0.0);
    };
    let k = spec.slots.max(1) as f64;
    let min = spec.min as f64;
    // only request-based billing reads busy instances
    let active = matches!(
        spec.metering,
        FleetMetering::CloudRun(ContainerBilling::RequestBased) | FleetMetering::ContainerApps
    );
    let mut in_service = c0.busy.clone();
    for c in &plans[1..] {
        for (a, b) in in_service.iter_mut().zip(&c.busy) {
            *a += b;
        }
    }
    let (mut replica_s, mut busy_s) = (0.0, 0.0);
    for (i, a) in in_service.iter().enumerate() {
        let len = (c0.horizon_s - i as f64 * c0.step_s).clamp(0.0, c0.step_s);
        let a = claimed * a;
        replica_s += len * min.max(a / k);
        if active && a > 0.0 {
            let r = (a / k).ceil().max(1.0);
            let cs = a - 0.5 * ((a + (a - r) * (a - r)).sqrt() + a - r);
            busy_s += len * (0.632 * a.min(r)).max(cs).max(0.0);
        }
    }
    (replica_s, busy_s)
}

/// The plan of a fleet shared by the classes given.
pub fn fleet_plan_of(classes: &[&ClassPlan]) -> Option<FleetPlan> {
    let c0 = classes.first()?;
    let mut total = RateProfile {
        step_s: c0.step_s,
        horizon_s: c0.horizon_s,
        rates: vec![0.0; c0.rates.len()],
    };
    let mut busy = vec![0.0; c0.rates.len()];
    let mut weighted: Vec<(f64, f64)> = Vec::new();
    let mut class_means: Vec<f64> = Vec::new();
    let (mut n_all, mut m1, mut m2) = (0.0, 0.0, 0.0);
    for c in classes {
        if c.rates.len() != total.rates.len() {
            return None;
        }
        for ((t, b), (r, x)) in total
            .rates
            .iter_mut()
            .zip(busy.iter_mut())
            .zip(c.rates.iter().zip(&c.busy))
        {
            *t += r;
            *b += x;
        }
        let n = c.n;
        n_all += n;
        class_means.push(mean_of(&c.q, |x| x) / 1000.0);
        m1 += n * mean_of(&c.q, |x| x) / 1000.0;
        m2 += n * mean_of(&c.q, |x| x * x) / 1e6;
        weighted.extend(c.q.iter().map(|&x| (x, n / NQ as f64)));
    }
    let n_all = n_all.max(1e-12);
    weighted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let sum_w: f64 = weighted.iter().map(|w| w.1).sum::<f64>().max(1e-300);
    let mut svc_q = Vec::with_capacity(NQ);
    let (mut acc, mut j) = (0.0, 0);
    for i in 0..NQ {
        let target = (i as f64 + 0.5) / NQ as f64 * sum_w;
        while j + 1 < weighted.len() && acc + weighted[j].1 < target {
            acc += weighted[j].1;
            j += 1;
        }
        svc_q.push(weighted.get(j).map(|w| w.0).unwrap_or(0.0));
    }
    let mut pieces = merge_with_busy(&total, &busy, 3600.0);
    if classes.len() > 1 {
        let (lo, hi) = class_means
            .iter()
            .fold((f64::INFINITY, 0.0f64), |(l, h), &m| (l.min(m), h.max(m)));
        for pc in pieces.iter_mut() {
            if pc.rate > 0.0 && pc.busy > 0.0 {
                pc.svc_s = (pc.busy / pc.rate).clamp(lo, hi.max(lo));
            }
        }
    }
    Some(FleetPlan {
        svc_q,
        mean_s: m1 / n_all,
        m2: m2 / n_all,
        pieces,
    })
}

/// A function platform on planned stretches, with every rate times `scale`.
pub fn run_function_planned(spec: &FunctionSpec, plan: &[Piece], scale: f64, horizon: f64, cfg: RunCfg) -> RawRun {
    let RunCfg {
        arrivals,
        bucket_s,
        slo_ms,
        ..
    } = cfg;
    let mut raw = RawRun::new(horizon, bucket_s);
    // stretches of near-constant rate up to an hour: the pool formulas are stationary
    // within one; what earlier stretches left alive is carried into it (`Carry`)
    let pieces: Vec<Piece> = plan
        .iter()
        .map(|p| Piece {
            rate: p.rate * scale,
            ..*p
        })
        .collect();

    // Request-level expectations, once.
    let raw_q = quantiles(&spec.duration_dist, 1.0, NQ);
    let svc_q: Vec<f64> = raw_q
        .iter()
        .map(|d| (d * spec.slowdown).min(spec.max_duration_ms))
        .collect();
    let fail_share = raw_q
        .iter()
        .filter(|d| {
            **d * spec.slowdown > spec.max_duration_ms || spec.max_cpu_ms.is_some_and(|m| **d * spec.cpu_fraction > m)
        })
        .count() as f64
        / NQ as f64;
    let mean_s = mean_of(&svc_q, |x| x) / 1000.0;
    let svc_s: Vec<f64> = svc_q.iter().map(|x| x / 1000.0).collect();
    let s_max = svc_s.iter().copied().fold(0.0, f64::max);
    // requests in flight per unit rate `u` seconds after arrivals began, E[min(u, S)]
    // (the rate convolved with the service time's survival): the stationary mean_s once
    // u passes the longest service time
    let in_flight_after = |u: f64| -> f64 {
        if u >= s_max {
            mean_s
        } else if u <= 0.0 {
            0.0
        } else {
            mean_of(&svc_s, |x| x.min(u))
        }
    };
    let cold_q = quantiles(&spec.cold_dist, 1.0, 16);
    let mean_init_ms = mean_of(&cold_q, |x| x);
    let billed_warm = match spec.metering {
        FnMetering::Lambda { .. } => mean_of(&svc_q, |x| x.ceil().max(1.0)),
        FnMetering::PerInvocation { step_ms } => {
            let s = step_ms.max(1) as f64;
            mean_of(&svc_q, |x| ((x / s).ceil() * s).max(s))
        }
        FnMetering::PerExecutionMin { min_ms } => mean_of(&svc_q, |x| x.ceil().max(min_ms as f64)),
        _ => 0.0,
    };
    let init_billed = match spec.metering {
        FnMetering::Lambda { init_billed: true } => mean_of(&cold_q, |x| x.ceil()),
        _ => 0.0,
    };
    let period = |x: f64, step: u64, min: u64| {
        let s = step.max(1) as f64;
        ((x / s).ceil() * s).max(min as f64)
    };
    let (period_warm, period_cold) = match spec.metering {
        FnMetering::ActivePeriod { step_ms, min_ms } => {
            let w = mean_of(&svc_q, |x| period(x, step_ms, min_ms));
            let mut c = 0.0;
            for i in &cold_q {
                c += mean_of(&svc_q, |x| period(x + i, step_ms, min_ms));
            }
            (w, c / cold_q.len() as f64)
        }
        _ => (0.0, 0.0),
    };
    let cpu_us = mean_of(&raw_q, |d| (d * spec.cpu_fraction * 1000.0).round());

    let c = spec.per_env.max(1) as usize;
    let kas = keep_alive_points(&spec.keep_alive);
    let ka_mean = kas.iter().sum::<f64>() / kas.len() as f64;
    let init_s = mean_init_ms / 1000.0;
    let mut scratch = Scratch::default();
    // (a day's shape repeats over a month: each stretch's pool is computed once per
    // distinct rate and load, keyed by their bits, so results are the same as without)
    let mut memo: std::collections::HashMap<(u64, u64), PoolStats, BitsHash> =
        std::collections::HashMap::with_capacity_and_hasher(pieces.len(), BitsHash);
    // the table pays where rates rarely repeat (a traffic that grows, a trace); where a
    // day's shape repeats, the memo computes the few distinct pools exactly. Environments
    // with several requests each turn too sharply between nodes (a level per c requests)
    let use_table = c == 1 && {
        let mut bits: Vec<u64> = pieces.iter().map(|p| p.rate.to_bits()).collect();
        bits.sort_unstable();
        bits.dedup();
        bits.len() > TABLE_FROM_RATES
    };
    let table_key = PoolTable::key(mean_s, init_s, c, spec.provisioned as usize, spec.max_in_flight, &kas);
    let mut table = PoolTable::take(&table_key);
    let mut table_scratch = Scratch::default();
    let mut carry = Carry::default();
    let mut growth: Option<Growth> = None;
    let mut busy_before = 0.0;
    let (mut w_warm, mut w_cold) = (0.0, 0.0);
    let prov = spec.provisioned as usize;
    // scaling-rate token bucket (fluid)
    let mut tokens = spec.scale.map(|s| s.0).unwrap_or(f64::INFINITY);
    let mut cap_envs = prov as f64;
    let mut last_arrival: f64 = f64::NEG_INFINITY;
    let mut det_death = Death {
        d0: f64::NEG_INFINITY,
        d1: f64::NEG_INFINITY,
    };
    let mut det_lambda: f64 = 0.0; // deterministic: cumulative expected count

    for pc in &pieces {
        let (t0, len, lam) = (pc.t0, pc.len, pc.rate);
        let n = lam * len;
        let a = lam * mean_s;
        let served_n;
        let mut cold_n;
        let live;
        let busy_envs;
        let mut pc_share = 0.0;
        let mut arrivals_n = n;
        let in_flight_a;

        if arrivals == Arrivals::Deterministic {
            // arrivals where the cumulative count crosses k + 1/2
            let first_k = (det_lambda - 0.5).floor() + 1.0;
            det_lambda += n;
            let last_k = (det_lambda - 0.5).floor();
            let count = (last_k - first_k + 1.0).max(0.0);
            arrivals_n = count;
            // the concurrency cap: at most `max_in_flight` requests at once, judged on the
            // requests in flight at the stretch's end (a burst shorter than the service
            // time has not built the stationary load lam * mean_s)
            let a_own = lam * in_flight_after(len);
            let cap_share = (spec.max_in_flight as f64 / a_own.max(1e-12)).min(1.0);
            served_n = count * cap_share;
            // (the volume: every served request's service, whenever it ends)
            in_flight_a = a * cap_share;
            cold_n = 0.0;
            if count > 0.0 {
                let gap = 1.0 / lam.max(1e-300);
                let t_first = t0 + (first_k + 0.5 - (det_lambda - n)) * gap;
                let t_last = t_first + (count - 1.0) * gap;
                let cf = c as f64;
                let need = a_own.ceil().max(1.0) / cf;
                let envs = need
                    .ceil()
                    .max(1.0)
                    .min((spec.max_in_flight as usize).div_ceil(c) as f64);
                let reuse_gap = envs * gap - mean_s;
                let ka = kas.iter().sum::<f64>() / kas.len() as f64;
                let since = t_first - last_arrival - mean_s;
                let first_cold = (prov == 0 && (since > ka)) as u32 as f64;
                // environments from earlier stretches still alive at the first arrival
                let alive = (cap_envs * det_death.alive_at(t_first)).max(prov as f64);
                if count > 1.0 && reuse_gap > ka && prov == 0 {
                    cold_n = served_n; // every request finds its environment reclaimed
                } else {
                    cold_n = first_cold.max((envs - alive).max(0.0).min(served_n));
                }
                last_arrival = t_last;
                live = if count > 1.0 && reuse_gap > ka {
                    (count * (mean_s + ka) / len).min(envs * 2.0)
                } else {
                    // one environment per `c` arrivals until the first is free again
                    let ramp_s = ((envs - alive).max(0.0) * cf * gap).min(len);
                    ((envs * len - (envs - alive).max(0.0) * ramp_s / 2.0) / len).max(prov as f64)
                };
                // each environment expires a keep-alive after its last request ends; the
                // last uses spread over the last `envs` rounds of arrivals
                let hold_s = mean_s + ka + if cold_n > 0.0 { init_s } else { 0.0 };
                let d1 = t_last + hold_s;
                det_death = Death {
                    d0: d1 - ((envs - 1.0).max(0.0) * cf * gap).min(t_last - t_first),
                    d1,
                };
                cap_envs = envs;
                if envs > raw.peak_instances {
                    raw.peak_instances = envs;
                }
                busy_envs = (in_flight_a / c as f64).min(live);
            } else {
                live = (cap_envs * det_death.mean_alive(t0, t0 + len)).max(prov as f64);
                busy_envs = 0.0;
            }
            if prov > 0 {
                pc_share = ((prov * c) as f64 / (a.max(1e-12))).min(1.0);
            }
        } else {
            // Poisson: the stationary pool (cold starts, live environments, the cap's
            // throttling), its growth from what earlier stretches left, and the
            // scaling-rate ramp
            let m = spec.max_in_flight;
            // the pool and the cap are judged on the requests in flight at the stretch's
            // end: a stretch shorter than the service time has not built lam * mean_s
            let a_own = lam * in_flight_after(len);
            let pc = PoolCfg {
                c,
                prov,
                cap: m,
                kas: &kas,
                init_s,
            };
            // a stretch that reaches its stationary load (every stretch but a burst
            // shorter than the longest service) has a pool that depends on its rate
            // alone: read off the table of rates
            let tabled = if use_table && len >= s_max && a > 0.0 {
                table.get(lam, |l| Node::at(l, mean_s, &pc, &mut table_scratch))
            } else {
                None
            };
            let (st, service_part) = match tabled {
                Some(x) => x,
                None => {
                    let (st, part, _) = settled_pool(lam, a, a_own, &pc, &mut |a_in: f64| {
                        *memo
                            .entry((lam.to_bits(), a_in.to_bits()))
                            .or_insert_with(|| pool_stats(lam, a_in, c, prov, m, &kas, &mut scratch))
                    });
                    (st, part)
                }
            };
            let mut thr = st.thr;
            let before = carry.at(t0).max(prov as f64);
            // growth: every environment beyond those alive is a cold start; while the pool
            // grows, cold requests hold their environments INIT longer, so it overshoots
            let max_envs = (m as usize).div_ceil(c).max(prov) as f64;
            let peak = if st.live > before + 0.5 {
                let g = growth.get_or_insert_with(|| {
                    let secs = |q: &[f64]| q.iter().map(|x| x / 1000.0).collect::<Vec<_>>();
                    Growth::new(&secs(&svc_q), &secs(&cold_q))
                });
                let cf = c as f64;
                let slots = g.peak(lam, len, before * cf, busy_before, m as f64, cf, spec.scale, tokens);
                (slots / c as f64).min(max_envs).max(st.live)
            } else {
                st.live
            };
            let overshoot = peak - st.live;
            let mut need = (peak - before).max(0.0);
            // scaling-rate limit: the pool can grow by `tokens` at once, then at the
            // refill rate; requests beyond the environments available meanwhile are
            // throttled (fluid ramp, integrated exactly within the stretch).
            let mut created = need;
            if let Some((burst, rate)) = spec.scale {
                // steady replacements of expired environments spend tokens too
                let steady = n * (1.0 - thr) * st.p_cold;
                if need > 0.0 {
                    let x = need.min(tokens);
                    tokens -= x;
                    let c1 = before + x;
                    let d = (st.busy_envs + overshoot).max(1e-9);
                    let short = d - c1;
                    // (demand grows by at most one environment per arrival: when
                    // arrivals come slower than the refill, nothing waits for one)
                    if short > 0.0 && lam / c as f64 > rate {
                        let tau = short / rate;
                        let lost = if tau < len {
                            lam * tau * short / (2.0 * d)
                        } else {
                            let end_short = short - rate * len;
                            lam * len * (short + end_short) / (2.0 * d)
                        };
                        thr += (1.0 - thr) * (lost / n.max(1e-12)).min(1.0);
                    }
                    let grown = (need - x).min(rate * len);
                    tokens = (tokens + rate * len - grown - steady).clamp(0.0, burst);
                    created = x + grown;
                } else {
                    tokens = (tokens + rate * len - steady).clamp(0.0, burst);
                }
                need = created;
            }
            let reached = before + need;
            // the overshoot is needed once, at the start; the stationary pool until the end
            let occ = mean_s + init_s;
            if need > 0.0 && reached > st.live {
                carry.push(reached, t0 + occ + ka_mean);
            }
            let (excess, covered) = carry.excess(st.live.min(reached), t0, t0 + len);
            // (a stretch shorter than the occupancy leaves its environments busy until its
            // requests end)
            carry.push(st.live.min(reached), t0 + len.max(occ) + ka_mean);
            thr = thr.min(1.0);
            served_n = n * (1.0 - thr);
            // while a larger pool from before is still alive, arrivals rarely find it full
            cold_n = (served_n * st.p_cold * (1.0 - covered / len) + created).min(served_n);
            live = st.live.min(reached) + excess / len;
            if reached > raw.peak_instances {
                raw.peak_instances = reached.ceil();
            }
            busy_envs = st.busy_envs * service_part;
            pc_share = if prov > 0 && st.busy_req > 0.0 {
                (st.on_pc / st.busy_req).min(1.0)
            } else {
                0.0
            };
            in_flight_a = st.busy_req * service_part;
            // (in flight at the stretch's end, for the next one's growth)
            busy_before = in_flight_a * a_own / a.max(1e-300);
        }

        // bookkeeping for the piece
        raw.requests += arrivals_n;
        raw.throttled += arrivals_n - served_n;
        let failed = served_n * fail_share;
        raw.failed += failed;
        raw.served += served_n - failed;
        raw.cold_starts += cold_n;
        add_spread(
            &mut raw,
            t0,
            len,
            arrivals_n,
            served_n - failed,
            arrivals_n - served_n + failed,
            cold_n,
        );
        let starting = cold_n * mean_init_ms / 1000.0;
        area_spread(
            &mut raw,
            t0,
            len,
            live,
            busy_envs + starting / len,
            starting / len,
            in_flight_a + starting / len,
        );
        if live > raw.peak_instances {
            raw.peak_instances = live.ceil();
        }
        w_warm += served_n - cold_n;
        w_cold += cold_n;
        // metering
        let req_pc = served_n * pc_share;
        let req_od = served_n - req_pc;
        let cold_od = cold_n;
        let mut m = [0.0; NF];
        m[REQ_OD] = req_od;
        m[REQ_PC] = req_pc;
        match spec.metering {
            FnMetering::Lambda { .. } => {
                m[MS_OD] = req_od * billed_warm + cold_od * init_billed;
                m[MS_INIT] = cold_od * init_billed;
                m[MS_PC] = req_pc * billed_warm;
            }
            FnMetering::PerInvocation { .. } | FnMetering::PerExecutionMin { .. } => {
                m[MS_OD] = served_n * billed_warm;
            }
            FnMetering::ActivePeriod { step_ms, .. } => {
                if c == 1 {
                    let total = (served_n - cold_n) * period_warm + cold_n * period_cold;
                    m[ACTIVE_MS] = total * (1.0 - pc_share);
                    m[ACTIVE_MS_PC] = total * pc_share;
                } else {
                    // environments active x time, plus half a rounding step per period
                    let periods = served_n * (live - busy_envs).clamp(0.0, 1.0).max(cold_n / served_n.max(1e-12));
                    let total = busy_envs * len * 1000.0 + periods * step_ms as f64 / 2.0 + cold_n * mean_init_ms;
                    m[ACTIVE_MS] = total * (1.0 - pc_share);
                    m[ACTIVE_MS_PC] = total * pc_share;
                }
                if prov > 0 {
                    m[IDLE_MIN_MS] = (prov as f64 * len * 1000.0 - m[ACTIVE_MS_PC]).max(0.0);
                }
            }
            FnMetering::CpuTime => m[CPU_US] = served_n * cpu_us,
        }
        acc_spread(&mut raw.acc, t0, len, &m);
    }
    // latency: warm and cold templates
    let warm_hist = template(&svc_q, &[0.0]);
    let cold_hist = template(&svc_q, &cold_q);
    let served_ok = raw.served;
    let tot = w_warm + w_cold;
    if tot > 0.0 {
        merge_scaled(&mut raw.hist, &warm_hist, served_ok * w_warm / tot);
        merge_scaled(&mut raw.hist, &cold_hist, served_ok * w_cold / tot);
    }
    if let Some(slo) = slo_ms {
        raw.over_slo = raw.hist.share_above(slo) * raw.hist.total();
    }
    table.keep(table_key);
    raw
}

/// A latency histogram of `svc + extra` over all combinations, weights summing to 1.
fn template(svc: &[f64], extra: &[f64]) -> Histogram {
    let mut h = Histogram::default();
    let w = 1.0 / (svc.len() * extra.len()) as f64;
    for e in extra {
        for s in svc {
            h.record_weighted(s + e, w);
        }
    }
    h
}

fn merge_scaled(into: &mut Histogram, from: &Histogram, weight: f64) {
    if weight <= 0.0 {
        return;
    }
    for b in from.bars() {
        into.record_weighted((b.low_ms * b.high_ms).sqrt(), b.share * weight);
    }
}

/// Spreads counts over the buckets a stretch overlaps, in proportion to time.
fn add_spread(raw: &mut RawRun, t0: f64, len: f64, arrivals: f64, served: f64, rejected: f64, cold: f64) {
    spread(raw.areas.bucket_s, raw.counts.len(), t0, len, |b, f| {
        let c = &mut raw.counts[b];
        c[C_ARRIVALS] += arrivals * f;
        c[C_SERVED] += served * f;
        c[C_REJECTED] += rejected * f;
        c[C_COLD] += cold * f;
    });
    let hours = raw.hourly_arrivals.len();
    spread(3600.0, hours, t0, len, |h, f| raw.hourly_arrivals[h] += arrivals * f);
}

fn area_spread(raw: &mut RawRun, t0: f64, len: f64, live: f64, busy: f64, starting: f64, in_flight: f64) {
    let n = raw.areas.buckets.len();
    let bs = raw.areas.bucket_s;
    spread(bs, n, t0, len, |b, f| {
        let c = &mut raw.areas.buckets[b];
        let dt = f * len;
        c[LIVE] += live * dt;
        c[BUSY] += busy.min(live) * dt;
        c[STARTING] += starting * dt;
        c[IN_FLIGHT] += in_flight * dt;
    });
}

fn acc_spread(acc: &mut Acc, t0: f64, len: f64, m: &[f64; NF]) {
    let n = acc.buckets.len();
    let bs = acc.bucket_s;
    spread(bs, n, t0, len, |b, f| {
        for (x, v) in acc.buckets[b].iter_mut().zip(m) {
            *x += v * f;
        }
    });
}

/// Calls `f(bucket, share)` for each bucket overlapping [t0, t0 + len).
fn spread(bucket_s: f64, n: usize, t0: f64, len: f64, mut f: impl FnMut(usize, f64)) {
    if len <= 0.0 || n == 0 {
        return;
    }
    let mut t = t0;
    let end = t0 + len;
    while t < end - 1e-9 {
        let b = ((t / bucket_s) as usize).min(n - 1);
        let b_end = if b + 1 >= n {
            end
        } else {
            ((b + 1) as f64 * bucket_s).min(end)
        };
        let seg = (b_end - t).max(0.0);
        if seg <= 0.0 {
            break;
        }
        f(b, seg / len);
        t = b_end;
    }
}

/// Erlang C: probability that an arrival waits in M/M/N with offered load a < N.
fn erlang_c(n: u32, a: f64) -> f64 {
    if a <= 0.0 {
        return 0.0;
    }
    if a >= n as f64 {
        return 1.0;
    }
    let nf = n as f64;
    if n > 64 {
        // Halfin-Whitt: accurate for many servers, without the O(n) recursion
        let beta = (nf - a) / a.sqrt();
        let pdf = fast_exp(-0.5 * beta * beta) / (2.0 * std::f64::consts::PI).sqrt();
        let cdf = 0.5 * statrs::function::erf::erfc(-beta / std::f64::consts::SQRT_2);
        return (1.0 / (1.0 + beta * cdf / pdf.max(1e-300))).clamp(0.0, 1.0);
    }
    let b = erlang_b(n, a);
    nf * b / (nf - a * (1.0 - b))
}

/// Below capacity, as M/M/c: the probability of waiting, the mean queue length and (by
/// Little's law) the mean wait in ms of those who wait, at most the queue timeout.
#[inline]
fn mmc_wait(cap: f64, a: f64, lam: f64, mu_total: f64, timeout_s: f64) -> (f64, f64, f64) {
    // far below capacity nobody waits (and Erlang C need not be computed)
    let pw = if a > cap - 6.0 * cap.sqrt() - 2.0 {
        erlang_c(cap as u32, a)
    } else {
        0.0
    };
    let lq = pw * a / (cap - a).max(1e-9);
    let wait_ms = if pw > 0.0 {
        (1000.0 / (mu_total - lam).max(1e-9)).min(timeout_s * 1000.0)
    } else {
        0.0
    };
    (pw, lq, wait_ms)
}

/// Mean busy count per piece of the profile for a time-varying Poisson stream: the rate
/// convolved with the service time's survival function (exact for M_t/G/infinity), so a
/// one-minute burst of eight-minute jobs keeps them busy for eight minutes.
pub fn busy_profile(profile: &RateProfile, svc_ms: &[f64]) -> Vec<f64> {
    let step = profile.step_s;
    let max_s = svc_ms.iter().copied().fold(0.0, f64::max) / 1000.0;
    let k_max = (max_s / step).ceil() as usize + 1;
    // c_k: expected busy time per arrival falling in a piece k steps earlier, per second
    // of the current piece (arrivals uniform in their piece, survival averaged over ours)
    let mut c = vec![0.0; k_max + 1];
    for s in svc_ms {
        let s = s / 1000.0;
        // busy time of a job arriving at x in piece 0 within piece k: overlap of
        // [x, x + s) with [k step, (k+1) step), averaged over x uniform in [0, step)
        for (k, ck) in c.iter_mut().enumerate() {
            let lo = k as f64 * step;
            let hi = lo + step;
            *ck += avg_overlap(s, lo, hi, step) / svc_ms.len() as f64;
        }
    }
    let n = profile.rates.len();
    let mut out = vec![0.0; n];
    for (j, o) in out.iter_mut().enumerate() {
        let mut a = 0.0;
        for (k, ck) in c.iter().enumerate() {
            if k > j {
                break;
            }
            a += profile.rates[j - k] * ck;
        }
        *o = a;
    }
    out
}

/// Average over x in [0, step) of |[x, x+s) ∩ [lo, hi)| / step... times step: the expected
/// seconds of busy time per arrival landing in [lo, hi), divided by the piece length.
fn avg_overlap(s: f64, lo: f64, hi: f64, step: f64) -> f64 {
    // integrate over x with a few points (exactness is not needed: the sum over k is E[S])
    let m = 16;
    let mut acc = 0.0;
    for i in 0..m {
        let x = (i as f64 + 0.5) / m as f64 * step;
        acc += ((x + s).min(hi) - x.max(lo)).max(0.0);
    }
    acc / m as f64
}

/// E[min(r, B)] and P(B < r) for B ~ Poisson(a), r fractional (interpolated): the busy
/// instances when `a` requests are in flight spread over `r` instances, and the chance
/// an arrival finds an idle one. Iterates the pmf from 0 when r is small (no tables).
fn busy_and_idle(r: f64, a: f64) -> (f64, f64) {
    if a <= 0.0 || r <= 0.0 {
        return (0.0, if r > 0.0 { 1.0 } else { 0.0 });
    }
    let sd = a.sqrt();
    if r >= a + 9.0 * sd + 12.0 {
        return (a, 1.0);
    }
    if r <= a - 9.0 * sd - 5.0 || a > 30.0 {
        // far into the tail (or too large to iterate from 0): normal approximation
        // normal approximation: E[min(r, B)] = a - E[(B - r)+]
        let z = (r - a) / sd.max(1e-12);
        let below = 0.5 * statrs::function::erf::erfc(-z / std::f64::consts::SQRT_2);
        let pdf = fast_exp(-0.5 * z * z) / (2.0 * std::f64::consts::PI).sqrt();
        let excess = sd * pdf - (r - a) * (1.0 - below);
        let min = if r <= a - 9.0 * sd - 5.0 {
            r
        } else {
            a - excess.max(0.0)
        };
        return (min.clamp(0.0, a.min(r)), below);
    }
    let f = r.floor() as usize;
    // sums over k < f and the pmf at f
    let mut p = fast_exp(-a);
    let (mut s_k, mut s_p) = (0.0, 0.0);
    for k in 0..f {
        s_k += k as f64 * p;
        s_p += p;
        p *= a / (k + 1) as f64;
    }
    let p_f = p;
    let at = |ri: usize, s_k: f64, s_p: f64| s_k + ri as f64 * (1.0 - s_p);
    let e0 = at(f, s_k, s_p);
    let frac = r - f as f64;
    let (e, below) = if frac < 1e-9 {
        (e0, s_p)
    } else {
        let e1 = at(f + 1, s_k + f as f64 * p_f, s_p + p_f);
        (e0 * (1.0 - frac) + e1 * frac, s_p + p_f)
    };
    (e, below.min(1.0))
}

/// What the fast fleet model derives from the fleet's size alone while a stretch's load
/// holds: the autoscaler flaps between a few sizes, so each is computed once per stretch
/// and looked up after (the same functions of the same inputs: the same bits).
#[derive(Clone, Copy)]
struct AtSize {
    ready: f64,
    /// `mmc_wait` below capacity.
    wait: Option<(f64, f64, f64)>,
    /// `busy_and_idle` with the stretch's own busy count.
    busy: Option<(f64, f64)>,
    /// The normal CDF at the scale-out and scale-in thresholds (`first_action`).
    phis: [Option<f64>; 2],
}

/// The bits of `mmc_wait`'s capacity, load, rate and service rate.
type WaitKey = (u64, u64, u64, u64);

/// `mmc_wait` of the run so far, by the bits of its inputs: where a day's shape repeats,
/// so do a stretch's load and the fleet's sizes (the same bits as computing it again).
/// Where they do not (a traffic that grows: no hit in the first 64 lookups, or three
/// misses in four after 512), the memo stops: it changes no result, only the time.
#[derive(Default)]
struct Waits {
    memo: std::collections::HashMap<WaitKey, (f64, f64, f64), BitsHash>,
    lookups: usize,
    hits: usize,
}

impl Waits {
    fn get(&mut self, cap: f64, a: f64, lam: f64, mu_total: f64, timeout_s: f64) -> (f64, f64, f64) {
        if !shortcuts()
            || (self.lookups >= 64 && self.hits == 0)
            || (self.lookups >= 512 && self.hits * 4 < self.lookups)
        {
            return mmc_wait(cap, a, lam, mu_total, timeout_s);
        }
        self.lookups += 1;
        let key = (cap.to_bits(), a.to_bits(), lam.to_bits(), mu_total.to_bits());
        if let Some(w) = self.memo.get(&key) {
            self.hits += 1;
            return *w;
        }
        let w = mmc_wait(cap, a, lam, mu_total, timeout_s);
        if self.memo.len() < 100_000 {
            self.memo.insert(key, w);
        }
        w
    }
}

/// The sizes seen in the current stretch (a handful: a linear search beats hashing).
#[derive(Default)]
struct Sizes(Vec<AtSize>);

#[cfg(test)]
thread_local! {
    /// Tests turn the fleet walk's shortcuts off (the idle skip, `Sizes` and `Waits`) to check
    /// that they change nothing.
    static PLAIN_WALK: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// Stretches the idle skip walked (so the test knows it ran on real traffic).
    static IDLE_SKIPS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Whether the fleet walk takes its shortcuts (always, but in tests that compare).
fn shortcuts() -> bool {
    #[cfg(test)]
    {
        !PLAIN_WALK.with(|p| p.get())
    }
    #[cfg(not(test))]
    {
        true
    }
}

impl Sizes {
    fn at(&mut self, ready: f64) -> &mut AtSize {
        if !shortcuts() {
            self.0.clear();
        }
        let i = match self.0.iter().position(|s| s.ready.to_bits() == ready.to_bits()) {
            Some(i) => i,
            None => {
                if self.0.len() >= 8 {
                    self.0.clear();
                }
                self.0.push(AtSize {
                    ready,
                    wait: None,
                    busy: None,
                    phis: [None; 2],
                });
                self.0.len() - 1
            }
        };
        &mut self.0[i]
    }
}

/// Replica bookkeeping shared by the calm and the general paths of `run_fleet`.
struct Fleet<'a> {
    spec: &'a FleetSpec,
    ready: f64,
    starting: Vec<(f64, f64)>,
    launches: Vec<(f64, f64)>,
    last_out: f64,
    last_in: f64,
}

impl Fleet<'_> {
    fn starting_n(&self) -> f64 {
        self.starting.iter().map(|s| s.1).sum()
    }

    /// Applies the autoscaler's wish at tick `tk`, under the same rules as the exact engine.
    fn decide(&mut self, raw: &mut RawRun, tk: f64, desired: f64) {
        let spec = self.spec;
        let current = self.ready + self.starting_n();
        if desired > current + 0.5 {
            let add = desired - current;
            self.starting.push((tk + spec.startup_s, add));
            self.launches.push((tk, add));
            raw.cold_starts += add;
            raw.count(tk, C_COLD, add);
            self.last_out = tk;
        } else if desired < current - 0.5
            && tk - self.last_out >= spec.cooldown_s
            && tk - self.last_in >= spec.cooldown_s
        {
            let mut remove = current - desired;
            while remove > 0.5 {
                if let Some(s) = self.starting.last_mut() {
                    let r = remove.min(s.1);
                    s.1 -= r;
                    remove -= r;
                    if s.1 < 0.5 {
                        self.starting.pop();
                    }
                } else if self.ready > 0.0 {
                    let r = remove.min(self.ready);
                    self.ready -= r;
                    remove -= r;
                } else {
                    break;
                }
            }
            // bill the per-launch minimum of the newest replicas removed
            let mut left = current - desired;
            while left > 0.5 {
                let Some(l) = self.launches.last_mut() else { break };
                let r = left.min(l.1);
                let life = tk - l.0;
                raw.acc
                    .add(tk, REPLICA_S, ((spec.min_billed_s - life).max(0.0) + 0.5) * r);
                l.1 -= r;
                left -= r;
                if l.1 < 0.5 {
                    self.launches.pop();
                }
            }
            self.last_in = tk;
        }
    }

    /// Would the autoscaler act on `desired` at `tk`?
    fn acts(&self, tk: f64, desired: f64) -> bool {
        let current = self.ready + self.starting_n();
        desired > current + 0.5
            || (desired < current - 0.5
                && tk - self.last_out >= self.spec.cooldown_s
                && tk - self.last_in >= self.spec.cooldown_s)
    }
}

/// The autoscaler's noisy window reading: none of the window's requests at all with the
/// probability of an empty window (so a scale-to-zero service does scale to zero), else a
/// normal draw around the mean.
fn reading(noise: &mut super::rng::Rng, mean: f64, sd: f64, p_empty: f64) -> f64 {
    if p_empty > 0.0 && noise.u01() < p_empty {
        return 0.0;
    }
    let m = if p_empty < 1.0 { mean / (1.0 - p_empty) } else { mean };
    (m + if sd > 0.0 { sd * noise.normal() } else { 0.0 }).max(if mean > 0.0 { 1e-9 } else { 0.0 })
}

/// The standard normal quantile by Wichura's algorithm AS 241 (PPND16, Applied
/// Statistics 37, 1988): rational functions good to about 1e-16, a fraction of the cost
/// of statrs' inverse error function, which the autoscaler's draws spent a tenth of a
/// Monte Carlo in. A draw only decides a whole number of replicas, so the two agree on
/// every decision but one landing within 1e-15 of a threshold (a unit test holds them to
/// 1e-14 over the whole range).
fn normal_quantile_as241(p: f64) -> f64 {
    if !(p > 0.0 && p < 1.0) {
        return super::super::model::normal_quantile(p);
    }
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180625 - q * q;
        let num = ((((((2_509.080_928_730_122_7 * r + 33_430.575_583_588_13) * r + 67_265.770_927_008_7) * r
            + 45_921.953_931_549_87)
            * r
            + 13_731.693_765_509_46)
            * r
            + 1_971.590_950_306_551_4)
            * r
            + 133.141_667_891_784_38)
            * r
            + 3.387_132_872_796_366_5;
        let den = ((((((5_226.495_278_852_546 * r + 28_729.085_735_721_943) * r + 39_307.895_800_092_71) * r
            + 21_213.794_301_586_597)
            * r
            + 5_394.196_021_424_751)
            * r
            + 687.187_007_492_057_9)
            * r
            + 42.313_330_701_600_91)
            * r
            + 1.0;
        return q * num / den;
    }
    let tail = if q < 0.0 { p } else { 1.0 - p };
    let mut r = (-tail.ln()).sqrt();
    let x = if r <= 5.0 {
        r -= 1.6;
        let num = ((((((7.745_450_142_783_414e-4 * r + 0.022_723_844_989_269_184) * r + 0.241_780_725_177_450_6)
            * r
            + 1.270_458_252_452_368_4)
            * r
            + 3.647_848_324_763_204_6)
            * r
            + 5.769_497_221_460_691)
            * r
            + 4.630_337_846_156_545)
            * r
            + 1.423_437_110_749_683_5;
        let den = ((((((1.050_750_071_644_416_8e-9 * r + 5.475_938_084_995_345e-4) * r + 0.015_198_666_563_616_457)
            * r
            + 0.148_103_976_427_480_08)
            * r
            + 0.689_767_334_985_1)
            * r
            + 1.676_384_830_183_803_8)
            * r
            + 2.053_191_626_637_759)
            * r
            + 1.0;
        num / den
    } else {
        r -= 5.0;
        let num = ((((((2.010_334_399_292_288_1e-7 * r + 2.711_555_568_743_487_6e-5) * r
            + 0.001_242_660_947_388_078_4)
            * r
            + 0.026_532_189_526_576_124)
            * r
            + 0.296_560_571_828_504_9)
            * r
            + 1.784_826_539_917_291_3)
            * r
            + 5.463_784_911_164_114)
            * r
            + 6.657_904_643_501_103;
        let den =
            ((((((2.044_263_103_389_939_8e-15 * r + 1.421_511_758_316_446e-7) * r + 1.846_318_317_510_054_8e-5) * r
                + 7.868_691_311_456_133e-4)
                * r
                + 0.014_875_361_290_850_615)
                * r
                + 0.136_929_880_922_735_8)
                * r
                + 0.599_832_206_555_888)
                * r
                + 1.0;
        num / den
    };
    if q < 0.0 { -x } else { x }
}

/// Standard normal CDF.
fn phi(z: f64) -> f64 {
    0.5 * statrs::function::erf::erfc(-z / std::f64::consts::SQRT_2)
}

/// The first tick in [next_tick, end] at which the autoscaler acts, in a calm stretch
/// where its readings are independent draws (empty window with probability `p_empty`,
/// else normal): the number of idle ticks is geometric, so it is drawn in one step, and
/// the wish at that tick from the reading's conditional tail. The same distribution as
/// drawing every tick, at the cost of one decision.
#[allow(clippy::too_many_arguments)]
fn first_action(
    noise: &mut super::rng::Rng,
    fl: &Fleet,
    next_tick: f64,
    end: f64,
    w: f64,
    mean: f64,
    sd: f64,
    p_empty: f64,
    per: f64,
    phis: &mut [Option<f64>; 2],
) -> Option<(f64, f64)> {
    let spec = fl.spec;
    let (min, max) = (spec.min as f64, spec.max as f64);
    let ready = fl.ready;
    let m = if p_empty < 1.0 { mean / (1.0 - p_empty) } else { mean };
    let out_thr = ready * per;
    let in_thr = (ready - 1.0) * per;
    // the normal CDF at the scale-out and scale-in thresholds, computed once per state
    // (`phis`: the caller keeps them while the fleet's size and the stretch's load hold)
    let mut phi_at = |i: usize| -> f64 { *phis[i].get_or_insert_with(|| phi(([out_thr, in_thr][i] - m) / sd)) };
    // P(reading > x) for x >= 0, on the normal branch (clamped to a tiny positive value)
    let mut tail_above = |i: usize| -> f64 {
        if sd <= 0.0 {
            if m > [out_thr, in_thr][i] { 1.0 } else { 0.0 }
        } else {
            1.0 - phi_at(i)
        }
    };
    let p_out = if ready < max - 0.5 {
        (1.0 - p_empty) * tail_above(0)
    } else {
        0.0
    };
    let p_in = if ready > min + 0.5 {
        p_empty
            + if in_thr > 0.0 {
                (1.0 - p_empty) * (1.0 - tail_above(1))
            } else if m <= 0.0 {
                // nothing in flight or waiting (as after a timer's burst): the reading is
                // zero, which asks for the minimum
                1.0 - p_empty
            } else {
                0.0
            }
    } else {
        0.0
    };
    let in_ok = fl.last_out.max(fl.last_in) + spec.cooldown_s;
    let n_ticks = |from: f64, to: f64| -> f64 {
        if to < from - 1e-9 {
            0.0
        } else {
            ((to - from) / w + 1e-9).floor() + 1.0
        }
    };
    // ticks before scale-in is allowed, then after
    let phases = [
        (next_tick, end.min(in_ok - 1e-9), p_out, 0.0),
        (
            next_tick.max(first_tick_at_or_after(next_tick, in_ok, w)),
            end,
            p_out,
            p_in,
        ),
    ];
    for (from, to, po, pi) in phases {
        let count = n_ticks(from, to);
        let p = (po + pi).min(1.0);
        if count <= 0.0 || p <= 0.0 {
            continue;
        }
        // ticks until the first action: geometric
        let k = if p >= 1.0 {
            0.0
        } else {
            (noise.u01().ln() / (1.0 - p).ln()).floor()
        };
        if k >= count {
            continue;
        }
        let tk = from + k * w;
        let out = noise.u01() * p < po;
        let x = if out {
            // reading above the threshold: inverse CDF on the upper tail
            if sd <= 0.0 {
                m
            } else {
                let lo = *phis[0].get_or_insert_with(|| phi((out_thr - m) / sd));
                m + sd * normal_quantile_as241(lo + noise.u01() * (1.0 - lo))
            }
        } else if noise.u01() * pi < p_empty || sd <= 0.0 {
            0.0
        } else {
            let hi = *phis[1].get_or_insert_with(|| phi((in_thr - m) / sd));
            (m + sd * normal_quantile_as241(noise.u01() * hi)).max(1e-9)
        };
        let d = (x / per).ceil().clamp(min, max);
        if fl.acts(tk, d) {
            return Some((tk, d));
        }
    }
    None
}

fn first_tick_at_or_after(first: f64, t: f64, w: f64) -> f64 {
    if t <= first {
        first
    } else {
        first + ((t - first) / w - 1e-9).ceil() * w
    }
}

/// One container or VM platform in the fast mode.
pub fn run_fleet(spec: &FleetSpec, profile: &RateProfile, cfg: RunCfg) -> RawRun {
    let coarse = fast_profile(profile);
    let plan = fleet_plan(spec, &coarse);
    run_fleet_planned(spec, &plan, 1.0, coarse.horizon_s, cfg)
}

/// Fleet `spec` with no requests at all over the horizon: its minimum replicas kept up
/// (and started at the start). No run of the same fleet with requests costs less (it never
/// holds fewer replicas, and every price grows with usage), so an application's search
/// prices this to rule out placements without simulating them.
pub fn run_fleet_idle(spec: &FleetSpec, horizon: f64, cfg: RunCfg) -> RawRun {
    let plan = FleetPlan {
        svc_q: vec![spec.duration_dist.mean() * spec.slowdown; NQ],
        mean_s: spec.duration_dist.mean() * spec.slowdown / 1000.0,
        m2: 0.0,
        pieces: vec![BusyPiece {
            t0: 0.0,
            len: horizon,
            rate: 0.0,
            busy: 0.0,
            svc_s: 0.0,
        }],
    };
    run_fleet_planned(spec, &plan, 1.0, horizon, cfg)
}

/// A fleet on a plan, with every rate (and so every busy count) times `scale`.
pub fn run_fleet_planned(spec: &FleetSpec, plan: &FleetPlan, scale: f64, horizon: f64, cfg: RunCfg) -> RawRun {
    run_fleet_until(spec, plan, scale, horizon, cfg, &mut |_, _| false)
        .unwrap_or_else(|| RawRun::new(horizon, cfg.bucket_s))
}

/// As `run_fleet_planned`, asking `stop` whenever more display buckets are complete
/// (their counts final: later stretches only add to later buckets) with the counts and
/// how many are complete; `None` when it said stop. An application's search stops a run
/// as soon as its drops already rule the placement out: drops only accumulate.
pub fn run_fleet_until(
    spec: &FleetSpec,
    plan: &FleetPlan,
    scale: f64,
    horizon: f64,
    cfg: RunCfg,
    stop: &mut dyn FnMut(&[[f64; super::run::NC]], usize) -> bool,
) -> Option<RawRun> {
    let RunCfg {
        arrivals,
        seed,
        bucket_s,
        slo_ms,
    } = cfg;
    let mut raw = RawRun::new(horizon, bucket_s);
    let (svc_q, mean_s, m2) = (&plan.svc_q, plan.mean_s, plan.m2);
    let pieces: Vec<BusyPiece> = plan
        .pieces
        .iter()
        .map(|p| BusyPiece {
            rate: p.rate * scale,
            busy: p.busy * scale,
            ..*p
        })
        .collect();
    let k = spec.slots.max(1) as f64;
    let per = k * spec.target;
    let fixed = spec.min >= spec.max;
    let w = spec.window_s;
    let ready0 = super::spec::initial_replicas(spec, pieces.first().map(|p| p.rate).unwrap_or(0.0)) as f64;
    let mut fl = Fleet {
        spec,
        ready: ready0,
        starting: Vec::new(),
        launches: vec![(0.0, ready0)],
        last_out: f64::NEG_INFINITY,
        last_in: f64::NEG_INFINITY,
    };
    let mut queue = 0.0;
    let mut wait_bins: Vec<(f64, f64)> = Vec::new(); // (mean wait ms, weight)
    let mut w_nowait = 0.0;
    let mut next_tick = if fixed { f64::INFINITY } else { w };
    let mut periods = 0.0;
    let mut q_t_mean = 0.0; // mean arrival time of the queued requests
    let mut recent: Vec<(f64, f64, f64)> = Vec::new(); // (t0, t1, demand)
    let mut recent_var: Vec<(f64, f64, f64)> = Vec::new();
    // the autoscaler reads a noisy window average; sampling that noise (seeded) gives the
    // same flapping up and down that the exact engine shows at low load
    let mut noise = super::rng::Rng::new(seed, 2000 + spec.index as u64);

    let plan_mean_s = mean_s;
    let mut complete = 0;
    let mut sizes = Sizes::default();
    let mut waits = Waits::default();
    for pc in &pieces {
        sizes.0.clear();
        let done = ((pc.t0 / bucket_s) as usize).min(raw.counts.len());
        if done > complete {
            complete = done;
            if stop(&raw.counts, complete) {
                return None;
            }
        }
        let (lam, a) = (pc.rate, pc.busy);
        let mean_s = if pc.svc_s > 0.0 { pc.svc_s } else { plan_mean_s };
        let mut t = pc.t0;
        let end = pc.t0 + pc.len;
        while t < end - 1e-9 {
            if fl.ready + fl.starting_n() < 0.5 && lam > 0.0 && spec.max > 0 {
                fl.starting.push((t + spec.startup_s, 1.0));
                fl.launches.push((t, 1.0));
                raw.cold_starts += 1.0;
                raw.count(t, C_COLD, 1.0);
                fl.last_out = t;
                continue;
            }
            // scaled to zero with nothing arriving, in flight, queued or starting: every
            // tick reads an empty window and keeps the fleet at zero. The general path
            // below would walk it segment by segment adding zeros; this walks the same
            // segments and ticks with only what they leave behind (a zero-weight wait
            // entry per segment, the autoscaler's draw per tick), so the run is the same
            // bit for bit, at a fraction of the cost (an idle month is 43,200 ticks)
            if lam <= 0.0
                && shortcuts()
                && a <= 0.0
                && queue <= 0.0
                && fl.ready <= 0.0
                && fl.starting.is_empty()
                && spec.min == 0
                && !fixed
            {
                #[cfg(test)]
                IDLE_SKIPS.with(|n| n.set(n.get() + 1));
                let timeout_ms = spec.queue_timeout_s * 1000.0;
                let lam_w = lam * (w + mean_s);
                let p_empty = if arrivals == Arrivals::Deterministic || lam_w > 30.0 {
                    0.0
                } else {
                    fast_exp(-lam_w)
                };
                while t < end - 1e-9 {
                    let seg_end = end.min(next_tick).max(t + 1e-6);
                    if timeout_ms > 0.0 {
                        wait_bins.push((timeout_ms, 0.0));
                    }
                    t = seg_end;
                    if t >= next_tick - 1e-9 {
                        let demand = reading(&mut noise, 0.0, 0.0, p_empty);
                        let desired = (demand / per).ceil().clamp(spec.min as f64, spec.max as f64);
                        fl.decide(&mut raw, next_tick, desired);
                        next_tick += w;
                    }
                }
                continue;
            }
            // calm: nothing starting, no backlog, capacity to spare, and the next tick's
            // window lies inside this state; the state holds until a tick changes it, so
            // walk the ticks cheaply and account for the whole stretch at once
            let var_now = if arrivals == Arrivals::Deterministic {
                0.0
            } else {
                a.min(lam * m2 / w)
            };
            if fl.starting.is_empty() && queue <= 0.0 && a < fl.ready * k && next_tick - w >= t - 1e-9 {
                let ready = fl.ready;
                let cap = ready * k;
                let mu_total = cap / mean_s.max(1e-12);
                let at = sizes.at(ready);
                let (pw, lq, wait_ms) = *at
                    .wait
                    .get_or_insert_with(|| waits.get(cap, a, lam, mu_total, spec.queue_timeout_s));
                let mean_read = a + lq;
                let sd = var_now.sqrt();
                let p_empty = if arrivals == Arrivals::Deterministic || lam * (w + mean_s) > 30.0 {
                    0.0
                } else {
                    fast_exp(-lam * (w + mean_s))
                };
                let mut t_stop = end;
                let mut decision = None;
                if !fixed {
                    // a reading that cannot move the fleet need not be drawn
                    let lo_read = (mean_read - 6.0 * sd).max(0.0);
                    let hi_read = mean_read + 6.0 * sd;
                    let d_lo = (if p_empty > 1e-12 { 0.0 } else { lo_read / per })
                        .ceil()
                        .clamp(spec.min as f64, spec.max as f64);
                    let d_hi = (hi_read / per).ceil().clamp(spec.min as f64, spec.max as f64);
                    let can_out = d_hi > fl.ready + 0.5;
                    let can_in = d_lo < fl.ready - 0.5;
                    if !can_out && !can_in {
                        while next_tick <= end + 1e-9 {
                            next_tick += w;
                        }
                    } else if let Some((tk, d)) = first_action(
                        &mut noise,
                        &fl,
                        next_tick,
                        end,
                        w,
                        mean_read,
                        sd,
                        p_empty,
                        per,
                        &mut at.phis,
                    ) {
                        decision = Some((tk, d));
                        t_stop = tk;
                        next_tick = tk;
                    } else {
                        while next_tick <= end + 1e-9 {
                            next_tick += w;
                        }
                    }
                }
                let dt = t_stop - t;
                if dt > 0.0 {
                    let n_arr = lam * dt;
                    raw.requests += n_arr;
                    raw.served += n_arr;
                    raw.acc.add(t, REQ_OD, n_arr);
                    add_spread(&mut raw, t, dt, n_arr, n_arr, 0.0, 0.0);
                    let (busy_inst, p_idle) = *at.busy.get_or_insert_with(|| busy_and_idle(ready, a));
                    let idle_min = (ready.min(spec.min as f64) - busy_inst).max(0.0);
                    let active_rate = if ready <= spec.min as f64 { busy_inst } else { ready };
                    spread(raw.areas.bucket_s, raw.areas.buckets.len(), t, dt, |b, f| {
                        let c = &mut raw.areas.buckets[b];
                        let d = f * dt;
                        c[LIVE] += ready * d;
                        c[BUSY] += busy_inst * d;
                        c[IN_FLIGHT] += a * d;
                        c[IDLE_MIN] += idle_min * d;
                        c[ACTIVE_RATE] += active_rate * d;
                    });
                    if ready > raw.peak_instances {
                        raw.peak_instances = ready.ceil();
                    }
                    periods += n_arr * p_idle;
                    if pw > 0.0 && wait_ms > 0.0 {
                        wait_bins.push((wait_ms, n_arr * pw));
                    }
                    w_nowait += n_arr * (1.0 - pw);
                }
                recent.clear();
                recent_var.clear();
                recent.push((t_stop - w, t_stop, mean_read));
                recent_var.push((t_stop - w, t_stop, var_now));
                t = t_stop;
                if let Some((tk, d)) = decision {
                    fl.decide(&mut raw, tk, d);
                    next_tick = tk + w;
                }
                continue;
            }
            let ready = fl.ready;
            let next_ready = fl.starting.iter().map(|s| s.0).fold(f64::INFINITY, f64::min);
            if fl.starting.is_empty() && ready >= spec.max as f64 - 0.5 && a >= ready * k {
                // at the maximum and saturated: no tick can scale out, and demand at or
                // above capacity cannot scale in, so the stretch is one fluid segment
                while next_tick < end - 1e-9 {
                    next_tick += w;
                }
            }
            let cap = ready * k;
            let mu_total = cap / mean_s.max(1e-12);
            // a backlog that capacity drains within the segment ends it: after that the
            // replicas are no longer all busy
            let drained = if queue > 0.0 && mu_total > lam && a < cap {
                t + (queue / (mu_total - lam)).max(1e-3)
            } else {
                f64::INFINITY
            };
            let seg_end = end.min(next_tick).min(next_ready).min(drained).max(t + 1e-6);
            let dt = seg_end - t;
            let n_arr = lam * dt;
            let (served, dropped, in_service, wait_ms, p_wait);
            let mut lq = 0.0;
            if a < cap && queue <= 0.0 {
                in_service = a;
                served = n_arr;
                dropped = 0.0;
                (p_wait, lq, wait_ms) = *sizes
                    .at(ready)
                    .wait
                    .get_or_insert_with(|| waits.get(cap, a, lam, mu_total, spec.queue_timeout_s));
            } else {
                // overload or backlog: a fluid queue drained at full capacity
                in_service = cap.min(a.max(if queue > 0.0 { cap } else { 0.0 }));
                let out_rate = mu_total;
                let q_end_free = queue + (lam - out_rate) * dt;
                let to_ready = next_ready - t;
                // the queue holds what the timeout lets wait, and never more than the
                // exact engine's bound
                let q_cap = if cap <= 0.0 && to_ready < spec.queue_timeout_s {
                    f64::INFINITY // waiting for starting replicas
                } else {
                    out_rate * spec.queue_timeout_s
                }
                .min(super::exact_fleet::MAX_QUEUE as f64);
                let mut q_end = q_end_free.clamp(0.0, q_cap.max(0.0));
                if q_end < 1e-6 {
                    q_end = 0.0; // drained (rounding leftovers would block the calm path)
                }
                dropped = (q_end_free - q_cap).max(0.0);
                let through = (queue + n_arr - q_end - dropped).max(0.0);
                served = through.min(n_arr + queue);
                let q_avg = ((queue + q_end) / 2.0).max(0.0);
                let added = (n_arr - dropped).max(0.0).min(q_end);
                if q_end > 0.0 {
                    let kept = (q_end - added).max(0.0);
                    q_t_mean = (q_t_mean * kept + (t + dt / 2.0) * added) / q_end;
                }
                wait_ms = if out_rate > 0.0 {
                    (q_avg / out_rate * 1000.0).min(spec.queue_timeout_s * 1000.0)
                } else {
                    (to_ready / 2.0 * 1000.0).min(spec.queue_timeout_s * 1000.0)
                };
                p_wait = 1.0;
                queue = q_end;
            }
            let starting_now = fl.starting_n();
            let live = ready + starting_now;
            raw.requests += n_arr;
            raw.dropped += dropped;
            raw.served += served;
            raw.acc.add(t, REQ_OD, n_arr);
            add_spread(&mut raw, t, dt, n_arr, served, dropped, 0.0);
            let (busy_inst, p_idle) = if in_service.to_bits() == a.to_bits() {
                *sizes.at(ready).busy.get_or_insert_with(|| busy_and_idle(ready, a))
            } else {
                busy_and_idle(ready, in_service)
            };
            let idle_min = (ready.min(spec.min as f64) - busy_inst).max(0.0);
            let active_rate = if ready <= spec.min as f64 {
                busy_inst + starting_now
            } else {
                live
            };
            let q_area = queue.max(0.0);
            spread(raw.areas.bucket_s, raw.areas.buckets.len(), t, dt, |b, f| {
                let c = &mut raw.areas.buckets[b];
                let d = f * dt;
                c[LIVE] += live * d;
                c[BUSY] += busy_inst * d;
                c[STARTING] += starting_now * d;
                c[QUEUE] += q_area * d;
                c[IN_FLIGHT] += in_service * d;
                c[IDLE_MIN] += idle_min * d;
                c[ACTIVE_RATE] += active_rate * d;
            });
            if live > raw.peak_instances {
                raw.peak_instances = live.ceil();
            }
            // activity periods for request-based billing: arrivals finding their
            // instance idle (least-outstanding routing spreads requests over instances)
            periods += served * p_idle;
            if p_wait > 0.0 && wait_ms > 0.0 {
                wait_bins.push((wait_ms, served * p_wait));
            }
            w_nowait += served * (1.0 - p_wait);
            // demand the autoscaler reads, and its variance over the window (M/G/inf:
            // lambda E[S^2] / W, at most the Poisson variance)
            recent.push((t, seg_end, in_service + queue.max(0.0) + lq));
            recent_var.push((t, seg_end, var_now));
            t = seg_end;

            let mut i = 0;
            let mut became_ready = false;
            while i < fl.starting.len() {
                if fl.starting[i].0 <= t + 1e-9 {
                    fl.ready += fl.starting[i].1;
                    fl.starting.swap_remove(i);
                    became_ready = true;
                } else {
                    i += 1;
                }
            }
            if became_ready && queue > 0.0 {
                // requests waiting for the new replicas start at once where slots are free
                // (slots free of requests actually in service: requests the queue dropped
                // at its timeout hold none)
                let free = (fl.ready * k - in_service.min(a)).max(0.0);
                let moved = queue.min(free);
                if moved > 0.0 {
                    queue -= moved;
                    raw.served += moved;
                    raw.count(t, C_SERVED, moved);
                    wait_bins.push((((t - q_t_mean) * 1000.0).max(0.0), moved));
                }
            }
            if t >= next_tick - 1e-9 {
                let lo = next_tick - w;
                recent.retain(|r| r.1 > lo);
                let mut area = 0.0;
                for r in &recent {
                    area += r.2 * (r.1.min(next_tick) - r.0.max(lo)).max(0.0);
                }
                recent_var.retain(|r| r.1 > lo);
                let mut var_area = 0.0;
                for r in &recent_var {
                    var_area += r.2 * (r.1.min(next_tick) - r.0.max(lo)).max(0.0);
                }
                let sd = (var_area / w).max(0.0).sqrt();
                let lam_w = lam * (w + mean_s);
                let p_empty = if arrivals == Arrivals::Deterministic || lam_w > 30.0 {
                    0.0
                } else {
                    fast_exp(-lam_w)
                };
                let demand = reading(&mut noise, area / w, sd, p_empty);
                let desired = (demand / per).ceil().clamp(spec.min as f64, spec.max as f64);
                fl.decide(&mut raw, next_tick, desired);
                next_tick += w;
            }
        }
    }
    for (l, n) in fl.launches {
        let life = horizon - l;
        raw.acc
            .add(horizon, REPLICA_S, ((spec.min_billed_s - life).max(0.0) + 0.5) * n);
    }
    for b in 0..raw.areas.buckets.len() {
        let cell = raw.areas.buckets[b];
        let acc = &mut raw.acc.buckets[b];
        acc[REPLICA_S] += cell[LIVE];
        match spec.metering {
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
    if matches!(spec.metering, FleetMetering::CloudRun(ContainerBilling::RequestBased)) {
        raw.acc.add(
            0.0,
            ACTIVE_MS,
            periods * 50.0 + raw.cold_starts * spec.startup_s * 1000.0,
        );
    }
    // latency: service time alone, plus an exponential wait where requests queued
    // (waits grouped into a few levels; a coarser service grid for the convolution)
    if w_nowait > 0.0 {
        let w = w_nowait / svc_q.len() as f64;
        for s in svc_q {
            raw.hist.record_weighted(*s, w);
        }
    }
    let exp_q: Vec<f64> = (0..8).map(|i| -(1.0 - (i as f64 + 0.5) / 8.0f64).ln()).collect();
    let svc_coarse: Vec<f64> = svc_q.iter().step_by(4).copied().collect();
    wait_bins.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    for chunk in wait_bins.chunks(wait_bins.len().div_ceil(16).max(1)) {
        let wt: f64 = chunk.iter().map(|c| c.1).sum();
        if wt <= 0.0 {
            continue;
        }
        let mean_w = chunk.iter().map(|c| c.0 * c.1).sum::<f64>() / wt;
        let each = wt / (exp_q.len() * svc_coarse.len()) as f64;
        for e in &exp_q {
            // requests waiting longer than the timeout were dropped, not served
            let wait = (e * mean_w).min(spec.queue_timeout_s * 1000.0);
            for s in &svc_coarse {
                raw.hist.record_weighted(s + wait, each);
            }
        }
    }
    if let Some(slo) = slo_ms {
        raw.over_slo = raw.hist.share_above(slo) * raw.hist.total();
    }
    Some(raw)
}

/// A stretch with its arrival rate and mean busy count.
#[derive(Clone, Copy, Debug)]
pub struct BusyPiece {
    pub t0: f64,
    pub len: f64,
    pub rate: f64,
    pub busy: f64,
    /// Mean service time of the requests in service here, s (0: the plan's mean). A fleet
    /// shared by workloads of very different durations serves at the pace of what it is
    /// busy with: during a burst of long jobs, slots free slowly.
    pub svc_s: f64,
}

/// As `merge_pieces`, requiring both the rate and the busy count to stay close.
pub fn merge_with_busy(p: &RateProfile, busy: &[f64], max_len: f64) -> Vec<BusyPiece> {
    let mut out: Vec<BusyPiece> = Vec::new();
    let mut first = (0.0, 0.0);
    for (i, (&r, &b)) in p.rates.iter().zip(busy).enumerate() {
        let len = p.piece_len(i);
        if len <= 0.0 {
            continue;
        }
        if let Some(c) = out.last_mut()
            && c.len + len <= max_len + 1e-9
            && close(first.0, r)
            && close(first.1, b)
        {
            let tot = c.len + len;
            c.rate = (c.rate * c.len + r * len) / tot;
            c.busy = (c.busy * c.len + b * len) / tot;
            c.len = tot;
            continue;
        }
        first = (r, b);
        out.push(BusyPiece {
            t0: p.start(i),
            len,
            rate: r,
            busy: b,
            svc_s: 0.0,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn as241_is_the_normal_quantile() {
        let mut worst: f64 = 0.0;
        let mut check = |p: f64| {
            let (a, b) = (normal_quantile_as241(p), crate::model::normal_quantile(p));
            let err = (a - b).abs() / b.abs().max(1e-3);
            worst = worst.max(err);
            assert!(err < 1e-14, "p = {p:e}: {a} vs {b}");
        };
        let mut rng = crate::sim::rng::Rng::new(5, 8);
        for _ in 0..100_000 {
            check(rng.u01());
            check(10f64.powf(-rng.u01() * 300.0));
            check(1.0 - 10f64.powf(-rng.u01() * 15.0));
        }
        for p in [
            1e-300,
            1e-20,
            0.025,
            0.075,
            0.0749,
            0.925,
            0.9251,
            0.5,
            0.975,
            1.0 - 1e-12,
        ] {
            check(p);
        }
        assert_eq!(normal_quantile_as241(0.5), 0.0);
        assert!(worst > 0.0, "compared against itself");
    }

    /// The pool table against `pool_stats` itself at rates between its nodes, over pools
    /// with provisioned environments, random keep-alives, INIT long enough to refine and
    /// caps that throttle: every field within 2e-4 of its value (the shares within 1e-7
    /// absolute besides), and most rates read off the table rather than computed.
    #[test]
    fn the_pool_table_reads_what_pool_stats_computes() {
        let random_ka = quantiles(
            &Dist::LogNormal {
                median: 300.0,
                p99: 1200.0,
            },
            1.0,
            8,
        );
        let kas_fixed = [600.0];
        let kas_short = [5.0];
        let cases: Vec<(f64, PoolCfg)> = vec![
            (
                0.08,
                PoolCfg {
                    c: 1,
                    prov: 0,
                    cap: 1000,
                    kas: &kas_fixed,
                    init_s: 0.3,
                },
            ),
            (
                0.08,
                PoolCfg {
                    c: 1,
                    prov: 0,
                    cap: 1000,
                    kas: &kas_short,
                    init_s: 0.3,
                },
            ),
            (
                2.0,
                PoolCfg {
                    c: 1,
                    prov: 0,
                    cap: 100,
                    kas: &kas_short,
                    init_s: 4.0,
                },
            ),
            (
                0.15,
                PoolCfg {
                    c: 1,
                    prov: 5,
                    cap: 1000,
                    kas: &random_ka,
                    init_s: 0.5,
                },
            ),
            (
                0.5,
                PoolCfg {
                    c: 1,
                    prov: 20,
                    cap: 3000,
                    kas: &kas_fixed,
                    init_s: 2.0,
                },
            ),
        ];
        let (mut w, mut tw) = (Scratch::default(), Scratch::default());
        let close = |x: f64, y: f64, what: &str, lam: f64| {
            // (a share within one request in ten million, or 2e-4 of itself)
            let floor = if what.ends_with("share") { 1e-7 } else { 0.0 };
            let ok = (x - y).abs() <= 2e-4 * y.abs() + floor;
            assert!(ok, "{what} at {lam}/s: table {x} vs {y}");
        };
        let (mut tabled, mut rates) = (0, 0);
        for (mean_s, pc) in &cases {
            let mut table = PoolTable::default();
            // 0.001 to 10,000 requests a second, off the nodes
            let mut lam = 1e-3_f64;
            while lam < 1e4 {
                let a = lam * mean_s;
                let (st, part, _) = settled_pool(lam, a, a, pc, &mut |a_in| {
                    pool_stats(lam, a_in, pc.c, pc.prov, pc.cap, pc.kas, &mut w)
                });
                if let Some((t, tp)) = table.get(lam, |l| Node::at(l, *mean_s, pc, &mut tw)) {
                    tabled += 1;
                    close(t.p_cold, st.p_cold, "cold share", lam);
                    close(t.live, st.live, "live", lam);
                    close(t.thr, st.thr, "throttled share", lam);
                    close(t.busy_req, st.busy_req, "busy_req", lam);
                    close(t.busy_envs, st.busy_envs, "busy_envs", lam);
                    close(t.on_pc, st.on_pc, "on_pc", lam);
                    close(tp, part, "service share", lam);
                }
                rates += 1;
                lam *= 1.0137;
            }
        }
        // (the kinks and the cap's reach are narrow: most rates are read off the table)
        assert!(tabled * 10 > rates * 8, "{tabled} of {rates}");
    }

    use super::*;

    #[test]
    fn erlang_b_matches_the_reference_table() {
        assert!((erlang_b(20, 20.0) - 0.15889).abs() < 1e-5);
        assert!((erlang_b(25, 20.0) - 0.05022).abs() < 1e-5);
        assert!((erlang_b(100, 100.0) - 0.07570).abs() < 1e-5);
        assert!((erlang_b(110, 100.0) - 0.0275).abs() < 1e-4);
    }

    #[test]
    fn the_pool_has_the_closed_forms_and_the_simfaas_steady_state() {
        let mut w = Scratch::default();
        // negligible service time: P(cold) = exp(-lambda T), live = 1 - exp(-lambda T)
        for (lam, t) in [(0.01, 60.0), (1.0, 1.0), (0.1, 60.0)] {
            let st = pool_stats(lam, lam * 1e-6, 1, 0, 1000, &[t], &mut w);
            let want = f64::exp(-lam * t);
            assert!((st.p_cold / want - 1.0).abs() < 1e-3, "{lam}: {}", st.p_cold);
            assert!(
                ((st.live - (1.0 - want)) / (1.0 - want)).abs() < 1e-3,
                "{lam}: {}",
                st.live
            );
        }
        // SimFaaS steady state at lambda 50, 2 s (coldstart.md A.1, C.4): P(cold) 0.0015
        // and 128 instances at T = 60 s; 1.0e-4 and 136 at T = 600 s
        for (t, p, live) in [(60.0, 0.0015, 128.0), (600.0, 1.0e-4, 136.0)] {
            let st = pool_stats(50.0, 100.0, 1, 0, 100_000, &[t], &mut w);
            assert!((st.p_cold / p - 1.0).abs() < 0.16, "T {t}: {}", st.p_cold);
            assert!((st.live / live - 1.0).abs() < 0.02, "T {t}: {}", st.live);
            assert_eq!(st.thr, 0.0);
        }
        // a cap far below the load: the pool at the cap, half the arrivals throttled
        let st = pool_stats(20_000.0, 2000.0, 1, 0, 1000, &[600.0], &mut w);
        assert_eq!(st.live, 1000.0);
        assert!((st.thr - 0.5).abs() < 1e-3, "{}", st.thr);
        assert!(
            (st.thr - erlang_b(1000, 2000.0)).abs() < 1e-3,
            "{}",
            erlang_b(1000, 2000.0)
        );
        assert!((st.busy_req - 1000.0).abs() < 2.0, "{}", st.busy_req);
        // Erlang B from the truncated law near the load
        let st = pool_stats(50.0, 100.0, 1, 0, 100, &[60.0], &mut w);
        assert!((st.thr - 0.0757).abs() < 1e-4, "{}", st.thr);
        assert!(st.live <= 100.0);
    }

    /// The fleet walk's shortcuts (a stretch scaled to zero walked without the fluid
    /// model, each fleet size's waits and tails computed once per stretch) give the same
    /// run bit for bit as the plain walk, on every shipped scenario's fleets and an idle
    /// month of each that scales to zero.
    #[test]
    fn the_fleet_walks_shortcuts_change_no_bit() {
        use crate::sim::{TraceStore, bucket_s, prepare, run::RunCfg, spec::Spec};
        let cat = crate::pricing::Catalog::builtin().expect("catalog");
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("scenarios")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "ron"))
            .collect();
        files.sort();
        let walk = |plain: bool, f: &dyn Fn() -> RawRun| -> String {
            PLAIN_WALK.with(|p| p.set(plain));
            let r = format!("{:?}", f());
            PLAIN_WALK.with(|p| p.set(false));
            r
        };
        let (mut fleets, mut idle_at_zero, mut busy_skips) = (0, 0, 0);
        for path in &files {
            let s = crate::model::load_scenario_file(path, &cat).expect("scenario");
            let p = prepare(&s, &dir, &cat, &mut TraceStore::default()).expect("prepare");
            let cfg = RunCfg::of(&p.scenario, bucket_s(p.profile.horizon_s));
            for spec in &p.specs {
                let Spec::Fleet(f) = spec else { continue };
                let run = || run_fleet(f, &p.profile, cfg);
                let skips = IDLE_SKIPS.with(|n| n.get());
                assert_eq!(walk(true, &run), walk(false, &run), "{}: {}", path.display(), f.name);
                fleets += 1;
                busy_skips += usize::from(IDLE_SKIPS.with(|n| n.get()) > skips);
                if f.min == 0 && f.min < f.max {
                    let idle = || run_fleet_idle(f, p.profile.horizon_s, cfg);
                    assert_eq!(
                        walk(true, &idle),
                        walk(false, &idle),
                        "{}: {} idle",
                        path.display(),
                        f.name
                    );
                    idle_at_zero += 1;
                }
            }
        }
        assert!(
            fleets >= 20 && idle_at_zero >= 2,
            "{fleets} fleets, {idle_at_zero} scaling to zero"
        );
        assert!(busy_skips >= 1, "the idle skip ran on no scenario's traffic");
    }

    /// The pool table's nodes kept on a thread change no result: startup-launch's function
    /// (its growing traffic reads the table) on a fresh thread, and again after the same
    /// thread ran it at other scales (nodes already there, others added).
    #[test]
    fn the_kept_pool_tables_change_no_bit() {
        use crate::sim::{TraceStore, bucket_s, prepare, run::RunCfg, spec::Spec};
        let cat = crate::pricing::Catalog::builtin().expect("catalog");
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let s = crate::model::load_scenario_file(&dir.join("startup-launch.ron"), &cat).expect("scenario");
        let p = prepare(&s, &dir, &cat, &mut TraceStore::default()).expect("prepare");
        let cfg = RunCfg::of(&p.scenario, bucket_s(p.profile.horizon_s));
        let Some(Spec::Function(f)) = p.specs.iter().find(|s| matches!(s, Spec::Function(_))) else {
            panic!("startup-launch has a function");
        };
        let plan = merge_pieces(&fast_profile(&p.profile), 3600.0);
        let h = p.profile.horizon_s;
        let run = |scale: f64| format!("{:?}", run_function_planned(f, &plan, scale, h, cfg));
        std::thread::scope(|t| {
            let fresh = t.spawn(|| run(3.0)).join().expect("fresh thread");
            let warm = t
                .spawn(|| {
                    let _ = (run(2.5), run(3.3), run(0.7));
                    let kept = TABLES.with(|k| k.borrow().iter().map(|(_, t)| t.0.len()).sum::<usize>());
                    (run(3.0), kept)
                })
                .join()
                .expect("warm thread");
            assert!(warm.1 > 100, "{} nodes kept", warm.1);
            assert_eq!(fresh, warm.0);
        });
    }

    #[test]
    fn merging_keeps_edges_and_volume() {
        let p = RateProfile {
            step_s: 60.0,
            horizon_s: 6000.0,
            rates: (0..100)
                .map(|i| if (40..50).contains(&i) { 10.0 } else { 1.0 })
                .collect(),
        };
        let m = merge_pieces(&p, 3600.0);
        let vol: f64 = m.iter().map(|x| x.rate * x.len).sum();
        assert!((vol - p.expected_requests()).abs() < 1e-9);
        assert!(m.iter().any(|x| (x.t0 - 2400.0).abs() < 1e-9 && x.rate == 10.0));
    }
}
