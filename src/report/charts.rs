//! The report's charts as standalone SVG strings: no scripts, fonts or external
//! references (text uses the reader's sans-serif font). The log-axis charts (cost against
//! traffic, the cheapest-platform map) are drawn with plotters' SVG backend; the bar charts
//! are plain hand-written SVG. Each returns an error message instead of panicking.

use super::Report;
use super::content::period;
use super::fmt;
use super::html::esc;
use crate::analysis::MonteCarlo;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Platform colours (Okabe-Ito, readable on white and for colour-blind readers), by the
/// platform's position in the run.
const PALETTE: [(u8, u8, u8); 8] = [
    (230, 159, 0),   // orange
    (0, 114, 178),   // blue
    (0, 158, 115),   // bluish green
    (204, 121, 167), // reddish purple
    (213, 94, 0),    // vermillion
    (86, 180, 233),  // sky blue
    (120, 120, 120), // grey
    (0, 0, 0),       // black
];

pub fn color(i: usize) -> RGBColor {
    let (r, g, b) = PALETTE[i % PALETTE.len()];
    RGBColor(r, g, b)
}

pub fn hex(c: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// `c` faded towards white: `k` = 1 is the full colour, 0 is white.
fn tint(c: RGBColor, k: f64) -> RGBColor {
    let k = k.clamp(0.0, 1.0);
    let f = |v: u8| (255.0 - (255.0 - v as f64) * k).round() as u8;
    RGBColor(f(c.0), f(c.1), f(c.2))
}

fn luminance(c: RGBColor) -> f64 {
    (0.2126 * c.0 as f64 + 0.7152 * c.1 as f64 + 0.0722 * c.2 as f64) / 255.0
}

/// The horizontal cost axis of the bar charts: a grid line and a label per tick, and the
/// axis title centred at `mid_x`.
fn usd_axis(s: &mut Svg, ticks: &[f64], xp: impl Fn(f64) -> f64, top: f64, axis_y: f64, mid_x: f64, r: &Report) {
    for tk in ticks {
        s.line(xp(*tk), top - 4.0, xp(*tk), axis_y, "#dddddd", 1.0);
        s.text(
            xp(*tk),
            axis_y + 14.0,
            &fmt::usd_short(*tk),
            12.0,
            "middle",
            "#333333",
            false,
        );
    }
    s.text(
        mid_x,
        axis_y + 34.0,
        &format!("Cost for the {}, USD", period(r)),
        13.0,
        "middle",
        "#333333",
        false,
    );
}

/// Rough width of `s` in pixels at `size` px in a sans-serif font.
fn text_width(s: &str, size: f64) -> f64 {
    s.chars().count() as f64 * size * 0.56
}

/// Round axis ticks from 0 to at least `max`.
fn nice_ticks(max: f64, want: usize) -> Vec<f64> {
    if max <= 0.0 || !max.is_finite() {
        return vec![0.0, 1.0];
    }
    let raw = max / want.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| max / s <= want as f64)
        .unwrap_or(10.0 * mag);
    let n = (max / step).ceil() as usize;
    (0..=n).map(|i| i as f64 * step).collect()
}

/// A small hand-written SVG document.
struct Svg {
    s: String,
}

impl Svg {
    fn new(w: u32, h: u32, label: &str) -> Svg {
        Svg {
            s: format!(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" \
                 font-family=\"sans-serif\" role=\"img\" aria-label=\"{}\">\n<rect x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\" fill=\"#ffffff\"/>\n",
                esc(label)
            ),
        }
    }
    fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, fill: &str) {
        self.s.push_str(&format!(
            "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{fill}\"/>\n",
            w.max(0.0),
            h.max(0.0)
        ));
    }
    fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, stroke: &str, width: f64) {
        self.s.push_str(&format!(
            "<line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" stroke=\"{stroke}\" stroke-width=\"{width}\"/>\n"
        ));
    }
    fn circle(&mut self, x: f64, y: f64, r: f64, fill: &str, stroke: &str) {
        self.s.push_str(&format!(
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{r}\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1.5\"/>\n"
        ));
    }
    #[allow(clippy::too_many_arguments)]
    fn text(&mut self, x: f64, y: f64, s: &str, size: f64, anchor: &str, fill: &str, bold: bool) {
        self.s.push_str(&format!(
            "<text x=\"{x:.1}\" y=\"{y:.1}\" font-size=\"{size}\" text-anchor=\"{anchor}\" dominant-baseline=\"middle\" fill=\"{fill}\"{}>{}</text>\n",
            if bold { " font-weight=\"bold\"" } else { "" },
            esc(s)
        ));
    }
    fn finish(mut self) -> String {
        self.s.push_str("</svg>\n");
        self.s
    }
}

/// Horizontal bars: each platform's cost for the period, cheapest marked.
pub fn cost_bars(r: &Report) -> Result<String, String> {
    let ps = &r.run.platforms;
    if ps.is_empty() {
        return Err("no platforms to chart".into());
    }
    let (w, left, right, top, row) = (960.0, 190.0, 210.0, 16.0, 38.0);
    let h = top + row * ps.len() as f64 + 48.0;
    let max = ps.iter().map(|p| p.total_usd).fold(0.0, f64::max);
    let ticks = nice_ticks(max, 5);
    let top_tick = ticks.last().copied().unwrap_or(1.0).max(1e-9);
    let plot_w = w - left - right;
    let xp = |v: f64| left + plot_w * (v / top_tick);
    let mut s = Svg::new(w as u32, h as u32, &format!("Cost per platform for the {}", period(r)));
    let axis_y = top + row * ps.len() as f64 + 4.0;
    usd_axis(&mut s, &ticks, xp, top, axis_y, left + plot_w / 2.0, r);
    let best = ps.iter().map(|p| p.total_usd).fold(f64::INFINITY, f64::min);
    for (i, p) in ps.iter().enumerate() {
        let y = top + row * i as f64;
        let c = hex(color(i));
        let cheapest = p.total_usd <= best + 0.005;
        s.text(
            left - 10.0,
            y + row / 2.0,
            &clip(&p.name, 26),
            14.0,
            "end",
            "#111111",
            cheapest,
        );
        s.rect(left, y + 8.0, xp(p.total_usd.max(0.0)) - left, row - 16.0, &c);
        let label = format!(
            "{}  ({}/M req){}",
            fmt::usd(p.total_usd),
            fmt::usd_short(p.cost_per_million_usd),
            if cheapest { "  cheapest" } else { "" }
        );
        s.text(
            xp(p.total_usd.max(0.0)) + 8.0,
            y + row / 2.0,
            &label,
            13.0,
            "start",
            "#111111",
            cheapest,
        );
    }
    s.line(left, top - 4.0, left, axis_y, "#555555", 1.0);
    Ok(s.finish())
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}\u{2026}", s.chars().take(n - 1).collect::<String>())
    }
}

/// Diagonal hatching inside the pixel box `[x0, y0, x1, y1]`, lines `gap` pixels apart.
fn hatch(b: [i32; 4], gap: i32) -> Vec<Vec<(i32, i32)>> {
    let [x0, y0, x1, y1] = b;
    let (w, h) = (x1 - x0, y1 - y0);
    if w <= 0 || h <= 0 {
        return Vec::new();
    }
    // lines x + y = x0 + y0 + d, clipped to the box
    (1..)
        .map(|k| k * gap.max(2))
        .take_while(|d| *d < w + h)
        .map(|d| {
            let start = (x0 + d.min(w), y0 + (d - w).max(0));
            let end = (x0 + (d - h).max(0), y0 + d.min(h));
            vec![start, end]
        })
        .collect()
}

fn err<E: std::fmt::Debug>(e: E) -> String {
    format!("chart drawing failed: {e:?}")
}

/// A legend row of platform colour swatches, drawn in pixels on `area`.
fn legend_row(area: &DrawingArea<SVGBackend, Shift>, names: &[String], y: i32, x0: i32) -> Result<(), String> {
    let mut x = x0;
    for (i, n) in names.iter().enumerate() {
        let label = clip(n, 28);
        area.draw(&Rectangle::new([(x, y - 6), (x + 22, y + 6)], color(i).filled()))
            .map_err(err)?;
        area.draw(&Text::new(
            label.clone(),
            (x + 28, y),
            ("sans-serif", 16.0)
                .into_font()
                .color(&BLACK)
                .pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(err)?;
        x += 28 + text_width(&label, 13.0) as i32 + 26;
    }
    Ok(())
}

/// A placed break-even label: its box, text, the point it names and which side it is on.
struct Label {
    bx: [f64; 4],
    text: String,
    at: (i32, i32),
    left: bool,
}

/// Cost against traffic on log axes, one line per platform, break-even points numbered
/// and labelled with requests per month and requests per second.
pub fn crossovers(r: &Report) -> Result<String, String> {
    let sw = &r.sweep;
    let pts: Vec<_> = sw.points.iter().filter(|p| p.monthly_requests > 0.0).collect();
    if pts.len() < 2 {
        return Err("the sweep has too few points to chart (no traffic?)".into());
    }
    let positive = pts
        .iter()
        .flat_map(|p| p.costs_usd.iter().copied())
        .filter(|c| *c > 0.0 && c.is_finite());
    let (mut lo, mut hi) = (f64::INFINITY, 0.0f64);
    for c in positive {
        lo = lo.min(c);
        hi = hi.max(c);
    }
    if !lo.is_finite() || hi <= 0.0 {
        return Err("every platform costs nothing over this range".into());
    }
    let y0 = (lo.max(0.01) / 1.5).max(0.001);
    let y1 = hi * 1.6;
    let y1 = if y1 <= y0 * 1.01 { y0 * 10.0 } else { y1 };
    let x0 = pts[0].monthly_requests;
    let x1 = pts[pts.len() - 1].monthly_requests;
    let clamp = |c: f64| c.max(y0).min(y1);
    let (w, h) = (960u32, 600u32);
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let (plot, foot) = root.split_vertically(h - 44);
        let mut chart = ChartBuilder::on(&plot)
            .margin(14)
            .margin_right(28)
            .x_label_area_size(58)
            .y_label_area_size(84)
            .build_cartesian_2d((x0..x1).log_scale(), (y0..y1).log_scale())
            .map_err(err)?;
        let y_desc = format!("Cost for the {}, USD (log)", period(r));
        chart
            .configure_mesh()
            .x_desc("Requests per month (log scale)")
            .y_desc(y_desc)
            .x_label_formatter(&|v| fmt::big_short(*v))
            .y_label_formatter(&|v| fmt::usd_short(*v))
            .label_style(("sans-serif", 16.0))
            .axis_desc_style(("sans-serif", 17.0))
            .light_line_style(RGBColor(238, 238, 238))
            .bold_line_style(RGBColor(205, 205, 205))
            .draw()
            .map_err(err)?;
        // each curve solid where the platform is good enough, dashed and faded where it is
        // not (a stretch is faded when either end fails: its cost buys a failing service)
        for (i, _) in sw.platforms.iter().enumerate() {
            let good = |p: &crate::analysis::SweepPoint| p.good_enough.get(i).copied().unwrap_or(true);
            let mut runs: Vec<(bool, Vec<(f64, f64)>)> = Vec::new();
            for w in pts.windows(2) {
                let (Some(a), Some(b)) = (w[0].costs_usd.get(i), w[1].costs_usd.get(i)) else {
                    continue;
                };
                let ok = good(w[0]) && good(w[1]);
                let (pa, pb) = ((w[0].monthly_requests, clamp(*a)), (w[1].monthly_requests, clamp(*b)));
                match runs.last_mut() {
                    Some((k, line)) if *k == ok => line.push(pb),
                    _ => runs.push((ok, vec![pa, pb])),
                }
            }
            for (ok, line) in runs {
                if ok {
                    chart
                        .draw_series(LineSeries::new(line, color(i).stroke_width(3)))
                        .map_err(err)?;
                } else {
                    chart
                        .draw_series(DashedLineSeries::new(line, 7, 6, tint(color(i), 0.55).stroke_width(3)))
                        .map_err(err)?;
                }
            }
        }
        // today
        let today = r.run.traffic.monthly_requests;
        if today > x0 && today < x1 {
            chart
                .draw_series(DashedLineSeries::new(
                    vec![(today, y0), (today, y1)],
                    6,
                    5,
                    RGBColor(90, 90, 90).stroke_width(1),
                ))
                .map_err(err)?;
            let (tx, ty) = chart.backend_coord(&(today, y1));
            plot.draw(&Text::new(
                format!("today: {} req/month", fmt::big_short(today)),
                (tx + 6, ty + 12),
                ("sans-serif", 15.0)
                    .into_font()
                    .color(&RGBColor(60, 60, 60))
                    .pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(err)?;
        }
        // break-even points: numbered markers, labels placed where they do not collide
        let (xr, yr) = chart.plotting_area().get_pixel_range();
        let mut taken: Vec<[f64; 4]> = Vec::new();
        // the "today" label
        if today > x0 && today < x1 {
            let (tx, ty) = chart.backend_coord(&(today, y1));
            taken.push([tx as f64, ty as f64, tx as f64 + 190.0, ty as f64 + 22.0]);
        }
        let marks: Vec<(i32, i32)> = sw
            .crossovers
            .iter()
            .map(|c| chart.backend_coord(&(c.monthly_requests.clamp(x0, x1), clamp(c.cost_usd))))
            .collect();
        for (mx, my) in &marks {
            let (mx, my) = (*mx as f64, *my as f64);
            taken.push([mx - 6.0, my - 6.0, mx + 6.0, my + 6.0]);
        }
        // labels first (boxes with leader lines), markers on top
        let mut labels: Vec<Label> = Vec::new();
        for (k, (c, (mx, my))) in sw.crossovers.iter().zip(&marks).enumerate() {
            let label = format!(
                "{}: {} req/month, {} req/s{}",
                k + 1,
                fmt::big_short(c.monthly_requests),
                fmt::rps(c.mean_rps),
                match c.shortfalls.iter().filter(|s| s.is_some()).count() {
                    0 => String::new(),
                    1 => format!(
                        " ({} fails)",
                        clip(
                            if c.shortfalls[0].is_some() {
                                &c.between[0]
                            } else {
                                &c.between[1]
                            },
                            20
                        )
                    ),
                    _ => " (both fail)".to_string(),
                }
            );
            let (lw, lh) = (text_width(&label, 12.5) + 10.0, 20.0);
            let (fx, fy) = (*mx as f64, *my as f64);
            let fits = |b: &[f64; 4], taken: &[[f64; 4]]| {
                b[0] >= xr.start as f64 + 2.0
                    && b[2] <= xr.end as f64 - 2.0
                    && b[1] >= yr.start as f64 + 2.0
                    && b[3] <= yr.end as f64 - 2.0
                    && !taken
                        .iter()
                        .any(|o| b[0] < o[2] + 2.0 && o[0] < b[2] + 2.0 && b[1] < o[3] + 2.0 && o[1] < b[3] + 2.0)
            };
            // nearest free slot: above or below, right or left, further out step by step
            let mut placed = None;
            'search: for step in 0..14 {
                let dy = 14.0 + 22.0 * step as f64;
                for (up, left) in [(true, false), (false, false), (true, true), (false, true)] {
                    let y = if up { fy - dy - lh } else { fy + dy };
                    let x = if left { fx - 18.0 - lw } else { fx + 18.0 };
                    let bx = [x, y, x + lw, y + lh];
                    if fits(&bx, &taken) {
                        placed = Some((bx, left));
                        break 'search;
                    }
                }
            }
            if let Some((bx, left)) = placed {
                taken.push(bx);
                labels.push(Label {
                    bx,
                    text: label,
                    at: (*mx, *my),
                    left,
                });
            }
        }
        for Label {
            bx,
            text: label,
            at: (mx, my),
            left,
        } in &labels
        {
            let (bx0, by0, bx1, by1) = (bx[0] as i32, bx[1] as i32, bx[2] as i32, bx[3] as i32);
            let anchor = (if *left { bx1 } else { bx0 }, (by0 + by1) / 2);
            plot.draw(&PathElement::new(
                vec![(*mx, *my), anchor],
                RGBColor(60, 60, 60).stroke_width(1),
            ))
            .map_err(err)?;
            plot.draw(&Rectangle::new([(bx0, by0), (bx1, by1)], WHITE.mix(0.92).filled()))
                .map_err(err)?;
            plot.draw(&Rectangle::new(
                [(bx0, by0), (bx1, by1)],
                RGBColor(150, 150, 150).stroke_width(1),
            ))
            .map_err(err)?;
            plot.draw(&Text::new(
                label.clone(),
                (bx0 + 5, (by0 + by1) / 2),
                ("sans-serif", 15.5)
                    .into_font()
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(err)?;
        }
        for (c, (mx, my)) in sw.crossovers.iter().zip(&marks) {
            // a break-even with a platform that does not cope there: a grey ring
            let ink = if c.good_enough { BLACK } else { RGBColor(150, 150, 150) };
            plot.draw(&Circle::new((*mx, *my), 5, WHITE.filled())).map_err(err)?;
            plot.draw(&Circle::new((*mx, *my), 5, ink.stroke_width(2)))
                .map_err(err)?;
        }
        legend_row(&foot, &sw.platforms, 18, 98)?;
        root.present().map_err(err)?;
    }
    Ok(buf)
}

/// The cheapest platform over traffic volume and burstiness, as coloured cells; the colour
/// is stronger the wider the margin over the runner-up, which each cell also prints.
pub fn cheapest_map(r: &Report) -> Result<String, String> {
    let m = &r.map;
    let (nx, ny) = (m.x.len(), m.y.len());
    if nx < 2 || ny < 2 || m.cells.len() != ny {
        return Err("the map has too few cells to chart".into());
    }
    // cell edges: geometric midpoints between grid values, half a step beyond the ends
    let edges = |v: &[f64]| -> Vec<f64> {
        let n = v.len();
        let mut e = Vec::with_capacity(n + 1);
        e.push(v[0] * (v[0] / v[1]).sqrt());
        for i in 0..n - 1 {
            e.push((v[i] * v[i + 1]).sqrt());
        }
        e.push(v[n - 1] * (v[n - 1] / v[n - 2]).sqrt());
        e
    };
    let (ex, ey) = (edges(&m.x), edges(&m.y));
    let (w, h) = (960u32, 620u32);
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let (plot, foot) = root.split_vertically(h - 76);
        let mut chart = ChartBuilder::on(&plot)
            .margin(14)
            .margin_right(28)
            .x_label_area_size(58)
            .y_label_area_size(84)
            .build_cartesian_2d((ex[0]..ex[nx]).log_scale(), (ey[0]..ey[ny]).log_scale())
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc(format!(
                "Traffic volume, times today's {} req/month (log)",
                fmt::big_short(r.run.traffic.monthly_requests)
            ))
            .y_desc("Peak-to-mean ratio (log)")
            .x_label_formatter(&|v| fmt::times(*v))
            .y_label_formatter(&|v| fmt::times(*v))
            .label_style(("sans-serif", 16.0))
            .axis_desc_style(("sans-serif", 17.0))
            .draw()
            .map_err(err)?;
        let cell_w = {
            let (a, _) = chart.backend_coord(&(ex[0], ey[0]));
            let (b, _) = chart.backend_coord(&(ex[1], ey[0]));
            (b - a).abs()
        };
        let mut hatched_any = false;
        for (iy, row) in m.cells.iter().enumerate() {
            for (ix, c) in row.iter().enumerate().take(nx) {
                let k = if c.margin.is_finite() {
                    c.margin.clamp(0.0, 1.0)
                } else {
                    1.0
                };
                let fill = if c.none_copes {
                    RGBColor(215, 215, 215)
                } else {
                    tint(color(c.cheapest), 0.22 + 0.78 * k)
                };
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(ex[ix], ey[iy]), (ex[ix + 1], ey[iy + 1])],
                        fill.filled(),
                    )))
                    .map_err(err)?;
                // hatched: a platform that does not cope would be cheaper here (or none copes)
                if c.none_copes || c.cheapest_any != c.cheapest {
                    hatched_any = true;
                    let (a, b) = (
                        chart.backend_coord(&(ex[ix], ey[iy])),
                        chart.backend_coord(&(ex[ix + 1], ey[iy + 1])),
                    );
                    for seg in hatch([a.0.min(b.0), a.1.min(b.1), a.0.max(b.0), a.1.max(b.1)], 7) {
                        plot.draw(&PathElement::new(seg, RGBColor(70, 70, 70).mix(0.55).stroke_width(1)))
                            .map_err(err)?;
                    }
                }
                if cell_w >= 34 {
                    let (cx, cy) = chart.backend_coord(&(m.x[ix], m.y[iy]));
                    let txt = if c.none_copes {
                        "none".to_string()
                    } else if c.good_enough.iter().filter(|g| **g).count() == 1 && c.costs_usd.len() > 1 {
                        "only".to_string()
                    } else if !c.margin.is_finite() {
                        "free".to_string()
                    } else if c.margin >= 9.995 {
                        ">999%".to_string()
                    } else {
                        format!("{:.0}%", c.margin * 100.0)
                    };
                    let ink = if luminance(fill) > 0.55 { BLACK } else { WHITE };
                    plot.draw(&Text::new(
                        txt,
                        (cx, cy),
                        ("sans-serif", 13.0)
                            .into_font()
                            .color(&ink)
                            .pos(Pos::new(HPos::Center, VPos::Center)),
                    ))
                    .map_err(err)?;
                }
            }
        }
        // today: the cell holding today's volume and burstiness, outlined
        let ptm = r.run.traffic.peak_to_mean;
        let find = |e: &[f64], v: f64| e.windows(2).position(|w| v >= w[0] && v < w[1]);
        if let (Some(ix), Some(iy)) = (find(&ex, 1.0), find(&ey, ptm.max(ey[0]))) {
            let (ax, ay) = chart.backend_coord(&(ex[ix], ey[iy]));
            let (bx, by) = chart.backend_coord(&(ex[ix + 1], ey[iy + 1]));
            let (x0p, x1p, y0p, y1p) = (ax.min(bx), ax.max(bx), ay.min(by), ay.max(by));
            plot.draw(&Rectangle::new([(x0p, y0p), (x1p, y1p)], WHITE.stroke_width(5)))
                .map_err(err)?;
            plot.draw(&Rectangle::new([(x0p, y0p), (x1p, y1p)], BLACK.stroke_width(3)))
                .map_err(err)?;
        }
        legend_row(&foot, &m.platforms, 16, 98)?;
        // intensity key
        let mut x = 98;
        foot.draw(&Text::new(
            "margin over the runner-up:",
            (x, 50),
            ("sans-serif", 15.0)
                .into_font()
                .color(&BLACK)
                .pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(err)?;
        x += text_width("margin over the runner-up:", 12.0) as i32 + 14;
        for (k, lab) in [(0.0, "0%"), (0.25, "25%"), (0.5, "50%"), (1.0, "100% or more")] {
            let fill = tint(RGBColor(90, 90, 90), 0.22 + 0.78 * k);
            foot.draw(&Rectangle::new([(x, 43), (x + 22, 57)], fill.filled()))
                .map_err(err)?;
            foot.draw(&Text::new(
                lab,
                (x + 27, 50),
                ("sans-serif", 15.0)
                    .into_font()
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(err)?;
            x += 27 + text_width(lab, 12.0) as i32 + 20;
        }
        if hatched_any {
            let lab = "hatched: a platform that fails there is cheaper (grey: none copes)";
            let (x0, y0) = (x + 6, 43);
            foot.draw(&Rectangle::new(
                [(x0, y0), (x0 + 22, y0 + 14)],
                RGBColor(215, 215, 215).filled(),
            ))
            .map_err(err)?;
            for seg in hatch([x0, y0, x0 + 22, y0 + 14], 5) {
                foot.draw(&PathElement::new(seg, RGBColor(70, 70, 70).stroke_width(1)))
                    .map_err(err)?;
            }
            let lab = if x0 + 27 + text_width(lab, 12.0) as i32 > w as i32 - 8 {
                "hatched: cheaper one fails"
            } else {
                lab
            };
            foot.draw(&Text::new(
                lab,
                (x0 + 27, 50),
                ("sans-serif", 15.0)
                    .into_font()
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(err)?;
        }
        root.present().map_err(err)?;
    }
    Ok(buf)
}

/// Monte Carlo bands: p10 to p90 per platform, the median as a tick and the main run as
/// a dot.
pub fn bands(r: &Report, mc: &MonteCarlo) -> Result<String, String> {
    if mc.platforms.is_empty() {
        return Err("no platforms to chart".into());
    }
    let (w, left, right, top, row) = (960.0, 190.0, 40.0, 16.0, 40.0);
    let n = mc.platforms.len();
    let h = top + row * n as f64 + 48.0;
    let base_of = |name: &str| r.run.platforms.iter().find(|p| p.name == name).map(|p| p.total_usd);
    let max = mc
        .platforms
        .iter()
        .map(|b| b.p90_usd.max(base_of(&b.name).unwrap_or(0.0)))
        .fold(0.0, f64::max);
    let ticks = nice_ticks(max, 6);
    let top_tick = ticks.last().copied().unwrap_or(1.0).max(1e-9);
    let plot_w = w - left - right;
    let xp = |v: f64| left + plot_w * (v.max(0.0) / top_tick);
    let mut s = Svg::new(w as u32, h as u32, "Cost bands, p10 to p90");
    let axis_y = top + row * n as f64 + 4.0;
    usd_axis(&mut s, &ticks, xp, top, axis_y, left + plot_w / 2.0, r);
    for (i, b) in mc.platforms.iter().enumerate() {
        let ci = r.run.platforms.iter().position(|p| p.name == b.name).unwrap_or(i);
        let c = hex(color(ci));
        let y = top + row * i as f64 + row / 2.0;
        s.text(left - 10.0, y, &clip(&b.name, 26), 14.0, "end", "#111111", false);
        s.rect(
            xp(b.p10_usd),
            y - 8.0,
            (xp(b.p90_usd) - xp(b.p10_usd)).max(2.0),
            16.0,
            &c,
        );
        s.line(xp(b.p50_usd), y - 13.0, xp(b.p50_usd), y + 13.0, "#111111", 2.5);
        if let Some(v) = base_of(&b.name) {
            s.circle(xp(v), y, 4.5, "#ffffff", "#111111");
        }
    }
    s.line(left, top - 4.0, left, axis_y, "#555555", 1.0);
    Ok(s.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_cover_the_maximum_with_round_steps() {
        assert_eq!(nice_ticks(40.88, 5), vec![0.0, 10.0, 20.0, 30.0, 40.0, 50.0]);
        assert_eq!(nice_ticks(0.0, 5), vec![0.0, 1.0]);
        let t = nice_ticks(0.37, 5);
        assert!(t.last().copied().unwrap() >= 0.37 && t.len() <= 7, "{t:?}");
    }

    #[test]
    fn svg_text_is_escaped() {
        let mut s = Svg::new(10, 10, "a<b");
        s.text(0.0, 0.0, "R&D <x>", 12.0, "start", "#000", false);
        let out = s.finish();
        assert!(out.contains("R&amp;D &lt;x&gt;") && out.contains("a&lt;b"), "{out}");
    }

    #[test]
    fn tints_fade_to_white() {
        assert_eq!(tint(RGBColor(0, 0, 0), 0.0), RGBColor(255, 255, 255));
        assert_eq!(tint(RGBColor(10, 20, 30), 1.0), RGBColor(10, 20, 30));
    }
}
