//! The random generator and samplers, pinned here so that a seed reproduces across crate
//! updates: PCG64 MCG (O'Neill's 128-bit multiplicative congruential generator with the
//! XSL-RR output, the same stream as `rand_pcg::Pcg64Mcg`), and samplers written out
//! rather than borrowed, since a library may change its sampling algorithm.

use crate::model::Dist;

const MULTIPLIER: u128 = 0x2360_ED05_1FC6_5DA4_4385_DF64_9FCC_F645;

#[derive(Clone, Debug)]
pub struct Rng {
    state: u128,
    /// Second value of a polar-method pair, kept for the next call.
    spare_normal: Option<f64>,
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

    /// Exponential with mean 1.
    #[inline(always)]
    pub fn exp1(&mut self) -> f64 {
        -self.u01().ln()
    }

    /// Standard normal: the ziggurat method (Marsaglia and Tsang 2000, in Doornik's
    /// ZIGNOR form, 128 layers): one 64-bit draw and a multiply 98.8 % of the time.
    #[inline]
    pub fn normal(&mut self) -> f64 {
        let z = zig();
        loop {
            let bits = self.next_u64();
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
#[derive(Clone, Copy, Debug)]
pub enum Sampler {
    Fixed(f64),
    Exponential(f64),
    LogNormal { mu: f64, sigma: f64 },
    Uniform { min: f64, width: f64 },
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
        }
    }

    #[inline(always)]
    pub fn sample(&self, rng: &mut Rng) -> f64 {
        match *self {
            Sampler::Fixed(x) => x,
            Sampler::Exponential(m) => m * rng.exp1(),
            Sampler::LogNormal { mu, sigma } => (mu + sigma * rng.normal()).exp(),
            Sampler::Uniform { min, width } => min + width * rng.u01(),
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
