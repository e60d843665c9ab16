//! The fields of container and VM platforms, and the fleet fields (replicas, autoscaling)
//! they share.

use super::Ed;
use crate::gui::commands::Command;
use crate::gui::defaults::Kind;
use crate::model::{Arch, ContainerBilling, ContainerPlatform, Limits, VmPlatform};
use crate::pricing::Service;
use egui::Ui;

pub(super) fn container(ui: &mut Ui, ed: &mut Ed, c: &mut ContainerPlatform, path: &str, i: usize) {
    let cat = ed.cx.catalog;
    let p = |x: &str| format!("{path}.{x}");
    ed.name_and_service(ui, (&mut c.name, &mut c.service), c.arch, Kind::Container, path, i);
    ed.region(ui, &c.service, &mut c.region, path, i);
    let view = ed.cx.view;
    let service = cat.get_in(&c.service, c.region.as_deref()).or(cat.get(&c.service));
    let lim = service.and_then(|s| s.container_limits());
    let is_run = matches!(service, Some(Service::GcpCloudRun(_)));
    ed.choice(
        ui,
        ("ct_arch", i),
        "Architecture",
        "CPU architecture: Fargate prices arm64 (Graviton) lower; other services ignore it",
        &p("arch"),
        &mut c.arch,
        &view.arch,
        true,
    );
    let src = lim.map(|l| l.source.as_str()).unwrap_or("the catalog");
    match (lim, view.vcpu_sizes(&c.service)) {
        (Some(_), Some(opts)) => {
            if ed.choice(
                ui,
                ("ct_vcpu", i),
                "vCPU",
                &format!("vCPUs per replica; this service offers fixed task sizes. Source: {src}"),
                &p("vcpu"),
                &mut c.vcpu,
                opts,
                true,
            ) {
                ed.cmds.push(Command::FitPlatform(i));
            }
            let mem = view.task_memory(&c.service, c.vcpu);
            ed.choice(
                ui,
                ("ct_mem", i),
                "Memory (GB)",
                &format!("Memory per replica, GB: the sizes allowed with this many vCPUs. Source: {src}"),
                &p("memory_gb"),
                &mut c.memory_gb,
                mem,
                true,
            );
        }
        _ => {
            let (vlo, vhi, mlo, mhi) = lim
                .map(|l| (l.vcpu_min, l.vcpu_max, l.memory_min_gb, l.memory_max_gb))
                .unwrap_or((0.25, 16.0, 0.5, 120.0));
            ed.num(
                ui,
                "vCPU",
                &format!("vCPUs per replica ({vlo} to {vhi}). Source: {src}"),
                &p("vcpu"),
                &mut c.vcpu,
                vlo,
                vhi,
                "vCPU",
            );
            ed.num(
                ui,
                "Memory (GB)",
                &format!("Memory per replica, GB ({mlo} to {mhi}). Source: {src}"),
                &p("memory_gb"),
                &mut c.memory_gb,
                mlo,
                mhi,
                "GB",
            );
        }
    }
    let max_conc = lim.map(|l| l.max_instance_concurrency).unwrap_or(1000);
    ed.int(
        ui,
        "Requests per replica",
        &format!(
            "Requests one replica serves at once (1 to {max_conc}); CPU-bound work is also limited by its vCPUs. Source: {src}"
        ),
        &p("concurrency"),
        &mut c.concurrency,
        1,
        max_conc.max(1),
        "",
    );
    fleet_common(
        ui,
        ed,
        path,
        &mut FleetFields {
            min: &mut c.min_replicas,
            max: &mut c.max_replicas,
            what: "replicas",
            target: &mut c.target_utilization,
            startup: &mut c.startup_s,
            window: &mut c.metric_window_s,
            cooldown: &mut c.scale_in_cooldown_s,
            queue: &mut c.queue_timeout_s,
        },
    );
    ed.num(
        ui,
        "Ephemeral storage",
        "Ephemeral storage per replica, GB (Fargate includes 20 GB and bills the rest; 0 = the included amount)",
        &p("ephemeral_gb"),
        &mut c.ephemeral_gb,
        0.0,
        200.0,
        "GB",
    );
    ed.choice(
        ui,
        ("ct_billing", i),
        "Billing",
        "Cloud Run billing mode: request-based bills only while serving (100 ms steps); instance-based bills the whole life of each instance at a lower rate. Other services: n/a",
        &p("billing"),
        &mut c.billing,
        &[
            (ContainerBilling::RequestBased, "Request-based".into(), "Billed only while serving requests (plus start-up)".into()),
            (ContainerBilling::InstanceBased, "Instance-based".into(), "Billed for the whole life of each instance, at a lower rate".into()),
        ],
        is_run,
    );
    ed.choice(
        ui,
        ("ct_purchase", i),
        "Purchase",
        "Purchase option: the commitments and Spot this service offers (discounts from the catalog)",
        &p("purchase"),
        &mut c.purchase,
        view.purchases(&c.service),
        view.purchases(&c.service).len() > 1,
    );
    ed.commitment(ui, c.purchase, &mut c.commitment_usd_per_hour, path);
    ed.choice(
        ui,
        ("ct_fd", i),
        "Front door",
        "How the platform is reached from the internet; an ALB adds an hourly charge plus LCUs",
        &p("front_door"),
        &mut c.front_door,
        &view.front_doors,
        true,
    );
    ed.checkbox(
        ui,
        "Free tier",
        "Apply the provider's monthly free allowance",
        &p("free_tier"),
        &mut c.free_tier,
    );
}

struct FleetFields<'a> {
    min: &'a mut u32,
    max: &'a mut u32,
    what: &'static str,
    target: &'a mut f64,
    startup: &'a mut f64,
    window: &'a mut f64,
    cooldown: &'a mut f64,
    queue: &'a mut f64,
}

fn fleet_common(ui: &mut Ui, ed: &mut Ed, path: &str, f: &mut FleetFields) {
    let p = |x: &str| format!("{path}.{x}");
    let w = f.what;
    ed.int(
        ui,
        &format!("Min {w}"),
        &format!("Fewest {w} kept running (0 scales to zero where the service allows it); at most the maximum"),
        &p(&format!("min_{w}")),
        f.min,
        0,
        Limits::MAX_REPLICAS,
        "",
    );
    ed.int(
        ui,
        &format!("Max {w}"),
        &format!("Most {w} the autoscaler may run (equal to the minimum: a fixed fleet)"),
        &p(&format!("max_{w}")),
        f.max,
        1,
        Limits::MAX_REPLICAS,
        "",
    );
    ed.share(
        ui,
        "Target utilisation",
        "Busy share of capacity the autoscaler aims for (5 % to 100 %); lower keeps headroom for bursts",
        &p("target_utilization"),
        f.target,
        0.05,
        1.0,
    );
    ed.num(
        ui,
        "Start-up time",
        "Time from a scale-out decision until the new instance serves (and is billed from), seconds",
        &p("startup_s"),
        f.startup,
        0.0,
        3600.0,
        "s",
    );
    ed.num(
        ui,
        "Metric window",
        "Averaging window of the utilisation metric the autoscaler reads, seconds",
        &p("metric_window_s"),
        f.window,
        1.0,
        3600.0,
        "s",
    );
    ed.num(
        ui,
        "Scale-in cooldown",
        "Minimum time between scale-in steps, seconds",
        &p("scale_in_cooldown_s"),
        f.cooldown,
        0.0,
        86_400.0,
        "s",
    );
    ed.num(
        ui,
        "Queue timeout",
        "Requests that wait longer than this for a free slot are dropped (client timeout), seconds",
        &p("queue_timeout_s"),
        f.queue,
        0.0,
        3600.0,
        "s",
    );
}

pub(super) fn vm(ui: &mut Ui, ed: &mut Ed, v: &mut VmPlatform, path: &str, i: usize) {
    let p = |x: &str| format!("{path}.{x}");
    ed.name_and_service(ui, (&mut v.name, &mut v.service), Arch::X86_64, Kind::Vm, path, i);
    ed.region(ui, &v.service, &mut v.region, path, i);
    let view = ed.cx.view;
    ed.choice(
        ui,
        ("vm_inst", i),
        "Instance",
        view.instance_tip(&v.service, &v.instance),
        &p("instance"),
        &mut v.instance,
        view.instances(&v.service, v.region.as_deref()),
        true,
    );
    ed.int(
        ui,
        "Requests per instance",
        "Requests one instance serves at once (1 to 100,000); CPU-bound work is also limited by its vCPUs",
        &p("concurrency"),
        &mut v.concurrency,
        1,
        100_000,
        "",
    );
    fleet_common(
        ui,
        ed,
        path,
        &mut FleetFields {
            min: &mut v.min_instances,
            max: &mut v.max_instances,
            what: "instances",
            target: &mut v.target_utilization,
            startup: &mut v.startup_s,
            window: &mut v.metric_window_s,
            cooldown: &mut v.scale_in_cooldown_s,
            queue: &mut v.queue_timeout_s,
        },
    );
    let mut root_gb = v.root_volume_gb.unwrap_or(crate::sim::extras::DEFAULT_ROOT_VOLUME_GB);
    let before = root_gb;
    ed.num(
        ui,
        "Root volume",
        "Root volume (EBS gp3) of each instance, GB, billed per GB-month for the time the instance runs; 8 GB (the default of the common Linux images) unless set",
        &p("root_volume_gb"),
        &mut root_gb,
        1.0,
        65_536.0,
        "GB",
    );
    if root_gb != before {
        v.root_volume_gb = Some(root_gb);
    }
    ed.choice(
        ui,
        ("vm_purchase", i),
        "Purchase",
        "Purchase option: savings plans and Spot discounts come from the catalog (planning assumptions unless you load your own rates)",
        &p("purchase"),
        &mut v.purchase,
        &view.purchase,
        true,
    );
    ed.commitment(ui, v.purchase, &mut v.commitment_usd_per_hour, path);
    ed.choice(
        ui,
        ("vm_fd", i),
        "Front door",
        "How the VMs are reached; an ALB adds an hourly charge plus LCUs",
        &p("front_door"),
        &mut v.front_door,
        &view.front_doors,
        true,
    );
}
