//! The analysis tabs, drawn from `AnalysisState`: Break-even (cost per platform against
//! the traffic scale on log axes, the break-even points, today's traffic, the points in
//! words) and Cheapest map (the cheapest platform over monthly volume by burstiness).
//!
//! egui_plot has no log axes: both charts plot log10 of the values, with grid lines at
//! decades and tick labels turned back into real values ("10x", "$1k").
//!
//! Owns: how the analyses look, including where the point labels go (the only thing here
//! that depends on the current zoom). Must not: derive data (`analysis` does, once per
//! reply) or analyse.

use super::analysis::{
    self, AnalysisState, BandsView, FocusChoice, Stamped, SweepView, cell_fill, money_tick, scale_tick, volume,
};
use super::commands::Command;
use super::fmt;
use super::plots::{log_tick_value, log10_grid};
use super::results::{STALE_OPACITY, Status};
use egui::{Pos2, Rect, RichText, Stroke, Vec2};
use egui_plot::{
    AxisHints, Corner, GridMark, HoverPosition, Legend, Line, LineStyle, MarkerShape, Plot, PlotPoint, PlotPoints,
    Points, Polygon, Text, VLine,
};
use std::ops::RangeInclusive;

const KEY_POINTS: &str = "Break-even: the cheapest platform changes";
const OTHER_POINTS: &str = "Other break-even points";
const LABEL_SIZE: f32 = 12.0;

/// A log axis tick: its label where `log_tick_value` wants one.
fn log_tick(m: GridMark, r: &RangeInclusive<f64>, label: impl Fn(f64) -> String) -> String {
    match log_tick_value(m, r) {
        Some(_) => label(m.value),
        None => String::new(),
    }
}

/// The header of an analysis part: what it is and how old. `None` when there is nothing
/// to draw (not computed yet, or failed); otherwise the value and whether it is out of date.
/// `outdated`: why a part of the current revision is out of date all the same (a sweep
/// of other traffic than the one chosen), if it is.
fn header<'a, T>(
    ui: &mut egui::Ui,
    title: &str,
    waiting: &str,
    part: &'a Option<Stamped<T>>,
    st: &Status,
    outdated: impl Fn(&T) -> Option<String>,
) -> Option<(&'a T, bool)> {
    let Some(p) = part else {
        ui.add_space(12.0);
        ui.label(
            RichText::new(if st.analysis {
                waiting
            } else {
                "The analyses are switched off."
            })
            .weak(),
        );
        return None;
    };
    let reason = if !p.current(st.revision) {
        Some(st.stale_reason("this is the last valid analysis"))
    } else {
        p.value.as_ref().ok().and_then(&outdated)
    };
    let stale = reason.is_some();
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(title).strong());
        ui.label(RichText::new(format!("· computed in {}", fmt::elapsed(p.elapsed))).weak());
        if let Some(r) = reason {
            ui.colored_label(ui.visuals().warn_fg_color, RichText::new(r).strong());
        }
    });
    match &p.value {
        Ok(v) => Some((v, stale)),
        Err(e) => {
            ui.colored_label(ui.visuals().error_fg_color, format!("The analysis failed: {e}"));
            None
        }
    }
}

/// Which traffic an application's sweep scales: the choices and the current one.
pub struct Focus<'a> {
    /// Empty for a single workload (no choice to make).
    pub choices: &'a [FocusChoice],
    /// The chosen workload (None: the whole application).
    pub current: Option<&'a str>,
}

const WHOLE_APPLICATION: &str = "whole application";

/// "Scale traffic of: [whole application ▾]", for an application.
fn focus_picker(ui: &mut egui::Ui, f: &Focus, cmds: &mut Vec<Command>) {
    if f.choices.is_empty() {
        return;
    }
    ui.horizontal(|ui| {
        let help = "Which traffic the break-even sweep scales: every workload's together, or one workload's own traffic (and what it triggers) while the others stay as they are";
        let l = ui.label("Scale traffic of").on_hover_text(help);
        egui::ComboBox::from_id_salt("sweep_focus")
            .selected_text(f.current.unwrap_or(WHOLE_APPLICATION))
            .show_ui(ui, |ui| {
                if ui
                    .selectable_label(f.current.is_none(), WHOLE_APPLICATION)
                    .on_hover_text("Every workload's traffic times the same factor")
                    .clicked()
                    && f.current.is_some()
                {
                    cmds.push(Command::SetSweepFocus(None));
                }
                for c in f.choices {
                    let chosen = f.current == Some(c.workload.as_str());
                    let r = ui
                        .add_enabled(c.offered, egui::Button::selectable(chosen, &c.label))
                        .on_hover_text(&c.why)
                        .on_disabled_hover_text(&c.why);
                    if r.clicked() && !chosen {
                        cmds.push(Command::SetSweepFocus(Some(c.workload.clone())));
                    }
                }
            })
            .response
            .labelled_by(l.id)
            .on_hover_text(help);
    });
}

/// The Break-even tab.
pub fn breakeven(
    ui: &mut egui::Ui,
    a: &AnalysisState,
    st: &Status,
    focus: &Focus,
    label_all: &mut bool,
    cmds: &mut Vec<Command>,
) {
    focus_picker(ui, focus, cmds);
    let Some((sv, stale)) = header(
        ui,
        "Break-even",
        "Working out the break-even points… (the traffic is swept from a thousandth to a thousand times today's)",
        &a.sweep,
        st,
        |sv: &SweepView| {
            (sv.focus.as_deref() != focus.current).then(|| {
                format!(
                    "Out of date: sweeping {}… (shown: {})",
                    match focus.current {
                        Some(w) => analysis::traffic_words(Some(w)),
                        None => "the whole application's traffic".into(),
                    },
                    sv.traffic
                )
            })
        },
    ) else {
        return;
    };
    if stale {
        ui.multiply_opacity(STALE_OPACITY);
    }
    // the bands belong on the chart only if they are of the same scenario
    let bands = a
        .sweep
        .as_ref()
        .and_then(|s| a.bands_for(s.generation))
        .filter(|b| !b.crossovers.is_empty());
    if !sv.cheapest_along.is_empty() {
        ui.horizontal_wrapped(|ui| {
            ui.spacing_mut().item_spacing.x = 6.0;
            ui.label(RichText::new(&sv.cheapest_title).strong());
            for (k, s) in sv.stretches.iter().enumerate() {
                if k > 0 {
                    ui.label("·");
                }
                let (rect, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
                ui.painter().rect_filled(rect, 2.0, s.color);
                let range = match (k, sv.stretches.len()) {
                    (_, 1) => format!("{} to {}", analysis::scale(s.from), analysis::scale(s.to)),
                    (0, _) => format!("below {}", analysis::scale(s.to)),
                    (k, n) if k == n - 1 => format!("above {}", analysis::scale(s.from)),
                    _ => format!("{}–{}", analysis::scale(s.from), analysis::scale(s.to)),
                };
                ui.label(format!("{} {range}", s.platform));
            }
        })
        .response
        .on_hover_text(&sv.cheapest_along);
    }
    ui.horizontal_wrapped(|ui| {
        ui.checkbox(label_all, "Label every break-even point")
            .on_hover_text("Otherwise only the points where the cheapest platform changes are labelled; hover over any point for its numbers");
        let mut note = String::from(
            "Same traffic shape, scaled. Hover for the costs at any scale. Drag to pan, scroll to zoom, double-click to reset.",
        );
        if sv.floored {
            note.push_str(" Costs under 1 cent are drawn on the bottom line.");
        }
        ui.label(RichText::new(note).weak());
    });
    let list_h = (sv.crossovers.len().max(1) as f32 * 22.0 + 40.0).min(ui.available_height() * 0.35);
    let h = (ui.available_height() - list_h).max(240.0);
    breakeven_plot(ui, sv, bands, *label_all, h);
    ui.add_space(4.0);
    ui.label(RichText::new("Break-even points").strong()).on_hover_text(
        "Where two platforms' costs are equal, found by root finding on the engine; volumes are per 30-day month",
    );
    egui::ScrollArea::vertical()
        .id_salt("crossover_list")
        .auto_shrink([false, true])
        .show(ui, |ui| {
            if let Some(t) = &sv.none_text {
                ui.label(t);
            }
            egui::Grid::new("crossover_grid")
                .num_columns(2)
                .spacing([8.0, 4.0])
                .show(ui, |ui| {
                    for (k, c) in sv.crossovers.iter().enumerate() {
                        let (rect, _) = ui.allocate_exact_size(egui::vec2(10.0, 14.0), egui::Sense::hover());
                        let color = ui.visuals().strong_text_color();
                        if c.changes_cheapest {
                            ui.painter().circle_filled(rect.center(), 4.0, color);
                        } else {
                            ui.painter().circle_stroke(rect.center(), 3.0, Stroke::new(1.2, color));
                        }
                        ui.vertical(|ui| {
                            let text = if c.changes_cheapest {
                                RichText::new(&c.sentence)
                            } else {
                                RichText::new(&c.sentence).weak()
                            };
                            ui.label(text);
                            if let Some(b) = bands.and_then(|b| b.for_crossover(k)) {
                                ui.label(RichText::new(&b.text).small().weak());
                            }
                        });
                        ui.end_row();
                    }
                });
        });
}

/// Placement of point labels, in screen space: next to the point if there is room, else
/// further away, never over another label. Returns one rectangle per label.
pub fn place_labels(anchors: &[Pos2], sizes: &[Vec2], frame: Rect) -> Vec<Rect> {
    let mut placed: Vec<Rect> = Vec::with_capacity(anchors.len());
    let gap = 7.0;
    for (p, s) in anchors.iter().zip(sizes) {
        let (hw, hh) = (s.x / 2.0, s.y / 2.0);
        let offsets = [
            Vec2::new(0.0, -(gap + hh)),
            Vec2::new(0.0, gap + hh),
            Vec2::new(hw + gap, -(gap + hh)),
            Vec2::new(-(hw + gap), -(gap + hh)),
            Vec2::new(hw + gap, gap + hh),
            Vec2::new(-(hw + gap), gap + hh),
            Vec2::new(0.0, -(2.0 * gap + 3.0 * hh)),
            Vec2::new(0.0, 2.0 * gap + 3.0 * hh),
            Vec2::new(0.0, -(3.0 * gap + 5.0 * hh)),
            Vec2::new(0.0, 3.0 * gap + 5.0 * hh),
        ];
        let candidates = offsets.iter().map(|o| Rect::from_center_size(*p + *o, *s));
        let fits = |r: &Rect| frame.contains_rect(*r) && placed.iter().all(|q| !q.expand(2.0).intersects(*r));
        let chosen = candidates
            .clone()
            .find(fits)
            .or_else(|| candidates.clone().find(|r| frame.contains_rect(*r)))
            .unwrap_or_else(|| Rect::from_center_size(*p + offsets[0], *s));
        placed.push(chosen);
    }
    placed
}

fn breakeven_plot(ui: &mut egui::Ui, sv: &SweepView, bands: Option<&BandsView>, label_all: bool, height: f32) {
    let text_color = ui.visuals().strong_text_color();
    let weak = ui.visuals().weak_text_color();
    // label sizes (the galleys are cached by egui)
    let labelled: &[usize] = if label_all { &sv.labels_all } else { &sv.labels_key };
    let font = egui::FontId::proportional(LABEL_SIZE);
    let sizes: Vec<Vec2> = labelled
        .iter()
        .map(|&k| {
            ui.painter()
                .layout_no_wrap(sv.crossovers[k].label.clone(), font.clone(), text_color)
                .size()
                + Vec2::splat(2.0)
        })
        .collect();
    let (x0, x1) = sv.x_range;
    let (y0, y1) = sv.y_range;
    let period = analysis::period_suffix(sv.horizon_days);
    Plot::new("breakeven_plot")
        .height(height)
        .legend(Legend::default().follow_insertion_order(true).position(Corner::LeftTop))
        .default_x_bounds(x0 - 0.05, x1 + 0.05)
        .default_y_bounds(y0 - 0.25, y1 + 0.6)
        .x_grid_spacer(log10_grid)
        .y_grid_spacer(log10_grid)
        .custom_x_axes(vec![
            AxisHints::new_x()
                .label(sv.x_label.as_str())
                .formatter(|m, r| log_tick(m, r, scale_tick)),
            AxisHints::new_x()
                .label(sv.volume_label.as_str())
                .formatter(move |m, r| log_tick(m, r, |lv| volume(sv.monthly_at(10f64.powf(lv))))),
        ])
        .custom_y_axes(vec![
            AxisHints::new_y()
                .label(format!("{}{period} (log scale)", fmt::currency_code()))
                .formatter(|m, r| log_tick(m, r, money_tick)),
        ])
        .label_formatter(|pos: &HoverPosition<'_>| match pos {
            HoverPosition::NearDataPoint { plot_name, index, .. } if *plot_name == KEY_POINTS => {
                sv.key_index.get(*index).and_then(|k| sv.crossover_readout(*k))
            }
            HoverPosition::NearDataPoint { plot_name, index, .. } if *plot_name == OTHER_POINTS => {
                sv.other_index.get(*index).and_then(|k| sv.crossover_readout(*k))
            }
            HoverPosition::NearDataPoint { position, .. } | HoverPosition::Elsewhere { position } => {
                sv.readout(position.x)
            }
        })
        .show(ui, |pu| {
            // solid where the platform copes, thin and dashed where it does not (one legend
            // entry per platform: the runs share its name and colour, as egui_plot greys
            // an entry whose items differ in colour)
            for c in &sv.curves {
                for (ok, run) in &c.runs {
                    let line = Line::new(c.name.clone(), PlotPoints::Borrowed(run)).color(c.color);
                    pu.line(if *ok {
                        line.width(2.0)
                    } else {
                        line.width(1.2).style(LineStyle::dashed_loose())
                    });
                }
            }
            pu.vline(
                VLine::new("Today's traffic (1x)", 0.0)
                    .color(weak)
                    .width(1.5)
                    .style(LineStyle::dashed_loose()),
            );
            if let Some(b) = bands {
                for band in &b.crossovers {
                    pu.line(
                        Line::new("", PlotPoints::Borrowed(&band.line))
                            .color(text_color.gamma_multiply(0.35))
                            .width(7.0)
                            .allow_hover(false),
                    );
                }
            }
            pu.points(
                Points::new(OTHER_POINTS, PlotPoints::Borrowed(&sv.other_points))
                    .shape(MarkerShape::Circle)
                    .filled(false)
                    .radius(3.5)
                    .color(text_color),
            );
            pu.points(
                Points::new(KEY_POINTS, PlotPoints::Borrowed(&sv.key_points))
                    .shape(MarkerShape::Circle)
                    .filled(true)
                    .radius(5.0)
                    .color(text_color),
            );
            // labels next to their points, placed for the current zoom
            let t = *pu.transform();
            let anchors: Vec<Pos2> = labelled
                .iter()
                .map(|&k| t.position_from_point(&sv.crossovers[k].point))
                .collect();
            let rects = place_labels(&anchors, &sizes, t.frame().shrink(2.0));
            for ((&k, p), r) in labelled.iter().zip(&anchors).zip(&rects) {
                let c = &sv.crossovers[k];
                if r.distance_to_pos(*p) > 10.0 {
                    let near = r.clamp(*p);
                    pu.line(
                        Line::new("", PlotPoints::Owned(vec![c.point, t.value_from_position(near)]))
                            .color(weak)
                            .width(1.0)
                            .allow_hover(false),
                    );
                }
                pu.text(
                    Text::new(
                        "",
                        t.value_from_position(r.center()),
                        RichText::new(&c.label).size(LABEL_SIZE),
                    )
                    .color(text_color)
                    .anchor(egui::Align2::CENTER_CENTER),
                );
            }
        });
}

/// The Where to buy tab: the verdict's places, purchase options and commitments.
pub fn buying(ui: &mut egui::Ui, a: &AnalysisState, st: &Status) {
    let Some((v, stale)) = header(
        ui,
        "Where and how to buy",
        "Pricing every place and purchase option…",
        &a.verdict,
        st,
        |_| None,
    ) else {
        return;
    };
    if stale {
        ui.multiply_opacity(STALE_OPACITY);
    }
    match &v.buying {
        Some(b) => super::buying::show(ui, b),
        None => {
            ui.label(RichText::new("No prices of other places or purchase options for this verdict.").weak());
        }
    }
}

/// The Cheapest map tab.
pub fn map(ui: &mut egui::Ui, a: &AnalysisState, st: &Status) {
    let Some((mv, stale)) = header(
        ui,
        "Cheapest platform by monthly volume and burstiness",
        "Working out the cheapest-platform map… (each cell is a simulation; this takes a few seconds)",
        &a.map,
        st,
        |_| None,
    ) else {
        return;
    };
    if stale {
        ui.multiply_opacity(STALE_OPACITY);
    }
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 6.0;
        for e in &mv.legend {
            let (rect, _) = ui.allocate_exact_size(egui::vec2(14.0, 14.0), egui::Sense::hover());
            ui.painter().rect_filled(rect, 2.0, e.color);
            ui.label(&e.text);
            ui.add_space(8.0);
        }
    });
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 6.0;
        ui.label(RichText::new("Colour strength: how much dearer the runner-up is").weak());
        let base = ui.visuals().strong_text_color();
        for (margin, text) in [(0.0, "within 1 %"), (0.1, "10 %"), (1.0, "2× or more")] {
            let (rect, _) = ui.allocate_exact_size(egui::vec2(14.0, 14.0), egui::Sense::hover());
            ui.painter().rect_filled(rect, 2.0, cell_fill(base, margin));
            ui.label(RichText::new(text).weak());
        }
        if mv.today.is_some() {
            ui.label(RichText::new("· ✚ marks the scenario as it is").weak());
        }
    });
    let today_monthly = mv.today_monthly;
    let (x0, y0) = mv.origin;
    let (x1, y1) = (x0 + mv.nx as f64 * mv.step.0, y0 + mv.ny as f64 * mv.step.1);
    let marker = ui.visuals().strong_text_color();
    let hatch_ink = ui.visuals().strong_text_color().gamma_multiply(0.6);
    if let Some(n) = &mv.hatch_note {
        ui.label(RichText::new(n).weak());
    }
    Plot::new("cheapest_map")
        .height((ui.available_height() - 8.0).max(240.0))
        .default_x_bounds(x0, x1)
        .default_y_bounds(y0, y1)
        .set_margin_fraction(Vec2::ZERO)
        .x_grid_spacer(log10_grid)
        .y_grid_spacer(log10_grid)
        .custom_x_axes(vec![
            AxisHints::new_x()
                .label(format!("{}: monthly volume, × today's (log scale)", mv.x_label))
                .formatter(|m, r| log_tick(m, r, scale_tick)),
            AxisHints::new_x()
                .label("requests per month")
                .formatter(move |m, r| log_tick(m, r, |lv| volume(today_monthly * 10f64.powf(lv)))),
        ])
        .custom_y_axes(vec![
            AxisHints::new_y()
                .label(format!("{} (log scale)", mv.y_label))
                .formatter(|m, r| log_tick(m, r, |lv| fmt::times(10f64.powf(lv)))),
        ])
        .label_formatter(|pos: &HoverPosition<'_>| {
            let (p, today) = match pos {
                HoverPosition::NearDataPoint { position, .. } => (position, true),
                HoverPosition::Elsewhere { position } => (position, false),
            };
            let cell = mv.readout(p.x, p.y)?;
            Some(if today {
                format!("The scenario as it is\n{cell}")
            } else {
                cell.to_string()
            })
        })
        .show(ui, |pu| {
            for c in &mv.cells {
                pu.polygon(
                    Polygon::new("", PlotPoints::Borrowed(&c.corners))
                        .fill_color(c.fill)
                        .stroke(Stroke::new(0.5, c.fill))
                        .allow_hover(false),
                );
            }
            for c in mv.cells.iter().filter(|c| !c.hatch.is_empty()) {
                for seg in &c.hatch {
                    pu.line(
                        Line::new("", PlotPoints::Borrowed(seg))
                            .color(hatch_ink)
                            .width(1.0)
                            .allow_hover(false),
                    );
                }
            }
            if let Some(t) = mv.today {
                pu.points(
                    Points::new("Today", vec![[t.x, t.y]])
                        .shape(MarkerShape::Plus)
                        .radius(8.0)
                        .color(marker),
                );
                pu.text(
                    Text::new(
                        "",
                        PlotPoint::new(t.x, t.y),
                        RichText::new("  today").strong().size(LABEL_SIZE),
                    )
                    .color(marker)
                    .anchor(egui::Align2::LEFT_BOTTOM),
                );
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_do_not_overlap_and_stay_in_the_frame() {
        let frame = Rect::from_min_max(Pos2::new(0.0, 0.0), Pos2::new(400.0, 300.0));
        // three points close together
        let anchors = [
            Pos2::new(100.0, 150.0),
            Pos2::new(110.0, 152.0),
            Pos2::new(120.0, 148.0),
        ];
        let sizes = [Vec2::new(90.0, 30.0); 3];
        let rects = place_labels(&anchors, &sizes, frame);
        for (i, a) in rects.iter().enumerate() {
            assert!(frame.contains_rect(*a), "{a:?}");
            for b in &rects[i + 1..] {
                assert!(!a.intersects(*b), "{a:?} {b:?}");
            }
        }
        // the first goes right above its point
        assert_eq!(rects[0].center(), Pos2::new(100.0, 150.0 - 7.0 - 15.0));
        // near the top edge, below instead
        let r = place_labels(&[Pos2::new(200.0, 10.0)], &[Vec2::new(90.0, 30.0)], frame);
        assert!(r[0].min.y > 10.0);
    }
}
