//! The two-dimensional policy space (ODD §2): modality × scope, both in [0, 1].

use serde::Serialize;

/// A point in the policy space: `m` = modality (0 multistakeholder, 1 state-centric),
/// `s` = scope (0 narrow technical, 1 broad "information security").
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct Pos {
    pub m: f64,
    pub s: f64,
}

impl Pos {
    pub const fn new(m: f64, s: f64) -> Self {
        Pos { m, s }
    }

    /// Both coordinates clamped to [0, 1].
    pub fn clamped(self) -> Self {
        Pos::new(self.m.clamp(0.0, 1.0), self.s.clamp(0.0, 1.0))
    }

    /// Squared distance with the scope dimension weighted by `w_s`.
    #[inline]
    pub fn dist2(self, other: Pos, w_s: f64) -> f64 {
        let dm = self.m - other.m;
        let ds = self.s - other.s;
        dm * dm + w_s * ds * ds
    }

    /// Plain Euclidean distance (admissions, ODD §7.2).
    #[inline]
    pub fn dist(self, other: Pos) -> f64 {
        ((self.m - other.m).powi(2) + (self.s - other.s).powi(2)).sqrt()
    }

    /// `self + t * (to - self)`.
    #[inline]
    pub fn lerp(self, to: Pos, t: f64) -> Pos {
        Pos::new(self.m + t * (to.m - self.m), self.s + t * (to.s - self.s))
    }
}

/// Utility of an actor with `ideal` and `salience` for a rule at `x` (ODD §2):
/// `-salience * ((θm - xm)² + w_s (θs - xs)²)`.
#[inline]
pub fn utility(ideal: Pos, salience: f64, x: Pos, w_s: f64) -> f64 {
    -salience * ideal.dist2(x, w_s)
}

/// The four proposal kinds. The first three are *substantive* (they set rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Norms,
    Cybercrime,
    Standards,
    Procedural,
}

impl Kind {
    pub const ALL: [Kind; 4] = [
        Kind::Norms,
        Kind::Cybercrime,
        Kind::Standards,
        Kind::Procedural,
    ];
    pub const SUBSTANTIVE: [Kind; 3] = [Kind::Norms, Kind::Cybercrime, Kind::Standards];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Norms => "norms",
            Kind::Cybercrime => "cybercrime",
            Kind::Standards => "standards",
            Kind::Procedural => "procedural",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Index 0..4, for per-kind arrays.
    #[inline]
    pub fn index(self) -> usize {
        self as usize
    }

    pub fn is_substantive(self) -> bool {
        self != Kind::Procedural
    }
}

/// A set of kinds (the kinds a venue hosts), as a bit mask.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct KindSet(u8);

impl KindSet {
    pub const EMPTY: KindSet = KindSet(0);

    pub fn of(kinds: &[Kind]) -> Self {
        let mut s = KindSet::EMPTY;
        for &k in kinds {
            s.insert(k);
        }
        s
    }
    #[inline]
    pub fn contains(self, k: Kind) -> bool {
        self.0 & (1 << k.index()) != 0
    }
    pub fn insert(&mut self, k: Kind) {
        self.0 |= 1 << k.index();
    }
    pub fn remove(&mut self, k: Kind) {
        self.0 &= !(1 << k.index());
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    /// The kinds in the set, in `Kind::ALL` order.
    pub fn iter(self) -> impl Iterator<Item = Kind> {
        Kind::ALL.into_iter().filter(move |k| self.contains(*k))
    }
    /// The substantive kinds in the set.
    pub fn substantive(self) -> impl Iterator<Item = Kind> {
        Kind::SUBSTANTIVE
            .into_iter()
            .filter(move |k| self.contains(*k))
    }
}

/// The two camps of ODD §2, plus "no camp" for the legacy rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Camp {
    Authoritarian,
    Liberal,
    None,
}

impl Camp {
    /// The camp of a state with this regime score.
    pub fn of(regime: f64, camp_threshold: f64) -> Camp {
        if regime < camp_threshold {
            Camp::Authoritarian
        } else {
            Camp::Liberal
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Camp::Authoritarian => "authoritarian",
            Camp::Liberal => "liberal",
            Camp::None => "none",
        }
    }
    /// The other camp (`None` has no other).
    pub fn other(self) -> Camp {
        match self {
            Camp::Authoritarian => Camp::Liberal,
            Camp::Liberal => Camp::Authoritarian,
            Camp::None => Camp::None,
        }
    }
}

/// Points of the policy plane bucketed in cells about a quarter of `radius` wide (never
/// more than about √n per axis), for counting the points closer than `radius` to a
/// query. An admission session counts, for each applicant, the present members within
/// `admit_distance` of it (ODD 7.2). A cell wholly inside the query's disk adds its size,
/// a cell wholly outside is skipped, and only the points of the cells the circle crosses
/// are tested one by one — so a count costs about the circle's length in cells, not the
/// disk's area in points, and stays near-constant as a world grows denser. The count is
/// exact: a point tested is tested with [`Pos::dist`], the expression a member's vote
/// uses, and a cell is taken whole or skipped only with a margin far above rounding.
#[derive(Debug, Clone, Default)]
pub struct Grid {
    /// Cells along modality and along scope (at least 1 each).
    cells_m: usize,
    cells_s: usize,
    lo: Pos,
    side_m: f64,
    side_s: f64,
    /// `start[c] .. start[c + 1]` are cell `c`'s points in `points`.
    start: Vec<u32>,
    points: Vec<Pos>,
    /// Where the next point of each cell goes, while building.
    next: Vec<u32>,
    radius: f64,
    /// Cells to look at on each side of the query's cell, along each axis.
    reach_m: usize,
    reach_s: usize,
    /// How far a point may lie outside its cell's nominal edges through rounding in its
    /// cell index (far above it: 1e-9 of the plane's extent).
    slack: f64,
}

/// Cells per `radius` along an axis: four, so that most of a disk is whole cells.
const CELLS_PER_RADIUS: f64 = 4.0;

impl Grid {
    /// A grid over `points` for queries of `radius` (cells of side ≥ `radius` / 4, at
    /// most about √n per axis so that a small set does not pay for many empty cells).
    /// Points with a non-finite coordinate are left out: no distance to them is below
    /// a radius, so they never count.
    pub fn new(points: &[Pos], radius: f64) -> Grid {
        let mut grid = Grid::default();
        grid.rebuild(points, radius);
        grid
    }

    /// An empty grid with room for any set of up to `n` points: rebuilding it never
    /// allocates (at most ⌈√n⌉ cells per axis).
    pub fn with_room(n: usize) -> Grid {
        let side = ((n as f64).sqrt().ceil() as usize).clamp(1, 1024);
        let cells = side * side + 1;
        Grid {
            start: Vec::with_capacity(cells),
            points: Vec::with_capacity(n),
            next: Vec::with_capacity(cells),
            ..Grid::default()
        }
    }

    /// [`Grid::new`] in place, reusing this grid's buffers.
    pub fn rebuild(&mut self, points: &[Pos], radius: f64) {
        let finite = || points.iter().filter(|p| p.m.is_finite() && p.s.is_finite());
        let mut n = 0;
        let (mut lo, mut hi) = (Pos::new(f64::MAX, f64::MAX), Pos::new(f64::MIN, f64::MIN));
        for p in finite() {
            n += 1;
            lo = Pos::new(lo.m.min(p.m), lo.s.min(p.s));
            hi = Pos::new(hi.m.max(p.m), hi.s.max(p.s));
        }
        if n == 0 {
            lo = Pos::default();
            hi = Pos::default();
        }
        // The margin keeps two points closer than `radius` within `reach` cells of each
        // other despite rounding in the cell index.
        let max_cells = ((n as f64).sqrt().ceil() as usize).clamp(1, 1024);
        let per_axis = |span: f64| -> usize {
            if radius > 0.0 && span > 0.0 {
                ((span * CELLS_PER_RADIUS / (radius * (1.0 + 1e-6))).floor() as usize)
                    .clamp(1, max_cells)
            } else {
                1
            }
        };
        let (cells_m, cells_s) = (per_axis(hi.m - lo.m), per_axis(hi.s - lo.s));
        let side = |span: f64, cells: usize| {
            if span > 0.0 { span / cells as f64 } else { 1.0 }
        };
        let grid = self;
        grid.cells_m = cells_m;
        grid.cells_s = cells_s;
        grid.lo = lo;
        grid.side_m = side(hi.m - lo.m, cells_m);
        grid.side_s = side(hi.s - lo.s, cells_s);
        grid.radius = radius;
        // A point closer than `radius` along an axis is at most ⌊radius / side⌋ + 1
        // cells away (with a margin over rounding in the cell index).
        // Below ≈ 1.5e-154 a squared coordinate difference underflows, and `Pos::dist`
        // calls points at up to ≈ 1.5e-154 "closer than `radius`": the window covers them.
        let reach = |side: f64, cells: usize| -> usize {
            let r = radius.max(1.5e-154) / side * (1.0 + 1e-6);
            if r.is_finite() {
                (r.floor() as usize).saturating_add(1).min(cells)
            } else {
                cells
            }
        };
        grid.reach_m = reach(grid.side_m, cells_m);
        grid.reach_s = reach(grid.side_s, cells_s);
        let extent = lo.m.abs().max(lo.s.abs()).max(hi.m.abs()).max(hi.s.abs());
        grid.slack = 1e-9 * (1.0 + extent);
        grid.start.clear();
        grid.start.resize(cells_m * cells_s + 1, 0);
        grid.points.clear();
        grid.points.resize(n, Pos::default());
        grid.next.clear();
        for p in finite() {
            let c = grid.cell(*p);
            grid.start[c + 1] += 1;
        }
        for c in 0..cells_m * cells_s {
            grid.start[c + 1] += grid.start[c];
        }
        grid.next.extend_from_slice(&grid.start);
        for p in finite() {
            let c = grid.cell(*p);
            grid.points[grid.next[c] as usize] = *p;
            grid.next[c] += 1;
        }
    }

    /// The cell index along one axis: `⌊(x − lo) / side⌋`, clamped to the grid.
    fn axis(x: f64, lo: f64, side: f64, cells: usize) -> usize {
        let c = ((x - lo) / side).floor();
        if c <= 0.0 {
            0
        } else {
            (c as usize).min(cells - 1)
        }
    }

    fn cells_of(&self, p: Pos) -> (usize, usize) {
        (
            Grid::axis(p.m, self.lo.m, self.side_m, self.cells_m),
            Grid::axis(p.s, self.lo.s, self.side_s, self.cells_s),
        )
    }

    fn cell(&self, p: Pos) -> usize {
        let (a, b) = self.cells_of(p);
        a * self.cells_s + b
    }

    /// How many of the points lie closer than the grid's radius to `q`
    /// (`p.dist(q) < radius`).
    pub fn count_within(&self, q: Pos) -> usize {
        let (cm, cs) = self.cells_of(q);
        let r = self.radius;
        // A point lies inside its cell's box widened by `slack` (its cell index was
        // computed from it), and rounding is monotone, so its computed `dist` lies
        // between the box's computed near and far distances: a box whose far corner is
        // below the radius holds only points that count, one whose near side is beyond
        // it none. The 1e-9 margins on top are spare safety.
        let (inner, outer) = (r * (1.0 - 1e-9), r * (1.0 + 1e-9));
        let span = |x: f64, lo: f64, side: f64, a: usize| -> (f64, f64) {
            let (e0, e1) = (
                lo + a as f64 * side - self.slack,
                lo + (a + 1) as f64 * side + self.slack,
            );
            let near = (e0 - x).max(x - e1).max(0.0);
            let far = (x - e0).abs().max((e1 - x).abs());
            (near, far)
        };
        let mut k = 0;
        let rows = cm.saturating_sub(self.reach_m)..=(cm + self.reach_m).min(self.cells_m - 1);
        for a in rows {
            let (near_m, far_m) = span(q.m, self.lo.m, self.side_m, a);
            if near_m >= outer {
                continue;
            }
            let cols = cs.saturating_sub(self.reach_s)..=(cs + self.reach_s).min(self.cells_s - 1);
            for b in cols {
                let c = a * self.cells_s + b;
                let (first, end) = (self.start[c] as usize, self.start[c + 1] as usize);
                if first == end {
                    continue;
                }
                let (near_s, far_s) = span(q.s, self.lo.s, self.side_s, b);
                if (near_m * near_m + near_s * near_s).sqrt() >= outer {
                    continue;
                }
                if (far_m * far_m + far_s * far_s).sqrt() < inner {
                    k += end - first;
                    continue;
                }
                k += self.points[first..end]
                    .iter()
                    .filter(|p| p.dist(q) < r)
                    .count();
            }
        }
        k
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utility_is_zero_at_the_ideal_and_scaled_by_salience() {
        let th = Pos::new(0.2, 0.7);
        assert_eq!(utility(th, 0.5, th, 1.0), 0.0);
        let u = utility(th, 0.5, Pos::new(0.2, 0.2), 2.0);
        assert!((u + 0.5 * 2.0 * 0.25).abs() < 1e-12);
    }

    #[test]
    fn kindset_round_trips() {
        let s = KindSet::of(&[Kind::Standards, Kind::Norms]);
        assert!(s.contains(Kind::Norms) && s.contains(Kind::Standards));
        assert!(!s.contains(Kind::Cybercrime));
        assert_eq!(
            s.iter().collect::<Vec<_>>(),
            vec![Kind::Norms, Kind::Standards]
        );
    }

    /// `n` points uniform on the unit square.
    fn scatter(rng: &mut crate::model::rng::SimRng, n: usize) -> Vec<Pos> {
        use crate::model::stats::uniform;
        (0..n)
            .map(|_| Pos::new(uniform(rng), uniform(rng)))
            .collect()
    }

    /// The grid over `points` counts at `q` what a scan of every point counts.
    fn assert_counts_as_a_scan(points: &[Pos], radius: f64, q: Pos) {
        let scan = points.iter().filter(|p| p.dist(q) < radius).count();
        let grid = Grid::new(points, radius);
        assert_eq!(grid.count_within(q), scan, "radius {radius}, q {q:?}");
    }

    /// What a scan never counts (points with a NaN or infinite coordinate) the grid
    /// does not count either; and below ≈ 1.5e-154, where `Pos::dist` underflows, the
    /// grid still counts what the scan counts.
    #[test]
    fn grid_agrees_with_a_scan_at_the_edges_of_floating_point() {
        let mut points = scatter(&mut crate::model::rng::run_rng(5, 0), 100);
        points.push(Pos::new(f64::NAN, 0.5));
        points.push(Pos::new(0.5, f64::NAN));
        points.push(Pos::new(f64::INFINITY, 0.5));
        let q = Pos::new(0.5, 0.5);
        let grid = Grid::new(&points, 2.0);
        assert_eq!(grid.count_within(q), 100);
        for radius in [2.2e-308, 3e-301, 1e-200, 1e-160] {
            let tiny: Vec<Pos> = (0..17)
                .map(|k| Pos::new(k as f64 * 6e-302, (k % 3) as f64 * 1e-301))
                .collect();
            assert_counts_as_a_scan(&tiny, radius, Pos::new(5e-302, 0.0));
        }
    }

    /// A cell whose farthest corner lies just outside the circle (5e-4 of the radius)
    /// holding a point just inside that corner: the cell must be scanned, not taken
    /// whole. The grid's geometry is pinned by points at (0, 0) and (1, 1) and enough
    /// points for 39 cells per axis (radius 0.1).
    #[test]
    fn grid_scans_a_cell_whose_far_corner_is_just_outside() {
        let radius = 0.1;
        let mut points = scatter(&mut crate::model::rng::run_rng(13, 0), 2000);
        points.push(Pos::new(0.0, 0.0));
        points.push(Pos::new(1.0, 1.0));
        for (a, b) in [(20.0, 20.0), (25.0, 13.0), (9.0, 30.0)] {
            let corner = Pos::new(a / 39.0, b / 39.0);
            let d = radius * (1.0 + 5e-4) / std::f64::consts::SQRT_2;
            let q = Pos::new(corner.m - d, corner.s - d);
            let mut pts = points.clone();
            pts.push(Pos::new(corner.m - 1e-6, corner.s - 1e-6));
            assert_eq!(Grid::new(&pts, radius).cells_m, 39);
            assert_counts_as_a_scan(&pts, radius, q);
        }
    }

    /// Points just inside and just outside the circle (1e-12 of the radius either
    /// side), among a dense background: the cells the circle barely crosses must be
    /// scanned, not taken whole or skipped.
    #[test]
    fn grid_counts_points_on_the_circle_exactly() {
        use crate::model::rng::run_rng;
        use crate::model::stats::uniform;
        let mut rng = run_rng(11, 0);
        let radius = 0.1;
        for _ in 0..20 {
            let q = Pos::new(0.2 + 0.6 * uniform(&mut rng), 0.2 + 0.6 * uniform(&mut rng));
            let mut points = scatter(&mut rng, 5000);
            for k in 0..50_000 {
                let t = std::f64::consts::TAU * k as f64 / 50_000.0;
                let d = radius * if k % 2 == 0 { 1.0 - 1e-12 } else { 1.0 + 1e-12 };
                points.push(Pos::new(q.m + d * t.cos(), q.s + d * t.sin()));
            }
            assert_counts_as_a_scan(&points, radius, q);
        }
    }

    /// The grid counts exactly what a scan of every point counts, for clustered and
    /// spread points, radii from 0 to beyond the plane, and queries off the points' box.
    #[test]
    fn grid_counts_as_a_full_scan_does() {
        use crate::model::rng::run_rng;
        use crate::model::stats::uniform;
        let mut rng = run_rng(7, 0);
        for n in [0, 1, 2, 9, 200, 3000, 20000] {
            for spread in [0.0, 0.01, 0.3, 1.0] {
                let points: Vec<Pos> = (0..n)
                    .map(|_| {
                        let (a, b) = (uniform(&mut rng), uniform(&mut rng));
                        Pos::new(0.5 + spread * (a - 0.5), 0.2 + spread * b)
                    })
                    .collect();
                for radius in [0.0, 1e-9, 0.003, 0.05, 0.2, 2.0] {
                    let grid = Grid::new(&points, radius);
                    for _ in 0..50 {
                        let q = if n > 0 && uniform(&mut rng) < 0.3 {
                            points[(uniform(&mut rng) * n as f64) as usize]
                        } else {
                            let (a, b) = (uniform(&mut rng), uniform(&mut rng));
                            Pos::new(1.4 * a - 0.2, 1.4 * b - 0.2)
                        };
                        let scan = points.iter().filter(|p| p.dist(q) < radius).count();
                        let msg = format!("n {n} spread {spread} radius {radius} q {q:?}");
                        assert_eq!(grid.count_within(q), scan, "{msg}");
                    }
                }
            }
        }
    }
}
