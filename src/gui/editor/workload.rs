//! The Workload section: what one request of the selected workload does (duration, CPU share, cold start, payload
//! sizes, requests per connection).

use super::{Ed, grid};
use crate::model::{Limits, Scenario};
use egui::Ui;

pub(super) fn workload(ui: &mut Ui, ed: &mut Ed, s: &mut Scenario, sel: usize) {
    let base = s.request_path(sel);
    let p = |f: &str| format!("{base}.{f}");
    s.workload_mut(); // there is always one to edit
    let sel = sel.min(s.workloads.len() - 1);
    let w = &mut s.workloads[sel].request;
    grid("workload_grid").show(ui, |ui| {
        ed.dist(
            ui,
            "duration",
            "Duration",
            "Handler time of a warm request on one full vCPU, ms. Platforms with less CPU stretch its CPU-bound share.",
            &p("duration_ms"),
            &mut w.duration_ms,
            "ms",
            false,
            Limits::MAX_DURATION_MS,
        );
        ed.share(
            ui,
            "CPU share",
            "Share of the duration that is CPU work at one full vCPU; the rest (I/O, waiting) does not speed up with more CPU. Decides how memory (and so CPU) changes the duration on Lambda.",
            &p("cpu_fraction"),
            &mut w.cpu_fraction,
            0.0,
            1.0,
        );
        ed.dist(
            ui,
            "cold",
            "Cold start",
            "Extra time a request waits when it has to create an environment (INIT), ms. Cloudflare Workers use their own fixed value.",
            &p("cold_start_ms"),
            &mut w.cold_start_ms,
            "ms",
            true,
            600_000.0,
        );
        ed.num(
            ui,
            "Request size",
            "Payload of a request, KB (API Gateway HTTP meters in 512 KB steps; ALB LCUs count bytes)",
            &p("request_kb"),
            &mut w.request_kb,
            0.0,
            Limits::MAX_PAYLOAD_KB,
            "KB",
        );
        ed.num(
            ui,
            "Response size",
            "Payload of a response, KB (REST API data transfer out; ALB LCUs)",
            &p("response_kb"),
            &mut w.response_kb,
            0.0,
            Limits::MAX_PAYLOAD_KB,
            "KB",
        );
        ed.optional_ms(
            ui,
            (
                "Latency objective",
                "Latency objective: requests slower than this are counted (share over the objective, verdict)",
                "Latency objective value",
            ),
            &p("latency_slo_ms"),
            &mut w.latency_slo_ms,
            1000.0,
        );
        ed.num(
            ui,
            "Requests per connection",
            "Requests a client sends over one connection before it closes; ALB LCUs count new connections (1 = a new connection per request)",
            &p("requests_per_connection"),
            &mut w.requests_per_connection,
            1.0,
            1e9,
            "",
        );
    });
}
