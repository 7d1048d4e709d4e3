//! Initialisation of states (ODD §2, §5): derived ideals (noise drawn once per run),
//! derived salience, and the weights that do not change during a run.

use crate::model::params::Params;
use crate::model::policy::Pos;
use crate::model::rng::SimRng;
use crate::model::spec::Scenario;
use crate::model::stats::std_normal;

/// Every state's ideal: given, or `0.5 + slope (0.5 − regime) [− ms_pull regime ict] + Σ bloc
/// shifts + noise`, clamped to [0, 1]. Draws two normals per derived ideal, in state order.
pub fn ideals(sc: &Scenario, p: &Params, rng: &mut SimRng) -> Vec<Pos> {
    sc.states
        .iter()
        .map(|s| {
            if let Some(ideal) = s.ideal {
                return ideal;
            }
            let base = 0.5 + p.ideal_slope * (0.5 - s.regime);
            let (mut dm, mut ds) = (0.0, 0.0);
            for &b in &s.blocs {
                dm += sc.blocs[b].shift.m;
                ds += sc.blocs[b].shift.s;
            }
            let nm = std_normal(rng);
            let ns = std_normal(rng);
            Pos::new(
                base - p.ms_pull * s.regime * s.ict + dm + p.ideal_noise * nm,
                base + ds + p.ideal_noise * ns,
            )
            .clamped()
        })
        .collect()
}

/// Every state's salience: given, or `floor + (1 − floor) √max(power/max power, ict)`.
pub fn saliences(sc: &Scenario, p: &Params) -> Vec<f64> {
    let max_power = sc.states.iter().map(|s| s.power).fold(0.0, f64::max);
    sc.states
        .iter()
        .map(|s| {
            s.salience.unwrap_or_else(|| {
                let rel = if max_power > 0.0 {
                    s.power / max_power
                } else {
                    0.0
                };
                p.salience_floor + (1.0 - p.salience_floor) * rel.max(s.ict).sqrt()
            })
        })
        .collect()
}
