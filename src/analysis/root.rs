//! Where two cost curves cross, found with as few simulations as the tolerance allows.
//!
//! Every evaluation is a simulation (milliseconds), so the count matters more than the
//! arithmetic: bisection from a grid bracket to 0.5 % takes five, while the curves near a
//! crossing are nearly straight in log-log, so probing just either side of the
//! false-position estimate usually closes the bracket in two.

/// One end of a bracket: where (x > 0), the difference of the two curves there, and what
/// the evaluation returned besides (None for an end the caller supplied).
#[derive(Clone, Copy, Debug)]
pub(crate) struct End<T> {
    pub x: f64,
    pub d: f64,
    pub at: Option<T>,
}

/// Narrows [lo, hi] around a change of sign of `d` until hi / lo - 1 <= tol. `lo` has
/// the sign `sign_below` (a difference within `tie` of zero counts as above the
/// crossing). `probe(x)` evaluates the difference at x: the log of the ratio of two
/// costs is nearly straight in log x, so its false-position estimate is close. Each
/// round probes 0.45 tol either side of that estimate; an estimate near an end of the
/// bracket, or a round that did not halve it, is followed by a bisection step, so a
/// kinked curve costs at most about twice bisection's evaluations.
pub(crate) fn narrow<T: Copy, E>(
    mut probe: impl FnMut(f64) -> Result<(f64, T), E>,
    sign_below: f64,
    tie: f64,
    tol: f64,
    lo: &mut End<T>,
    hi: &mut End<T>,
) -> Result<(), E> {
    let half = 0.45 * tol.ln_1p();
    let mut eval = |u: f64| -> Result<End<T>, E> {
        let x = u.exp();
        let (d, at) = probe(x)?;
        Ok(End { x, d, at: Some(at) })
    };
    let below = |e: &End<T>| e.d.abs() > tie && e.d.signum() == sign_below;
    let mut bisect = false;
    for _ in 0..60 {
        let width = (hi.x / lo.x).ln();
        // (a NaN width, from a hostile bound, stops too)
        if width.is_nan() || width <= tol.ln_1p() {
            break;
        }
        let (ul, uh) = (lo.x.ln(), hi.x.ln());
        let f = if (lo.d - hi.d).abs() > 0.0 {
            (lo.d / (lo.d - hi.d)).clamp(0.0, 1.0)
        } else {
            0.5
        };
        // an estimate at the bracket's edge means a kink (a free tier running out, a
        // capacity step), where only bisection is sure to gain
        if bisect || width < 4.0 * half || !(0.1..=0.9).contains(&f) {
            let e = eval(0.5 * (ul + uh))?;
            if below(&e) {
                *lo = e;
            } else {
                *hi = e;
            }
            bisect = false;
            continue;
        }
        let u = (ul + f * (uh - ul)).clamp(ul + half, uh - half);
        let e1 = eval(u - half)?;
        if !below(&e1) {
            *hi = e1;
        } else {
            *lo = e1;
            let e2 = eval(u + half)?;
            if below(&e2) {
                *lo = e2;
            } else {
                *hi = e2;
            }
        }
        bisect = (hi.x / lo.x).ln() > 0.5 * width;
    }
    Ok(())
}

/// How two costs compare, for `narrow`: the log of their ratio where both cost something
/// (nearly straight in log x near a crossing, so the estimates are close), else their
/// difference. Its sign is that of a - b.
pub(crate) fn log_ratio(a: f64, b: f64) -> f64 {
    if a > 0.0 && b > 0.0 { (a / b).ln() } else { a - b }
}

/// The zero of the line through the bracket's ends, in log x.
pub(crate) fn zero_in<T>(lo: &End<T>, hi: &End<T>) -> f64 {
    let f = if (lo.d - hi.d).abs() > 0.0 {
        (lo.d / (lo.d - hi.d)).clamp(0.0, 1.0)
    } else {
        0.5
    };
    (lo.x.ln() + f * (hi.x.ln() - lo.x.ln())).exp()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn solve(d: impl Fn(f64) -> f64, lo: f64, hi: f64, tol: f64) -> (f64, f64, usize) {
        let mut n = 0;
        let sign = d(lo).signum();
        let mut a = End {
            x: lo,
            d: d(lo),
            at: None,
        };
        let mut b = End {
            x: hi,
            d: d(hi),
            at: None,
        };
        narrow::<(), ()>(
            |x| {
                n += 1;
                Ok((d(x), ()))
            },
            sign,
            0.0,
            tol,
            &mut a,
            &mut b,
        )
        .unwrap();
        (a.x, b.x, n)
    }

    #[test]
    fn straight_lines_in_log_log_close_in_two_probes() {
        // a power law against a flat price, as the log of their ratio: 3 x^1.2 = 50 at
        // x = (50 / 3)^(1 / 1.2)
        let root = (50.0f64 / 3.0).powf(1.0 / 1.2);
        let (lo, hi, n) = solve(|x| (3.0 * x.powf(1.2) / 50.0).ln(), root / 1.15, root * 1.15, 0.005);
        assert!(lo < root && root < hi && hi / lo - 1.0 <= 0.005, "{lo} {hi}");
        assert!(n <= 3, "{n} probes");
    }

    #[test]
    fn a_kinked_curve_still_converges_within_bisections_bound() {
        // flat until a free tier runs out at 2.0, then steep: the estimate is poor
        let d = |x: f64| if x < 2.0 { -1.0 } else { 40.0 * (x - 2.0) - 1.0 };
        let root = 2.0 + 1.0 / 40.0;
        let (lo, hi, n) = solve(d, 0.01, 100.0, 0.005);
        assert!(lo < root && root < hi && hi / lo - 1.0 <= 0.005, "{lo} {hi}");
        // bisection from a factor of 10,000 to 0.5 % takes 11 evaluations
        assert!(n <= 22, "{n} probes");
    }

    #[test]
    fn the_zero_is_interpolated_in_log_x() {
        let lo = End {
            x: 1.0,
            d: -1.0,
            at: None::<()>,
        };
        let hi = End {
            x: 4.0,
            d: 1.0,
            at: None,
        };
        assert!((zero_in(&lo, &hi) - 2.0).abs() < 1e-12);
    }
}
