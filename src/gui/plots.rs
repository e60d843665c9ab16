//! The plots of the results tabs (egui_plot), drawn from `ResultsView`.
//!
//! egui_plot has no log axes: the latency plot (and the traffic plot on request) draws
//! log10 of the values, with grid lines at decades and 2×, 5× and tick labels turned
//! back into plain numbers.
//!
//! Owns: how results look. Must not: compute data (everything comes precomputed in
//! `ResultsView`; only borrowed here).

use super::analysis::BandsView;
use super::fmt;
use super::results::{PlatformView, ResultsView};
use egui::{Align2, Color32, RichText};
use egui_plot::{
    AxisHints, Bar, BarChart, Corner, FilledArea, GridInput, GridMark, HoverPosition, Legend, Line, MarkerShape, Plot,
    PlotPoint, PlotPoints, Points, Text, VLine,
};

const DAY_AXIS: &str = "day of the horizon";

fn day_label(pos: &HoverPosition<'_>, unit: &str) -> Option<String> {
    match pos {
        HoverPosition::NearDataPoint {
            plot_name, position, ..
        } => Some(format!(
            "{plot_name}\nday {:.2} ({})\n{} {unit}",
            position.x,
            clock(position.x),
            fmt::short(position.y)
        )),
        HoverPosition::Elsewhere { .. } => None,
    }
}

/// "14:30" for a fractional day.
fn clock(day: f64) -> String {
    let mins = ((day - day.floor()) * 1440.0).round() as i64 % 1440;
    format!("{:02}:{:02}", mins / 60, mins % 60)
}

fn points(v: &[PlotPoint]) -> PlotPoints<'_> {
    PlotPoints::Borrowed(v)
}

/// Total cost per platform, with the amount above each bar, and the p10–p90 whiskers
/// and median of the Monte Carlo bands when the scenario has an uncertainty block.
pub fn cost_bars(ui: &mut egui::Ui, view: &ResultsView, bands: Option<&BandsView>) {
    let ps = &view.platforms;
    let band = |name: &str| bands.and_then(|b| b.platforms.iter().find(|p| p.name == name));
    let max = bands
        .iter()
        .flat_map(|b| b.platforms.iter().map(|p| p.p90))
        .fold(view.max_total_usd, f64::max);
    let text_color = ui.visuals().strong_text_color();
    let whisker = text_color.gamma_multiply(0.8);
    // characters of a name that fit under one bar (about 7 px each in the body font)
    let per_bar_px = ui.available_width() / (ps.len() as f32 + 0.2).max(1.0);
    let max_chars = ((per_bar_px - 8.0) / 7.0).floor().max(3.0) as usize;
    Plot::new("cost_bars")
        .height(230.0)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .show_grid([false, true])
        .include_y(0.0)
        .include_y(if max > 0.0 { max * 1.18 } else { 1.0 })
        .include_x(-0.6)
        .include_x(ps.len() as f64 - 0.4)
        .y_axis_label(format!(
            "{} for {}",
            fmt::currency_code(),
            fmt::period(view.horizon_days)
        ))
        .y_axis_formatter(|m: GridMark, _r: &std::ops::RangeInclusive<f64>| {
            if m.value < 0.0 {
                String::new()
            } else {
                fmt::money(m.value)
            }
        })
        // Every bar is named, however many: egui_plot hides x labels closer than 60 px,
        // which left sixteen platforms' bars unnamed; names that do not fit their bar's
        // width are shortened with an ellipsis (the table below has them whole).
        .custom_x_axes(vec![AxisHints::new_x().label_spacing(12.0..=16.0).formatter(
            move |m: GridMark, _r: &std::ops::RangeInclusive<f64>| {
                let i = m.value.round();
                if (m.value - i).abs() > 1e-6 || i < 0.0 {
                    return String::new();
                }
                ps.get(i as usize)
                    .map(|p| fmt::shortened(&p.name, max_chars))
                    .unwrap_or_default()
            },
        )])
        .x_grid_spacer(|input: GridInput| {
            let (lo, hi) = input.bounds;
            (lo.ceil() as i64..=hi.floor() as i64)
                .map(|i| GridMark {
                    value: i as f64,
                    step_size: 1.0,
                })
                .collect()
        })
        .label_formatter(|pos: &HoverPosition<'_>| match pos {
            HoverPosition::NearDataPoint { .. } => None,
            HoverPosition::Elsewhere { .. } => None,
        })
        .show(ui, |pu| {
            for (i, p) in ps.iter().enumerate() {
                let bar = Bar::new(i as f64, p.total_usd)
                    .width(0.6)
                    .fill(p.color.gamma_multiply(if p.cheapest { 1.0 } else { 0.8 }))
                    .name(&p.name);
                pu.bar_chart(
                    BarChart::new(p.name.clone(), vec![bar])
                        .color(p.color)
                        .allow_hover(true),
                );
                let mut top = p.total_usd;
                if let Some(b) = band(&p.name) {
                    let x = i as f64;
                    for seg in [
                        [[x, b.p10], [x, b.p90]],
                        [[x - 0.08, b.p10], [x + 0.08, b.p10]],
                        [[x - 0.08, b.p90], [x + 0.08, b.p90]],
                    ] {
                        pu.line(
                            Line::new("", PlotPoints::from(seg.to_vec()))
                                .color(whisker)
                                .width(1.5)
                                .allow_hover(false),
                        );
                    }
                    pu.points(
                        Points::new("", vec![[x, b.p50]])
                            .shape(MarkerShape::Diamond)
                            .radius(4.0)
                            .color(whisker)
                            .allow_hover(false),
                    );
                    top = top.max(b.p90);
                }
                let label = format!("{}{}", fmt::money(p.total_usd), if p.cheapest { " ✔" } else { "" });
                pu.text(
                    Text::new(
                        format!("{} total", p.name),
                        PlotPoint::new(i as f64, top),
                        RichText::new(label).strong(),
                    )
                    .anchor(Align2::CENTER_BOTTOM)
                    .color(text_color)
                    .allow_hover(false),
                );
            }
        });
}

/// Request rate over the horizon, and what each platform rejected.
pub fn traffic(ui: &mut egui::Ui, view: &ResultsView, log: &mut bool) {
    let t = &view.traffic;
    ui.horizontal_wrapped(|ui| {
        for (label, value, help) in &t.summary {
            ui.label(RichText::new(format!("{label}:")).weak()).on_hover_text(help);
            ui.label(RichText::new(value).strong()).on_hover_text(help);
            ui.add_space(10.0);
        }
        ui.checkbox(log, "Log scale")
            .on_hover_text("Show the rate on a logarithmic axis: daily cycles stay visible next to a spike");
    });
    let log = *log;
    Plot::new("traffic_plot")
        .legend(
            Legend::default()
                .follow_insertion_order(true)
                .position(Corner::RightTop),
        )
        .x_axis_label(DAY_AXIS)
        .y_axis_label(if log {
            "requests per second (log scale)"
        } else {
            "requests per second"
        })
        .include_y(if log { -1.0 } else { 0.0 })
        .y_grid_spacer(move |input: GridInput| {
            if log {
                log10_grid(input)
            } else {
                (egui_plot::log_grid_spacer(10))(input)
            }
        })
        .y_axis_formatter(
            move |m: GridMark, r: &std::ops::RangeInclusive<f64>| {
                if log { log_tick(m, r) } else { fmt::short(m.value) }
            },
        )
        .label_formatter(move |pos: &HoverPosition<'_>| {
            if log {
                match pos {
                    HoverPosition::NearDataPoint {
                        plot_name, position, ..
                    } => Some(format!(
                        "{plot_name}\nday {:.2} ({})\n{} req/s",
                        position.x,
                        clock(position.x),
                        fmt::short(10f64.powf(position.y))
                    )),
                    HoverPosition::Elsewhere { .. } => None,
                }
            } else {
                day_label(pos, "req/s")
            }
        })
        .show(ui, |pu| {
            let rate = if log { &t.rate_log } else { &t.rate };
            pu.line(
                Line::new("Arrivals (expected rate)", points(rate))
                    .color(ui_text_color())
                    .width(1.5)
                    .fill(if log { -1.0 } else { 0.0 })
                    .fill_alpha(0.12),
            );
            if !log {
                for p in view.platforms.iter().filter(|p| p.any_rejected) {
                    pu.line(
                        Line::new(format!("{}: rejected", p.name), points(&p.rejected))
                            .color(p.color)
                            .width(1.5),
                    );
                }
            }
        });
}

fn ui_text_color() -> Color32 {
    Color32::from_rgb(120, 144, 156)
}

/// Busy / starting / idle instances over time for one platform, and its cold starts.
pub fn instances(ui: &mut egui::Ui, view: &ResultsView, selected: &mut usize) {
    if view.platforms.is_empty() {
        ui.label("No platform enabled.");
        return;
    }
    ui.horizontal_wrapped(|ui| {
        ui.label("Platform:");
        for (i, p) in view.platforms.iter().enumerate() {
            ui.selectable_value(selected, i, RichText::new(&p.name).color(p.color))
                .on_hover_text(format!("{} ({})", p.service, p.kind));
        }
    });
    if *selected >= view.platforms.len() {
        *selected = 0;
    }
    let p: &PlatformView = &view.platforms[*selected];
    let link = ui.make_persistent_id("instances_link");
    let h = ((ui.available_height() - 40.0) * 0.62).max(160.0);
    ui.label(
        RichText::new(format!(
            "Instances of {} (time averages per {} min): busy serving, starting (cold start or boot), idle and still billed or kept warm",
            p.name,
            fmt::num(view.bucket_min)
        ))
        .weak(),
    );
    Plot::new("instances_plot")
        .height(h)
        .legend(
            Legend::default()
                .follow_insertion_order(true)
                .position(Corner::RightTop),
        )
        .link_axis(link, [true, false])
        .link_cursor(link, [true, false])
        .include_y(0.0)
        .x_axis_label(DAY_AXIS)
        .y_axis_label("instances")
        .label_formatter(|pos: &HoverPosition<'_>| day_label(pos, "instances"))
        .show(ui, |pu| {
            let busy_c = p.color;
            pu.add(FilledArea::new("Busy", &p.xs, &p.zeros, &p.busy).fill_color(busy_c.gamma_multiply(0.75)));
            pu.add(
                FilledArea::new("Starting", &p.xs, &p.busy, &p.busy_starting)
                    .fill_color(Color32::from_rgb(230, 160, 30).gamma_multiply(0.85)),
            );
            pu.add(
                FilledArea::new("Idle", &p.xs, &p.busy_starting, &p.live)
                    .fill_color(Color32::from_rgb(140, 140, 140).gamma_multiply(0.45)),
            );
        });
    ui.label(
        RichText::new(format!(
            "Cold starts per hour ({} over the horizon: new environments for a function, new replicas or VMs for a fleet)",
            fmt::count(p.cold_total)
        ))
        .weak(),
    );
    Plot::new("cold_plot")
        .height((ui.available_height() - 8.0).max(120.0))
        .link_axis(link, [true, false])
        .link_cursor(link, [true, false])
        .include_y(0.0)
        .x_axis_label(DAY_AXIS)
        .y_axis_label("cold starts / hour")
        .label_formatter(|pos: &HoverPosition<'_>| day_label(pos, "cold starts / hour"))
        .show(ui, |pu| {
            pu.line(
                Line::new("Cold starts", points(&p.cold_per_hour))
                    .color(Color32::from_rgb(230, 160, 30))
                    .fill(0.0)
                    .fill_alpha(0.25),
            );
        });
}

/// How each bill accumulates over the horizon.
pub fn cumulative_cost(ui: &mut egui::Ui, view: &ResultsView) {
    ui.label(
        RichText::new("The bill so far at each point of the horizon: steady fleets grow in a straight line, pay-per-use bills follow the traffic.")
            .weak(),
    );
    Plot::new("cost_plot")
        .legend(Legend::default().follow_insertion_order(true).position(Corner::LeftTop))
        .include_y(0.0)
        .include_x(0.0)
        .x_axis_label(DAY_AXIS)
        .y_axis_label(format!("{}, cumulative", fmt::currency_code()))
        .y_axis_formatter(|m: GridMark, _r: &std::ops::RangeInclusive<f64>| {
            if m.value < 0.0 {
                String::new()
            } else {
                fmt::money(m.value)
            }
        })
        .label_formatter(|pos: &HoverPosition<'_>| match pos {
            HoverPosition::NearDataPoint {
                plot_name, position, ..
            } => Some(format!(
                "{plot_name}\nday {:.1}\n{} so far",
                position.x,
                fmt::money(position.y)
            )),
            HoverPosition::Elsewhere { .. } => None,
        })
        .show(ui, |pu| {
            for p in &view.platforms {
                pu.line(Line::new(p.name.clone(), points(&p.cost)).color(p.color).width(2.0));
            }
        });
}

/// Latency distribution per platform on a log axis, with the objective.
pub fn latency(ui: &mut egui::Ui, view: &ResultsView) {
    egui::Grid::new("latency_table")
        .striped(true)
        .spacing([18.0, 2.0])
        .show(ui, |ui| {
            for h in ["Platform", "p50", "p95", "p99", "Over objective"] {
                ui.label(RichText::new(h).strong());
            }
            ui.end_row();
            for p in &view.platforms {
                ui.label(RichText::new(&p.name).color(p.color).strong());
                for v in p.percentiles {
                    ui.label(fmt::ms(v));
                }
                ui.label(&p.cells[8]);
                ui.end_row();
            }
        });
    Plot::new("latency_plot")
        .legend(
            Legend::default()
                .follow_insertion_order(true)
                .position(Corner::RightTop),
        )
        .include_y(0.0)
        .x_axis_label("latency (log scale)")
        .y_axis_label(format!(
            "% of requests per bin ({} bins per decade)",
            view.latency_bins_per_decade
        ))
        .x_grid_spacer(log10_grid)
        .x_axis_formatter(log_tick_ms)
        .label_formatter(|pos: &HoverPosition<'_>| match pos {
            HoverPosition::NearDataPoint {
                plot_name, position, ..
            } => Some(format!(
                "{plot_name}\n{}\n{:.2} % of requests in this bin",
                fmt::ms(10f64.powf(position.x)),
                position.y
            )),
            HoverPosition::Elsewhere { position } => Some(fmt::ms(10f64.powf(position.x))),
        })
        .show(ui, |pu| {
            for p in &view.platforms {
                pu.line(
                    Line::new(p.name.clone(), points(&p.latency))
                        .color(p.color)
                        .width(2.0)
                        .allow_band(false),
                );
            }
            if let Some(slo) = view.slo_ms
                && slo > 0.0
            {
                pu.vline(
                    VLine::new(format!("Objective {}", fmt::ms(slo)), slo.log10())
                        .color(Color32::from_rgb(219, 68, 55))
                        .width(1.5)
                        .style(egui_plot::LineStyle::dashed_loose()),
                );
            }
        });
}

/// Grid lines for a log10 axis: decades (strong), 2× and 5× (medium), 3, 4, 6–9 (faint).
pub fn log10_grid(input: GridInput) -> Vec<GridMark> {
    let (min, max) = input.bounds;
    if !(min.is_finite() && max.is_finite()) || max - min > 40.0 {
        return Vec::new();
    }
    let mut marks = Vec::new();
    for decade in (min.floor() as i64)..=(max.ceil() as i64) {
        let d = decade as f64;
        if (min..=max).contains(&d) {
            marks.push(GridMark {
                value: d,
                step_size: 1.0,
            });
        }
        for k in 2..10 {
            let v = d + (k as f64).log10();
            if (min..=max).contains(&v) {
                let step_size = if k == 2 || k == 5 { 0.3 } else { 0.1 };
                marks.push(GridMark { value: v, step_size });
            }
        }
    }
    marks
}

/// Which ticks of `log10_grid` get a label, and the number it stands for.
pub fn log_tick_value(m: GridMark, range: &std::ops::RangeInclusive<f64>) -> Option<f64> {
    let frac = m.value - m.value.floor();
    let k = 10f64.powf(frac);
    let is = |x: f64| (k - x).abs() < 1e-6 * x;
    let span = range.end() - range.start();
    if is(1.0) || is(10.0) || ((is(2.0) || is(5.0)) && span < 3.0) {
        Some(10f64.powf(m.value))
    } else {
        None
    }
}

fn log_tick(m: GridMark, range: &std::ops::RangeInclusive<f64>) -> String {
    log_tick_value(m, range).map(fmt::short).unwrap_or_default()
}

fn log_tick_ms(m: GridMark, range: &std::ops::RangeInclusive<f64>) -> String {
    log_tick_value(m, range).map(fmt::ms).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_ticks_read_as_plain_numbers() {
        let r = 1.0..=3.5;
        let marks = log10_grid(GridInput {
            bounds: (1.0, 3.5),
            base_step_size: 0.01,
        });
        let labels: Vec<String> = marks
            .iter()
            .map(|m| log_tick_ms(*m, &r))
            .filter(|s| !s.is_empty())
            .collect();
        assert_eq!(
            labels,
            [
                "10 ms", "20 ms", "50 ms", "100 ms", "200 ms", "500 ms", "1000 ms", "2000 ms"
            ]
        );
        assert_eq!(clock(10.5), "12:00");
    }
}
