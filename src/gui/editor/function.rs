//! The fields of a function platform.

use super::Ed;
use crate::gui::defaults::Kind;
use crate::gui::fmt;
use crate::model::{Dist, FunctionPlatform, Limits};
use crate::pricing::Service;
use egui::Ui;

pub(super) fn function(ui: &mut Ui, ed: &mut Ed, f: &mut FunctionPlatform, path: &str, i: usize) {
    let cat = ed.cx.catalog;
    let p = |x: &str| format!("{path}.{x}");
    ed.name_and_service(ui, (&mut f.name, &mut f.service), f.arch, Kind::Function, path, i);
    ed.region(ui, &f.service, &mut f.region, path, i);
    let view = ed.cx.view;
    let service = cat.get_in(&f.service, f.region.as_deref()).or(cat.get(&f.service));
    let lim = service.and_then(|s| s.function_limits());
    let is_lambda = matches!(service, Some(Service::AwsLambda(_)));
    ed.choice(
        ui,
        ("fn_arch", i),
        "Architecture",
        "CPU architecture: priced differently on AWS Lambda (arm64 is cheaper per GB-second); other function services ignore it",
        &p("arch"),
        &mut f.arch,
        &view.arch,
        true,
    );
    match (lim, view.function_memory(&f.service)) {
        (Some(lim), Some(opts)) => {
            ed.choice(
                ui,
                ("fn_mem", i),
                "Memory (MB)",
                &format!(
                    "Memory of an environment, MB. This service offers fixed sizes only. Source: {}",
                    lim.source
                ),
                &p("memory_mb"),
                &mut f.memory_mb,
                opts,
                true,
            );
        }
        (Some(lim), None) => {
            let help = format!(
                "Memory of an environment, MB ({} to {} MB); the CPU grows with it{}. Billed per GB-second. Source: {}",
                lim.memory_min_mb,
                lim.memory_max_mb,
                lim.mb_per_vcpu
                    .map(|m| format!(" (1 vCPU at {} MB)", fmt::num(m)))
                    .unwrap_or_default(),
                lim.source
            );
            ed.int(
                ui,
                "Memory (MB)",
                &help,
                &p("memory_mb"),
                &mut f.memory_mb,
                lim.memory_min_mb,
                lim.memory_max_mb,
                "MB",
            );
        }
        (None, _) => {
            ed.int(
                ui,
                "Memory (MB)",
                "Memory of an environment, MB",
                &p("memory_mb"),
                &mut f.memory_mb,
                128,
                32768,
                "MB",
            );
        }
    }
    let src = lim.map(|l| l.source.as_str()).unwrap_or("the catalog");
    let ka_default = lim.map(|l| l.default_keep_alive_s).unwrap_or(600.0);
    let mut random = f.keep_alive_dist_s.is_some();
    let help =
        "Draw each environment's keep-alive from a distribution instead of a fixed value: providers do not promise one";
    let l = ui.label("Random keep-alive").on_hover_text(help);
    let r = ui.checkbox(&mut random, "").labelled_by(l.id).on_hover_text(help);
    if r.changed() {
        f.keep_alive_dist_s = if random {
            Some(Dist::Uniform {
                min: (f.keep_alive_s * 0.5).max(0.0),
                max: f.keep_alive_s.max(1.0),
            })
        } else {
            None
        };
        ed.discrete(true);
    }
    ui.end_row();
    match &mut f.keep_alive_dist_s {
        Some(d) => ed.dist(
            ui,
            &format!("ka{i}"),
            "Keep-alive",
            "Idle time after its last request before an environment is reclaimed, seconds (drawn per environment)",
            &p("keep_alive_dist_s"),
            d,
            "s",
            true,
            Limits::MAX_KEEP_ALIVE_S,
        ),
        None => ed.num(
            ui,
            "Keep-alive",
            &format!(
                "Idle time after its last request before an environment is reclaimed, seconds. Provider default assumed: {} s (undocumented by most providers). Source: {src}",
                fmt::num(ka_default)
            ),
            &p("keep_alive_s"),
            &mut f.keep_alive_s,
            0.0,
            Limits::MAX_KEEP_ALIVE_S,
            "s",
        ),
    }
    let max_default = lim.map(|l| l.default_max_concurrency).unwrap_or(1000);
    ed.int(
        ui,
        "Max concurrency",
        &format!(
            "Account or reserved concurrency: requests beyond it are throttled. Provider default: {max_default}. Source: {src}"
        ),
        &p("max_concurrency"),
        &mut f.max_concurrency,
        1,
        1_000_000,
        "",
    );
    ed.int(
        ui,
        "Provisioned",
        "Environments kept initialised all the time (Lambda provisioned concurrency, Flex always-ready, Cloud Run min instances); billed whether used or not",
        &p("provisioned"),
        &mut f.provisioned,
        0,
        f.max_concurrency.max(1),
        "",
    );
    ed.choice(
        ui,
        ("fn_purchase", i),
        "Purchase",
        "Purchase option: the commitments this service offers (Lambda: a Compute Savings Plan on duration and provisioned concurrency, never requests; Cloud Run functions: a committed use discount). Discounts from the catalog.",
        &p("purchase"),
        &mut f.purchase,
        view.purchases(&f.service),
        view.purchases(&f.service).len() > 1,
    );
    ed.commitment(ui, f.purchase, &mut f.commitment_usd_per_hour, path);
    let max_conc = lim.map(|l| l.max_instance_concurrency).unwrap_or(1);
    ed.int(
        ui,
        "Requests per environment",
        &format!("Requests one environment serves at once (1 to {max_conc} on this service). Source: {src}"),
        &p("concurrency"),
        &mut f.concurrency,
        1,
        max_conc.max(1),
        "",
    );
    ed.int(
        ui,
        "Ephemeral storage",
        "Ephemeral storage (/tmp) configured, MB (512 to 10,240); Lambda bills above 512 MB",
        &p("ephemeral_mb"),
        &mut f.ephemeral_mb,
        512,
        10240,
        "MB",
    );
    ed.choice(
        ui,
        ("fn_fd", i),
        "Front door",
        "How the platform is reached from the internet; often decides the answer",
        &p("front_door"),
        &mut f.front_door,
        if is_lambda {
            &view.front_doors_lambda
        } else {
            &view.front_doors
        },
        true,
    );
    ed.checkbox(
        ui,
        "Free tier",
        "Apply the provider's monthly free allowance (off: you have used it elsewhere)",
        &p("free_tier"),
        &mut f.free_tier,
    );
}
