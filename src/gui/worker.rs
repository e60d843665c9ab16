//! The background simulation worker: jobs in on one channel, results out on another.
//!
//! One long-lived thread prepares every job (it keeps the `TraceStore`, so traces are read
//! once) and runs fast jobs itself, always the newest one: edits that arrive while it is
//! busy replace each other. An exact run gets its own thread so that fast updates continue
//! and the run can be cancelled through its `Control`.
//!
//! In tests the worker runs `Inline`: `submit` computes at once and `poll` hands the reply
//! over on the next frame, so tests are deterministic.
//!
//! Owns: threads, channels and coalescing. Must not: touch the UI state (it only asks the
//! UI to repaint when a reply is ready).

use crate::model::Scenario;
use crate::pricing::Catalog;
use crate::sim::{self, Control, Mode, SimError, SimResult, TraceStore};
use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{Duration, Instant};

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
}

pub struct Reply {
    pub generation: u64,
    pub mode: Mode,
    /// The job's latency objective (the verdict and the latency plot show it).
    pub slo_ms: Option<f64>,
    pub outcome: Result<SimResult, SimError>,
    pub elapsed: Duration,
}

enum Backend {
    Threaded {
        jobs: Option<Sender<Job>>,
        replies: Receiver<Reply>,
        thread: Option<std::thread::JoinHandle<()>>,
    },
    Inline {
        traces: Box<TraceStore>,
        ready: VecDeque<Reply>,
    },
}

pub struct Worker {
    backend: Backend,
    repaint: Option<egui::Context>,
}

fn spawn(repaint: Option<egui::Context>) -> Backend {
    let (job_tx, job_rx) = channel::<Job>();
    let (reply_tx, reply_rx) = channel::<Reply>();
    let thread = std::thread::Builder::new()
        .name("breakeven-sim".into())
        .spawn(move || worker_loop(job_rx, reply_tx, repaint))
        .ok();
    Backend::Threaded {
        jobs: Some(job_tx),
        replies: reply_rx,
        thread,
    }
}

impl Worker {
    /// A background thread; `repaint` is called whenever a reply is ready.
    pub fn threaded(repaint: Option<egui::Context>) -> Worker {
        Worker {
            backend: spawn(repaint.clone()),
            repaint,
        }
    }

    /// Computes on the caller's thread (tests).
    pub fn inline() -> Worker {
        Worker {
            backend: Backend::Inline {
                traces: Box::default(),
                ready: VecDeque::new(),
            },
            repaint: None,
        }
    }

    pub fn is_inline(&self) -> bool {
        matches!(self.backend, Backend::Inline { .. })
    }

    pub fn submit(&mut self, job: Job) {
        match &mut self.backend {
            Backend::Threaded { jobs, .. } => {
                let sent = jobs.as_ref().map(|tx| tx.send(job.clone()).is_ok()).unwrap_or(false);
                if !sent {
                    // The thread is gone (it catches panics, but be safe): start a fresh
                    // one rather than silently dropping the edit.
                    self.backend = spawn(self.repaint.clone());
                    if let Backend::Threaded { jobs: Some(tx), .. } = &self.backend {
                        let _ = tx.send(job);
                    }
                }
            }
            Backend::Inline { traces, ready } => {
                let reply = compute(&job, traces);
                ready.push_back(reply);
            }
        }
    }

    /// True when an inline worker holds replies the next frame should pick up.
    pub fn has_ready(&self) -> bool {
        matches!(&self.backend, Backend::Inline { ready, .. } if !ready.is_empty())
    }

    /// Replies that are ready, oldest first. Never blocks.
    pub fn poll(&mut self) -> Vec<Reply> {
        match &mut self.backend {
            Backend::Threaded { replies, .. } => replies.try_iter().collect(),
            Backend::Inline { ready, .. } => ready.drain(..).collect(),
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        if let Backend::Threaded { jobs, thread, .. } = &mut self.backend {
            // closing the channel ends the loop; do not wait for a running exact job
            jobs.take();
            thread.take();
        }
    }
}

fn worker_loop(jobs: Receiver<Job>, replies: Sender<Reply>, repaint: Option<egui::Context>) {
    let mut traces = TraceStore::default();
    // Fast runs follow every edit: they leave one core to the UI thread so that dragging
    // stays smooth. (Exact runs, asked for explicitly, use every core.)
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cores.saturating_sub(1).max(1))
        .thread_name(|i| format!("breakeven-fast-{i}"))
        .build()
        .ok();
    let notify = |reply: Reply, replies: &Sender<Reply>| {
        let _ = replies.send(reply);
        if let Some(ctx) = &repaint {
            ctx.request_repaint();
        }
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
                    Reply {
                        generation: job.generation,
                        mode: job.mode,
                        slo_ms: job.scenario.workload.latency_slo_ms,
                        outcome: Err(e),
                        elapsed: start.elapsed(),
                    },
                    &replies,
                ),
                Ok(prepared) => {
                    let tx = replies.clone();
                    let repaint = repaint.clone();
                    let spawned = std::thread::Builder::new()
                        .name("breakeven-exact".into())
                        .spawn(move || {
                            let outcome = run(&prepared, &job);
                            let _ = tx.send(Reply {
                                generation: job.generation,
                                mode: job.mode,
                                slo_ms: job.scenario.workload.latency_slo_ms,
                                outcome,
                                elapsed: start.elapsed(),
                            });
                            if let Some(ctx) = &repaint {
                                ctx.request_repaint();
                            }
                        });
                    if spawned.is_err() {
                        // no thread available: report rather than hang the progress bar
                        let _ = replies.send(Reply {
                            generation: 0,
                            mode: Mode::Exact,
                            slo_ms: None,
                            outcome: Err(SimError::Spec("could not start a thread for the exact run".into())),
                            elapsed: Duration::ZERO,
                        });
                    }
                }
            }
        }
        if let Some(job) = fast {
            let reply = match &pool {
                Some(pool) => pool.install(|| compute(&job, &mut traces)),
                None => compute(&job, &mut traces),
            };
            notify(reply, &replies);
        }
    }
}

fn prepare(job: &Job, traces: &mut TraceStore) -> Result<sim::Prepared, SimError> {
    catch_unwind(AssertUnwindSafe(|| {
        sim::prepare(&job.scenario, &job.base_dir, &job.catalog, traces)
    }))
    .unwrap_or_else(|_| Err(panicked()))
}

fn run(prepared: &sim::Prepared, job: &Job) -> Result<SimResult, SimError> {
    catch_unwind(AssertUnwindSafe(|| {
        sim::run(prepared, &job.catalog, job.mode, &job.control)
    }))
    .unwrap_or_else(|_| Err(panicked()))
}

fn panicked() -> SimError {
    SimError::Spec("internal error: the simulation stopped unexpectedly (please report this scenario)".into())
}

/// Prepare and run one job on this thread.
pub fn compute(job: &Job, traces: &mut TraceStore) -> Reply {
    let start = Instant::now();
    let outcome = prepare(job, traces).and_then(|p| run(&p, job));
    Reply {
        generation: job.generation,
        mode: job.mode,
        slo_ms: job.scenario.workload.latency_slo_ms,
        outcome,
        elapsed: start.elapsed(),
    }
}
