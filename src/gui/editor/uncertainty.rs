//! The Uncertainty section: multipliers around 1 for the analysis' Monte Carlo bands.

use super::{Ed, grid};
use crate::model::{Dist, Scenario, Uncertainty};
use egui::{RichText, Ui};

/// Uncertain inputs for the analysis' Monte Carlo bands: multipliers around 1.
pub(super) fn uncertainty(ui: &mut Ui, ed: &mut Ed, s: &mut Scenario) {
    ui.label(
        RichText::new(
            "Multipliers drawn per Monte Carlo sample, for bands around the costs (Overview) and the \
             break-even points (Break-even tab). The other results are for the scenario as written.",
        )
        .weak(),
    );
    let help = "Draw uncertain inputs from distributions (multipliers around 1) for Monte Carlo bands";
    let mut on = s.uncertainty.is_some();
    let r = ui.checkbox(&mut on, "Monte Carlo bands").on_hover_text(help);
    if r.changed() {
        s.uncertainty = on.then_some(Uncertainty {
            traffic: Some(Dist::LogNormal { median: 1.0, p99: 2.0 }),
            duration: None,
            cold_start: None,
            keep_alive: None,
            samples: 200,
        });
        ed.discrete(true);
    }
    let Some(u) = &mut s.uncertainty else { return };
    grid("uncertainty_grid").show(ui, |ui| {
        let factors: [(&str, &str, &str, &mut Option<Dist>); 4] = [
            (
                "traffic",
                "Traffic volume",
                "Multiplies the whole traffic volume",
                &mut u.traffic,
            ),
            (
                "duration",
                "Request duration",
                "Multiplies request durations",
                &mut u.duration,
            ),
            (
                "cold_start",
                "Cold-start time",
                "Multiplies cold-start times",
                &mut u.cold_start,
            ),
            (
                "keep_alive",
                "Keep-alive",
                "Multiplies function keep-alive times",
                &mut u.keep_alive,
            ),
        ];
        for (key, label, help, d) in factors {
            let mut vary = d.is_some();
            let l = ui.label(label).on_hover_text(help);
            let r = ui
                .checkbox(&mut vary, "uncertain")
                .labelled_by(l.id)
                .on_hover_text(format!("{help}; off: fixed as written"));
            if r.changed() {
                *d = vary.then_some(Dist::LogNormal { median: 1.0, p99: 1.5 });
                ed.discrete(true);
            }
            ui.end_row();
            if let Some(d) = d {
                ed.dist(
                    ui,
                    &format!("unc_{key}"),
                    "    factor",
                    &format!("{help}: a multiplier, 1 = as written"),
                    &format!("uncertainty.{key}"),
                    d,
                    "×",
                    false,
                    1000.0,
                );
            }
        }
        ed.int(
            ui,
            "Samples",
            "Monte Carlo samples (1 to 5,000); more give smoother bands and take longer",
            "uncertainty.samples",
            &mut u.samples,
            1,
            5000,
            "",
        );
    });
}
