//! The Sobol' low-discrepancy sequence, unscrambled, in Gray-code order.
//!
//! Direction numbers are those of Joe and Kuo, file `new-joe-kuo-6.21201`
//! (S. Joe and F. Y. Kuo, "Constructing Sobol sequences with better two-dimensional
//! projections", SIAM J. Sci. Comput. 30, 2635–2654, 2008), for the first
//! [`MAX_DIMS`] dimensions; dimension 1 is the van der Corput sequence. The
//! construction follows their reference implementation (`sobol.cc`): point 0 is the
//! origin and point i is point i-1 XOR the direction number of the lowest zero bit of
//! i-1. This is also the order of SciPy's `qmc.Sobol(scramble=False)` and of SALib,
//! so a design here matches theirs point for point. The first point is kept (Owen
//! 2020, "On dropping the first Sobol' point"): a power-of-two prefix is then a net.

/// Bits of each coordinate: points are multiples of 2^-BITS.
const BITS: u32 = 32;

/// `(s, a, m_1..m_s)` of dimensions 2.. of `new-joe-kuo-6.21201`: the degree `s` of
/// the primitive polynomial, its coefficients `a` and the initial direction numbers.
const JOE_KUO: &[(u32, u32, &[u32])] = &[
    (1, 0, &[1]),
    (2, 1, &[1, 3]),
    (3, 1, &[1, 3, 1]),
    (3, 2, &[1, 1, 1]),
    (4, 1, &[1, 1, 3, 3]),
    (4, 4, &[1, 3, 5, 13]),
    (5, 2, &[1, 1, 5, 5, 17]),
    (5, 4, &[1, 1, 5, 5, 5]),
    (5, 7, &[1, 1, 7, 11, 19]),
    (5, 11, &[1, 1, 5, 1, 1]),
    (5, 13, &[1, 1, 1, 3, 11]),
    (5, 14, &[1, 3, 5, 5, 31]),
    (6, 1, &[1, 3, 3, 9, 7, 49]),
    (6, 13, &[1, 1, 1, 15, 21, 21]),
    (6, 16, &[1, 3, 1, 13, 27, 49]),
    (6, 19, &[1, 1, 1, 15, 7, 5]),
    (6, 22, &[1, 3, 1, 15, 13, 25]),
    (6, 25, &[1, 1, 5, 5, 19, 61]),
    (7, 1, &[1, 3, 7, 11, 23, 15, 103]),
    (7, 4, &[1, 3, 7, 13, 13, 15, 69]),
    (7, 7, &[1, 1, 3, 13, 7, 35, 63]),
    (7, 8, &[1, 3, 5, 9, 1, 25, 53]),
    (7, 14, &[1, 3, 1, 13, 9, 35, 107]),
    (7, 19, &[1, 3, 1, 5, 27, 61, 31]),
    (7, 21, &[1, 1, 5, 11, 19, 41, 61]),
    (7, 28, &[1, 3, 5, 3, 3, 13, 69]),
    (7, 31, &[1, 1, 7, 13, 1, 19, 1]),
    (7, 32, &[1, 3, 7, 5, 13, 19, 59]),
    (7, 37, &[1, 1, 3, 9, 25, 29, 41]),
    (7, 41, &[1, 3, 5, 13, 23, 1, 55]),
    (7, 42, &[1, 3, 7, 3, 13, 59, 17]),
    (7, 50, &[1, 3, 1, 3, 5, 53, 69]),
    (7, 55, &[1, 1, 5, 5, 23, 33, 13]),
    (7, 56, &[1, 1, 7, 7, 1, 61, 123]),
    (7, 59, &[1, 1, 7, 9, 13, 61, 49]),
    (7, 62, &[1, 3, 3, 5, 3, 55, 33]),
    (8, 14, &[1, 3, 1, 15, 31, 13, 49, 245]),
    (8, 21, &[1, 3, 5, 15, 31, 59, 63, 97]),
    (8, 22, &[1, 3, 1, 11, 11, 11, 77, 249]),
    (8, 38, &[1, 3, 1, 11, 27, 43, 71, 9]),
    (8, 47, &[1, 1, 7, 15, 21, 11, 81, 45]),
    (8, 49, &[1, 3, 7, 3, 25, 31, 65, 79]),
    (8, 50, &[1, 3, 1, 1, 19, 11, 3, 205]),
    (8, 52, &[1, 1, 5, 9, 19, 21, 29, 157]),
    (8, 56, &[1, 3, 7, 11, 1, 33, 89, 185]),
    (8, 67, &[1, 3, 3, 3, 15, 9, 79, 71]),
    (8, 70, &[1, 3, 7, 11, 15, 39, 119, 27]),
    (8, 84, &[1, 1, 3, 1, 11, 31, 97, 225]),
    (8, 97, &[1, 1, 1, 3, 23, 43, 57, 177]),
    (8, 103, &[1, 3, 7, 7, 17, 17, 37, 71]),
    (8, 115, &[1, 3, 1, 5, 27, 63, 123, 213]),
    (8, 122, &[1, 1, 3, 5, 11, 43, 53, 133]),
];

/// Dimensions supported (a Saltelli design of d parameters needs 2d).
pub const MAX_DIMS: usize = JOE_KUO.len() + 1;

/// Direction numbers `v[k]` (k = 0..BITS) of dimension `dim` (0-based), scaled so
/// that bit BITS-1 is 1/2.
fn directions(dim: usize) -> [u32; BITS as usize] {
    let mut v = [0u32; BITS as usize];
    if dim == 0 {
        for (k, x) in v.iter_mut().enumerate() {
            *x = 1 << (BITS - 1 - k as u32);
        }
        return v;
    }
    let (s, a, m) = JOE_KUO[dim - 1];
    let s = s as usize;
    for k in 0..s.min(BITS as usize) {
        v[k] = m[k] << (BITS - 1 - k as u32);
    }
    for k in s..BITS as usize {
        let mut x = v[k - s] ^ (v[k - s] >> s);
        for j in 1..s {
            if (a >> (s - 1 - j)) & 1 == 1 {
                x ^= v[k - j];
            }
        }
        v[k] = x;
    }
    v
}

/// The Sobol' sequence read at any index: point `i` alone is the XOR of the
/// direction numbers picked by the bits of `i`'s Gray code, equal to the `i`-th of
/// [`points`] (which walks the same codes one bit flip at a time). A design of a
/// million rows is then read row by row, never held whole.
#[derive(Debug, Clone, PartialEq)]
pub struct Generator {
    v: Vec<[u32; BITS as usize]>,
}

impl Generator {
    /// `dims` must be at most [`MAX_DIMS`] (the caller checks).
    pub fn new(dims: usize) -> Generator {
        assert!(dims <= MAX_DIMS, "at most {MAX_DIMS} Sobol dimensions");
        Generator {
            v: (0..dims).map(directions).collect(),
        }
    }

    /// Point `i` (below 2^32), in [0, 1).
    pub fn point(&self, i: u64) -> Vec<f64> {
        let gray = i ^ (i >> 1);
        let scale = 1.0 / f64::from(1u32 << 31) / 2.0;
        self.v
            .iter()
            .map(|vj| {
                let mut x = 0u32;
                for (k, d) in vj.iter().enumerate() {
                    if (gray >> k) & 1 == 1 {
                        x ^= d;
                    }
                }
                f64::from(x) * scale
            })
            .collect()
    }
}

/// The first `n` points of the `dims`-dimensional Sobol' sequence, in [0, 1).
/// `dims` must be at most [`MAX_DIMS`] and `n` at most 2^32 (the caller checks).
pub fn points(n: usize, dims: usize) -> Vec<Vec<f64>> {
    assert!(dims <= MAX_DIMS, "at most {MAX_DIMS} Sobol dimensions");
    let v: Vec<[u32; BITS as usize]> = (0..dims).map(directions).collect();
    let scale = 1.0 / f64::from(1u32 << 31) / 2.0;
    let mut x = vec![0u32; dims];
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        if i > 0 {
            // The lowest zero bit of i - 1 picks the direction number (Gray code).
            let c = (!(i - 1)).trailing_zeros() as usize;
            for (xj, vj) in x.iter_mut().zip(&v) {
                *xj ^= vj[c.min(BITS as usize - 1)];
            }
        }
        out.push(x.iter().map(|&b| f64::from(b) * scale).collect());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_stability_first_points_match_joe_kuo_and_scipy() {
        let p = points(8, 3);
        let want = [
            [0.0, 0.0, 0.0],
            [0.5, 0.5, 0.5],
            [0.75, 0.25, 0.25],
            [0.25, 0.75, 0.75],
            [0.375, 0.375, 0.625],
            [0.875, 0.875, 0.125],
            [0.625, 0.125, 0.875],
            [0.125, 0.625, 0.375],
        ];
        for (got, w) in p.iter().zip(want) {
            assert_eq!(got.as_slice(), w.as_slice());
        }
    }

    #[test]
    fn a_point_read_alone_equals_the_walked_sequence() {
        let n = 1 << 11;
        let g = Generator::new(MAX_DIMS);
        for (i, p) in points(n, MAX_DIMS).iter().enumerate() {
            assert_eq!(&g.point(i as u64), p, "point {i}");
        }
    }

    #[test]
    fn every_dimension_stratifies_power_of_two_prefixes() {
        let n = 1 << 10;
        let p = points(n, MAX_DIMS);
        for dim in 0..MAX_DIMS {
            let mut hit = vec![0u32; n];
            for q in &p {
                let x = q[dim];
                assert!((0.0..1.0).contains(&x));
                hit[(x * n as f64) as usize] += 1;
            }
            assert!(hit.iter().all(|&h| h == 1), "dimension {dim}");
        }
    }

    #[test]
    fn pairs_of_dimensions_fill_squares_evenly() {
        // The first two dimensions form a (0, m, 2)-net: 2^10 points, one per cell of a
        // 32 x 32 grid. Other pairs have small t-values (Joe–Kuo optimise them): 64
        // points in each cell of a 4 x 4 grid.
        let n = 1 << 10;
        let p = points(n, 12);
        let count = |a: usize, b: usize, k: usize| {
            let mut hit = vec![0u32; k * k];
            for q in &p {
                hit[(q[a] * k as f64) as usize * k + (q[b] * k as f64) as usize] += 1;
            }
            hit
        };
        assert!(count(0, 1, 32).iter().all(|&h| h == 1));
        for a in 0..12 {
            for b in (a + 1)..12 {
                assert!(count(a, b, 4).iter().all(|&h| h == 64), "dims {a},{b}");
            }
        }
    }
}
