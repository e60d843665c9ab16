//! Exchange rates: every figure is priced in US dollars (the catalog's currency) and can be
//! shown in another from a dated table of reference rates. The table is the European
//! Central Bank's, kept as published (units of each currency per euro), so that it can be
//! checked against the source line by line; rates per US dollar follow by division.

use super::{Status, decimal};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A dated table of reference rates, as the source publishes them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExchangeRates {
    /// The day the rates are for.
    pub date: chrono::NaiveDate,
    pub source: String,
    pub status: Status,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// Units of each currency per one euro (USD among them).
    pub per_eur: Vec<EurRate>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EurRate {
    pub code: String,
    #[serde(with = "decimal")]
    pub rate: Decimal,
}

/// A currency to show figures in: units of it per US dollar, and where that came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Fx {
    pub code: String,
    pub per_usd: Decimal,
    /// The rate's date, or `given` when the user set the rate.
    pub date: String,
    pub source: String,
}

/// Highest rate accepted, units per euro or per US dollar (the Indonesian rupiah is about
/// 20,000 per euro).
pub const MAX_RATE: i64 = 10_000_000;
/// Lowest rate accepted, units per euro or per US dollar (the Kuwaiti dinar, the dearest
/// unit, is about 0.3 per dollar): below it amounts round to nothing, and a rate of
/// 1e-300 showed every bill as 0.00.
pub const MIN_RATE: Decimal = Decimal::from_parts(1, 0, 0, false, 4); // 0.0001

/// Whether a rate (units per euro or per US dollar) is one the program accepts: the one
/// check of tables, their ratios per dollar and `--exchange-rate`.
pub fn rate_in_range(rate: Decimal) -> bool {
    rate >= MIN_RATE && rate <= Decimal::from(MAX_RATE)
}

impl Fx {
    pub fn usd() -> Fx {
        Fx {
            code: "USD".into(),
            per_usd: Decimal::ONE,
            date: String::new(),
            source: String::new(),
        }
    }

    /// Decimals an amount is shown with (none for the yen, as it is billed).
    pub fn decimals(&self) -> u32 {
        match self.code.as_str() {
            "JPY" | "KRW" | "ISK" | "IDR" => 0,
            _ => 2,
        }
    }

    /// An amount in US dollars converted and rounded half-up to the currency's unit.
    pub fn amount(&self, usd: Decimal) -> Decimal {
        // checked: an amount near Decimal's limit saturates rather than panics
        usd.checked_mul(self.per_usd)
            .unwrap_or(if usd.is_sign_negative() {
                Decimal::MIN
            } else {
                Decimal::MAX
            })
            .round_dp_with_strategy(self.decimals(), rust_decimal::RoundingStrategy::MidpointAwayFromZero)
    }

    /// A rate in US dollars per unit converted, unrounded (unit prices keep their digits).
    pub fn rate(&self, usd: Decimal) -> Decimal {
        usd.checked_mul(self.per_usd)
            .unwrap_or(if usd.is_sign_negative() {
                Decimal::MIN
            } else {
                Decimal::MAX
            })
            .round_dp(12)
            .normalize()
    }

    /// "€", "£", "¥" or the code and a space.
    pub fn symbol(&self) -> String {
        match self.code.as_str() {
            "USD" => "$".into(),
            "EUR" => "€".into(),
            "GBP" => "£".into(),
            "JPY" => "¥".into(),
            "INR" => "₹".into(),
            c => format!("{c} "),
        }
    }
}

impl ExchangeRates {
    /// Units of `code` per US dollar from the table: per-euro rate / USD's per-euro rate.
    pub fn fx(&self, code: &str) -> Result<Fx, String> {
        let code = code.trim().to_ascii_uppercase();
        let find = |c: &str| self.per_eur.iter().find(|r| r.code == c).map(|r| r.rate);
        let usd = find("USD").ok_or("the exchange-rate table has no USD rate")?;
        let per_eur = if code == "EUR" {
            Decimal::ONE
        } else {
            find(&code).ok_or_else(|| {
                let mut known: Vec<&str> = self.per_eur.iter().map(|r| r.code.as_str()).collect();
                known.push("EUR");
                known.sort_unstable();
                format!(
                    "no exchange rate for `{code}`; the table of {} has: {}",
                    self.date,
                    known.join(", ")
                )
            })?
        };
        if usd <= Decimal::ZERO {
            return Err("the exchange-rate table's USD rate is not positive".into());
        }
        let per_usd = (per_eur / usd).round_dp(10);
        if !rate_in_range(per_usd) {
            return Err(format!(
                "the exchange-rate table of {} gives {per_usd} {code} per US dollar ({per_eur} per euro \
                 over USD's {usd}): a rate per dollar is from {MIN_RATE} up to {MAX_RATE}",
                self.date
            ));
        }
        Ok(Fx {
            per_usd,
            code,
            date: self.date.to_string(),
            source: self.source.clone(),
        })
    }

    /// Problems with the table (codes, ranges), as field paths and messages.
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (i, r) in self.per_eur.iter().enumerate() {
            let path = format!("exchange_rates.per_eur[{i}]");
            if r.code.len() != 3 || !r.code.chars().all(|c| c.is_ascii_uppercase()) {
                out.push((
                    format!("{path}.code"),
                    format!("`{}` is not a three-letter ISO 4217 code", r.code),
                ));
            } else if r.code == "EUR" {
                // (the rates are per euro: a row for the euro would be ignored, or, unless
                // it is 1, contradict every other row)
                out.push((
                    format!("{path}.code"),
                    "the rates are units per euro, so the euro has no row of its own (it is 1 by definition): remove this row".into(),
                ));
            } else if !seen.insert(r.code.clone()) {
                out.push((format!("{path}.code"), format!("`{}` is listed twice", r.code)));
            }
            if !rate_in_range(r.rate) {
                out.push((
                    format!("{path}.rate"),
                    format!("{} per euro: allowed from {MIN_RATE} up to {MAX_RATE}", r.rate),
                ));
            }
        }
        if !self.per_eur.iter().any(|r| r.code == "USD") {
            out.push((
                "exchange_rates.per_eur".into(),
                "the table needs USD's rate (figures are priced in US dollars)".into(),
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn table() -> ExchangeRates {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        ExchangeRates {
            date: chrono::NaiveDate::from_ymd_opt(2026, 10, 2).unwrap(),
            source: "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml".into(),
            status: Status::Secondary,
            note: String::new(),
            per_eur: vec![
                EurRate {
                    code: "USD".into(),
                    rate: d("1.1225"),
                },
                EurRate {
                    code: "JPY".into(),
                    rate: d("176.99"),
                },
                EurRate {
                    code: "GBP".into(),
                    rate: d("0.85033"),
                },
            ],
        }
    }

    #[test]
    fn rates_per_dollar_are_the_per_euro_rates_divided_by_the_dollars() {
        let t = table();
        assert_eq!(t.fx("EUR").unwrap().per_usd.to_string(), "0.8908685969"); // 1 / 1.1225
        assert_eq!(t.fx("jpy").unwrap().per_usd.to_string(), "157.6748329621"); // 176.99 / 1.1225
        assert_eq!(t.fx("USD").unwrap().per_usd, Decimal::ONE);
        let gbp = t.fx("GBP").unwrap();
        assert_eq!(gbp.amount(Decimal::from(100)).to_string(), "75.75"); // 100 x 0.757532...
        assert_eq!(
            t.fx("JPY")
                .unwrap()
                .amount(Decimal::from_str("9.60").unwrap())
                .to_string(),
            "1514"
        );
        let e = t.fx("XYZ").unwrap_err();
        assert!(
            e.contains("no exchange rate for `XYZ`") && e.contains("EUR, GBP, JPY, USD"),
            "{e}"
        );
        assert!(t.problems().is_empty());
    }

    #[test]
    fn a_row_for_the_euro_is_refused() {
        let mut t = table();
        t.per_eur.push(EurRate {
            code: "EUR".into(),
            rate: Decimal::from(2),
        });
        let p = t.problems();
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].0, format!("exchange_rates.per_eur[{}].code", t.per_eur.len() - 1));
        assert!(p[0].1.contains("1 by definition"), "{p:?}");
    }

    #[test]
    fn rates_too_small_or_too_large_to_show_an_amount_are_refused() {
        let mut t = table();
        t.per_eur[2].rate = Decimal::from_str("0.00000001").unwrap();
        let p = t.problems();
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].0, "exchange_rates.per_eur[2].rate");
        assert!(p[0].1.contains("allowed from 0.0001 up to 10000000"), "{p:?}");
        // each rate in range, their ratio per dollar not
        let mut t = table();
        t.per_eur[0].rate = Decimal::from(9_000_000);
        t.per_eur[2].rate = Decimal::from_str("0.5").unwrap();
        assert!(t.problems().is_empty());
        let e = t.fx("GBP").unwrap_err();
        assert!(e.contains("GBP per US dollar") && e.contains("from 0.0001"), "{e}");
        assert!(rate_in_range(Decimal::new(1, 4)) && !rate_in_range(Decimal::new(99, 6)));
    }
}
