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
}
