//! Where and how to buy: the same traffic priced in every place the providers serve, under
//! every purchase option each platform offers, and the size of commitment that pays.
//!
//! Usage does not depend on the region or the purchase option, only prices do, so each
//! variant is the scenario with its platforms moved or bought differently, run in the fast
//! mode. A commitment is sized from the hour-by-hour usage of an on-demand run: paying
//! `c` an hour (in on-demand dollars covered) at discount `d` costs `H·c·(1−d)` plus the
//! usage above `c` in each hour, which is least at the `d`-quantile of the hourly usage
//! (the slope `H(1−d) − #{hours above c}` changes sign there). The purchase rows then bill
//! that commitment hour by hour like any scenario's, so their totals and the advice agree.

use super::verdict::Reason;
use crate::billing::Bill;
use crate::billing::commitment::{self, Basis};
use crate::model::{ContainerBilling, Platform, Purchase, Scenario};
use crate::pricing::Catalog;
use crate::pricing::location::{LOCATIONS, Location};
use crate::sim::{Prepared, SimError, Total};
use rayon::prelude::*;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;

/// One place: what each platform would cost with every platform moved to its provider's
/// region there (purchase options as configured).
#[derive(Clone, Debug, Serialize)]
pub struct PlaceRow {
    pub location: String,
    /// The region each platform runs in here (None where its provider has none, or the
    /// catalog does not price the platform there: see `missing`).
    pub regions: Vec<Option<String>>,
    pub costs_usd: Vec<Option<f64>>,
    pub good_enough: Vec<bool>,
    /// Why a platform has no cost here ("AWS has no region here", "the catalog has no
    /// prices of aws-ec2 instance m7i.large in ap-south-1").
    pub missing: Vec<Option<String>>,
}

/// A purchase option asked of every platform at once; each takes it where its service
/// offers it and stays on demand otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PurchaseLevel {
    OnDemand,
    /// A one-year commitment (savings plan, committed use discount), sized as `Commitment`.
    OneYear,
    ThreeYear,
    /// Spot capacity (interruptible), at the catalog's discount.
    Spot,
}

impl PurchaseLevel {
    pub const ALL: [PurchaseLevel; 4] = [
        PurchaseLevel::OnDemand,
        PurchaseLevel::OneYear,
        PurchaseLevel::ThreeYear,
        PurchaseLevel::Spot,
    ];

    pub fn label(self) -> &'static str {
        match self {
            PurchaseLevel::OnDemand => "On demand",
            PurchaseLevel::OneYear => "1-year commitments",
            PurchaseLevel::ThreeYear => "3-year commitments",
            PurchaseLevel::Spot => "Spot",
        }
    }

    fn purchase(self) -> Purchase {
        match self {
            PurchaseLevel::OnDemand => Purchase::OnDemand,
            PurchaseLevel::OneYear => Purchase::Savings1y,
            PurchaseLevel::ThreeYear => Purchase::Savings3y,
            PurchaseLevel::Spot => Purchase::Spot,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct PurchaseRow {
    pub level: PurchaseLevel,
    pub label: String,
    /// What each platform buys at this level (on demand where its service does not offer
    /// the option, or where no commitment pays).
    pub options: Vec<Purchase>,
    /// The commitment each platform holds at this level, in its provider's terms ($/h).
    pub commitment_usd_per_hour: Vec<Option<f64>>,
    pub costs_usd: Vec<f64>,
    pub good_enough: Vec<bool>,
}

/// The best-sized commitment of one kind on one platform, from its hourly usage.
#[derive(Clone, Debug, Serialize)]
pub struct Commitment {
    pub platform: String,
    pub purchase: Purchase,
    /// The provider's name for it ("1-year Compute Savings Plan").
    pub name: String,
    pub discount_pct: f64,
    /// How the provider states its size: `plan_rate` (AWS: dollars an hour at the plan's
    /// rates) or `on_demand_value` (Google: on-demand dollars covered an hour).
    pub basis: &'static str,
    /// The share of a commitment that must be used for it to cost no more than on demand:
    /// `1 − discount` whatever the basis.
    pub break_even_utilization: f64,
    /// On-demand cost of the usage the commitment can cover, over the horizon.
    pub covered_usd: f64,
    /// The commitment that costs least (in the provider's basis, $/h); 0 when none pays.
    pub best_usd_per_hour: f64,
    /// The share of that commitment used over the horizon.
    pub utilization: f64,
    /// What it saves against on demand over the horizon.
    pub saving_usd: f64,
    /// What a commitment sized to the mean hourly usage would save (negative: it costs more).
    pub saving_at_mean_usd: f64,
    /// The discount has no source of its own for this service (status Unverified).
    pub unverified: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct Buying {
    pub platforms: Vec<String>,
    /// Several workloads: each platform's figures are all of them on it.
    pub application: bool,
    pub horizon_s: f64,
    /// Each platform as the scenario configures it (region and purchase).
    pub configured_usd: Vec<f64>,
    pub configured_good_enough: Vec<bool>,
    pub places: Vec<PlaceRow>,
    pub purchases: Vec<PurchaseRow>,
    pub commitments: Vec<Commitment>,
    /// The same over traffic scale (`buying_maps`), where it was asked for (reports and
    /// the app; `run` leaves it out).
    pub maps: Option<BuyingMaps>,
}

/// The cheapest good-enough platform among those with a cost (None when none copes).
pub fn cheapest(costs: &[Option<f64>], good: &[bool]) -> Option<usize> {
    (0..costs.len())
        .filter(|i| good.get(*i).copied().unwrap_or(false))
        .filter_map(|i| costs[i].filter(|c| c.is_finite()).map(|c| (i, c)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| i)
}

impl PlaceRow {
    pub fn cheapest(&self) -> Option<usize> {
        cheapest(&self.costs_usd, &self.good_enough)
    }
}

impl PurchaseRow {
    pub fn cheapest(&self) -> Option<usize> {
        let c: Vec<Option<f64>> = self.costs_usd.iter().map(|c| Some(*c)).collect();
        cheapest(&c, &self.good_enough)
    }
}

impl Buying {
    /// Why platforms have no cost in some places, once each: "EC2 in Iowa: AWS has no
    /// region in Iowa".
    pub fn missing_lines(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for p in &self.places {
            for (i, m) in p.missing.iter().enumerate() {
                if let Some(m) = m {
                    let line = format!("{} in {}: {m}", self.platforms[i], p.location);
                    if !out.contains(&line) {
                        out.push(line);
                    }
                }
            }
        }
        out
    }

    pub fn configured_cheapest(&self) -> Option<usize> {
        let c: Vec<Option<f64>> = self.configured_usd.iter().map(|c| Some(*c)).collect();
        cheapest(&c, &self.configured_good_enough)
    }
}

/// Indices into `s.platforms` of the platforms a run simulates (the enabled ones, in order).
fn enabled(s: &Scenario) -> Vec<usize> {
    (0..s.platforms.len()).filter(|i| s.platforms[*i].enabled()).collect()
}

fn set_purchase(p: &mut Platform, purchase: Purchase, commitment: Option<f64>) {
    match p {
        Platform::Function(f) => {
            f.purchase = purchase;
            f.commitment_usd_per_hour = commitment;
        }
        Platform::Container(c) => {
            c.purchase = purchase;
            c.commitment_usd_per_hour = commitment;
        }
        Platform::Vm(v) => {
            v.purchase = purchase;
            v.commitment_usd_per_hour = commitment;
        }
    }
}

fn billing_of(p: &Platform) -> ContainerBilling {
    match p {
        Platform::Container(c) => c.billing,
        _ => ContainerBilling::RequestBased,
    }
}

/// Where platform `i` of `s` would run at `l`, or why it cannot.
fn place(s: &Scenario, i: usize, l: &Location, catalog: &Catalog) -> Result<String, String> {
    let p = &s.platforms[i];
    let provider = p.service().split('-').next().unwrap_or("");
    let Some(r) = l.region_for(p.service()) else {
        return Err(format!("{} has no region in {}", provider_name(provider), l.name));
    };
    if catalog.get_in(p.service(), Some(r)).is_none() {
        return Err(format!("the catalog has no prices of {} in {r}", p.service()));
    }
    let mut moved = s.clone();
    *moved.platforms[i].region_mut() = (Some(r) != catalog.get(p.service()).map(|x| x.region())).then(|| r.to_string());
    let prefix = format!("platforms[{i}]");
    let problems = crate::model::validate::validate_scenario(&moved, catalog, None);
    match problems.iter().find(|q| q.path.starts_with(&prefix)) {
        Some(q) => Err(q.message.clone()),
        None => Ok(r.to_string()),
    }
}

fn provider_name(id: &str) -> &str {
    crate::model::PROVIDERS
        .iter()
        .find(|(p, _)| *p == id)
        .map(|(_, n)| *n)
        .unwrap_or(id)
}

/// Covered usage per hour (on-demand dollars): `covered_usd` spread by the run's hour
/// weights, as the simulation spreads a commitment's (live replicas of fleets, busy
/// environments of functions); evenly when the run has none.
fn hourly_usage(weights: &[f64], covered_usd: f64, horizon_s: f64) -> Vec<f64> {
    let hours = (horizon_s / 3600.0).ceil().max(1.0) as usize;
    let mut w: Vec<f64> = (0..hours)
        .map(|h| {
            weights
                .get(h)
                .copied()
                .filter(|x| x.is_finite() && *x > 0.0)
                .unwrap_or(0.0)
        })
        .collect();
    let total: f64 = w.iter().sum();
    if total > 0.0 {
        w.iter_mut().for_each(|x| *x *= covered_usd / total);
    } else {
        w.iter_mut().for_each(|x| *x = covered_usd / hours as f64);
    }
    w
}

/// Cost over the hours of a commitment covering `c` on-demand dollars an hour at `keep`
/// (1 − discount) of the price: paid every hour, usage above it on demand.
fn committed_cost(hourly: &[f64], c: f64, keep: f64) -> f64 {
    hourly.len() as f64 * c * keep + hourly.iter().map(|u| (u - c).max(0.0)).sum::<f64>()
}

/// The on-demand-value size that costs least: one of the hourly usages (the cost is
/// piecewise linear with its corners there), or nothing.
fn best_size(hourly: &[f64], keep: f64) -> f64 {
    let mut sorted: Vec<f64> = hourly.iter().copied().filter(|u| u.is_finite() && *u > 0.0).collect();
    sorted.sort_by(f64::total_cmp);
    let n = hourly.len() as f64;
    let total: f64 = sorted.iter().sum();
    // cost(c) = n·c·keep + Σ_{u>c}(u − c); walk the sorted usages with a running sum
    let (mut best_c, mut best) = (0.0, total);
    let mut below = 0.0;
    for (k, &c) in sorted.iter().enumerate() {
        let above = (sorted.len() - k) as f64;
        let cost = n * c * keep + (total - below) - above * c;
        if cost < best - 1e-12 {
            best = cost;
            best_c = c;
        }
        below += c;
    }
    best_c
}

fn commitments_of(
    s: &Scenario,
    idx: &[usize],
    on_demand: &[Option<Bill>],
    weights: &[Vec<f64>],
    horizon_s: f64,
    catalog: &Catalog,
) -> Vec<Commitment> {
    let mut out = Vec::new();
    for (k, &i) in idx.iter().enumerate() {
        let p = &s.platforms[i];
        let (Some(Some(bill)), Some(service)) = (on_demand.get(k), catalog.get_in(p.service(), p.region())) else {
            continue;
        };
        for purchase in [Purchase::Savings1y, Purchase::Savings3y] {
            if !Purchase::offered_by(service).contains(&purchase) {
                continue;
            }
            let Some(t) = commitment::terms(service, purchase, billing_of(p)) else {
                continue;
            };
            let covered: f64 = bill
                .lines
                .iter()
                .filter(|l| (t.covers)(l))
                .map(|l| l.amount_usd.to_f64().unwrap_or(0.0))
                .sum();
            let d = t.discount.fraction.to_f64().unwrap_or(0.0).clamp(0.0, 1.0);
            let keep = 1.0 - d;
            let hourly = hourly_usage(
                weights.get(k).map(Vec::as_slice).unwrap_or(&[]),
                covered.max(0.0),
                horizon_s,
            );
            let c = best_size(&hourly, keep);
            let mean = covered.max(0.0) / hourly.len() as f64;
            let used: f64 = hourly.iter().map(|u| u.min(c)).sum();
            out.push(Commitment {
                platform: p.name().to_string(),
                purchase,
                name: t.name.to_string(),
                discount_pct: d * 100.0,
                basis: match t.basis {
                    Basis::PlanRate => "plan_rate",
                    Basis::OnDemandValue => "on_demand_value",
                },
                break_even_utilization: keep,
                covered_usd: covered,
                best_usd_per_hour: match t.basis {
                    Basis::PlanRate => c * keep,
                    Basis::OnDemandValue => c,
                },
                utilization: if c > 0.0 { used / (c * hourly.len() as f64) } else { 0.0 },
                saving_usd: covered - committed_cost(&hourly, c, keep),
                saving_at_mean_usd: covered - committed_cost(&hourly, mean, keep),
                unverified: t.discount.status == crate::pricing::Status::Unverified,
            });
        }
    }
    out
}

/// Prices the scenario in every place of `LOCATIONS` and under every purchase level, and
/// sizes each commitment the platforms can hold. Fast mode throughout.
pub fn buying(p: &Prepared, catalog: &Catalog) -> Result<Buying, SimError> {
    let s = &p.scenario;
    let idx = enabled(s);
    let horizon_s = p.profile.horizon_s;

    // every platform on demand, without commitments: the usage commitments are sized from
    let mut od = s.clone();
    for &i in &idx {
        set_purchase(&mut od.platforms[i], Purchase::OnDemand, None);
    }
    // simulated once: only the bills differ between places and purchase options
    let runs = p.fast_billable()?;
    let od_bills = runs.bills(&od, catalog)?;
    let weights: Vec<Vec<f64>> = (0..od_bills.len()).map(|k| runs.hour_weights(p, k)).collect();
    let commitments = commitments_of(s, &idx, &od_bills, &weights, horizon_s, catalog);

    // the scenarios to price: as configured, each place, each purchase level
    struct Variant {
        scenario: Scenario,
        missing: Vec<Option<String>>,
        regions: Vec<Option<String>>,
        options: Vec<Purchase>,
        sizes: Vec<Option<f64>>,
    }
    let mut variants: Vec<Variant> = Vec::new();
    for l in LOCATIONS {
        let mut v = s.clone();
        let (mut missing, mut regions) = (Vec::new(), Vec::new());
        for &i in &idx {
            match place(s, i, l, catalog) {
                Ok(r) => {
                    let reference = catalog.get(s.platforms[i].service()).map(|x| x.region());
                    *v.platforms[i].region_mut() = (Some(r.as_str()) != reference).then(|| r.clone());
                    regions.push(Some(r));
                    missing.push(None);
                }
                Err(e) => {
                    regions.push(None);
                    missing.push(Some(e));
                }
            }
        }
        variants.push(Variant {
            scenario: v,
            missing,
            regions,
            options: Vec::new(),
            sizes: Vec::new(),
        });
    }
    for level in PurchaseLevel::ALL {
        let mut v = s.clone();
        let (mut options, mut sizes) = (Vec::new(), Vec::new());
        for &i in &idx {
            let p = &s.platforms[i];
            let offered = catalog
                .get_in(p.service(), p.region())
                .map(Purchase::offered_by)
                .unwrap_or(&[]);
            let want = level.purchase();
            let (option, size) = match level {
                PurchaseLevel::OneYear | PurchaseLevel::ThreeYear => commitments
                    .iter()
                    .find(|c| c.platform == p.name() && c.purchase == want && c.best_usd_per_hour > 0.0)
                    .map(|c| (want, Some(c.best_usd_per_hour)))
                    .unwrap_or((Purchase::OnDemand, None)),
                _ if offered.contains(&want) => (want, None),
                _ => (Purchase::OnDemand, None),
            };
            set_purchase(&mut v.platforms[i], option, size);
            options.push(option);
            sizes.push(size);
        }
        variants.push(Variant {
            scenario: v,
            missing: Vec::new(),
            regions: Vec::new(),
            options,
            sizes,
        });
    }
    variants.push(Variant {
        scenario: s.clone(),
        missing: Vec::new(),
        regions: Vec::new(),
        options: Vec::new(),
        sizes: Vec::new(),
    });
    let results: Vec<Vec<Total>> = variants
        .par_iter()
        .map(|v| runs.totals(&v.scenario, catalog))
        .collect::<Result<_, _>>()?;

    let n_places = LOCATIONS.len();
    let places = LOCATIONS
        .iter()
        .zip(&variants[..n_places])
        .zip(&results[..n_places])
        .map(|((l, v), t)| PlaceRow {
            location: l.name.to_string(),
            regions: v.regions.clone(),
            costs_usd: t
                .iter()
                .zip(&v.missing)
                .map(|(t, m)| m.is_none().then_some(t.cost_usd))
                .collect(),
            good_enough: t
                .iter()
                .zip(&v.missing)
                .map(|(t, m)| m.is_none() && t.good_enough())
                .collect(),
            missing: v.missing.clone(),
        })
        .collect();
    let purchases = PurchaseLevel::ALL
        .iter()
        .zip(&variants[n_places..n_places + 4])
        .zip(&results[n_places..n_places + 4])
        .map(|((level, v), t)| PurchaseRow {
            level: *level,
            label: level.label().to_string(),
            options: v.options.clone(),
            commitment_usd_per_hour: v.sizes.clone(),
            costs_usd: t.iter().map(|t| t.cost_usd).collect(),
            good_enough: t.iter().map(Total::good_enough).collect(),
        })
        .collect();
    let configured = &results[n_places + 4];
    Ok(Buying {
        platforms: p.specs.iter().map(|x| x.name().to_string()).collect(),
        application: p.app.is_some(),
        horizon_s,
        configured_usd: configured.iter().map(|t| t.cost_usd).collect(),
        configured_good_enough: configured.iter().map(Total::good_enough).collect(),
        places,
        purchases,
        commitments,
        maps: None,
    })
}

/// The cheapest platform that copes in each place (or under each purchase option) as the
/// traffic grows: rows by columns of traffic scale.
#[derive(Clone, Debug, Serialize)]
pub struct BuyingMap {
    /// Traffic scale of each column (times today's traffic).
    pub scales: Vec<f64>,
    /// Place names, or purchase options.
    pub rows: Vec<String>,
    /// `cheapest[row][col]`: the cheapest platform that copes (None: none copes, or none
    /// is offered there).
    pub cheapest: Vec<Vec<Option<usize>>>,
    /// `costs_usd[row][col][platform]` (None where not offered).
    pub costs_usd: Vec<Vec<Vec<Option<f64>>>>,
}

#[derive(Clone, Debug, Serialize)]
pub struct BuyingMaps {
    pub platforms: Vec<String>,
    pub places: BuyingMap,
    pub purchases: BuyingMap,
}

/// Traffic scales of the maps' columns: 0.01x to 100x, four a decade.
pub fn map_scales() -> Vec<f64> {
    (0..=16).map(|k| 10f64.powf(-2.0 + k as f64 * 0.25)).collect()
}

/// The places and purchase options over traffic scale: `buying` at each scale of
/// `scales` (commitments sized to each), for a scenario of one workload (an
/// application's answer is its placement: None).
pub fn buying_maps(p: &Prepared, catalog: &Catalog, scales: &[f64]) -> Result<Option<BuyingMaps>, SimError> {
    if p.app.is_some() {
        return Ok(None);
    }
    let columns: Vec<Buying> = scales
        .par_iter()
        .map(|k| {
            let q = Prepared {
                profile: p.profile.scaled(*k).into(),
                ..p.clone()
            };
            buying(&q, catalog)
        })
        .collect::<Result<_, _>>()?;
    let Some(first) = columns.first() else {
        return Ok(None);
    };
    let places = BuyingMap {
        scales: scales.to_vec(),
        rows: first.places.iter().map(|r| r.location.clone()).collect(),
        cheapest: (0..first.places.len())
            .map(|r| columns.iter().map(|c| c.places[r].cheapest()).collect())
            .collect(),
        costs_usd: (0..first.places.len())
            .map(|r| columns.iter().map(|c| c.places[r].costs_usd.clone()).collect())
            .collect(),
    };
    let purchases = BuyingMap {
        scales: scales.to_vec(),
        rows: first.purchases.iter().map(|r| r.label.clone()).collect(),
        cheapest: (0..first.purchases.len())
            .map(|r| columns.iter().map(|c| c.purchases[r].cheapest()).collect())
            .collect(),
        costs_usd: (0..first.purchases.len())
            .map(|r| {
                columns
                    .iter()
                    .map(|c| c.purchases[r].costs_usd.iter().map(|x| Some(*x)).collect())
                    .collect()
            })
            .collect(),
    };
    Ok(Some(BuyingMaps {
        platforms: first.platforms.clone(),
        places,
        purchases,
    }))
}

/// What the verdict says about places and purchase options: where another place or a
/// purchase option would change which platform is cheapest (among those that cope), where
/// the chosen platform costs least, and the commitment that pays on it. Compared on the
/// fast mode's totals throughout, the scenario as configured included.
pub fn reasons(b: &Buying) -> Vec<Reason> {
    use super::verdict::{money, period_phrase};
    let mut out = Vec::new();
    let Some(base) = b.configured_cheapest() else {
        return out;
    };
    // an application compares its platforms each running every workload it may
    let name = |i: usize| {
        let n = b.platforms.get(i).map(String::as_str).unwrap_or("?");
        if b.application {
            format!("all on {n}")
        } else {
            n.to_string()
        }
    };
    let period = period_phrase(b.horizon_s);
    let base_usd = b.configured_usd[base];

    // places where the answer changes (the chosen platform is offered there too)
    let mut changes: Vec<(f64, String)> = Vec::new();
    for row in &b.places {
        let (Some(w), Some(Some(here))) = (row.cheapest(), row.costs_usd.get(base)) else {
            continue;
        };
        if w != base {
            let w_usd = row.costs_usd[w].unwrap_or(0.0);
            let region = row.regions[w].clone().unwrap_or_default();
            changes.push((
                1.0 - w_usd / here.max(1e-9),
                format!(
                    "In {} the answer changes: {} ({region}) is the cheapest that copes at {} {period}, against {} for {}",
                    row.location,
                    name(w),
                    money(w_usd),
                    money(*here),
                    name(base)
                ),
            ));
        }
    }
    changes.sort_by(|a, b| b.0.total_cmp(&a.0));
    let n_changes = changes.len();
    for (share, text) in changes.into_iter().take(2) {
        out.push(Reason {
            text,
            metric: "place_changes_answer".into(),
            value: share,
        });
    }
    if n_changes > 2 {
        out.push(Reason {
            text: format!(
                "{} other places change the answer too (see Where and how to buy)",
                n_changes - 2
            ),
            metric: "places_changing_answer".into(),
            value: n_changes as f64,
        });
    }
    // where the chosen platform costs least
    if let Some((row, usd)) = b
        .places
        .iter()
        .filter_map(|r| r.costs_usd.get(base).copied().flatten().map(|c| (r, c)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        && usd < base_usd * 0.98
    {
        out.push(Reason {
            text: format!(
                "{} costs least in {} ({}): {} {period}, {} less than as configured",
                name(base),
                row.location,
                row.regions[base].clone().unwrap_or_default(),
                money(usd),
                money(base_usd - usd)
            ),
            metric: "cheapest_place_saving_usd".into(),
            value: base_usd - usd,
        });
    }
    // purchase options that change the answer (by more than the fast mode's noise: two
    // platforms within 1 % of each other are a tie, not a different answer)
    for row in &b.purchases {
        let Some(w) = row.cheapest() else { continue };
        if w == base || row.level == PurchaseLevel::OnDemand {
            continue;
        }
        if let (Some(&w_usd), Some(&b_usd)) = (row.costs_usd.get(w), row.costs_usd.get(base))
            && b_usd - w_usd < 0.01 * b_usd.abs().max(1.0)
        {
            continue;
        }
        let how = match row.level {
            PurchaseLevel::Spot => format!(
                "On Spot capacity where offered (interruptible, with two minutes' notice; at the catalog's typical \
                 Spot discount, which varies by hour and capacity pool), {}",
                name(w)
            ),
            _ => format!(
                "With {} sized to this traffic where offered, {}",
                row.label.to_lowercase(),
                name(w)
            ),
        };
        out.push(Reason {
            text: format!(
                "{how} would be the cheapest that copes: {} {period}, against {} for {} bought the same way",
                money(row.costs_usd[w]),
                money(row.costs_usd[base]),
                name(base)
            ),
            metric: "purchase_changes_answer".into(),
            value: row.costs_usd[base] - row.costs_usd[w],
        });
    }
    // the commitment that pays on the chosen platform (an application's placement mixes
    // platforms: its commitments are in the purchase table, not the verdict)
    if let Some(c) = b
        .commitments
        .iter()
        .filter(|c| !b.application && Some(&c.platform) == b.platforms.get(base))
        .max_by(|a, b| a.saving_usd.total_cmp(&b.saving_usd))
        // (no usage a commitment could cover, as without traffic, is nothing to say)
        .filter(|c| c.covered_usd >= 0.01)
        .filter(|c| c.saving_usd >= 0.02 * base_usd || c.covered_usd >= 0.2 * base_usd)
    {
        let text = if c.saving_usd >= (0.02 * base_usd).max(0.01) {
            format!(
                "A {} of ${:.4}/h on {} saves {} {period} ({:.0} % off its covered usage); it pays while at least \
                 {:.0} % of it is used, and this traffic uses {:.0} %{}",
                c.name,
                c.best_usd_per_hour,
                c.platform,
                money(c.saving_usd),
                100.0 * c.saving_usd / c.covered_usd.max(1e-9),
                c.break_even_utilization * 100.0,
                c.utilization * 100.0,
                if c.unverified {
                    " (the catalog's discount for it is unverified)"
                } else {
                    ""
                }
            )
        } else {
            format!(
                "No commitment pays much on {}: its usage is too uneven hour by hour (a {} at {:.0} % off pays only \
                 while {:.0} % of it is used; the best size saves {})",
                c.platform,
                c.name,
                c.discount_pct,
                c.break_even_utilization * 100.0,
                money(c.saving_usd.max(0.0))
            )
        };
        out.push(Reason {
            text,
            metric: "commitment_saving_usd".into(),
            value: c.saving_usd,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_best_commitment_is_the_discounts_quantile_of_hourly_usage() {
        // 10 hours at $1 and 10 at $3, 20 % off: covering $3 pays for idle $2 in half the
        // hours (10 × 2 × 0.8 = 16 > the 10 × 2 × 0.2 = 4 it saves), covering $1 saves
        // 20 × 0.2 = $4.
        let mut h = vec![1.0; 10];
        h.extend(vec![3.0; 10]);
        let c = best_size(&h, 0.8);
        assert_eq!(c, 1.0);
        assert!((h.iter().sum::<f64>() - committed_cost(&h, c, 0.8) - 4.0).abs() < 1e-9);
        // at 60 % off, covering the peaks pays: 10 idle × 2 × 0.4 = 8 < 10 × 2 × 0.6 = 12
        assert_eq!(best_size(&h, 0.4), 3.0);
        // brute force agrees on an uneven profile
        let u: Vec<f64> = (0..48).map(|k| ((k * 37 % 11) as f64).powi(2) / 7.0).collect();
        for keep in [0.83, 0.54, 0.3, 0.95] {
            let c = best_size(&u, keep);
            let best = (0..=2000)
                .map(|k| committed_cost(&u, k as f64 * 0.01, keep))
                .fold(f64::INFINITY, f64::min);
            assert!(committed_cost(&u, c, keep) <= best + 1e-9, "{keep}");
        }
        // nothing used: no commitment
        assert_eq!(best_size(&[0.0; 5], 0.5), 0.0);
    }
}
