//! A 4-ary min-heap on `u64` keys (time bits) with a small payload, using the "hole"
//! technique: sifting moves entries rather than swapping them and compares keys only.
//! Shallower than a binary heap (log4 n levels), so fewer unpredictable branches per
//! operation on the engines' hot path.

/// The heap key of a time: positive finite times order like their bit patterns, so the
/// engines compare integers.
#[inline(always)]
pub fn time_key(t: f64) -> u64 {
    t.max(0.0).to_bits()
}

#[derive(Clone, Debug)]
pub struct QuadHeap<T: Copy> {
    v: Vec<(u64, T)>,
}

impl<T: Copy> Default for QuadHeap<T> {
    fn default() -> Self {
        QuadHeap {
            v: Vec::with_capacity(64),
        }
    }
}

impl<T: Copy> QuadHeap<T> {
    #[inline(always)]
    pub fn len(&self) -> usize {
        self.v.len()
    }

    #[inline(always)]
    pub fn is_empty(&self) -> bool {
        self.v.is_empty()
    }

    #[inline(always)]
    pub fn peek_key(&self) -> Option<u64> {
        self.v.first().map(|e| e.0)
    }

    #[inline(always)]
    pub fn peek(&self) -> Option<(u64, T)> {
        self.v.first().copied()
    }

    #[inline]
    pub fn push(&mut self, key: u64, item: T) {
        let mut i = self.v.len();
        self.v.push((key, item));
        while i > 0 {
            let parent = (i - 1) / 4;
            let pk = self.v[parent].0;
            if pk <= key {
                break;
            }
            self.v[i] = self.v[parent];
            i = parent;
        }
        self.v[i] = (key, item);
    }

    #[inline]
    pub fn pop(&mut self) -> Option<(u64, T)> {
        let last = self.v.pop()?;
        let n = self.v.len();
        if n == 0 {
            return Some(last);
        }
        let top = self.v[0];
        let mut i = 0;
        loop {
            let c = 4 * i + 1;
            if c >= n {
                break;
            }
            // smallest of up to four children
            let (m, mk) = if c + 3 < n {
                let kids = &self.v[c..c + 4];
                let (a, b) = if kids[1].0 < kids[0].0 {
                    (c + 1, kids[1].0)
                } else {
                    (c, kids[0].0)
                };
                let (d, e) = if kids[3].0 < kids[2].0 {
                    (c + 3, kids[3].0)
                } else {
                    (c + 2, kids[2].0)
                };
                if e < b { (d, e) } else { (a, b) }
            } else {
                let mut m = c;
                let mut mk = self.v[c].0;
                for j in c + 1..n {
                    let k = self.v[j].0;
                    if k < mk {
                        mk = k;
                        m = j;
                    }
                }
                (m, mk)
            };
            if mk >= last.0 {
                break;
            }
            self.v[i] = self.v[m];
            i = m;
        }
        self.v[i] = last;
        Some(top)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_in_key_order() {
        let mut q = QuadHeap::default();
        let mut r = std::collections::BinaryHeap::new();
        let mut x: u64 = 99;
        for step in 0..20_000u32 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let k = x >> 40;
            q.push(k, step);
            r.push(std::cmp::Reverse(k));
            if step % 3 != 0 {
                assert_eq!(q.pop().map(|e| e.0), r.pop().map(|e| e.0));
            }
        }
        while let Some(std::cmp::Reverse(k)) = r.pop() {
            assert_eq!(q.peek_key(), Some(k));
            assert_eq!(q.pop().map(|e| e.0), Some(k));
        }
        assert!(q.is_empty() && q.pop().is_none());
    }
}
