//! The verdict: serverless, containers, VMs or a hybrid, with reasons that each carry the
//! number behind them.
//!
//! The criteria follow the usual guidance: serverless fits event-driven, bursty,
//! low-to-medium, stateless work, and stops fitting for consistently high load, strict low
//! latency and long-running jobs. Here that becomes: among the platforms that are good
//! enough (no requests over the execution-time limit, at most 0.5 % rejected, at most 5 %
//! over the latency objective), the cheapest wins; a fixed fleet for the base load plus
//! functions for the peaks is recommended when that mix is clearly cheaper still.

use super::sweep::Sweep;
use crate::pricing::Catalog;
use crate::sim::{
    Coping, PlatformResult, Prepared, RateProfile, Shortfall, SimError, SimResult, Spec, fast_totals, shortfall,
};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Recommendation {
    Serverless,
    Containers,
    Vms,
    Hybrid,
    /// An application's workloads on different kinds of platform.
    Mixed,
}

impl Recommendation {
    pub fn label(self) -> &'static str {
        match self {
            Recommendation::Serverless => "Serverless",
            Recommendation::Containers => "Containers",
            Recommendation::Vms => "VMs",
            Recommendation::Hybrid => "Hybrid",
            Recommendation::Mixed => "Mixed",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Reason {
    pub text: String,
    /// What the number measures (stable key for reports and tests).
    pub metric: String,
    pub value: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct HybridEstimate {
    pub fleet: String,
    pub function: String,
    pub replicas: u32,
    /// Requests per second the fixed fleet takes; the rest goes to functions.
    pub base_rps: f64,
    pub cost_usd: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Verdict {
    pub recommendation: Recommendation,
    /// The platform to choose (for a hybrid: the fleet's and the function's names).
    pub platform: String,
    pub headline: String,
    pub reasons: Vec<Reason>,
    pub hybrid: Option<HybridEstimate>,
    /// The same traffic in other places and under other purchase options, behind the
    /// reasons that say when either would change the answer (reports show its tables).
    #[serde(skip)]
    pub buying: Option<Box<super::buying::Buying>>,
}

fn possessive(name: &str) -> String {
    if name.ends_with('s') {
        format!("{name}'")
    } else {
        format!("{name}'s")
    }
}

pub(super) fn money(x: f64) -> String {
    if x >= 100.0 {
        format!("${x:.0}")
    } else {
        format!("${x:.2}")
    }
}

/// How to say "for the simulated period": costs are totals over the horizon, which is a
/// month only for month-long scenarios.
pub(super) fn period_phrase(horizon_s: f64) -> String {
    let days = horizon_s / 86_400.0;
    if (days - 30.0).abs() < 0.5 || (days - 30.4375).abs() < 0.5 || (days - 31.0).abs() < 0.5 {
        "a month".into()
    } else {
        // the one period label the tables and reports use too
        format!("for the {} period", SimResult::period_adjective(horizon_s))
    }
}

/// `other / winner`; two free platforms cost the same (1), a free winner against a paid
/// one has no finite ratio (infinity, which callers word as "far").
fn cost_ratio(other_usd: f64, winner_usd: f64) -> f64 {
    if winner_usd > 0.0 {
        other_usd / winner_usd
    } else if other_usd > 0.0 {
        f64::INFINITY
    } else {
        1.0
    }
}

/// A traffic factor as it reads in a sentence: 17 rather than 17.03, 0.25 rather than 0.2.
fn scale_text(x: f64) -> String {
    if x >= 10.0 {
        format!("{x:.0}")
    } else if x >= 1.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}

fn requests_per_month(x: f64) -> String {
    if x >= 1e9 {
        format!("{:.1} billion", x / 1e9)
    } else if x >= 1e6 {
        format!("{:.1} million", x / 1e6)
    } else if x >= 1e3 {
        format!("{:.0} thousand", x / 1e3)
    } else {
        format!("{x:.0}")
    }
}

/// The verdict's sentence for a platform that is not good enough.
/// When the rest of the bill (network, logs, storage) moves break-even `c` by more than
/// 15 % from where the compute lines alone would put it, says so and names the lines that
/// do it (the category where the two platforms' bills differ most today): what a
/// calculator that prices compute only would get wrong.
fn hidden_cost_reason(
    sweep: &Sweep,
    c: &super::Crossover,
    plats: &[crate::sim::PlatformResult],
    period: &str,
) -> Option<Reason> {
    use crate::billing::Category;
    let idx = |n: &str| sweep.platforms.iter().position(|p| p == n);
    let (i, j) = (idx(&c.between[0])?, idx(&c.between[1])?);
    let bills: Vec<&crate::sim::PlatformResult> = c
        .between
        .iter()
        .map(|n| plats.iter().find(|p| &p.name == n))
        .collect::<Option<_>>()?;
    // the category where the two bills differ most today, and whose it is
    let usd = |b: &crate::sim::PlatformResult, cat: Category| {
        rust_decimal::prelude::ToPrimitive::to_f64(&b.bill.category_usd(cat)).unwrap_or(0.0)
    };
    let (cat, who, diff) = [Category::Network, Category::Logs, Category::Storage]
        .into_iter()
        .map(|cat| {
            let d = usd(bills[0], cat) - usd(bills[1], cat);
            (cat, if d >= 0.0 { 0 } else { 1 }, d.abs())
        })
        .max_by(|a, b| a.2.total_cmp(&b.2))?;
    if diff < 0.01 {
        return None;
    }
    let x0 = sweep.compute_crossover(i, j, c.x);
    if let Some(x0) = x0
        && (c.x / x0).ln().abs() < 1.15f64.ln()
    {
        return None;
    }
    let owner = &bills[who];
    // the lines that make the difference: a line both bills carry alike (the same egress
    // out of the same provider) is not why the break-even moves
    let other = &bills[1 - who].bill;
    let same_item_usd = |item: &str| -> rust_decimal::Decimal {
        other
            .lines
            .iter()
            .filter(|o| o.category == cat && o.item == item)
            .map(|o| o.amount_usd)
            .sum()
    };
    let differs = |l: &&crate::billing::BillLine| {
        l.category == cat && l.amount_usd > same_item_usd(&l.item) + rust_decimal::Decimal::new(1, 2)
    };
    let any_differs = owner.bill.lines.iter().any(|l| differs(&l));
    let mut items: Vec<String> = owner
        .bill
        .lines
        .iter()
        // (when no single line differs, as when only a shared allowance does, all of them)
        .filter(|l| {
            if any_differs {
                differs(l)
            } else {
                l.category == cat && l.amount_usd > rust_decimal::Decimal::ZERO
            }
        })
        .map(|l| {
            // "Data transfer out" reads "data transfer out" mid-sentence; "NAT gateway" stays
            let mut c = l.item.chars();
            match (c.next(), c.next()) {
                (Some(a), Some(b)) if b.is_lowercase() => format!("{}{}", a.to_lowercase(), &l.item[a.len_utf8()..]),
                _ => l.item.clone(),
            }
        })
        .collect();
    items.dedup();
    items.truncate(3);
    let lines = format!(
        "{}'s {} lines ({}: {} {period} more than {}'s)",
        owner.name,
        cat.label(),
        items.join(", "),
        money(diff),
        bills[1 - who].name
    );
    let below = &c.cheaper_below;
    let text = match x0 {
        Some(x0) if c.x > x0 => format!(
            "The rest of the bill moves this break-even: with {lines}, {below} stays cheaper up to {}x today's traffic instead of {}x on compute alone",
            scale_text(c.x),
            scale_text(x0)
        ),
        Some(x0) => format!(
            "The rest of the bill moves this break-even: with {lines}, {below} is cheaper only up to {}x today's traffic instead of {}x on compute alone",
            scale_text(c.x),
            scale_text(x0)
        ),
        None => format!(
            "The rest of the bill makes this break-even: on compute alone {} and {} do not cross between {:.3}x and {:.0}x today's traffic; {lines} do",
            c.between[0],
            c.between[1],
            sweep.points.first().map(|p| p.x).unwrap_or(0.0),
            sweep.points.last().map(|p| p.x).unwrap_or(0.0)
        ),
    };
    Some(Reason {
        text,
        metric: "compute_only_crossover_scale".into(),
        value: x0.unwrap_or(f64::INFINITY),
    })
}

fn shortfall_reason(name: &str, sf: &Shortfall) -> Reason {
    let text = match *sf {
        Shortfall::Failed { share } => format!(
            "{name}: {:.2} % of requests run past its execution-time limit and fail",
            share * 100.0
        ),
        Shortfall::Payload { kb } => {
            format!("{name}: payloads of {kb:.0} KB exceed Lambda's 6 MB synchronous limit")
        }
        Shortfall::Rejected { share } => format!(
            "{name}: {:.2} % of requests are throttled or dropped (concurrency, scaling or capacity limits)",
            share * 100.0
        ),
        Shortfall::OverSlo { share, slo_ms } => format!(
            "{name}: {:.1} % of requests are slower than the {slo_ms:.0} ms objective",
            share * 100.0
        ),
    };
    Reason {
        text,
        metric: sf.metric().into(),
        value: sf.value(),
    }
}

/// The verdict for `result` (a run of `p`), using the traffic sweep for the outlook.
pub fn verdict(p: &Prepared, catalog: &Catalog, result: &SimResult, sweep: &Sweep) -> Result<Verdict, SimError> {
    let mut v = verdict_here(p, catalog, result, sweep)?;
    let b = super::buying::buying(p, catalog)?;
    v.reasons.extend(super::buying::reasons(&b));
    v.buying = Some(Box::new(b));
    Ok(v)
}

/// The verdict in the scenario's own regions and purchase options.
fn verdict_here(p: &Prepared, catalog: &Catalog, result: &SimResult, sweep: &Sweep) -> Result<Verdict, SimError> {
    if let Some(ap) = &p.app {
        return app_verdict(ap, catalog, result);
    }
    let s = &p.scenario;
    let plats = &result.platforms;
    let spec_of = |name: &str| p.specs.iter().find(|sp| sp.name() == name);
    let mut reasons = Vec::new();
    let t = &result.traffic;
    let period = period_phrase(result.horizon_s);
    reasons.push(Reason {
        text: if t.monthly_requests > 0.0 {
            format!(
                "Traffic: {} requests a month, {:.0} % of the time idle, peak {:.1}x the mean rate",
                requests_per_month(t.monthly_requests),
                t.idle_share * 100.0 + 0.0,
                t.peak_to_mean
            )
        } else {
            format!("Traffic: no requests {period}, so every platform costs only its fixed charges")
        },
        metric: "peak_to_mean".into(),
        value: t.peak_to_mean,
    });

    let mut good: Vec<&PlatformResult> = Vec::new();
    for pl in plats {
        match spec_of(&pl.name).and_then(|sp| shortfall(sp, &Coping::of_result(pl), s)) {
            Some(sf) => reasons.push(shortfall_reason(&pl.name, &sf)),
            None => good.push(pl),
        }
    }
    let pool: Vec<&PlatformResult> = if good.is_empty() {
        plats.iter().collect()
    } else {
        good.clone()
    };
    let Some(winner) = pool.iter().min_by(|a, b| a.total_usd.total_cmp(&b.total_usd)).copied() else {
        return Err(SimError::Spec("the scenario has no enabled platform to compare".into()));
    };
    let is_fn = |pl: &PlatformResult| pl.kind == "function";
    let runner_up = pool
        .iter()
        .filter(|pl| is_fn(pl) != is_fn(winner))
        .min_by(|a, b| a.total_usd.total_cmp(&b.total_usd))
        .copied();
    if let Some(r) = runner_up {
        // no ratio to a free winner: "far less" (metric value 0, JSON has no infinity)
        let ratio = cost_ratio(r.total_usd, winner.total_usd);
        reasons.push(Reason {
            text: format!(
                "Today: {} costs {} {period}, {} {} at {}",
                winner.name,
                money(winner.total_usd),
                if !ratio.is_finite() {
                    "far less than".to_string()
                } else if ratio < 1.05 {
                    "about the same as".to_string()
                } else {
                    format!("{ratio:.1}x less than")
                },
                r.name,
                money(r.total_usd)
            ),
            metric: "cost_ratio_today".into(),
            value: if ratio.is_finite() { ratio } else { 0.0 },
        });
        let (wi, ri) = (
            sweep.platforms.iter().position(|n| *n == winner.name),
            sweep.platforms.iter().position(|n| *n == r.name),
        );
        if let (Some(wi), Some(ri)) = (wi, ri)
            && let (Some(w10), Some(r10)) = (sweep.cost_at(wi, 10.0), sweep.cost_at(ri, 10.0))
        {
            let ratio10 = cost_ratio(r10, w10);
            // a cost at 10x means little for a platform that no longer copes there
            let caveats: Vec<String> = [(wi, &winner.name), (ri, &r.name)]
                .iter()
                .filter_map(|(i, n)| sweep.shortfall_at(*i, 10.0).map(|sf| format!("{n} {}", sf.phrase())))
                .collect();
            reasons.push(Reason {
                text: format!(
                    "At 10x today's traffic: {} {} vs {} {} ({}){}",
                    winner.name,
                    money(w10),
                    r.name,
                    money(r10),
                    if !ratio10.is_finite() {
                        "still far cheaper".to_string()
                    } else if (ratio10 - 1.0).abs() < 0.05 {
                        "about the same".to_string()
                    } else if ratio10 >= 1.0 {
                        format!("still {ratio10:.1}x cheaper")
                    } else if ratio10 > 0.0 {
                        format!("{:.1}x dearer", 1.0 / ratio10)
                    } else {
                        "far dearer".to_string()
                    },
                    if caveats.is_empty() {
                        String::new()
                    } else {
                        format!(", but {} there", caveats.join(" and "))
                    }
                ),
                metric: "cost_ratio_10x".into(),
                value: if ratio10.is_finite() { ratio10 } else { 0.0 },
            });
        }
    }
    // distance to the nearest break-even involving the winner, with a platform that copes
    // there; a nearer crossing with one that does not is named as what it is
    let distance = |c: &&super::Crossover| c.x.ln().abs();
    let with_winner = || sweep.crossovers.iter().filter(|c| c.between.contains(&winner.name));
    let nearest = with_winner()
        .filter(|c| c.good_enough)
        .min_by(|a, b| distance(a).total_cmp(&distance(b)));
    let hollow = with_winner()
        .filter(|c| !c.good_enough && nearest.is_none_or(|n| distance(c) < distance(&n)))
        .min_by(|a, b| distance(a).total_cmp(&distance(b)))
        .map(|c| {
            let other = if c.between[0] == winner.name {
                &c.between[1]
            } else {
                &c.between[0]
            };
            format!(
                "{other} is cheaper {} {}x today's traffic, but {}",
                if c.cheaper_below == *other { "below" } else { "above" },
                scale_text(c.x),
                c.caveat_for(other).unwrap_or_default()
            )
        });
    if let Some(c) = nearest {
        let other = if c.between[0] == winner.name {
            &c.between[1]
        } else {
            &c.between[0]
        };
        let factor = if c.x >= 1.0 { c.x } else { 1.0 / c.x };
        // "shrinks 1.0x" says nothing: within 5 % it is today's traffic
        let when = if factor < 1.05 {
            format!("at about today's traffic ({:.2}x)", c.x)
        } else if c.x >= 1.0 {
            format!("if traffic grows {factor:.1}x")
        } else {
            format!("if traffic shrinks {factor:.1}x")
        };
        reasons.push(Reason {
            text: format!(
                "Break-even with {other} {when}: {} requests a month ({:.2} req/s), {} {period}{}",
                requests_per_month(c.monthly_requests),
                c.mean_rps,
                money(c.cost_usd),
                hollow.map(|h| format!(" (nearer, {h})")).unwrap_or_default()
            ),
            metric: "nearest_crossover_scale".into(),
            value: c.x,
        });
        if let Some(r) = hidden_cost_reason(sweep, c, plats, &period) {
            reasons.push(r);
        }
    } else if sweep.axis == super::Axis::TrafficScale || hollow.is_some() {
        reasons.push(Reason {
            text: format!(
                "No break-even with another platform {}between {:.3}x and {:.0}x today's traffic{}",
                if hollow.is_some() { "that copes " } else { "" },
                sweep.points.first().map(|p| p.x).unwrap_or(0.0),
                sweep.points.last().map(|p| p.x).unwrap_or(0.0),
                hollow.map(|h| format!(": {h}")).unwrap_or_default()
            ),
            metric: "nearest_crossover_scale".into(),
            value: f64::INFINITY,
        });
    }
    // cold starts against the objective, for the best function platform
    if let Some(f) = pool
        .iter()
        .filter(|pl| is_fn(pl) && pl.served > 0)
        .min_by(|a, b| a.total_usd.total_cmp(&b.total_usd))
    {
        let over = f.latency_ms.over_slo.unwrap_or(0.0);
        reasons.push(Reason {
            text: match s.workload().latency_slo_ms {
                Some(slo) => format!(
                    "Cold starts: {:.3} % of {} requests; {:.2} % are slower than the {slo:.0} ms objective (p99 {:.0} ms)",
                    f.cold_start_rate * 100.0,
                    possessive(&f.name),
                    over * 100.0,
                    f.latency_ms.p99
                ),
                None => format!(
                    "Cold starts: {:.3} % of {} requests (p99 {:.0} ms)",
                    f.cold_start_rate * 100.0,
                    possessive(&f.name),
                    f.latency_ms.p99
                ),
            },
            metric: "cold_start_rate".into(),
            value: f.cold_start_rate,
        });
    }

    let mut recommendation = match winner.kind {
        "function" => Recommendation::Serverless,
        "vm" => Recommendation::Vms,
        _ => Recommendation::Containers,
    };
    let mut platform = winner.name.clone();
    let mut headline = format!(
        "{}: {} is the cheapest platform that is good enough, at {} {period}",
        recommendation.label(),
        winner.name,
        money(winner.total_usd)
    );
    // a fixed fleet for the base load plus functions for the peaks
    let mut hybrid = None;
    if recommendation != Recommendation::Serverless && t.peak_to_mean >= 3.0 {
        let best_fn = pool
            .iter()
            .filter(|pl| is_fn(pl))
            .min_by(|a, b| a.total_usd.total_cmp(&b.total_usd));
        let best_fleet = pool
            .iter()
            .filter(|pl| !is_fn(pl))
            .min_by(|a, b| a.total_usd.total_cmp(&b.total_usd));
        if let (Some(f), Some(a)) = (best_fn, best_fleet)
            && let (Some(fs), Some(as_)) = (spec_of(&f.name), spec_of(&a.name))
            && let Some(h) = hybrid_cost(p, catalog, fs, as_)?
            && h.cost_usd < 0.9 * winner.total_usd
        {
            reasons.push(Reason {
                text: format!(
                    "Hybrid: {} fixed {} replicas for the first {:.1} req/s plus {} for the peaks would cost {} ({:.0} % less)",
                    h.replicas,
                    h.fleet,
                    h.base_rps,
                    h.function,
                    money(h.cost_usd),
                    (1.0 - h.cost_usd / winner.total_usd) * 100.0
                ),
                metric: "hybrid_saving".into(),
                value: 1.0 - h.cost_usd / winner.total_usd,
            });
            recommendation = Recommendation::Hybrid;
            platform = format!("{} + {}", h.fleet, h.function);
            headline = format!(
                "Hybrid: a fixed {} fleet for the base load with {} for the peaks, about {} {period}",
                h.fleet,
                h.function,
                money(h.cost_usd)
            );
            hybrid = Some(h);
        }
    }
    if good.is_empty() {
        // nothing copes: say so first, and what the cheapest one fails at
        let why = spec_of(&winner.name)
            .and_then(|sp| shortfall(sp, &Coping::of_result(winner), s))
            .map(|sf| format!(", but it {}", sf.phrase()))
            .unwrap_or_default();
        headline = format!(
            "No platform is good enough: {} is the cheapest, at {} {period}{why} (see the reasons)",
            winner.name,
            money(winner.total_usd)
        );
    }
    Ok(Verdict {
        recommendation,
        platform,
        headline,
        reasons,
        hybrid,
        buying: None,
    })
}

/// An application's verdict: the cheapest good-enough placement, what it saves against the
/// cheapest single platform, what each workload costs there, and why the others fall short.
fn app_verdict(ap: &crate::sim::app::AppPrepared, catalog: &Catalog, result: &SimResult) -> Result<Verdict, SimError> {
    let period = period_phrase(result.horizon_s);
    let t = &result.traffic;
    let mut reasons = vec![Reason {
        text: format!(
            "Traffic: {} requests a month over {} workloads (triggered requests included), {:.0} % of the time idle, peak {:.1}x the mean rate",
            requests_per_month(t.monthly_requests),
            ap.scenario.workloads.len(),
            t.idle_share * 100.0 + 0.0,
            t.peak_to_mean
        ),
        metric: "peak_to_mean".into(),
        value: t.peak_to_mean,
    }];
    let all_on: Vec<&crate::sim::app::PlacementResult> = result
        .placements
        .iter()
        .filter(|p| p.name.starts_with("All on "))
        .collect();
    for pl in &all_on {
        if let Some(w) = pl.workloads.iter().find(|w| !w.good_enough)
            && let Some(sf) = &w.shortfall
        {
            reasons.push(Reason {
                text: format!("{}: not good enough, {} {}", pl.name, w.workload, sf.phrase()),
                metric: sf.metric().into(),
                value: sf.value(),
            });
        } else if let Some(q) = pl.pipelines.iter().find(|q| !q.good_enough) {
            reasons.push(Reason {
                text: format!(
                    "{}: not good enough, the {} pipeline is over its objective for {:.1} % of requests",
                    pl.name,
                    q.name,
                    q.over_slo_share.unwrap_or(0.0) * 100.0
                ),
                metric: "over_slo_share".into(),
                value: q.over_slo_share.unwrap_or(0.0),
            });
        }
    }
    let best = result
        .best_placement
        .as_ref()
        .and_then(|n| result.placements.iter().find(|p| &p.name == n));
    let Some(best) = best else {
        let cheapest = result
            .placements
            .iter()
            .min_by(|a, b| a.total_usd.total_cmp(&b.total_usd));
        let headline = match cheapest {
            Some(c) => format!(
                "No placement is good enough: {} is the cheapest, at {} {period} (see the reasons)",
                c.name,
                money(c.total_usd)
            ),
            None => {
                "No placement is good enough: no platform may run every workload, and no mix copes (see the reasons)"
                    .to_string()
            }
        };
        return Ok(Verdict {
            recommendation: Recommendation::Mixed,
            platform: cheapest.map(|c| c.name.clone()).unwrap_or_default(),
            headline,
            reasons,
            hybrid: None,
            buying: None,
        });
    };
    let kinds: Vec<&str> = best
        .platforms
        .iter()
        .map(|p| p.kind)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let recommendation = match kinds.as_slice() {
        ["function"] => Recommendation::Serverless,
        ["container"] => Recommendation::Containers,
        ["vm"] => Recommendation::Vms,
        _ => Recommendation::Mixed,
    };
    let single = all_on
        .iter()
        .filter(|p| p.good_enough && p.name != best.name)
        .min_by(|a, b| a.total_usd.total_cmp(&b.total_usd));
    let mut headline = format!(
        "{}: {}, at {} {period}",
        recommendation.label(),
        placement_words(best),
        money(best.total_usd)
    );
    if let Some(s1) = single {
        headline.push_str(&format!(
            ", {} less than {} ({})",
            money((s1.total_usd - best.total_usd).max(0.0)),
            s1.name.replacen("All on", "all on", 1),
            money(s1.total_usd)
        ));
        reasons.push(Reason {
            text: format!(
                "The cheapest single platform that copes: {} at {} {period}; this placement saves {:.0} %",
                s1.name,
                money(s1.total_usd),
                if s1.total_usd > 0.0 {
                    (1.0 - best.total_usd / s1.total_usd) * 100.0
                } else {
                    0.0
                }
            ),
            metric: "placement_saving".into(),
            value: if s1.total_usd > 0.0 {
                1.0 - best.total_usd / s1.total_usd
            } else {
                0.0
            },
        });
    }
    for w in &best.workloads {
        reasons.push(Reason {
            text: format!(
                "{} on {}: {} {period} (p99 {}{})",
                w.workload,
                w.platform,
                money(w.cost_usd),
                latency_text(w.latency_ms.p99),
                if w.cold_starts > 0 {
                    format!(", cold starts {:.3} %", w.cold_start_rate * 100.0)
                } else {
                    String::new()
                }
            ),
            metric: "workload_cost_usd".into(),
            value: w.cost_usd,
        });
    }
    // a workload the placement keeps off a fleet: what it would cost there on its own
    let cfg = crate::sim::run::RunCfg::of(&ap.scenario, crate::sim::bucket_s(result.horizon_s));
    for (wi, w) in best.workloads.iter().enumerate() {
        let on_fn = best
            .platforms
            .iter()
            .any(|p| p.name == w.platform && p.kind == "function");
        if !on_fn {
            continue;
        }
        if let Some((name, usd)) = crate::sim::app::search::cheapest_fleet_alone(ap, wi, cfg, catalog)?
            && usd > 2.0 * w.cost_usd
            && usd > 1.0
        {
            reasons.push(Reason {
                text: format!(
                    "{} alone would cost {} {period} on {}, a fleet kept up the whole time",
                    w.workload,
                    money(usd),
                    name
                ),
                metric: "alone_on_fleet_usd".into(),
                value: usd,
            });
        }
    }
    for q in &best.pipelines {
        reasons.push(Reason {
            text: match q.over_slo_share {
                Some(o) => format!(
                    "The {} pipeline end to end: p50 {}, p99 {}; {:.2} % over its objective",
                    q.name,
                    latency_text(q.latency_ms.p50),
                    latency_text(q.latency_ms.p99),
                    o * 100.0
                ),
                None => format!(
                    "The {} pipeline end to end: p50 {}, p99 {}",
                    q.name,
                    latency_text(q.latency_ms.p50),
                    latency_text(q.latency_ms.p99)
                ),
            },
            metric: "pipeline_p99_ms".into(),
            value: q.latency_ms.p99,
        });
    }
    Ok(Verdict {
        recommendation,
        platform: best.name.clone(),
        headline,
        reasons,
        hybrid: None,
        buying: None,
    })
}

/// A latency in the unit it reads best in: `414 ms`, `12.3 s`, `13.4 min`.
fn latency_text(ms: f64) -> String {
    if ms >= 60_000.0 {
        format!("{:.1} min", ms / 60_000.0)
    } else if ms >= 10_000.0 {
        format!("{:.1} s", ms / 1000.0)
    } else {
        format!("{ms:.0} ms")
    }
}

/// "api and report on Fargate, inventory and payment on Lambda".
fn placement_words(p: &crate::sim::app::PlacementResult) -> String {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for (w, pl) in &p.assignment {
        match groups.iter_mut().find(|g| &g.0 == pl) {
            Some(g) => g.1.push(w.clone()),
            None => groups.push((pl.clone(), vec![w.clone()])),
        }
    }
    if groups.len() == 1 {
        return format!("everything on {}", groups[0].0);
    }
    groups
        .iter()
        .map(|(pl, ws)| {
            let names = match ws.len() {
                1 => ws[0].clone(),
                _ => format!("{} and {}", ws[..ws.len() - 1].join(", "), ws[ws.len() - 1]),
            };
            format!("{names} on {pl}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Cost of a fixed fleet sized for the 75th-percentile rate plus functions for the excess.
fn hybrid_cost(p: &Prepared, catalog: &Catalog, f: &Spec, a: &Spec) -> Result<Option<HybridEstimate>, SimError> {
    let Spec::Fleet(fleet) = a else { return Ok(None) };
    // an application's mix is its placement, not one workload's base and peak
    if p.app.is_some() {
        return Ok(None);
    }
    let prof = &p.profile;
    let mut rates: Vec<(f64, f64)> = prof
        .rates
        .iter()
        .enumerate()
        .map(|(i, r)| (*r, prof.piece_len(i)))
        .collect();
    rates.sort_by(|x, y| x.0.total_cmp(&y.0));
    let total: f64 = rates.iter().map(|r| r.1).sum();
    let mut acc = 0.0;
    let mut base = 0.0;
    for (r, len) in &rates {
        acc += len;
        if acc >= 0.75 * total {
            base = *r;
            break;
        }
    }
    if base <= 0.0 {
        return Ok(None);
    }
    let mean_s = fleet.duration_dist.mean() * fleet.slowdown / 1000.0;
    let replicas = ((base * mean_s / (fleet.slots as f64 * fleet.target)).ceil() as u32).max(1);
    let mut fixed = fleet.clone();
    fixed.min = replicas;
    fixed.max = replicas;
    let base_prof = RateProfile {
        rates: prof.rates.iter().map(|r| r.min(base)).collect(),
        step_s: prof.step_s,
        horizon_s: prof.horizon_s,
    };
    let excess = RateProfile {
        rates: prof.rates.iter().map(|r| (r - base).max(0.0)).collect(),
        step_s: prof.step_s,
        horizon_s: prof.horizon_s,
    };
    let only = |spec: Spec| Prepared {
        scenario: p.scenario.clone(),
        profile: prof.clone(),
        specs: vec![spec],
        app: None,
    };
    let (Some(t_fleet), Some(t_fn)) = (
        fast_totals(&only(Spec::Fleet(fixed)), &base_prof, catalog)?
            .first()
            .copied(),
        fast_totals(&only(f.clone()), &excess, catalog)?.first().copied(),
    ) else {
        return Ok(None);
    };
    // a mix is only offered when both halves cope with their share
    if !(t_fleet.good_enough() && t_fn.good_enough()) {
        return Ok(None);
    }
    let (c_fleet, c_fn) = (t_fleet.cost_usd, t_fn.cost_usd);
    Ok(Some(HybridEstimate {
        fleet: a.name().to_string(),
        function: f.name().to_string(),
        replicas,
        base_rps: base,
        cost_usd: c_fleet + c_fn,
    }))
}

#[cfg(test)]
mod tests {
    use super::period_phrase;

    #[test]
    fn costs_are_named_for_the_simulated_period() {
        assert_eq!(period_phrase(30.0 * 86_400.0), "a month");
        assert_eq!(period_phrase(2.0 * 86_400.0), "for the 2-day period");
        assert_eq!(period_phrase(7.5 * 86_400.0), "for the 7.5-day period");
        assert_eq!(period_phrase(6.0 * 3_600.0), "for the 6-hour period");
        assert_eq!(period_phrase(3_600.0), "for the 1-hour period");
        assert_eq!(period_phrase(300.0), "for the 5-minute period");
    }
}
