//! The Scenario section: name, description, horizon, seed, the share of responses
//! leaving for the internet and negotiated discounts per provider.

use super::{Ed, grid};
use crate::model::{Limits, PROVIDERS, ProviderDiscount, Scenario};
use egui::Ui;

pub(super) fn scenario_fields(ui: &mut Ui, ed: &mut Ed, s: &mut Scenario) {
    ed.section_problems(ui, "version");
    grid("scenario_grid").show(ui, |ui| {
        ed.text(ui, "Scenario name", "Shown in the title bar and in reports", "name", &mut s.name);
        let l = ui.label("Description").on_hover_text("What this scenario describes (free text)");
        let r = ui
            .add(egui::TextEdit::multiline(&mut s.description).desired_rows(2).desired_width(f32::INFINITY))
            .labelled_by(l.id)
            .on_hover_text("What this scenario describes (free text)");
        ed.track(&r);
        ui.end_row();
        ed.num(
            ui,
            "Horizon",
            "Length of the simulated period, days. Bills are for this period; monthly allowances and volume tiers scale with horizon / 30.",
            "horizon_days",
            &mut s.horizon_days,
            1.0 / 24.0,
            Limits::MAX_HORIZON_DAYS,
            "days",
        );
        let l = ui.label("Seed").on_hover_text("Seed of the random generator: the same scenario and seed give the same numbers");
        let r = ui
            .add(egui::DragValue::new(&mut s.seed).speed(1.0))
            .labelled_by(l.id)
            .on_hover_text("Seed of the random generator: the same scenario and seed give the same numbers");
        ed.track(&r);
        ui.end_row();
        ed.share(
            ui,
            "Internet egress",
            "Share of the response bytes that leave the provider's network for the internet (the rest stays inside: other services, a CDN of the same provider). Priced with the provider's data-transfer tiers and free allowance (AWS: 100 GB a month for the whole account).",
            "egress_share",
            &mut s.egress_share,
            0.0,
            1.0,
        );
        for (id, name) in PROVIDERS {
            let at = s.discounts.iter().position(|d| d.provider == id);
            let mut pct = at.map(|i| s.discounts[i].discount_pct).unwrap_or(0.0);
            let before = pct;
            ed.num(
                ui,
                &format!("{name} discount"),
                &format!(
                    "A negotiated discount off everything {name} bills (an enterprise agreement), in percent, applied to each {name} platform's whole bill after commitments and Spot; 0 for list prices"
                ),
                &format!("discounts[{}].discount_pct", at.unwrap_or(s.discounts.len())),
                &mut pct,
                0.0,
                100.0,
                "%",
            );
            if pct != before {
                match at {
                    Some(i) if pct <= 0.0 => {
                        s.discounts.remove(i);
                    }
                    Some(i) => s.discounts[i].discount_pct = pct,
                    None if pct > 0.0 => s.discounts.push(ProviderDiscount {
                        provider: id.to_string(),
                        discount_pct: pct,
                    }),
                    None => {}
                }
            }
        }
    });
}
