//! The background workers: jobs in on one channel, results and analyses out on another.
//!
//! Threads, from the most to the least urgent:
//! - `breakeven-sim` prepares every job (it keeps the `TraceStore`, so traces are read
//!   once) and runs fast jobs itself, always the newest one: edits that arrive while it is
//!   busy replace each other. The fast result is the live feedback and always comes first.
//! - An exact run gets its own thread so that fast updates continue and the run can be
//!   cancelled through its `Control`.
//! - `breakeven-analysis` takes each fast result once the edits pause (`QUIET`) and
//!   delivers the traffic sweep, then the verdict (from the exact result when there is one).
//! - `breakeven-slow` then computes the cheapest-platform map and, with an uncertainty
//!   block, the Monte Carlo bands.
//! - A report export gets its own thread (`breakeven-export`), started by `export`: it
//!   checks the folder, prepares its copy of the scenario, builds the report (cancelled
//!   through its `Control`) and writes it; nothing supersedes it.
//! - An import of logs gets its own thread (`breakeven-import`), started by `import`: it
//!   reads, fits and calibrates (`gui::import::run`), cancelled through its `Control`.
//!
//! Every reply carries the generation (document revision) it belongs to. The analyses
//! cannot be interrupted once a stage has started, but no stage of an older scenario starts
//! after a newer fast job was submitted (`latest`), and the UI drops replies older than what
//! it shows. The analysis threads have pools of their own, so a long map or Monte Carlo
//! never holds up the fast results.
//!
//! In tests the worker runs `Inline`: `submit` computes the simulation at once and `poll`
//! hands the reply over on the next frame, then the analyses of the newest fast result on
//! the frame after (all stages at once), so tests are deterministic. An export is built and
//! written inside `export`, and its reply handed over on the next frame.
//!
//! Owns: threads, channels, coalescing and supersession. Must not: touch the UI state (it
//! only asks the UI to repaint when a reply is ready).

use crate::analysis::{self, CheapestMap, MonteCarlo, Sweep, Verdict};
use crate::model::Scenario;
use crate::pricing::Catalog;
use crate::report::{self, WriteOptions, Written};
use crate::sim::{self, Control, Mode, Prepared, SimError, SimResult, TraceStore};
use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::{Duration, Instant};

/// How long the edits must pause before the analyses of a fast result start: a slider
/// drag produces a new scenario every frame, and a sweep of each would be thrown away.
pub const QUIET: Duration = Duration::from_millis(200);

/// A scenario to simulate. `generation` identifies the edit it belongs to.
#[derive(Clone)]
pub struct Job {
    pub generation: u64,
    pub mode: Mode,
    pub scenario: Scenario,
    /// Folder that trace paths are relative to.
    pub base_dir: PathBuf,
    pub catalog: Arc<Catalog>,
    pub control: Control,
    /// An application's break-even sweep scales only this workload's own traffic (and
    /// what it triggers), an index into `scenario.workloads`; None scales every workload.
    /// The App checks that it names a workload with traffic of its own.
    pub sweep_focus: Option<usize>,
}

/// A report to build and write.
#[derive(Clone)]
pub struct ExportJob {
    /// Identifies the export (the UI's counter).
    pub id: u64,
    pub scenario: Scenario,
    /// Folder that trace paths are relative to.
    pub base_dir: PathBuf,
    pub catalog: Arc<Catalog>,
    pub options: report::Options,
    /// The report file; its extension gives the format.
    pub path: PathBuf,
    pub write: WriteOptions,
    pub control: Control,
}

/// A finished (or failed, or cancelled) export.
pub struct ExportReply {
    pub id: u64,
    pub path: PathBuf,
    /// `Err(None)`: cancelled, nothing written; `Err(Some(message))`: failed.
    pub outcome: Result<Written, Option<String>>,
    pub elapsed: Duration,
}

/// Which analyses follow each fast result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AnalysisPlan {
    /// The traffic sweep and the verdict; everything else follows them.
    pub enabled: bool,
    /// Cells of the cheapest-platform map (volume by burstiness); `None` leaves it out.
    pub map: Option<(usize, usize)>,
    /// Monte Carlo bands, when the scenario has an uncertainty block.
    pub monte_carlo: bool,
}

impl AnalysisPlan {
    /// Everything, as the desktop app runs it.
    pub const FULL: AnalysisPlan = AnalysisPlan {
        enabled: true,
        map: Some((16, 10)),
        monte_carlo: true,
    };
    /// No analyses: only simulations (tests of editing, which need no sweep per edit).
    pub const OFF: AnalysisPlan = AnalysisPlan {
        enabled: false,
        map: None,
        monte_carlo: false,
    };
}

/// A finished simulation.
pub struct Reply {
    pub generation: u64,
    pub mode: Mode,
    /// The job's latency objective (the latency plot shows it).
    pub slo_ms: Option<f64>,
    /// Each platform's `runs` list in the job's scenario (empty: every workload), so the
    /// placement matrix can tell a workload a platform may not run from one not simulated.
    pub runs: Vec<(String, Vec<String>)>,
    pub outcome: Result<Arc<SimResult>, SimError>,
    pub elapsed: Duration,
}

/// One finished stage of the analyses of a fast result.
pub struct AnalysisReply {
    pub generation: u64,
    pub elapsed: Duration,
    pub part: Part,
}

pub enum Part {
    Sweep {
        horizon_days: f64,
        /// The workload whose own traffic was scaled (None: the whole scenario's).
        focus: Option<String>,
        outcome: Result<Arc<Sweep>, SimError>,
    },
    /// `mode`: the simulation the verdict judged (the fast estimate, or the exact run).
    Verdict {
        mode: Mode,
        outcome: Result<Verdict, SimError>,
    },
    Map {
        /// Where the scenario itself sits on the burstiness axis.
        today_peak_to_mean: f64,
        /// Requests per 30 days at traffic scale 1.
        today_monthly_requests: f64,
        outcome: Result<CheapestMap, SimError>,
    },
    /// `Ok(None)`: no bands (the scenario has no uncertainty block).
    MonteCarlo(Result<Option<MonteCarlo>, SimError>),
}

/// What the worker hands to the UI.
pub enum Delivery {
    Sim(Reply),
    Analysis(AnalysisReply),
    Export(ExportReply),
    Import(super::import::ImportReply),
}

/// A fast result to analyse.
struct AnalysisJob {
    generation: u64,
    prepared: Arc<Prepared>,
    result: Arc<SimResult>,
    catalog: Arc<Catalog>,
    /// As `Job::sweep_focus`.
    focus: Option<usize>,
}

/// What the map and Monte Carlo stages need.
struct SlowJob {
    generation: u64,
    prepared: Arc<Prepared>,
    /// Compute the map: false when this generation's map was already handed on (a new
    /// sweep focus changes the sweep, not the map).
    map: bool,
    /// The sweep, when it scales the whole scenario (Monte Carlo re-finds its crossovers
    /// under the whole traffic's uncertainty; a one-workload sweep gets no crossover bands).
    sweep: Option<Arc<Sweep>>,
    catalog: Arc<Catalog>,
    today_peak_to_mean: f64,
    today_monthly_requests: f64,
}

enum LaneIn {
    Fast(AnalysisJob),
    /// An exact run finished: its verdict replaces the fast estimate's.
    Exact {
        generation: u64,
        result: Arc<SimResult>,
    },
}

enum Backend {
    Threaded {
        jobs: Option<Sender<Job>>,
        replies: Receiver<Delivery>,
        /// For the export threads.
        reply_tx: Sender<Delivery>,
        thread: Option<std::thread::JoinHandle<()>>,
    },
    Inline {
        traces: Box<TraceStore>,
        ready: VecDeque<Delivery>,
        analyst: Analyst,
        /// The newest fast result, analysed on the next poll that has nothing else.
        pending: Option<AnalysisJob>,
    },
}

pub struct Worker {
    backend: Backend,
    repaint: Option<egui::Context>,
    plan: AnalysisPlan,
    /// The newest fast generation submitted: analyses of older ones are not started.
    latest: Arc<AtomicU64>,
}

fn spawn(repaint: Option<egui::Context>, plan: AnalysisPlan, latest: Arc<AtomicU64>) -> Backend {
    let (job_tx, job_rx) = channel::<Job>();
    let (reply_tx, reply_rx) = channel::<Delivery>();
    let loop_tx = reply_tx.clone();
    let thread = std::thread::Builder::new()
        .name("breakeven-sim".into())
        .spawn(move || worker_loop(job_rx, loop_tx, repaint, plan, latest))
        .ok();
    Backend::Threaded {
        jobs: Some(job_tx),
        replies: reply_rx,
        reply_tx,
        thread,
    }
}

impl Worker {
    /// Background threads; `repaint` is called whenever a reply is ready.
    pub fn threaded(repaint: Option<egui::Context>, plan: AnalysisPlan) -> Worker {
        let latest = Arc::new(AtomicU64::new(0));
        Worker {
            backend: spawn(repaint.clone(), plan, latest.clone()),
            repaint,
            plan,
            latest,
        }
    }

    /// Computes on the caller's thread (tests).
    pub fn inline(plan: AnalysisPlan) -> Worker {
        Worker {
            backend: Backend::Inline {
                traces: Box::default(),
                ready: VecDeque::new(),
                analyst: Analyst::new(plan),
                pending: None,
            },
            repaint: None,
            plan,
            latest: Arc::new(AtomicU64::new(0)),
        }
    }

    pub fn is_inline(&self) -> bool {
        matches!(self.backend, Backend::Inline { .. })
    }

    pub fn plan(&self) -> AnalysisPlan {
        self.plan
    }

    pub fn submit(&mut self, job: Job) {
        if job.mode == Mode::Fast {
            self.latest.fetch_max(job.generation, Ordering::AcqRel);
        }
        match &mut self.backend {
            Backend::Threaded { jobs, .. } => {
                let sent = jobs.as_ref().map(|tx| tx.send(job.clone()).is_ok()).unwrap_or(false);
                if !sent {
                    // The thread is gone (it catches panics, but be safe): start a fresh
                    // one rather than silently dropping the edit.
                    self.backend = spawn(self.repaint.clone(), self.plan, self.latest.clone());
                    if let Backend::Threaded { jobs: Some(tx), .. } = &self.backend {
                        let _ = tx.send(job);
                    }
                }
            }
            Backend::Inline {
                traces,
                ready,
                analyst,
                pending,
            } => {
                let (reply, prepared) = compute_prepared(&job, traces);
                let ok = reply.outcome.as_ref().ok().cloned();
                ready.push_back(Delivery::Sim(reply));
                match (job.mode, ok, prepared) {
                    (Mode::Fast, Some(result), Some(prepared)) if self.plan.enabled => {
                        *pending = Some(AnalysisJob {
                            generation: job.generation,
                            prepared,
                            result,
                            catalog: job.catalog.clone(),
                            focus: job.sweep_focus,
                        });
                    }
                    (Mode::Fast, ..) => *pending = None,
                    (Mode::Exact, Some(result), _) if self.plan.enabled => {
                        analyst.exact(job.generation, result, &mut |d| ready.push_back(d));
                    }
                    (Mode::Exact, ..) => {}
                }
            }
        }
    }

    /// Builds and writes a report: on a thread of its own (inline: at once, the reply on
    /// the next poll). Cancel it through `job.control`.
    pub fn export(&mut self, job: ExportJob) {
        match &mut self.backend {
            Backend::Threaded { reply_tx, .. } => {
                let tx = reply_tx.clone();
                let repaint = self.repaint.clone();
                let (id, path) = (job.id, job.path.clone());
                let spawned = std::thread::Builder::new()
                    .name("breakeven-export".into())
                    .spawn(move || {
                        let _ = tx.send(Delivery::Export(export(&job)));
                        if let Some(ctx) = &repaint {
                            ctx.request_repaint();
                        }
                    });
                if spawned.is_err() {
                    let _ = reply_tx.send(Delivery::Export(ExportReply {
                        id,
                        path,
                        outcome: Err(Some("could not start a thread for the export".into())),
                        elapsed: Duration::ZERO,
                    }));
                }
            }
            Backend::Inline { ready, .. } => ready.push_back(Delivery::Export(export(&job))),
        }
    }

    /// Reads and fits logs: on a thread of its own (inline: at once, the reply on the next
    /// poll). Cancel it through `job.control`.
    pub fn import(&mut self, job: super::import::ImportJob) {
        match &mut self.backend {
            Backend::Threaded { reply_tx, .. } => {
                let tx = reply_tx.clone();
                let repaint = self.repaint.clone();
                let (id, files) = (job.id, job.files.clone());
                let spawned = std::thread::Builder::new()
                    .name("breakeven-import".into())
                    .spawn(move || {
                        let _ = tx.send(Delivery::Import(super::import::run(&job)));
                        if let Some(ctx) = &repaint {
                            ctx.request_repaint();
                        }
                    });
                if spawned.is_err() {
                    let _ = reply_tx.send(Delivery::Import(super::import::ImportReply {
                        id,
                        files,
                        outcome: Err(Some("could not start a thread for the import".into())),
                        elapsed: Duration::ZERO,
                    }));
                }
            }
            Backend::Inline { ready, .. } => ready.push_back(Delivery::Import(super::import::run(&job))),
        }
    }

    /// True when an inline worker holds replies (or analyses) the next frame should pick up.
    pub fn has_ready(&self) -> bool {
        matches!(&self.backend, Backend::Inline { ready, pending, .. } if !ready.is_empty() || pending.is_some())
    }

    /// Replies that are ready, oldest first. Never blocks (except inline, where the
    /// analyses are computed here, on a frame after the simulation's reply).
    pub fn poll(&mut self) -> Vec<Delivery> {
        match &mut self.backend {
            Backend::Threaded { replies, .. } => replies.try_iter().collect(),
            Backend::Inline {
                ready,
                analyst,
                pending,
                ..
            } => {
                if ready.is_empty()
                    && let Some(job) = pending.take()
                {
                    let mut out = Vec::new();
                    if let Some(slow) = analyst.sweep_and_verdict(job, &mut |d| out.push(d)) {
                        slow_stages(self.plan, &slow, &|_| false, &mut |d| out.push(d));
                    }
                    return out;
                }
                ready.drain(..).collect()
            }
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        if let Backend::Threaded { jobs, thread, .. } = &mut self.backend {
            // closing the channel ends the loops; do not wait for a running exact job
            jobs.take();
            thread.take();
        }
    }
}

fn pool(threads: usize, name: &'static str) -> Option<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .thread_name(move |i| format!("{name}-{i}"))
        .build()
        .ok()
}

fn cores() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2)
}

fn in_pool<R: Send>(pool: &Option<rayon::ThreadPool>, f: impl FnOnce() -> R + Send) -> R {
    match pool {
        Some(p) => p.install(f),
        None => f(),
    }
}

fn worker_loop(
    jobs: Receiver<Job>,
    replies: Sender<Delivery>,
    repaint: Option<egui::Context>,
    plan: AnalysisPlan,
    latest: Arc<AtomicU64>,
) {
    let mut traces = TraceStore::default();
    // Fast runs follow every edit: they leave one core to the UI thread so that dragging
    // stays smooth. (Exact runs, asked for explicitly, use every core.)
    let pool = pool(cores().saturating_sub(1), "breakeven-fast");
    let notify = |d: Delivery, replies: &Sender<Delivery>| {
        let _ = replies.send(d);
        if let Some(ctx) = &repaint {
            ctx.request_repaint();
        }
    };
    let lane: Option<Sender<LaneIn>> = if plan.enabled {
        let (tx, rx) = channel::<LaneIn>();
        let (out, repaint, latest) = (replies.clone(), repaint.clone(), latest.clone());
        std::thread::Builder::new()
            .name("breakeven-analysis".into())
            .spawn(move || analysis_loop(rx, out, repaint, plan, latest))
            .ok()
            .map(|_| tx)
    } else {
        None
    };
    while let Ok(first) = jobs.recv() {
        // Coalesce: of the fast jobs waiting, only the newest matters; exact jobs are
        // all started (each was asked for explicitly).
        let mut fast: Option<Job> = None;
        let mut exact: Vec<Job> = Vec::new();
        for job in std::iter::once(first).chain(jobs.try_iter()) {
            match job.mode {
                Mode::Fast => fast = Some(job),
                Mode::Exact => exact.push(job),
            }
        }
        for job in exact {
            let start = Instant::now();
            match prepare(&job, &mut traces) {
                Err(e) => notify(
                    Delivery::Sim(Reply {
                        generation: job.generation,
                        mode: job.mode,
                        slo_ms: job.scenario.workload().latency_slo_ms,
                        runs: runs_of(&job.scenario),
                        outcome: Err(e),
                        elapsed: start.elapsed(),
                    }),
                    &replies,
                ),
                Ok(prepared) => {
                    let tx = replies.clone();
                    let repaint = repaint.clone();
                    let lane = lane.clone();
                    let spawned = std::thread::Builder::new()
                        .name("breakeven-exact".into())
                        .spawn(move || {
                            let outcome = run(&prepared, &job).map(Arc::new);
                            let result = outcome.as_ref().ok().cloned();
                            let _ = tx.send(Delivery::Sim(Reply {
                                generation: job.generation,
                                mode: job.mode,
                                slo_ms: job.scenario.workload().latency_slo_ms,
                                runs: runs_of(&job.scenario),
                                outcome,
                                elapsed: start.elapsed(),
                            }));
                            if let Some(ctx) = &repaint {
                                ctx.request_repaint();
                            }
                            // the verdict follows from the exact numbers
                            if let (Some(lane), Some(result)) = (&lane, result) {
                                let _ = lane.send(LaneIn::Exact {
                                    generation: job.generation,
                                    result,
                                });
                            }
                        });
                    if spawned.is_err() {
                        // no thread available: report rather than hang the progress bar
                        let _ = replies.send(Delivery::Sim(Reply {
                            generation: 0,
                            mode: Mode::Exact,
                            slo_ms: None,
                            runs: Vec::new(),
                            outcome: Err(SimError::Spec("could not start a thread for the exact run".into())),
                            elapsed: Duration::ZERO,
                        }));
                    }
                }
            }
        }
        if let Some(job) = fast {
            let (reply, prepared) = in_pool(&pool, || compute_prepared(&job, &mut traces));
            let result = reply.outcome.as_ref().ok().cloned();
            notify(Delivery::Sim(reply), &replies);
            if let (Some(lane), Some(result), Some(prepared)) = (&lane, result, prepared) {
                let _ = lane.send(LaneIn::Fast(AnalysisJob {
                    generation: job.generation,
                    prepared,
                    result,
                    catalog: job.catalog.clone(),
                    focus: job.sweep_focus,
                }));
            }
        }
    }
}

/// Sweeps and verdicts, after a quiet moment; hands the map and Monte Carlo on.
fn analysis_loop(
    rx: Receiver<LaneIn>,
    replies: Sender<Delivery>,
    repaint: Option<egui::Context>,
    plan: AnalysisPlan,
    latest: Arc<AtomicU64>,
) {
    let pool = pool(cores(), "breakeven-sweep");
    let superseded = |g: u64| latest.load(Ordering::Acquire) > g;
    let mut send = |d: Delivery| {
        let _ = replies.send(d);
        if let Some(ctx) = &repaint {
            ctx.request_repaint();
        }
    };
    let slow: Option<Sender<SlowJob>> = {
        let (tx, slow_rx) = channel::<SlowJob>();
        let (out, repaint, latest) = (replies.clone(), repaint.clone(), latest.clone());
        std::thread::Builder::new()
            .name("breakeven-slow".into())
            .spawn(move || slow_loop(slow_rx, out, repaint, plan, latest))
            .ok()
            .map(|_| tx)
    };
    let mut analyst = Analyst::new(plan);
    let mut job: Option<AnalysisJob> = None;
    // the newest fast result; exact results are noted (or judged) as they come
    let take = |m: LaneIn, analyst: &mut Analyst, job: &mut Option<AnalysisJob>, send: &mut dyn FnMut(Delivery)| match m
    {
        LaneIn::Fast(j) => *job = Some(j),
        LaneIn::Exact { generation, result } => analyst.exact(generation, result, send),
    };
    loop {
        if job.is_none() {
            match rx.recv() {
                Ok(m) => take(m, &mut analyst, &mut job, &mut send),
                Err(_) => return,
            }
        }
        // wait for the edits to pause
        loop {
            match rx.recv_timeout(QUIET) {
                Ok(m) => take(m, &mut analyst, &mut job, &mut send),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        let Some(j) = job.take() else { continue };
        if superseded(j.generation) {
            // a newer fast result is on its way
            continue;
        }
        let next = in_pool(&pool, || analyst.sweep_and_verdict(j, &mut send));
        if let (Some(tx), Some(next)) = (&slow, next) {
            let _ = tx.send(next);
        }
    }
}

/// The map and Monte Carlo, newest job first, each skipped once a newer edit exists.
fn slow_loop(
    rx: Receiver<SlowJob>,
    replies: Sender<Delivery>,
    repaint: Option<egui::Context>,
    plan: AnalysisPlan,
    latest: Arc<AtomicU64>,
) {
    // long and least urgent: leave a core to the UI and the fast results
    let pool = pool(cores().saturating_sub(1), "breakeven-map");
    let superseded = |g: u64| latest.load(Ordering::Acquire) > g;
    let mut send = |d: Delivery| {
        let _ = replies.send(d);
        if let Some(ctx) = &repaint {
            ctx.request_repaint();
        }
    };
    while let Ok(first) = rx.recv() {
        // the newest job; a map still owed for its generation is not dropped with an older one
        let mut job = first;
        for next in rx.try_iter() {
            let owed = job.map && next.generation == job.generation;
            job = next;
            job.map |= owed;
        }
        in_pool(&pool, || slow_stages(plan, &job, &superseded, &mut send));
    }
}

/// A finished traffic sweep: its generation, what it was computed from, and the sweep.
type LastSweep = (u64, Arc<Prepared>, Arc<Sweep>, Arc<Catalog>);

/// The sweep and verdict stages, shared by the analysis thread and the inline worker.
struct Analyst {
    plan: AnalysisPlan,
    /// The last sweep, for the verdict of an exact run of the same generation.
    last: Option<LastSweep>,
    /// An exact result whose sweep has not been computed yet.
    exact: Option<(u64, Arc<SimResult>)>,
    /// The generation whose map was last handed to the slow stages.
    mapped: Option<u64>,
}

fn guarded<T>(f: impl FnOnce() -> Result<T, SimError>) -> Result<T, SimError> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| {
        Err(SimError::Spec(
            "internal error: the analysis stopped unexpectedly (please report this scenario)".into(),
        ))
    })
}

impl Analyst {
    fn new(plan: AnalysisPlan) -> Analyst {
        Analyst {
            plan,
            last: None,
            exact: None,
            mapped: None,
        }
    }

    /// An exact run finished: its verdict now if the sweep of its scenario is known.
    fn exact(&mut self, generation: u64, result: Arc<SimResult>, send: &mut dyn FnMut(Delivery)) {
        match &self.last {
            Some((g, prepared, sweep, catalog)) if *g == generation => {
                let start = Instant::now();
                let maps = self.plan.map.is_some();
                let outcome = guarded(|| verdict_with_maps(prepared, catalog, &result, sweep, maps));
                send(Delivery::Analysis(AnalysisReply {
                    generation,
                    elapsed: start.elapsed(),
                    part: Part::Verdict {
                        mode: Mode::Exact,
                        outcome,
                    },
                }));
            }
            _ => self.exact = Some((generation, result)),
        }
    }

    /// The traffic sweep (of one workload's traffic when the job asks for it), then the
    /// verdict; returns what the slow stages need. A job of a generation already analysed
    /// (a new sweep focus) repeats only the sweep: the verdict and map do not depend on it.
    fn sweep_and_verdict(&mut self, job: AnalysisJob, send: &mut dyn FnMut(Delivery)) -> Option<SlowJob> {
        let g = job.generation;
        let start = Instant::now();
        // `focused` is None for a single workload or an index out of range: the whole traffic
        let focused = job.focus.and_then(|w| job.prepared.focused(w).map(|p| (w, p)));
        let focus = focused
            .as_ref()
            .and_then(|(w, _)| job.prepared.scenario.workloads.get(*w))
            .map(|w| w.name.clone());
        let horizon_days = job.prepared.profile.horizon_s / 86_400.0;
        // the coarse sweep is drawn at once, then refined in place by the finished one
        let sweep_part = |outcome| {
            Delivery::Analysis(AnalysisReply {
                generation: g,
                elapsed: start.elapsed(),
                part: Part::Sweep {
                    horizon_days,
                    focus: focus.clone(),
                    outcome,
                },
            })
        };
        let mut first = |coarse: analysis::Sweep| send(sweep_part(Ok(Arc::new(coarse))));
        let outcome = guarded(|| match &focused {
            Some((_, p)) => analysis::traffic_sweep_progressive(p, &job.catalog, &mut first),
            None => analysis::traffic_sweep_progressive(&job.prepared, &job.catalog, &mut first),
        })
        .map(Arc::new);
        let sweep = outcome.as_ref().ok().cloned();
        let failed = outcome.as_ref().err().cloned();
        send(sweep_part(outcome));
        let judged = self.last.as_ref().is_some_and(|l| l.0 == g);
        let Some(sweep) = sweep else {
            if !judged {
                // the verdict needs the sweep: say why there is none
                send(Delivery::Analysis(AnalysisReply {
                    generation: g,
                    elapsed: Duration::ZERO,
                    part: Part::Verdict {
                        mode: Mode::Fast,
                        outcome: Err(failed.unwrap_or(SimError::Cancelled)),
                    },
                }));
            }
            return None;
        };
        if !judged {
            let (mode, result) = match self.exact.take() {
                Some((eg, r)) if eg == g => (Mode::Exact, r),
                _ => (Mode::Fast, job.result.clone()),
            };
            let start = Instant::now();
            let maps = self.plan.map.is_some();
            let outcome = guarded(|| verdict_with_maps(&job.prepared, &job.catalog, &result, &sweep, maps));
            send(Delivery::Analysis(AnalysisReply {
                generation: g,
                elapsed: start.elapsed(),
                part: Part::Verdict { mode, outcome },
            }));
            self.last = Some((g, job.prepared.clone(), sweep.clone(), job.catalog.clone()));
        }
        let bands = self.plan.monte_carlo && job.prepared.scenario.uncertainty.is_some();
        if !bands {
            send(Delivery::Analysis(AnalysisReply {
                generation: g,
                elapsed: Duration::ZERO,
                part: Part::MonteCarlo(Ok(None)),
            }));
        }
        let map = self.plan.map.is_some() && self.mapped != Some(g);
        if map {
            self.mapped = Some(g);
        }
        (map || bands).then(|| SlowJob {
            generation: g,
            prepared: job.prepared,
            map,
            sweep: focus.is_none().then_some(sweep),
            catalog: job.catalog,
            today_peak_to_mean: job.result.traffic.peak_to_mean,
            today_monthly_requests: job.result.traffic.monthly_requests,
        })
    }
}

/// The verdict, with the places and purchase options over traffic scale when the plan
/// draws maps (the Where to buy tab's maps; a fifth of a second on a shipped scenario).
fn verdict_with_maps(
    p: &crate::sim::Prepared,
    catalog: &crate::pricing::Catalog,
    result: &SimResult,
    sweep: &Sweep,
    maps: bool,
) -> Result<Verdict, SimError> {
    let mut v = analysis::verdict(p, catalog, result, sweep)?;
    if maps && let Some(b) = v.buying.as_mut() {
        b.maps = analysis::buying::buying_maps(p, catalog, &analysis::buying::map_scales())?;
    }
    Ok(v)
}

/// The map, then Monte Carlo; each is skipped once a newer edit exists.
fn slow_stages(
    plan: AnalysisPlan,
    job: &SlowJob,
    superseded: &(dyn Fn(u64) -> bool + Sync),
    send: &mut dyn FnMut(Delivery),
) {
    let g = job.generation;
    if let Some((nx, ny)) = plan.map.filter(|_| job.map) {
        if superseded(g) {
            return;
        }
        let start = Instant::now();
        let outcome = guarded(|| {
            analysis::cheapest_map_until(
                &job.prepared,
                &job.catalog,
                analysis::MapAxes::VolumeByBurstiness,
                nx,
                ny,
                &|| superseded(g),
            )
        });
        // (a newer edit's map follows: this one's would only be replaced)
        if matches!(outcome, Err(SimError::Cancelled)) {
            return;
        }
        send(Delivery::Analysis(AnalysisReply {
            generation: g,
            elapsed: start.elapsed(),
            part: Part::Map {
                today_peak_to_mean: job.today_peak_to_mean,
                today_monthly_requests: job.today_monthly_requests,
                outcome,
            },
        }));
    }
    if plan.monte_carlo
        && let Some(u) = &job.prepared.scenario.uncertainty
    {
        if superseded(g) {
            return;
        }
        let start = Instant::now();
        let outcome = guarded(|| {
            analysis::monte_carlo_until(&job.prepared, &job.catalog, u, job.sweep.as_deref(), &|| superseded(g))
        });
        if matches!(outcome, Err(SimError::Cancelled)) {
            return;
        }
        let outcome = outcome.map(Some);
        send(Delivery::Analysis(AnalysisReply {
            generation: g,
            elapsed: start.elapsed(),
            part: Part::MonteCarlo(outcome),
        }));
    }
}

fn prepare(job: &Job, traces: &mut TraceStore) -> Result<Prepared, SimError> {
    catch_unwind(AssertUnwindSafe(|| {
        sim::prepare(&job.scenario, &job.base_dir, &job.catalog, traces)
    }))
    .unwrap_or_else(|_| Err(panicked()))
}

fn run(prepared: &Prepared, job: &Job) -> Result<SimResult, SimError> {
    catch_unwind(AssertUnwindSafe(|| {
        sim::run(prepared, &job.catalog, job.mode, &job.control)
    }))
    .unwrap_or_else(|_| Err(panicked()))
}

/// Each platform's name and `runs` list.
fn runs_of(s: &Scenario) -> Vec<(String, Vec<String>)> {
    s.platforms
        .iter()
        .map(|p| (p.name().to_string(), p.runs().to_vec()))
        .collect()
}

fn panicked() -> SimError {
    SimError::Spec("internal error: the simulation stopped unexpectedly (please report this scenario)".into())
}

/// Checks the folder, prepares, builds and writes one report on this thread. Nothing is
/// written when it is cancelled or fails (`report::write` removes what it wrote).
fn export(job: &ExportJob) -> ExportReply {
    let start = Instant::now();
    let failed = |e: SimError| match e {
        SimError::Cancelled => None,
        e => Some(e.to_string()),
    };
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        super::files::check_report_folder(&job.path).map_err(Some)?;
        let prepared =
            sim::prepare(&job.scenario, &job.base_dir, &job.catalog, &mut TraceStore::default()).map_err(failed)?;
        let built = report::build(&prepared, &job.catalog, &job.options, &job.control).map_err(failed)?;
        if job.control.cancelled() {
            return Err(None);
        }
        report::write(&built, &job.path, chrono::Utc::now(), &job.write).map_err(|e| Some(e.to_string()))
    }))
    .unwrap_or_else(|_| {
        Err(Some(
            "internal error: the report stopped unexpectedly (please report this scenario)".into(),
        ))
    });
    ExportReply {
        id: job.id,
        path: job.path.clone(),
        outcome,
        elapsed: start.elapsed(),
    }
}

/// Prepare and run one job on this thread; the prepared scenario when it got that far.
fn compute_prepared(job: &Job, traces: &mut TraceStore) -> (Reply, Option<Arc<Prepared>>) {
    let start = Instant::now();
    let (outcome, prepared) = match prepare(job, traces) {
        Ok(p) => (run(&p, job).map(Arc::new), Some(Arc::new(p))),
        Err(e) => (Err(e), None),
    };
    (
        Reply {
            generation: job.generation,
            mode: job.mode,
            slo_ms: job.scenario.workload().latency_slo_ms,
            runs: runs_of(&job.scenario),
            outcome,
            elapsed: start.elapsed(),
        },
        prepared,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a list of deliveries holds: "sweep <focus>", "verdict", "bands".
    fn parts(out: &[Delivery]) -> Vec<String> {
        out.iter()
            .map(|d| match d {
                Delivery::Analysis(a) => match &a.part {
                    Part::Sweep { focus, outcome, .. } => {
                        assert!(outcome.is_ok());
                        format!("sweep {}", focus.as_deref().unwrap_or("all"))
                    }
                    Part::Verdict { .. } => "verdict".into(),
                    Part::Map { .. } => "map".into(),
                    Part::MonteCarlo(_) => "bands".into(),
                },
                _ => "other".into(),
            })
            .collect()
    }

    /// The two-workload test application, prepared and run in the fast mode.
    fn shop() -> (Arc<Catalog>, Arc<Prepared>, Arc<SimResult>) {
        let catalog = Arc::new(Catalog::builtin().unwrap());
        let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/app/shop.ron");
        let s = crate::model::load_scenario_file(&file, &catalog).unwrap();
        let prepared =
            Arc::new(sim::prepare(&s, file.parent().unwrap(), &catalog, &mut TraceStore::default()).unwrap());
        let result = Arc::new(sim::run(&prepared, &catalog, Mode::Fast, &Control::default()).unwrap());
        (catalog, prepared, result)
    }

    #[test]
    fn a_new_sweep_focus_repeats_only_the_sweep() {
        let (catalog, prepared, result) = shop();
        let job = |focus| AnalysisJob {
            generation: 3,
            prepared: prepared.clone(),
            result: result.clone(),
            catalog: catalog.clone(),
            focus,
        };
        let mut analyst = Analyst::new(AnalysisPlan {
            enabled: true,
            map: Some((2, 2)),
            monte_carlo: true,
        });
        let mut out = Vec::new();
        let slow = analyst
            .sweep_and_verdict(job(None), &mut |d| out.push(d))
            .expect("the map follows");
        // the coarse sweep first, then the finished one with the points refined
        assert_eq!(parts(&out), ["sweep all", "sweep all", "verdict", "bands"]);
        let simulated = |d: &Delivery| match d {
            Delivery::Analysis(AnalysisReply {
                part: Part::Sweep { outcome: Ok(s), .. },
                ..
            }) => s.points.iter().filter(|p| p.simulated).count(),
            _ => 0,
        };
        assert!(
            simulated(&out[0]) < simulated(&out[1]),
            "{} then {} points simulated",
            simulated(&out[0]),
            simulated(&out[1])
        );
        assert!(slow.map && slow.sweep.is_some());
        // the same scenario, api's traffic alone: a new sweep, nothing else to redo
        out.clear();
        let slow = analyst.sweep_and_verdict(job(Some(0)), &mut |d| out.push(d));
        assert_eq!(parts(&out), ["sweep api", "sweep api", "bands"]);
        assert!(
            slow.is_none(),
            "the map of this generation is done, and there is no uncertainty"
        );
        // an index past the workloads (never sent by the app) sweeps the whole traffic
        out.clear();
        analyst.sweep_and_verdict(job(Some(7)), &mut |d| out.push(d));
        assert_eq!(parts(&out), ["sweep all", "sweep all", "bands"]);
    }

    /// A map made stale by an edit while it is being worked out stops there and is not
    /// delivered (the next edit's map follows); one that stays current is.
    #[test]
    fn a_map_superseded_while_it_is_worked_out_stops_and_is_not_delivered() {
        let (catalog, prepared, result) = shop();
        let plan = AnalysisPlan {
            enabled: true,
            map: Some((3, 3)),
            monte_carlo: true,
        };
        let job = AnalysisJob {
            generation: 5,
            prepared,
            result,
            catalog,
            focus: None,
        };
        let slow = Analyst::new(plan)
            .sweep_and_verdict(job, &mut |_| {})
            .expect("the map follows");
        // current when the map starts, superseded from its first cell on
        let asked = std::sync::atomic::AtomicUsize::new(0);
        let mut out = Vec::new();
        slow_stages(plan, &slow, &|_| asked.fetch_add(1, Ordering::SeqCst) >= 1, &mut |d| {
            out.push(d)
        });
        assert!(parts(&out).is_empty(), "{:?}", parts(&out));
        assert!(
            asked.load(Ordering::SeqCst) < 9,
            "stopped before pricing every cell: asked {} times",
            asked.load(Ordering::SeqCst)
        );
        slow_stages(plan, &slow, &|_| false, &mut |d| out.push(d));
        assert_eq!(parts(&out), ["map"]);
    }
}
