//! The random generator and samplers, pinned here so that a seed reproduces across crate
//! updates: PCG64 MCG (O'Neill's 128-bit multiplicative congruential generator with the
//! XSL-RR output, the same stream as `rand_pcg::Pcg64Mcg`), and samplers written out
//! rather than borrowed, since a library may change its sampling algorithm.

use crate::model::Dist;

const MULTIPLIER: u128 = 0x2360_ED05_1FC6_5DA4_4385_DF64_9FCC_F645;

#[derive(Clone)]
pub struct Rng {
    state: u128,
    /// Second value of a polar-method pair, kept for the next call.
    spare_normal: Option<f64>,
    zig: &'static Zig,
    zig_exp: &'static ZigExp,
}

impl std::fmt::Debug for Rng {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rng").finish_non_exhaustive()
    }
}

impl Rng {
    /// Seeds from a 64-bit seed and a stream id (one stream per platform, so adding a
    /// platform does not change the others' numbers). Uses SplitMix64 to spread the bits.
    pub fn new(seed: u64, stream: u64) -> Rng {
        let mut sm = seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let mut next = || {
            sm = sm.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = sm;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        let hi = next() as u128;
        let lo = next() as u128;
        Rng::from_state((hi << 64) | lo)
    }

    /// The raw PCG64 MCG state (the low bit is forced to 1, as the generator requires).
    pub fn from_state(state: u128) -> Rng {
        Rng {
            state: state | 1,
            spare_normal: None,
            zig: zig(),
            zig_exp: zig_exp(),
        }
    }

    #[inline(always)]
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_mul(MULTIPLIER);
        let s = self.state;
        let rot = (s >> 122) as u32;
        let xsl = ((s >> 64) as u64) ^ (s as u64);
        xsl.rotate_right(rot)
    }

    /// Uniform in (0, 1]: never 0, so `ln` is always finite.
    #[inline(always)]
    pub fn u01(&mut self) -> f64 {
        ((self.next_u64() >> 11) + 1) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Exponential with mean 1: the ziggurat method (Marsaglia and Tsang 2000, 256
    /// layers), a logarithm only in the rare tail and wedge cases. The common case is
    /// inlined; the rest continues in `exp1_slow` with the same draw.
    #[inline(always)]
    pub fn exp1(&mut self) -> f64 {
        let z = self.zig_exp;
        let bits = self.next_u64();
        let i = (bits & 0xff) as usize;
        let u = ((bits >> 11) as f64) * (1.0 / (1u64 << 53) as f64);
        if u < z.r[i] {
            return u * z.x[i];
        }
        self.exp1_slow(bits)
    }

    #[cold]
    #[inline(never)]
    fn exp1_slow(&mut self, mut bits: u64) -> f64 {
        let z = self.zig_exp;
        loop {
            let i = (bits & 0xff) as usize;
            let u = ((bits >> 11) as f64) * (1.0 / (1u64 << 53) as f64);
            if u < z.r[i] {
                return u * z.x[i];
            }
            if i == 0 {
                return EXP_R - self.u01().ln();
            }
            let x = u * z.x[i];
            let f0 = (-z.x[i]).exp();
            let f1 = (-z.x[i + 1]).exp();
            if f1 + self.u01() * (f0 - f1) < (-x).exp() {
                return x;
            }
            bits = self.next_u64();
        }
    }

    /// Exponential by inversion (an independent reference for the ziggurat's tests).
    pub fn exp1_inversion(&mut self) -> f64 {
        -self.u01().ln()
    }

    /// Standard normal: the ziggurat method (Marsaglia and Tsang 2000, in Doornik's
    /// ZIGNOR form, 128 layers): one 64-bit draw and a multiply 98.8 % of the time, inlined;
    /// the rest continues in `normal_slow` with the same draw.
    #[inline(always)]
    pub fn normal(&mut self) -> f64 {
        let z = self.zig;
        let bits = self.next_u64();
        let i = (bits & 0x7f) as usize;
        let u = ((bits >> 11) as f64) * (2.0 / (1u64 << 53) as f64) - 1.0;
        if u.abs() < z.r[i] {
            return u * z.x[i];
        }
        self.normal_slow(bits)
    }

    #[cold]
    #[inline(never)]
    fn normal_slow(&mut self, mut bits: u64) -> f64 {
        let z = self.zig;
        loop {
            let i = (bits & 0x7f) as usize;
            let u = ((bits >> 11) as f64) * (2.0 / (1u64 << 53) as f64) - 1.0;
            if u.abs() < z.r[i] {
                return u * z.x[i];
            }
            if i == 0 {
                // the tail beyond R
                loop {
                    let x = self.u01().ln() / ZIG_R;
                    let y = self.u01().ln();
                    if -2.0 * y >= x * x {
                        return if u < 0.0 { x - ZIG_R } else { ZIG_R - x };
                    }
                }
            }
            let x = u * z.x[i];
            let f0 = (-0.5 * (z.x[i] * z.x[i] - x * x)).exp();
            let f1 = (-0.5 * (z.x[i + 1] * z.x[i + 1] - x * x)).exp();
            if f1 + self.u01() * (f0 - f1) < 1.0 {
                return x;
            }
            bits = self.next_u64();
        }
    }

    /// Standard normal by Marsaglia's polar method (kept as an independent reference for
    /// the ziggurat's tests).
    pub fn normal_polar(&mut self) -> f64 {
        if let Some(z) = self.spare_normal.take() {
            return z;
        }
        loop {
            let u = 2.0 * self.u01() - 1.0;
            let v = 2.0 * self.u01() - 1.0;
            let s = u * u + v * v;
            if s > 0.0 && s < 1.0 {
                let m = (-2.0 * s.ln() / s).sqrt();
                self.spare_normal = Some(v * m);
                return u * m;
            }
        }
    }
}

/// 2^(j/64) for j in 0..64, correctly rounded (computed to 60 digits).
const EXP2_64THS: [f64; 64] = [
    f64::from_bits(0x3ff0000000000000),
    f64::from_bits(0x3ff02c9a3e778061),
    f64::from_bits(0x3ff059b0d3158574),
    f64::from_bits(0x3ff0874518759bc8),
    f64::from_bits(0x3ff0b5586cf9890f),
    f64::from_bits(0x3ff0e3ec32d3d1a2),
    f64::from_bits(0x3ff11301d0125b51),
    f64::from_bits(0x3ff1429aaea92de0),
    f64::from_bits(0x3ff172b83c7d517b),
    f64::from_bits(0x3ff1a35beb6fcb75),
    f64::from_bits(0x3ff1d4873168b9aa),
    f64::from_bits(0x3ff2063b88628cd6),
    f64::from_bits(0x3ff2387a6e756238),
    f64::from_bits(0x3ff26b4565e27cdd),
    f64::from_bits(0x3ff29e9df51fdee1),
    f64::from_bits(0x3ff2d285a6e4030b),
    f64::from_bits(0x3ff306fe0a31b715),
    f64::from_bits(0x3ff33c08b26416ff),
    f64::from_bits(0x3ff371a7373aa9cb),
    f64::from_bits(0x3ff3a7db34e59ff7),
    f64::from_bits(0x3ff3dea64c123422),
    f64::from_bits(0x3ff4160a21f72e2a),
    f64::from_bits(0x3ff44e086061892d),
    f64::from_bits(0x3ff486a2b5c13cd0),
    f64::from_bits(0x3ff4bfdad5362a27),
    f64::from_bits(0x3ff4f9b2769d2ca7),
    f64::from_bits(0x3ff5342b569d4f82),
    f64::from_bits(0x3ff56f4736b527da),
    f64::from_bits(0x3ff5ab07dd485429),
    f64::from_bits(0x3ff5e76f15ad2148),
    f64::from_bits(0x3ff6247eb03a5585),
    f64::from_bits(0x3ff6623882552225),
    f64::from_bits(0x3ff6a09e667f3bcd),
    f64::from_bits(0x3ff6dfb23c651a2f),
    f64::from_bits(0x3ff71f75e8ec5f74),
    f64::from_bits(0x3ff75feb564267c9),
    f64::from_bits(0x3ff7a11473eb0187),
    f64::from_bits(0x3ff7e2f336cf4e62),
    f64::from_bits(0x3ff82589994cce13),
    f64::from_bits(0x3ff868d99b4492ed),
    f64::from_bits(0x3ff8ace5422aa0db),
    f64::from_bits(0x3ff8f1ae99157736),
    f64::from_bits(0x3ff93737b0cdc5e5),
    f64::from_bits(0x3ff97d829fde4e50),
    f64::from_bits(0x3ff9c49182a3f090),
    f64::from_bits(0x3ffa0c667b5de565),
    f64::from_bits(0x3ffa5503b23e255d),
    f64::from_bits(0x3ffa9e6b5579fdbf),
    f64::from_bits(0x3ffae89f995ad3ad),
    f64::from_bits(0x3ffb33a2b84f15fb),
    f64::from_bits(0x3ffb7f76f2fb5e47),
    f64::from_bits(0x3ffbcc1e904bc1d2),
    f64::from_bits(0x3ffc199bdd85529c),
    f64::from_bits(0x3ffc67f12e57d14b),
    f64::from_bits(0x3ffcb720dcef9069),
    f64::from_bits(0x3ffd072d4a07897c),
    f64::from_bits(0x3ffd5818dcfba487),
    f64::from_bits(0x3ffda9e603db3285),
    f64::from_bits(0x3ffdfc97337b9b5f),
    f64::from_bits(0x3ffe502ee78b3ff6),
    f64::from_bits(0x3ffea4afa2a490da),
    f64::from_bits(0x3ffefa1bee615a27),
    f64::from_bits(0x3fff50765b6e4540),
    f64::from_bits(0x3fffa7c1819e90d8),
];

/// e^x to within a few units in the last place, without a libm call. With
/// x = (64 m + j) ln2/64 plus a remainder r, |r| <= ln2/128, e^x = 2^m 2^(j/64) e^r, and e^r
/// is its Taylor series to degree 6 (truncation error below 3e-20), evaluated in Estrin's
/// form so the dependency chain is four operations deep rather than a long Horner chain.
/// Used where millions of samples a second go through exp (log-normal durations); outside
/// about ±700 it defers to `f64::exp`.
#[inline(always)]
pub fn fast_exp(x: f64) -> f64 {
    if !(-700.0..=700.0).contains(&x) {
        return x.exp();
    }
    exp_in_range(x)
}

/// `fast_exp` for |x| <= 700, without the range check (so loops over arrays of it have
/// no branch).
#[inline(always)]
fn exp_in_range(x: f64) -> f64 {
    // ln 2 / 64 split so that k * HI is exact for |k| < 2^21
    const LN2_64_HI: f64 = 0.693_147_180_369_123_8 / 64.0;
    const LN2_64_LO: f64 = 1.908_214_929_270_587_7e-10 / 64.0;
    const INV_LN2_64: f64 = 64.0 * std::f64::consts::LOG2_E;
    // round to nearest by adding and removing 1.5 x 2^52 (round_ties_even is a libm call
    // on baseline x86-64)
    const SHIFT: f64 = 6_755_399_441_055_744.0;
    let k = (x * INV_LN2_64 + SHIFT) - SHIFT;
    let r = (x - k * LN2_64_HI) - k * LN2_64_LO;
    let ki = k as i64;
    let (m, j) = (ki >> 6, (ki & 63) as usize);
    let r2 = r * r;
    let lo = (1.0 + r) + r2 * (0.5 + r * (1.0 / 6.0));
    let hi = (1.0 / 24.0 + r * (1.0 / 120.0)) + r2 * (1.0 / 720.0);
    let p = lo + (r2 * r2) * hi;
    let bits = ((m + 1023) as u64) << 52;
    p * EXP2_64THS[j] * f64::from_bits(bits)
}

const EXP_R: f64 = 7.697_117_470_131_487;
const EXP_V: f64 = 3.949_659_822_581_572e-3;

struct ZigExp {
    x: [f64; 257],
    r: [f64; 256],
}

fn zig_exp() -> &'static ZigExp {
    static Z: std::sync::OnceLock<ZigExp> = std::sync::OnceLock::new();
    Z.get_or_init(|| {
        let mut x = [0.0; 257];
        x[0] = EXP_V / (-EXP_R).exp();
        x[1] = EXP_R;
        for i in 2..256 {
            x[i] = -(EXP_V / x[i - 1] + (-x[i - 1]).exp()).ln();
        }
        x[256] = 0.0;
        let mut r = [0.0; 256];
        for i in 0..256 {
            r[i] = x[i + 1] / x[i];
        }
        ZigExp { x, r }
    })
}

const ZIG_R: f64 = 3.442_619_855_899;
const ZIG_V: f64 = 9.912_563_035_262_17e-3;

struct Zig {
    x: [f64; 129],
    r: [f64; 128],
}

fn zig() -> &'static Zig {
    static Z: std::sync::OnceLock<Zig> = std::sync::OnceLock::new();
    Z.get_or_init(|| {
        let f = |x: f64| (-0.5 * x * x).exp();
        let mut x = [0.0; 129];
        x[0] = ZIG_V / f(ZIG_R);
        x[1] = ZIG_R;
        for i in 2..128 {
            x[i] = (-2.0 * (ZIG_V / x[i - 1] + f(x[i - 1])).ln()).sqrt();
        }
        x[128] = 0.0;
        let mut r = [0.0; 128];
        for i in 0..128 {
            r[i] = x[i + 1] / x[i];
        }
        Zig { x, r }
    })
}

/// A distribution prepared for fast repeated sampling.
#[derive(Clone, Debug)]
pub enum Sampler {
    Fixed(f64),
    Exponential(f64),
    LogNormal {
        mu: f64,
        sigma: f64,
    },
    Uniform {
        min: f64,
        width: f64,
    },
    /// Inverse transform through the observed quantiles.
    Empirical(crate::model::Knots),
}

impl Sampler {
    pub fn new(d: &Dist) -> Sampler {
        match *d {
            Dist::Fixed(x) => Sampler::Fixed(x),
            Dist::Exponential { mean } => Sampler::Exponential(mean),
            Dist::LogNormal { median, p99 } => {
                let (mu, sigma) = crate::model::lognormal_params(median, p99);
                if sigma == 0.0 {
                    Sampler::Fixed(median)
                } else {
                    Sampler::LogNormal { mu, sigma }
                }
            }
            Dist::Uniform { min, max } => Sampler::Uniform { min, width: max - min },
            Dist::Empirical { ref knots, .. } => Sampler::Empirical(knots.clone()),
        }
    }

    #[inline(always)]
    pub fn sample(&self, rng: &mut Rng) -> f64 {
        match *self {
            Sampler::Fixed(x) => x,
            Sampler::Exponential(m) => m * rng.exp1(),
            Sampler::LogNormal { mu, sigma } => fast_exp(mu + sigma * rng.normal()),
            Sampler::Uniform { min, width } => min + width * rng.u01(),
            Sampler::Empirical(ref k) => k.quantile(rng.u01()),
        }
    }

    /// Fills `out` with samples: the same numbers as calling `sample` for each in turn,
    /// faster for log-normals (the normals are drawn first, then the exponentials are
    /// taken in a loop without branches that the processor runs many at a time).
    pub fn fill(&self, rng: &mut Rng, out: &mut [f64]) {
        match *self {
            Sampler::LogNormal { mu, sigma } => {
                for o in out.iter_mut() {
                    *o = mu + sigma * rng.normal();
                }
                if out.iter().all(|x| (-700.0..=700.0).contains(x)) {
                    for o in out.iter_mut() {
                        *o = exp_in_range(*o);
                    }
                } else {
                    // only for absurdly wide distributions
                    out.iter_mut().for_each(|o| *o = fast_exp(*o));
                }
            }
            _ => out.iter_mut().for_each(|o| *o = self.sample(rng)),
        }
    }

    pub fn is_fixed(&self) -> bool {
        matches!(self, Sampler::Fixed(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_reference_pcg64_mcg_stream() {
        use rand_pcg::rand_core::{Rng as _, SeedableRng};
        let state: u128 = 0xcafe_f00d_d15e_a5e5_1234_5678_9abc_def1;
        let mut ours = Rng::from_state(state);
        let mut theirs = rand_pcg::Pcg64Mcg::new(state);
        for _ in 0..1000 {
            assert_eq!(ours.next_u64(), theirs.next_u64());
        }
        let _ = rand_pcg::Pcg64Mcg::seed_from_u64(1);
    }

    #[test]
    fn fill_draws_what_sample_draws() {
        for d in [
            Dist::LogNormal {
                median: 80.0,
                p99: 320.0,
            },
            Dist::Exponential { mean: 3.0 },
            Dist::Uniform { min: 1.0, max: 2.0 },
        ] {
            let s = Sampler::new(&d);
            let (mut a, mut b) = (Rng::new(5, 5), Rng::new(5, 5));
            let mut filled = vec![0.0; 1000];
            s.fill(&mut a, &mut filled);
            let one_by_one: Vec<f64> = (0..1000).map(|_| s.sample(&mut b)).collect();
            assert_eq!(filled, one_by_one, "{d:?}");
        }
    }

    #[test]
    fn fast_exp_matches_libm() {
        let mut x = -699.0;
        while x < 699.0 {
            let (a, b) = (fast_exp(x), x.exp());
            assert!(((a - b) / b).abs() < 1e-15, "{x}: {a} vs {b}");
            x += 0.0137;
        }
        assert_eq!(fast_exp(0.0), 1.0);
        assert_eq!(fast_exp(-800.0), 0.0);
        assert!(fast_exp(800.0).is_infinite());
    }

    #[test]
    fn seeds_and_streams_differ_and_repeat() {
        let a: Vec<u64> = (0..4)
            .map({
                let mut r = Rng::new(42, 0);
                move |_| r.next_u64()
            })
            .collect();
        let b: Vec<u64> = (0..4)
            .map({
                let mut r = Rng::new(42, 0);
                move |_| r.next_u64()
            })
            .collect();
        let c: Vec<u64> = (0..4)
            .map({
                let mut r = Rng::new(42, 1);
                move |_| r.next_u64()
            })
            .collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn sample_moments() {
        let mut r = Rng::new(1, 2);
        let n = 400_000;
        let (mut s1, mut s2) = (0.0, 0.0);
        for _ in 0..n {
            let z = r.normal();
            s1 += z;
            s2 += z * z;
        }
        let mean = s1 / n as f64;
        let var = s2 / n as f64 - mean * mean;
        assert!(mean.abs() < 0.01, "{mean}");
        assert!((var - 1.0).abs() < 0.01, "{var}");
        let e: f64 = (0..n).map(|_| r.exp1()).sum::<f64>() / n as f64;
        // the exponential ziggurat matches inversion on the tail and the second moment
        let over3 = (0..n).filter(|_| r.exp1() > 3.0).count() as f64 / n as f64;
        assert!((over3 - (-3.0f64).exp()).abs() < 0.0008, "{over3}");
        let m2: f64 = (0..n).map(|_| r.exp1().powi(2)).sum::<f64>() / n as f64;
        assert!((m2 - 2.0).abs() < 0.03, "{m2}");
        let inv: f64 = (0..n).map(|_| r.exp1_inversion()).sum::<f64>() / n as f64;
        assert!((inv - 1.0).abs() < 0.01);
        // the ziggurat agrees with the polar method on tail probabilities
        let tail = |g: &mut dyn FnMut() -> f64| (0..n).filter(|_| g().abs() > 2.5758).count() as f64 / n as f64;
        let mut r2 = Rng::new(9, 9);
        let zt = tail(&mut || r.normal());
        let pt = tail(&mut || r2.normal_polar());
        assert!((zt - 0.01).abs() < 0.0008 && (pt - 0.01).abs() < 0.0008, "{zt} {pt}");
        assert!((e - 1.0).abs() < 0.01, "{e}");
        let ln = Sampler::new(&Dist::LogNormal {
            median: 100.0,
            p99: 900.0,
        });
        let mut xs: Vec<f64> = (0..n).map(|_| ln.sample(&mut r)).collect();
        xs.sort_by(f64::total_cmp);
        let med = xs[n / 2];
        let p99 = xs[n * 99 / 100];
        assert!((med / 100.0 - 1.0).abs() < 0.02, "{med}");
        assert!((p99 / 900.0 - 1.0).abs() < 0.04, "{p99}");
    }
}
