//! The statistics of votes in `forumsim validate`, as pure functions: the modal vote,
//! the confusion matrix and Cohen's kappa (means, sds and percentiles of tallies are
//! [`crate::stats`]').
//!
//! Conventions (documented in docs/VALIDATION.md): modal-vote ties are broken in the
//! fixed order Y, N, A, X; kappa is NaN where it is undefined (chance agreement 1, or
//! no countries).

use crate::model::Ballot;

/// The most frequent ballot in `counts` (indexed in [`Ballot::ALL`] order), ties
/// broken by that order (Y before N before A before X); `None` when all are 0.
pub fn modal(counts: [u32; 4]) -> Option<Ballot> {
    let best = (0..4).fold(0, |b, i| if counts[i] > counts[b] { i } else { b });
    (counts[best] > 0).then_some(Ballot::ALL[best])
}

/// Counts of each ballot, in [`Ballot::ALL`] order.
pub fn counts(ballots: impl IntoIterator<Item = Ballot>) -> [u32; 4] {
    let mut c = [0; 4];
    for b in ballots {
        c[b.index()] += 1;
    }
    c
}

/// A 4×4 confusion matrix: `m[recorded][predicted]`, in [`Ballot::ALL`] order.
pub type Confusion = [[u32; 4]; 4];

/// The confusion matrix of (recorded, predicted) pairs.
pub fn confusion(pairs: impl IntoIterator<Item = (Ballot, Ballot)>) -> Confusion {
    let mut m = [[0; 4]; 4];
    for (r, p) in pairs {
        m[r.index()][p.index()] += 1;
    }
    m
}

/// Share of the diagonal (observed agreement); NaN for an empty matrix.
pub fn agreement(m: &Confusion) -> f64 {
    let n: u32 = m.iter().flatten().sum();
    if n == 0 {
        return f64::NAN;
    }
    f64::from((0..4).map(|i| m[i][i]).sum::<u32>()) / f64::from(n)
}

/// Agreement over the states with a recorded vote (rows Y, N, A; the X row — no vote
/// recorded — left out); NaN when no state voted. The calibration targets of issue 3
/// are stated on this base (the 172 of 193 states that voted on A/RES/74/247).
pub fn agreement_voting(m: &Confusion) -> f64 {
    let n: u32 = m[..3].iter().flatten().sum();
    if n == 0 {
        return f64::NAN;
    }
    f64::from((0..3).map(|i| m[i][i]).sum::<u32>()) / f64::from(n)
}

/// Cohen's kappa `(p_o − p_e) / (1 − p_e)`, where `p_e = Σ_k row_k col_k / n²` is the
/// agreement expected by chance from the two margins. NaN when `p_e = 1` (both sides
/// always cast the same single ballot) or the matrix is empty.
pub fn kappa(m: &Confusion) -> f64 {
    let n: u32 = m.iter().flatten().sum();
    if n == 0 {
        return f64::NAN;
    }
    let n = f64::from(n);
    let po = agreement(m);
    let pe: f64 = (0..4)
        .map(|k| {
            let row: u32 = m[k].iter().sum();
            let col: u32 = (0..4).map(|r| m[r][k]).sum();
            f64::from(row) * f64::from(col)
        })
        .sum::<f64>()
        / (n * n);
    if (1.0 - pe).abs() < 1e-12 {
        return f64::NAN;
    }
    (po - pe) / (1.0 - pe)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ballot::*;

    #[test]
    fn modal_vote_breaks_ties_in_y_n_a_x_order() {
        assert_eq!(modal([1, 3, 0, 0]), Some(No));
        assert_eq!(modal([2, 2, 0, 0]), Some(Yes));
        assert_eq!(modal([0, 1, 1, 1]), Some(No));
        assert_eq!(modal([0, 0, 2, 2]), Some(Abstain));
        assert_eq!(modal([0, 0, 0, 0]), None);
        assert_eq!(counts([Yes, No, Yes, Absent]), [2, 1, 0, 1]);
    }

    #[test]
    fn kappa_of_a_known_two_by_two_table() {
        // The textbook example: 50 items, both say yes 20, both no 15, yes/no 5, no/yes 10.
        // p_o = 35/50 = 0.7; p_e = (25*30 + 25*20)/2500 = 0.5; kappa = 0.4.
        let m = confusion(
            std::iter::repeat_n((Yes, Yes), 20)
                .chain(std::iter::repeat_n((Yes, No), 5))
                .chain(std::iter::repeat_n((No, Yes), 10))
                .chain(std::iter::repeat_n((No, No), 15)),
        );
        assert_eq!(m[0][0], 20);
        assert_eq!(m[0][1], 5);
        assert_eq!(m[1][0], 10);
        assert!((agreement(&m) - 0.7).abs() < 1e-12);
        assert!((kappa(&m) - 0.4).abs() < 1e-12);
    }

    #[test]
    fn agreement_among_voters_leaves_out_the_absent_row() {
        // 2 voters right, 1 voter wrong, 1 recorded absent predicted yes.
        let m = confusion([(Yes, Yes), (No, No), (Abstain, Yes), (Absent, Yes)]);
        assert!((agreement(&m) - 0.5).abs() < 1e-12);
        assert!((agreement_voting(&m) - 2.0 / 3.0).abs() < 1e-12);
        assert!(agreement_voting(&confusion([(Absent, Absent)])).is_nan());
    }

    #[test]
    fn kappa_is_one_for_perfect_agreement_and_nan_when_undefined() {
        let m = confusion([(Yes, Yes), (No, No), (Abstain, Abstain), (Absent, Absent)]);
        assert!((kappa(&m) - 1.0).abs() < 1e-12);
        let all_yes = confusion([(Yes, Yes), (Yes, Yes)]);
        assert_eq!(agreement(&all_yes), 1.0);
        assert!(kappa(&all_yes).is_nan());
        assert!(kappa(&[[0; 4]; 4]).is_nan());
        // Agreement no better than chance: kappa 0.
        let chance = confusion([(Yes, Yes), (Yes, No), (No, Yes), (No, No)]);
        assert!(kappa(&chance).abs() < 1e-12);
    }
}
