//! The Workload section: what one request of the selected workload does (duration, CPU share, cold start, payload
//! sizes, requests per connection, the log it writes and the managed services it calls).

use super::{Ed, grid};
use crate::gui::commands::Command;
use crate::gui::defaults;
use crate::model::{Call, Limits, Scenario};
use egui::{RichText, Ui};

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
        ed.num(
            ui,
            "Log per request",
            "Log written per request, KB; priced by the provider's logging service (CloudWatch Logs, Cloud Logging, Azure Monitor, Workers Logs) with its free allowance. 0 = no logs.",
            &p("log_kb"),
            &mut w.log_kb,
            0.0,
            Limits::MAX_PAYLOAD_KB,
            "KB",
        );
    });
    calls(ui, ed, &mut w.calls, &base);
}

/// The managed services each request calls: one small grid per call (service, operation,
/// calls per request), with add and remove as commands.
fn calls(ui: &mut Ui, ed: &mut Ed, calls: &mut [Call], base: &str) {
    let help = "Managed services each request calls (DynamoDB, SQS, Firestore…). They are billed once for the application, the same under every platform, and shown as their own bills below the platforms' bills (not in any platform's total).";
    ui.add_space(4.0);
    ui.label(RichText::new("Calls").strong()).on_hover_text(help);
    ed.section_problems(ui, &format!("{base}.calls"));
    let view = ed.cx.view;
    let catalog = ed.cx.catalog;
    for (j, c) in calls.iter_mut().enumerate() {
        let p = |f: &str| format!("{base}.calls[{j}].{f}");
        ui.horizontal(|ui| {
            ui.label(format!("Call {}", j + 1));
            if ui
                .small_button("🗑")
                .accessible_name(format!("Remove call {}", j + 1))
                .on_hover_text("Remove this call")
                .clicked()
            {
                ed.cmds.push(Command::RemoveCall(j));
            }
        });
        grid(("call_grid", j)).show(ui, |ui| {
            let before = c.service.clone();
            ed.choice(
                ui,
                ("call_service", j),
                "Service",
                "The managed service this call goes to (its rates on hover in the list)",
                &p("service"),
                &mut c.service,
                &view.call_services,
                true,
            );
            let ops = view.call_operations(&c.service);
            if c.service != before && !ops.iter().any(|o| o.0 == c.operation) {
                // another service meters other operations: its first one
                if let Some(first) = ops.first() {
                    c.operation = first.0.clone();
                }
            }
            // an alias the file used (`rru` for `read`) shows as its meter's first name
            if let Some(canonical) = catalog
                .metered(&c.service)
                .and_then(|m| m.meter(&c.operation))
                .and_then(|m| m.operations.first())
                && *canonical != c.operation
                && ops.iter().any(|o| &o.0 == canonical)
            {
                let mut shown = canonical.clone();
                if ed.choice(
                    ui,
                    ("call_operation", j),
                    "Operation",
                    "What the call does; each operation is billed by its own meter",
                    &p("operation"),
                    &mut shown,
                    ops,
                    true,
                ) {
                    c.operation = shown;
                }
            } else {
                ed.choice(
                    ui,
                    ("call_operation", j),
                    "Operation",
                    "What the call does; each operation is billed by its own meter",
                    &p("operation"),
                    &mut c.operation,
                    ops,
                    true,
                );
            }
            ed.num(
                ui,
                "Calls per request",
                "How many of these calls one request makes on average (0.1 = one request in ten)",
                &p("per_request"),
                &mut c.per_request,
                0.0,
                1000.0,
                "",
            );
        });
    }
    let add = ui
        .add_enabled(!view.call_services.is_empty(), egui::Button::new("➕ Add call"))
        .on_hover_text(help)
        .on_disabled_hover_text("The loaded catalog prices no managed service");
    if add.clicked()
        && let Some(c) = defaults::new_call(view)
    {
        ed.cmds.push(Command::AddCall(c));
    }
}
