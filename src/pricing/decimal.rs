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
    shortest_digits(x).or_else(|| from_display(x))
}

/// What `from_f64_exact` means: the `Decimal` of Rust's own shortest text of `x`.
fn from_display(x: f64) -> Option<Decimal> {
    Decimal::from_str(&format!("{x}")).ok()
}

/// The same `Decimal` as `from_display`, from Ryu's shortest digits (the same digits:
/// both print the shortest text that reads back to `x`, the closest where several do)
/// without formatting and parsing a string: bills convert thousands of simulated
/// quantities (a burstable instance's CPU use per stretch) in every run of a sweep or a
/// Monte Carlo. None for what this does not cover (zero, a scale beyond 28 digits, more
/// than 28 digits): the caller takes the text route, so every value comes out the same.
fn shortest_digits(x: f64) -> Option<Decimal> {
    if x == 0.0 {
        return None;
    }
    // x = m 2^e2 with m odd: its exact decimal expansion has -e2 digits after the point
    let bits = x.to_bits();
    let field = ((bits >> 52) & 0x7ff) as i32;
    if field == 0 {
        return None; // subnormal
    }
    let m = (bits & ((1 << 52) - 1)) | (1 << 52);
    let e2 = field - 1075 + m.trailing_zeros() as i32;
    if e2 >= 0 && x.abs() >= 9_007_199_254_740_992.0 {
        return None; // a whole number beyond 2^53: its shortest text may round a tie
    }
    let mut buf = ryu::Buffer::new();
    let text = buf.format_finite(x);
    let (digits, exp) = match text.split_once('e') {
        Some((d, e)) => (d, e.parse::<i32>().ok()?),
        None => (text, 0),
    };
    let mut mantissa: u64 = 0;
    let mut frac: i32 = 0;
    let mut after_dot = false;
    for b in digits.bytes() {
        match b {
            b'0'..=b'9' => {
                mantissa = mantissa.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
                frac += i32::from(after_dot);
            }
            b'.' => after_dot = true,
            b'-' => {}
            _ => return None,
        }
    }
    // Rust's text has no trailing zeros after the point ("100", not "100.0")
    let mut scale = frac - exp;
    while mantissa.is_multiple_of(10) {
        mantissa /= 10;
        scale -= 1;
    }
    // When x lies exactly halfway between two shortest candidates (its expansion ends
    // in a 5 one digit past them), Ryu rounds the tie to even and Rust up: leave it to
    // the text route
    if e2 < 0 && -e2 == scale + 1 {
        return None;
    }
    let mut m = i128::from(mantissa);
    if scale < 0 {
        m = m.checked_mul(10i128.checked_pow(scale.unsigned_abs())?)?;
        scale = 0;
    }
    if scale > 28 {
        return None;
    }
    if x < 0.0 {
        m = -m;
    }
    Decimal::try_from_i128_with_scale(m, scale as u32).ok()
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

    /// The fast route gives what the text route gives, scale and all, over every kind of
    /// value a bill converts (and far beyond).
    #[test]
    fn shortest_digits_agree_with_the_text_route() {
        let mut rng = crate::sim::rng::Rng::new(11, 3);
        let check = |x: f64| {
            let fast = shortest_digits(x);
            let text = from_display(x);
            if let Some(f) = fast {
                let t = text.unwrap_or_else(|| panic!("{x:e}: the text route failed, the fast one gave {f}"));
                assert_eq!(f.serialize(), t.serialize(), "{x:e}: {f} vs {t}");
            }
            assert_eq!(
                from_f64_exact(x).map(|d| d.serialize()),
                text.map(|d| d.serialize()),
                "{x:e}"
            );
        };
        for _ in 0..200_000 {
            // random bits over the whole range, and numbers as bills have them
            check(f64::from_bits(rng.next_u64()));
            let e = (rng.u01() * 40.0 - 20.0).floor();
            check((rng.u01() - 0.3) * 10f64.powf(e));
            let cents = (rng.u01() * 1e9).round();
            check(cents / 100.0);
            check(cents / 1e6);
        }
        for x in [
            0.0,
            -0.0,
            1.0,
            -1.0,
            100.0,
            1e15,
            1e16,
            1e17,
            1e21,
            1e22,
            1e28,
            7.9e28,
            8e28,
            1e29,
            1e-28,
            1e-29,
            1e-30,
            0.1,
            0.3,
            2.5e-7,
            123456789.125,
            5e-324,
            260_989_553_517_312.0 + 0.625,
            0.125,
            2.5,
            1e23,
            f64::MAX,
            f64::MIN_POSITIVE,
            9007199254740993.0,
        ] {
            check(x);
            check(-x);
        }
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
