//! The Where to buy tab: every platform priced in each place (its provider's region
//! there) and under each purchase option, and the commitment that pays on each platform,
//! from the verdict's analysis.
//!
//! Owns: `BuyingView` (derived once per verdict) and its drawing. Must not: price or
//! simulate (`analysis::buying` does).

use super::analysis::NONE_COPES_FILL;
use super::fmt;
use super::results::PALETTE;
use crate::analysis::buying::{Buying, PurchaseLevel, cheapest};
use crate::model::Purchase;
use egui::{Color32, RichText};

/// The mark of the cheapest platform that copes in a row.
pub const CHEAPEST_MARK: &str = "◀";

pub struct BuyCell {
    pub text: String,
    /// Under the amount: the region, or how the platform buys.
    pub under: String,
    pub cheapest: bool,
    pub good_enough: bool,
    pub tip: String,
}

pub struct BuyRow {
    pub label: String,
    pub cells: Vec<BuyCell>,
}

pub struct CommitmentRow {
    pub cells: [String; 7],
    pub tip: String,
}

pub struct BuyingView {
    pub platforms: Vec<String>,
    pub places: Vec<BuyRow>,
    pub purchases: Vec<BuyRow>,
    pub commitments: Vec<CommitmentRow>,
    /// The places and purchase options over traffic scale (when the analysis drew them).
    pub maps: Option<MapsView>,
}

/// One row of a map: a place or purchase option, a coloured cell per traffic scale.
pub struct MapRowView {
    pub label: String,
    pub cells: Vec<(Color32, String)>,
}

pub struct MapsView {
    /// Column headers ("0.01x", ...), every other one blank.
    pub scales: Vec<String>,
    pub places: Vec<MapRowView>,
    pub purchases: Vec<MapRowView>,
    pub legend: Vec<(Color32, String)>,
}

fn map_rows(m: &crate::analysis::buying::BuyingMap, platforms: &[String]) -> Vec<MapRowView> {
    m.rows
        .iter()
        .enumerate()
        .map(|(r, label)| MapRowView {
            label: label.clone(),
            cells: m.cheapest[r]
                .iter()
                .enumerate()
                .map(|(c, w)| {
                    let color = w.map(|i| PALETTE[i % PALETTE.len()]).unwrap_or(NONE_COPES_FILL);
                    let mut tip = format!(
                        "{label}, {} today's traffic: {}",
                        fmt::times(m.scales[c]),
                        w.and_then(|i| platforms.get(i))
                            .map(String::as_str)
                            .unwrap_or("no platform copes")
                    );
                    for (i, cost) in m.costs_usd[r][c].iter().enumerate() {
                        if let Some(cost) = cost {
                            tip.push_str(&format!("\n{}: {}", platforms[i], fmt::money(*cost)));
                        }
                    }
                    (color, tip)
                })
                .collect(),
        })
        .collect()
}

fn cell(usd: Option<f64>, good: bool, best: bool, under: String, tip: String) -> BuyCell {
    BuyCell {
        text: match usd {
            Some(c) => format!(
                "{}{}",
                fmt::money(c),
                if best {
                    format!(" {CHEAPEST_MARK}")
                } else {
                    String::new()
                }
            ),
            None => "not offered".into(),
        },
        under,
        cheapest: best,
        good_enough: good,
        tip,
    }
}

impl BuyingView {
    pub fn new(b: &Buying) -> BuyingView {
        let n = b.platforms.len();
        let configured: Vec<Option<f64>> = b.configured_usd.iter().map(|c| Some(*c)).collect();
        let w = cheapest(&configured, &b.configured_good_enough);
        let mut places = vec![BuyRow {
            label: "As configured".into(),
            cells: (0..n)
                .map(|i| {
                    cell(
                        configured[i],
                        b.configured_good_enough[i],
                        w == Some(i),
                        String::new(),
                        "The scenario's own regions and purchase options".into(),
                    )
                })
                .collect(),
        }];
        for p in &b.places {
            let w = p.cheapest();
            places.push(BuyRow {
                label: p.location.clone(),
                cells: (0..n)
                    .map(|i| {
                        let tip = match (&p.missing[i], &p.regions[i]) {
                            (Some(m), _) => m.clone(),
                            (None, Some(r)) if !p.good_enough[i] => {
                                format!("{} in {r}: not good enough here (the verdict's rule)", b.platforms[i])
                            }
                            (None, Some(r)) => format!("{} in {r}", b.platforms[i]),
                            (None, None) => String::new(),
                        };
                        cell(
                            p.costs_usd[i],
                            p.good_enough[i],
                            w == Some(i),
                            p.regions[i].clone().unwrap_or_default(),
                            tip,
                        )
                    })
                    .collect(),
            });
        }
        let purchases = b
            .purchases
            .iter()
            .map(|p| {
                let w = p.cheapest();
                BuyRow {
                    label: p.label.clone(),
                    cells: (0..n)
                        .map(|i| {
                            let under = match (p.options[i], p.commitment_usd_per_hour[i]) {
                                (o, Some(c)) => format!("{}, {}/h", o.short_label(), fmt::money(c)),
                                (o, None) => o.short_label().to_string(),
                            };
                            let tip = if p.options[i] == Purchase::OnDemand && p.level != PurchaseLevel::OnDemand {
                                format!(
                                    "{} stays on demand: its service does not offer this, or no commitment pays",
                                    b.platforms[i]
                                )
                            } else {
                                format!("{}: {under}", b.platforms[i])
                            };
                            cell(Some(p.costs_usd[i]), p.good_enough[i], w == Some(i), under, tip)
                        })
                        .collect(),
                }
            })
            .collect();
        let commitments = b
            .commitments
            .iter()
            .map(|c| CommitmentRow {
                cells: [
                    c.platform.clone(),
                    c.name.clone(),
                    format!("{:.0} %{}", c.discount_pct, if c.unverified { " ?" } else { "" }),
                    format!("{:.0} %", c.break_even_utilization * 100.0),
                    format!("{}/h", fmt::money(c.best_usd_per_hour)),
                    format!("{:.0} %", c.utilization * 100.0),
                    fmt::money(c.saving_usd),
                ],
                tip: format!(
                    "{}: {:.0} % off {}. It costs no more than on demand while at least {:.0} % of it is used. \
                     The size that costs least for this traffic's hour-by-hour usage is {}/h{}, used {:.0} %; \
                     it saves {} over the period. Sized to the mean hourly usage instead it would save {}.{}",
                    c.name,
                    c.discount_pct,
                    c.platform,
                    c.break_even_utilization * 100.0,
                    fmt::money(c.best_usd_per_hour),
                    if c.basis == "plan_rate" {
                        " at the plan's rates"
                    } else {
                        " of on-demand usage"
                    },
                    c.utilization * 100.0,
                    fmt::money(c.saving_usd),
                    fmt::money(c.saving_at_mean_usd),
                    if c.unverified {
                        " The catalog's discount for it is unverified."
                    } else {
                        ""
                    }
                ),
            })
            .collect();
        let maps = b.maps.as_ref().map(|m| MapsView {
            scales: m
                .places
                .scales
                .iter()
                .enumerate()
                .map(|(k, x)| if k % 4 == 0 { fmt::times(*x) } else { String::new() })
                .collect(),
            places: map_rows(&m.places, &m.platforms),
            purchases: map_rows(&m.purchases, &m.platforms),
            legend: m
                .platforms
                .iter()
                .enumerate()
                .map(|(i, n)| (PALETTE[i % PALETTE.len()], n.clone()))
                .chain(std::iter::once((NONE_COPES_FILL, "no platform copes".to_string())))
                .collect(),
        });
        BuyingView {
            platforms: b.platforms.clone(),
            places,
            purchases,
            commitments,
            maps,
        }
    }
}

fn rows(ui: &mut egui::Ui, id: &str, first: &str, v: &BuyingView, rows: &[BuyRow]) {
    // (a column per platform: sixteen of them are wider than the window, so the table
    // scrolls sideways instead of leaving the last platforms out of reach)
    egui::ScrollArea::horizontal()
        .id_salt(id)
        .show(ui, |ui| rows_grid(ui, id, first, v, rows));
}

fn rows_grid(ui: &mut egui::Ui, id: &str, first: &str, v: &BuyingView, rows: &[BuyRow]) {
    egui::Grid::new(id)
        .striped(true)
        .spacing([18.0, 4.0])
        .min_col_width(96.0)
        .show(ui, |ui| {
            ui.label(RichText::new(first).strong());
            for p in &v.platforms {
                ui.label(RichText::new(p).strong());
            }
            ui.end_row();
            for r in rows {
                ui.label(&r.label);
                for c in &r.cells {
                    ui.vertical(|ui| {
                        let mut t = RichText::new(&c.text);
                        if c.cheapest {
                            t = t.strong();
                        }
                        if !c.good_enough && c.text != "not offered" {
                            t = t.color(ui.visuals().warn_fg_color);
                        }
                        ui.add(egui::Label::new(t).wrap_mode(egui::TextWrapMode::Extend))
                            .on_hover_text(&c.tip);
                        if !c.under.is_empty() {
                            ui.add(
                                egui::Label::new(RichText::new(&c.under).weak().small())
                                    .wrap_mode(egui::TextWrapMode::Extend),
                            );
                        }
                    });
                }
                ui.end_row();
            }
        });
}

/// Draws the view (the caller says whether it is out of date).
pub fn show(ui: &mut egui::Ui, v: &BuyingView) {
    egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
        ui.label(
            RichText::new(format!(
                "Usage does not change with the region or the purchase option, only prices do. {CHEAPEST_MARK} the \
                 cheapest platform that copes in the row; amounts in orange are not good enough there."
            ))
            .weak(),
        );
        ui.add_space(6.0);
        ui.heading("Places");
        ui.label(RichText::new("Every platform moved to its provider's region in each place (purchase options as configured).").weak());
        rows(ui, "buy_places", "Place", v, &v.places);
        ui.add_space(10.0);
        ui.heading("Purchase options");
        ui.label(
            RichText::new(
                "Each platform takes the option where its service offers it; commitments are sized to this traffic \
                 and billed hour by hour; Spot at the catalog's typical discount, reclaimable with two minutes' notice.",
            )
            .weak(),
        );
        rows(ui, "buy_purchases", "Purchase", v, &v.purchases);
        if let Some(m) = &v.maps {
            ui.add_space(10.0);
            ui.heading("As the traffic changes");
            ui.label(
                RichText::new("The cheapest platform that copes, from 0.01x to 100x today's traffic (hover a cell for the costs).")
                    .weak(),
            );
            ui.horizontal_wrapped(|ui| {
                for (c, n) in &m.legend {
                    let (rect, _) = ui.allocate_exact_size(egui::vec2(14.0, 14.0), egui::Sense::hover());
                    ui.painter().rect_filled(rect, 2.0, *c);
                    ui.label(n);
                    ui.add_space(8.0);
                }
            });
            map_grid(ui, "buy_map_places", m, &m.places);
            ui.add_space(6.0);
            map_grid(ui, "buy_map_purchases", m, &m.purchases);
        }
        if !v.commitments.is_empty() {
            ui.add_space(10.0);
            ui.heading("Commitments");
            egui::Grid::new("buy_commitments").striped(true).spacing([18.0, 4.0]).show(ui, |ui| {
                for h in ["Platform", "Commitment", "Discount", "Break-even use", "Best size", "Used", "Saves"] {
                    ui.label(RichText::new(h).strong());
                }
                ui.end_row();
                for r in &v.commitments {
                    for c in &r.cells {
                        ui.label(c).on_hover_text(&r.tip);
                    }
                    ui.end_row();
                }
            });
            ui.label(
                RichText::new(
                    "Break-even use: the share of a commitment that must be used for it to cost no more than on demand. \
                     ? the catalog's discount is unverified.",
                )
                .weak(),
            );
        }
    });
}

fn map_grid(ui: &mut egui::Ui, id: &str, m: &MapsView, rows: &[MapRowView]) {
    egui::Grid::new(id).spacing([2.0, 2.0]).show(ui, |ui| {
        ui.label("");
        for s in &m.scales {
            ui.add(egui::Label::new(RichText::new(s).weak().small()).wrap_mode(egui::TextWrapMode::Extend));
        }
        ui.end_row();
        for r in rows {
            ui.label(&r.label);
            for (color, tip) in &r.cells {
                let (rect, resp) = ui.allocate_exact_size(egui::vec2(34.0, 18.0), egui::Sense::hover());
                ui.painter().rect_filled(rect, 1.0, *color);
                resp.on_hover_text(tip);
            }
            ui.end_row();
        }
    });
}
