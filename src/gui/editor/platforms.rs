//! The Platforms section: each platform's header (enable, move, remove) around its fields,
//! and the Add platform menu.

use super::Ed;
use super::fleet::{container, vm};
use super::function::function;
use super::grid;
use crate::gui::commands::Command;
use crate::gui::defaults;
use crate::model::{Platform, Scenario};
use egui::{RichText, Ui};

pub(super) fn platforms(ui: &mut Ui, ed: &mut Ed, s: &mut Scenario) {
    ed.section_problems(ui, "platforms");
    let n = s.platforms.len();
    let workloads: Vec<String> = s.workloads.iter().map(|w| w.name.clone()).collect();
    for (i, p) in s.platforms.iter_mut().enumerate() {
        let path = format!("platforms[{i}]");
        let problems = ed.cx.problems.count_under(&path);
        let service_name = ed
            .cx
            .catalog
            .get(p.service())
            .map(|sv| sv.name().to_string())
            .unwrap_or_else(|| p.service().to_string());
        let mut title = format!("{} — {}", p.name(), service_name);
        if !p.enabled() {
            title += " (disabled)";
        }
        let mut text = RichText::new(title).strong();
        if problems > 0 {
            text = text.color(ui.visuals().error_fg_color);
        } else if !p.enabled() {
            text = text.weak();
        }
        egui::CollapsingHeader::new(text)
            .id_salt(("platform", i))
            .default_open(true)
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    let enabled = match p {
                        Platform::Function(f) => &mut f.enabled,
                        Platform::Container(c) => &mut c.enabled,
                        Platform::Vm(v) => &mut v.enabled,
                    };
                    let r = ui
                        .checkbox(enabled, "Enabled")
                        .accessible_name(format!("Enable {}", p_name_hint(i)))
                        .on_hover_text("Include this platform in the comparison");
                    ed.discrete(r.changed());
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                        if ui
                            .small_button("🗑")
                            .accessible_name(format!("Remove platform {}", i + 1))
                            .on_hover_text("Remove this platform")
                            .clicked()
                        {
                            ed.cmds.push(Command::RemovePlatform(i));
                        }
                        if ui
                            .add_enabled(i + 1 < n, egui::Button::new("⏷").small())
                            .accessible_name(format!("Move platform {} down", i + 1))
                            .on_hover_text("Move down")
                            .clicked()
                        {
                            ed.cmds.push(Command::MovePlatform { from: i, to: i + 1 });
                        }
                        if ui
                            .add_enabled(i > 0, egui::Button::new("⏶").small())
                            .accessible_name(format!("Move platform {} up", i + 1))
                            .on_hover_text("Move up")
                            .clicked()
                        {
                            ed.cmds.push(Command::MovePlatform { from: i, to: i - 1 });
                        }
                    });
                });
                if workloads.len() > 1 || !p.runs().is_empty() {
                    runs(ui, ed, p, &workloads, &path);
                }
                grid(("platform_grid", i)).show(ui, |ui| {
                    match p {
                        Platform::Function(f) => function(ui, ed, f, &path, i),
                        Platform::Container(c) => container(ui, ed, c, &path, i),
                        Platform::Vm(v) => vm(ui, ed, v, &path, i),
                    }
                    network(ui, ed, p, &path);
                });
            });
    }
    ui.horizontal(|ui| {
        ui.menu_button("➕ Add platform", |ui| add_platform_menu(ui, ed))
            .response
            .on_hover_text("Add a function, container or VM platform from the price catalog");
    });
}

/// Which workloads the platform may run: a checkbox per workload, none checked = all.
/// Above the platform's grid, so that a long list wraps without overlapping its rows.
fn runs(ui: &mut Ui, ed: &mut Ed, p: &mut Platform, workloads: &[String], path: &str) {
    let help = "The workloads this platform may run; none checked: every workload";
    let platform = p.name().to_string();
    let list = defaults::runs_mut(p);
    let mut changed = false;
    ui.horizontal_wrapped(|ui| {
        ui.label("Runs").on_hover_text(help);
        for w in workloads {
            let mut on = list.contains(w);
            if ui
                .checkbox(&mut on, w)
                .accessible_name(format!("{platform} runs {w}"))
                .on_hover_text(help)
                .changed()
            {
                changed = true;
                if on {
                    list.push(w.clone());
                } else {
                    list.retain(|x| x != w);
                }
            }
        }
        if list.is_empty() {
            ui.label(RichText::new("(all)").weak());
        }
    });
    if changed {
        // workload order, unknown names dropped (they could only be mistakes)
        let keep: Vec<String> = workloads.iter().filter(|w| list.contains(w)).cloned().collect();
        *list = keep;
    }
    ed.discrete(changed);
    for j in 0..list.len().max(1) {
        ed.section_problems(ui, &format!("{path}.runs[{j}]"));
    }
}

/// The platform's place on the network, as rows of its grid: private subnets, NAT
/// gateways (only in private subnets) and public IPv4 addresses. The catalog prices NAT
/// and IPv4 for AWS only, so other services get the rows disabled, with the reason.
fn network(ui: &mut Ui, ed: &mut Ed, p: &mut Platform, path: &str) {
    let name = p.name().to_string();
    let aws = p.service().starts_with("aws-");
    let vm = matches!(p, Platform::Vm(_));
    let slot = match p {
        Platform::Function(f) => &mut f.network,
        Platform::Container(c) => &mut c.network,
        Platform::Vm(v) => &mut v.network,
    };
    let mut n = slot.unwrap_or_default();
    let before = n;
    let not_aws = "Only AWS prices for NAT gateways and public IPv4 addresses are in the catalog: this service is priced without them";
    ui.label(RichText::new("Network").strong()).on_hover_text(
        "Where the platform sits on the network: private subnets reach the internet through NAT gateways (billed per hour and per GB processed); public IPv4 addresses are billed per hour",
    );
    ui.label(if aws { "" } else { "AWS only" }).on_hover_text(not_aws);
    ui.end_row();
    let (vpc_help, nat_help, ip_help) = (
        "Private subnets (VPC): the platform's traffic to the internet (the responses, calls to services outside the VPC) goes through NAT gateways",
        "NAT gateways serving the private subnets (one per availability zone is usual): each is billed per hour, all month, plus per GB of the responses it processes",
        if vm {
            "A public IPv4 address on every instance (and on the load balancer's nodes), billed per address-hour"
        } else {
            "A public IPv4 address on every replica or environment (and on the load balancer's nodes), billed per address-hour"
        },
    );
    // a value set where it cannot be priced stays editable, so it can be turned off
    let mut changed = false;
    let l = ui.label("    Private subnets").on_hover_text(vpc_help);
    let r = ui
        .add_enabled(aws || n.vpc, egui::Checkbox::without_text(&mut n.vpc))
        .labelled_by(l.id)
        .accessible_name(format!("Private subnets of {name}"))
        .on_hover_text(vpc_help)
        .on_disabled_hover_text(not_aws);
    if r.changed() {
        changed = true;
        // private subnets usually reach the internet through one NAT gateway
        n.nat_gateways = if n.vpc { n.nat_gateways.max(1) } else { 0 };
    }
    ui.end_row();
    ed.problems(ui, &format!("{path}.network.vpc"));
    let l = ui.label("    NAT gateways").on_hover_text(nat_help);
    let r = ui
        .add_enabled(
            (aws && n.vpc) || n.nat_gateways > 0,
            egui::DragValue::new(&mut n.nat_gateways).range(0..=100).speed(0.05),
        )
        .labelled_by(l.id)
        .accessible_name(format!("NAT gateways of {name}"))
        .on_hover_text(nat_help)
        .on_disabled_hover_text(if aws { "Only in private subnets" } else { not_aws });
    if r.changed() {
        n.nat_gateways = n.nat_gateways.min(100);
        *slot = Some(n);
    }
    ed.track(&r);
    ui.end_row();
    ed.problems(ui, &format!("{path}.network.nat_gateways"));
    let l = ui.label("    Public IPv4").on_hover_text(ip_help);
    let r = ui
        .add_enabled(aws || n.public_ipv4, egui::Checkbox::without_text(&mut n.public_ipv4))
        .labelled_by(l.id)
        .accessible_name(format!("Public IPv4 of {name}"))
        .on_hover_text(ip_help)
        .on_disabled_hover_text(not_aws);
    changed |= r.changed();
    ui.end_row();
    ed.problems(ui, &format!("{path}.network.public_ipv4"));
    if changed && n != before {
        *slot = if n == crate::model::Network::default() {
            None
        } else {
            Some(n)
        };
        ed.discrete(true);
    }
}

fn p_name_hint(i: usize) -> String {
    format!("platform {}", i + 1)
}

fn add_platform_menu(ui: &mut Ui, ed: &mut Ed) {
    let view = ed.cx.view;
    for (kind, entries) in &view.add_menu {
        let kind = *kind;
        ui.menu_button(kind.label(), |ui| {
            for e in entries {
                if e.instances.is_empty() {
                    if ui.button(&e.label).on_hover_text(&e.tip).clicked() {
                        ed.cmds.push(Command::AddPlatform {
                            kind,
                            service: e.id.clone(),
                            instance: None,
                        });
                        ui.close();
                    }
                    continue;
                }
                ui.menu_button(&e.label, |ui| {
                    for (name, text, tip) in &e.instances {
                        if ui.button(text).on_hover_text(tip).clicked() {
                            ed.cmds.push(Command::AddPlatform {
                                kind,
                                service: e.id.clone(),
                                instance: Some(name.clone()),
                            });
                            ui.close();
                        }
                    }
                });
            }
        });
    }
}
