//! The exact mode over an application: every request of every workload, in one time
//! order across platforms.
//!
//! Functions are the single-workload engine (`exact_fn`), one per workload, told how many
//! requests the other functions of the same service hold when a request arrives (the
//! account cap). A fleet is the single-workload fleet engine with one class per workload
//! placed on it. A completion triggers the downstream workloads' requests at completion
//! plus delay, so cold starts and queueing upstream delay the next step. Fleets are
//! stepped event by event in the global order: a queued request that starts on one fleet
//! may trigger a request elsewhere before that platform's next arrival.

use super::super::exact_fleet::{FleetClass, FleetEngine};
use super::super::exact_fn::FnEngine;
use super::super::heap::time_key;
use super::super::histogram::Histogram;
use super::super::rng::{Rng, Sampler};
use super::super::run::{ARRIVAL_STREAM, ArrivalGen, Control, RawRun, RunCfg};
use super::super::spec::{FleetSpec, Spec, fleet_slots};
use super::super::{SimError, check_exact_app_budget};
use super::{AppPrepared, Assignment, PlacementRaw, WorkloadRaw, add_to_host};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Stream of the trigger draws (which completions trigger a request when `per_request`
/// is fractional).
const TRIGGER_STREAM: u64 = 5000;
/// Streams of the service times of workloads placed elsewhere.
const ELSEWHERE_STREAM: u64 = 6000;

enum Unit {
    Function(usize),
    /// Fleet engine index and this workload's class in it.
    Fleet(usize, u32),
    Elsewhere(Sampler),
}

/// A shared fleet's spec: the platform's settings with a slot count for the mix of
/// workloads it hosts (vCPU shared by the CPU each workload's requests use, weighted by
/// the busy time each brings).
pub(super) fn shared_fleet_spec(ap: &AppPrepared, k: usize, on: &[usize]) -> FleetSpec {
    let Spec::Fleet(f0) = &ap.specs[on[0]][k] else {
        unreachable!("a fleet platform resolves to fleet specs")
    };
    let mut f = f0.clone();
    if on.len() > 1 {
        let s = &ap.scenario;
        let (mut wsum, mut cpu) = (0.0, 0.0);
        for &w in on {
            let r = &s.workloads[w].request;
            let busy = ap.rates_n[w] * r.duration_ms.mean();
            wsum += busy;
            cpu += busy * r.cpu_fraction;
        }
        let cpu_fraction = if wsum > 0.0 { cpu / wsum } else { 0.0 };
        let concurrency = match &s.platforms[ap.hosts[k]] {
            crate::model::Platform::Container(c) => c.concurrency,
            crate::model::Platform::Vm(v) => v.concurrency,
            crate::model::Platform::Function(_) => f.slots,
        };
        f.slots = fleet_slots(concurrency, f.vcpu, cpu_fraction).0;
    }
    f
}

pub(super) fn run(
    ap: &AppPrepared,
    a: &Assignment,
    cfg: RunCfg,
    ctl: &Control,
    progress: (f64, f64),
) -> Result<PlacementRaw, SimError> {
    let s = &ap.scenario;
    let n = s.workloads.len();
    let nk = ap.hosts.len();
    let horizon = s.horizon_s();
    check_exact_app_budget(ap.expected_requests(), 1)?;

    // fleets: one engine per platform used, classes in workload order
    let mut fleet_specs: Vec<(usize, FleetSpec, Vec<usize>)> = Vec::new();
    for k in 0..nk {
        let on: Vec<usize> = (0..n).filter(|&w| a[w] == Some(k)).collect();
        if !on.is_empty() && matches!(ap.specs[on[0]][k], Spec::Fleet(_)) {
            fleet_specs.push((k, shared_fleet_spec(ap, k, &on), on));
        }
    }
    let mut fleets: Vec<FleetEngine> = fleet_specs
        .iter()
        .map(|(k, f, on)| {
            let rate0: f64 = on
                .iter()
                .map(|&w| ap.rates[w].rates.first().copied().unwrap_or(0.0))
                .sum();
            let classes = on
                .iter()
                .map(|&w| {
                    let Spec::Fleet(fw) = &ap.specs[w][*k] else {
                        unreachable!("a fleet platform resolves to fleet specs")
                    };
                    let r = &s.workloads[w].request;
                    FleetClass {
                        duration: fw.duration.clone(),
                        slowdown: fw.slowdown,
                        cpu_fraction: r.cpu_fraction,
                        slo_ms: r.latency_slo_ms.unwrap_or(f64::INFINITY),
                    }
                })
                .collect();
            FleetEngine::new(f, horizon, cfg.bucket_s, cfg.seed, None, rate0).with_classes(classes)
        })
        .collect();
    // functions: one engine per workload placed on a function platform
    let mut fn_of: Vec<Option<usize>> = vec![None; n];
    let mut fn_engines: Vec<(usize, usize, FnEngine)> = Vec::new(); // (workload, platform, engine)
    for w in 0..n {
        if let Some(k) = a[w]
            && let Spec::Function(f) = &ap.specs[w][k]
        {
            // each function draws from its own streams
            let seed = cfg
                .seed
                .wrapping_add((w as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
            let slo = s.workloads[w].request.latency_slo_ms;
            fn_of[w] = Some(fn_engines.len());
            fn_engines.push((w, k, FnEngine::new(f, horizon, cfg.bucket_s, seed, slo)));
        }
    }
    // functions of one service share its account concurrency
    let service_of = |k: usize| s.platforms[ap.hosts[k]].service().to_string();
    let peers: Vec<Vec<usize>> = fn_engines
        .iter()
        .enumerate()
        .map(|(i, (_, k, _))| {
            fn_engines
                .iter()
                .enumerate()
                .filter(|(j, (_, k2, _))| *j != i && service_of(*k2) == service_of(*k))
                .map(|(j, _)| j)
                .collect()
        })
        .collect();
    let units: Vec<Unit> = (0..n)
        .map(|w| match a[w] {
            Some(k) => match &ap.specs[w][k] {
                Spec::Function(_) => Unit::Function(fn_of[w].unwrap_or(0)),
                Spec::Fleet(_) => {
                    let (fi, (_, _, on)) = fleet_specs
                        .iter()
                        .enumerate()
                        .find(|(_, (k2, _, _))| *k2 == k)
                        .expect("every fleet platform used has an engine");
                    Unit::Fleet(fi, on.iter().position(|&x| x == w).unwrap_or(0) as u32)
                }
            },
            None => Unit::Elsewhere(Sampler::new(&s.workloads[w].request.duration_ms)),
        })
        .collect();

    let mut stats: Vec<WorkloadRaw> = vec![WorkloadRaw::default(); n];
    let mut pipes: Vec<Histogram> = vec![Histogram::default(); s.pipelines.len()];
    let mut external: Vec<Vec<f64>> = vec![vec![0.0; (horizon / 3600.0).ceil().max(1.0) as usize]; nk];
    let mut trig_rng = Rng::new(cfg.seed, TRIGGER_STREAM);
    let mut else_rng: Vec<Rng> = (0..n)
        .map(|w| Rng::new(cfg.seed, ELSEWHERE_STREAM + w as u64))
        .collect();
    let mut pending: BinaryHeap<Reverse<(u64, u32, u64)>> = BinaryHeap::new();

    // outside arrivals of every workload with its own traffic
    let kinds: Vec<_> = s.workloads.iter().map(|w| w.traffic.arrivals).collect();
    let mut gens: Vec<ArrivalGen> = ap.own.iter().zip(&kinds).map(|(p, &k)| ArrivalGen::new(p, k)).collect();
    let mut arr_rng: Vec<Rng> = (0..n)
        .map(|w| Rng::new(cfg.seed, ARRIVAL_STREAM + 100 + w as u64))
        .collect();
    let mut next_root: Vec<f64> = (0..n)
        .map(|w| gens[w].next(&mut arr_rng[w]).unwrap_or(f64::INFINITY))
        .collect();

    // a fleet whose completions trigger requests is stepped in the global time order;
    // the others run lazily, up to each of their arrivals, as a single fleet does
    let eager: Vec<bool> = fleet_specs
        .iter()
        .map(|(_, _, on)| on.iter().any(|&w| ap.edges.iter().any(|e| e.from == w)))
        .collect();
    let mut count: u64 = 0;
    loop {
        let (rw, t_root) =
            next_root.iter().enumerate().fold(
                (usize::MAX, f64::INFINITY),
                |b, (i, &t)| if t < b.1 { (i, t) } else { b },
            );
        let t_trig = pending
            .peek()
            .map(|Reverse((k, _, _))| f64::from_bits(*k))
            .unwrap_or(f64::INFINITY);
        let (fi, t_fleet) =
            fleets
                .iter()
                .enumerate()
                .filter(|(i, _)| eager[*i])
                .fold((usize::MAX, f64::INFINITY), |b, (i, f)| {
                    let t = f.next_event();
                    if t < b.1 { (i, t) } else { b }
                });
        let t = t_root.min(t_trig).min(t_fleet);
        if !t.is_finite() || t > horizon {
            break;
        }
        count += 1;
        if count & 0xFFFF == 0 {
            if ctl.cancelled() {
                return Err(SimError::Cancelled);
            }
            ctl.set_part(progress, t / horizon.max(1e-9));
        }
        let (w, origin, outside) = if t_fleet <= t_root && t_fleet <= t_trig {
            // step this fleet until the next thing anything else does: another fleet's
            // event, an arrival, or a request it has just triggered
            let others = fleets
                .iter()
                .enumerate()
                .filter(|(i, _)| eager[*i] && *i != fi)
                .map(|(_, f)| f.next_event())
                .fold(f64::INFINITY, f64::min);
            let mut bound = t_root.min(t_trig).min(others).min(horizon);
            while fleets[fi].next_event() <= bound && fleets[fi].step(bound) {
                let started = std::mem::take(&mut fleets[fi].started);
                for st in started {
                    let w = fleet_specs[fi].2[st.class as usize];
                    complete(ap, w, st.done, st.origin, &mut pipes, &mut pending, &mut trig_rng);
                }
                if let Some(Reverse((k, _, _))) = pending.peek() {
                    bound = bound.min(f64::from_bits(*k));
                }
            }
            continue;
        } else if t_root <= t_trig {
            next_root[rw] = gens[rw].next(&mut arr_rng[rw]).unwrap_or(f64::INFINITY);
            (rw, t, true)
        } else {
            let Some(Reverse((_, w, o))) = pending.pop() else { break };
            (w as usize, f64::from_bits(o), false)
        };
        let origin = if ap.pipeline_first[w].is_some() { t } else { origin };
        if outside && let Some(k) = a[w] {
            let h = ((t / 3600.0) as usize).min(external[k].len() - 1);
            external[k][h] += 1.0;
        }
        match &units[w] {
            Unit::Function(i) => {
                let mut others = 0u32;
                for &j in &peers[*i] {
                    fn_engines[j].2.advance(t);
                    others = others.saturating_add(fn_engines[j].2.in_flight());
                }
                if let Some((finish, _)) = fn_engines[*i].2.place(t, others) {
                    complete(ap, w, finish, origin, &mut pipes, &mut pending, &mut trig_rng);
                }
            }
            Unit::Fleet(f, class) => {
                let (f, class) = (*f, *class);
                fleets[f].arrive_class(t, class, origin);
                let started = std::mem::take(&mut fleets[f].started);
                for st in started {
                    let w2 = fleet_specs[f].2[st.class as usize];
                    complete(ap, w2, st.done, st.origin, &mut pipes, &mut pending, &mut trig_rng);
                }
            }
            Unit::Elsewhere(sampler) => {
                let ms = sampler.sample(&mut else_rng[w]).max(0.0);
                stats[w].requests += 1.0;
                stats[w].served += 1.0;
                stats[w].hist.record(ms);
                complete(ap, w, t + ms / 1000.0, origin, &mut pipes, &mut pending, &mut trig_rng);
            }
        }
    }

    // close every engine at the horizon
    let mut hosts: Vec<Option<RawRun>> = (0..nk).map(|_| None).collect();
    for (w, k, eng) in fn_engines {
        let raw = eng.finish();
        add_to_host(&mut hosts, k, &raw);
        stats[w] = WorkloadRaw::of_function(raw);
    }
    for (eng, (k, _, on)) in fleets.into_iter().zip(&fleet_specs) {
        let (raw, classes) = eng.finish_classes();
        for (c, &w) in classes.into_iter().zip(on) {
            let st = &mut stats[w];
            st.requests = c.requests;
            st.served = c.served;
            st.dropped = c.dropped;
            st.over_slo = c.over_slo;
            st.cpu_s = c.cpu_s;
            st.hist = c.hist;
        }
        hosts[*k] = Some(raw);
    }
    // a front door carries the requests that come from outside, not triggered ones
    for (k, h) in hosts.iter_mut().enumerate() {
        if let Some(h) = h {
            h.hourly_arrivals.clone_from(&external[k]);
        }
    }
    Ok(PlacementRaw {
        hosts,
        workloads: stats,
        pipelines: pipes,
    })
}

/// A request of `w` that completes at `done` (seconds): records its pipeline's
/// end-to-end latency and schedules the requests it triggers.
fn complete(
    ap: &AppPrepared,
    w: usize,
    done: f64,
    origin: f64,
    pipes: &mut [Histogram],
    pending: &mut BinaryHeap<Reverse<(u64, u32, u64)>>,
    rng: &mut Rng,
) {
    if let Some(p) = ap.pipeline_last[w] {
        pipes[p].record(((done - origin) * 1000.0).max(0.0));
    }
    for e in ap.edges.iter().filter(|e| e.from == w) {
        let whole = e.per_request.floor();
        let extra = (rng.u01() < e.per_request - whole) as u32 as f64;
        let at = done + e.delay_s;
        for _ in 0..(whole + extra) as u32 {
            pending.push(Reverse((time_key(at), e.to as u32, origin.to_bits())));
        }
    }
}
