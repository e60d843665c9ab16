//! Exact decimals for prices written as plain numbers in RON.
//!
//! A price like `0.0000166667` must reach the bill exactly. RON hands serde an `f64`;
//! Rust prints an `f64` as the shortest decimal that reads back to the same bits, which
//! for every literal of up to 15 significant digits is the literal as written. Parsing
//! that text as a `Decimal` therefore recovers the written value exactly.

use rust_decimal::Decimal;
use serde::de::{self, Visitor};
use serde::{Deserializer, Serializer};
use std::fmt;
use std::str::FromStr;

pub fn from_f64_exact(x: f64) -> Option<Decimal> {
    if !x.is_finite() {
        return None;
    }
    Decimal::from_str(&format!("{x}")).ok()
}

pub fn serialize<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    use rust_decimal::prelude::ToPrimitive;
    s.serialize_f64(d.to_f64().unwrap_or(0.0))
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    d.deserialize_any(DecimalVisitor)
}

struct DecimalVisitor;

impl Visitor<'_> for DecimalVisitor {
    type Value = Decimal;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a finite decimal number")
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
        from_f64_exact(v).ok_or_else(|| {
            E::custom(format!(
                "`{}` is not a finite decimal number of at most 28 digits",
                crate::model::validate::fmt(v)
            ))
        })
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }
    // (RON reads a whole number too large for 64 bits as 128: `from_i128_with_scale`
    // panics beyond 96 bits, and without `visit_u128` serde said "found integer as u128")
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Decimal, E> {
        Decimal::try_from_i128_with_scale(v, 0).map_err(|_| too_large(v))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Decimal, E> {
        i128::try_from(v)
            .ok()
            .and_then(|i| Decimal::try_from_i128_with_scale(i, 0).ok())
            .ok_or_else(|| too_large(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
        Decimal::from_str(v.trim()).map_err(|_| E::custom(format!("`{v}` is not a decimal number")))
    }
}

fn too_large<E: de::Error>(v: impl fmt::Display) -> E {
    E::custom(format!("`{v}` is not a finite decimal number of at most 28 digits"))
}

/// The same for `Option<Decimal>` (tier bounds: `None` means "and above").
pub mod option {
    use super::*;
    use serde::Deserialize;

    pub fn serialize<S: Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_some(&Wrap(*d)),
            None => s.serialize_none(),
        }
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        Ok(Option::<Wrap>::deserialize(d)?.map(|w| w.0))
    }

    struct Wrap(Decimal);
    impl serde::Serialize for Wrap {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            super::serialize(&self.0, s)
        }
    }
    impl<'de> serde::Deserialize<'de> for Wrap {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            super::deserialize(d).map(Wrap)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_are_recovered_exactly() {
        for s in [
            "0.0000166667",
            "0.0000000309",
            "0.000011244",
            "0.0104",
            "1.51",
            "0.0000002",
        ] {
            let x: f64 = s.parse().unwrap();
            assert_eq!(from_f64_exact(x).unwrap(), Decimal::from_str(s).unwrap(), "{s}");
        }
        assert!(from_f64_exact(f64::NAN).is_none());
    }

    #[derive(serde::Deserialize, Debug)]
    struct Price(#[serde(with = "super")] Decimal);

    #[test]
    fn whole_numbers_of_any_size_are_read_or_refused_by_their_digits() {
        let read = |s: &str| {
            ron::from_str::<Price>(&format!("({s})"))
                .map(|p| p.0)
                .map_err(|e| e.to_string())
        };
        assert_eq!(read("1000000000"), Ok(Decimal::from(1_000_000_000)));
        assert_eq!(read("-5"), Ok(Decimal::from(-5)));
        let big = "79228162514264337593543950335"; // the largest 96-bit number
        assert_eq!(read(big).unwrap().to_string(), big);
        for huge in [
            "79228162514264337593543950336",
            "100000000000000000000000000000000000",
            "-100000000000000000000000000000000000",
        ] {
            let e = read(huge).unwrap_err();
            assert!(
                e.contains(&format!("`{huge}` is not a finite decimal number of at most 28 digits")),
                "{e}"
            );
        }
    }
}
