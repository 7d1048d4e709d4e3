//! Global model parameters (ODD §2, §7) with their defaults and valid ranges.
//!
//! One table defines every numeric parameter: the struct field, its default, its
//! closed range and a one-line meaning. The scenario validator, `--set`, the
//! `check` summary and the manifest all read this same table, so a parameter cannot
//! be documented in one place and validated differently in another.

/// Definition of one numeric parameter, as the validator and the docs see it.
#[derive(Debug, Clone, Copy)]
pub struct ParamDef {
    /// Name as written in the scenario's `[parameters]` table.
    pub name: &'static str,
    /// MODEL.md default.
    pub default: f64,
    /// Smallest valid value (inclusive).
    pub min: f64,
    /// Largest valid value (inclusive).
    pub max: f64,
    /// What the parameter means, in one line.
    pub doc: &'static str,
}

macro_rules! define_params {
    ($( $(#[$meta:meta])* $name:ident = $default:expr, [$min:expr, $max:expr], $doc:expr; )*) => {
        /// Every numeric model parameter. Field names equal the TOML keys.
        #[derive(Debug, Clone, PartialEq)]
        pub struct Params {
            $( $(#[$meta])* #[doc = $doc] pub $name: f64, )*
            /// Whether sponsors may create a bloc venue after a failure (ODD §7.3).
            pub allow_create: bool,
        }

        impl Default for Params {
            fn default() -> Self {
                Params { $( $name: $default, )* allow_create: true }
            }
        }

        /// The table of numeric parameters, in documentation order.
        pub const PARAM_DEFS: &[ParamDef] = &[
            $( ParamDef { name: stringify!($name), default: $default, min: $min, max: $max, doc: $doc }, )*
        ];

        impl Params {
            /// Value of a numeric parameter by name (`None` if no such parameter).
            pub fn get(&self, name: &str) -> Option<f64> {
                match name {
                    $( stringify!($name) => Some(self.$name), )*
                    _ => None,
                }
            }

            /// Mutable slot of a numeric parameter by name (`None` if no such parameter).
            /// Range checks are the caller's job (see [`ParamDef`]).
            pub fn slot(&mut self, name: &str) -> Option<&mut f64> {
                match name {
                    $( stringify!($name) => Some(&mut self.$name), )*
                    _ => None,
                }
            }
        }
    };
}

define_params! {
    scope_weight = 1.0, [0.0, 10.0], "weight w_s of the scope dimension in utilities (§2)";
    salience_floor = 0.3, [0.0, 1.0], "lowest derived salience (§2)";
    ideal_slope = 0.9, [0.0, 2.0], "how strongly regime moves derived ideals (§2)";
    ideal_noise = 0.05, [0.0, 1.0], "sd of the noise in derived ideals, drawn once per run (§2)";
    ms_pull = 0.3, [0.0, 1.0], "pull of domestic firms and civil society toward multistakeholder modality, × regime × ict (§2)";
    max_stakeholder_weight = 0.6, [0.0, 10.0], "cap on a venue's stakeholder weight (§2)";
    privilege_gain = 2.0, [0.0, 100.0], "privileged members weigh × (1 + privilege_gain × privilege) (§2)";
    alpha = 0.5, [0.0, 5.0], "exponent of power in the influence weight (§7)";
    beta = 1.0, [0.0, 5.0], "exponent of competence in the influence weight (§7)";
    exit_cost = 0.1, [0.0, 10.0], "a member of an open venue leaves when V_join < -exit_cost (§7.2)";
    legit_cost = 0.3, [0.0, 10.0], "scale of the legitimation cost democracies pay for joining opaque, state-centric venues (§7.2)";
    apply_distance = 0.3, [0.0, 2.0], "a state applies to an invitation venue whose rule is within this distance of its ideal (§7.2)";
    admit_distance = 0.35, [0.0, 2.0], "a member votes to admit an applicant whose ideal is within this distance (§7.2)";
    shift_cost = 0.05, [0.0, 10.0], "cost of moving a proposal to another venue, × (1 - competence) (§7.3)";
    create_power = 0.15, [0.0, 1.0], "world power share a home bloc needs before its members may create a venue (§7.3)";
    create_cost = 0.1, [0.0, 10.0], "cost of creating a venue (§7.3)";
    create_transparency = 0.2, [0.0, 1.0], "transparency of a venue created by a bloc (§7.3)";
    create_privilege = 0.5, [0.0, 1.0], "privilege of a venue created by a bloc (§7.3)";
    min_eu = 0.0001, [0.0, 10.0], "an option is worth taking only when its EU exceeds this (§7.3; MODEL.md's \"positive\" is 0)";
    choice_temperature = 0.02, [0.000001, 100.0], "softmax temperature of forum choice (§7.3)";
    attention_base = 0.01, [0.0, 10.0], "attention score of a venue with nothing at stake (§7.5)";
    attention_temperature = 0.25, [0.000001, 100.0], "softmax temperature of attention, relative to the largest score (§7.5)";
    attention_cap = 2.0, [1.0, 100.0], "cap on the attention multiplier a_iv × n_i (§7.5)";
    absence = 0.15, [0.0, 1.0], "base probability of missing a session (§7.5)";
    lambda = 0.3, [0.0, 1.0], "share of the distance to the compromise a proposal moves per round (§7.6)";
    agenda_power = 0.05, [0.0, 10.0], "largest utility loss (× salience) the sponsor accepts per round of negotiation (§7.6)";
    reform_rate = 0.05, [0.0, 1.0], "per-member, per-round chance (× competence) of tabling an openness reform (§7.7)";
    reform_step = 0.05, [0.0, 1.0], "size of an openness reform (§7.7)";
    reform_band = 0.1, [0.0, 2.0], "members abstain on a reform when their openness gap is within this band (§7.7)";
    yes_bias = 0.05, [-2.0, 2.0], "bias toward yes in every vote (§7.8)";
    cohesion = 0.5, [0.0, 1.0], "pull of a voter toward its blocs' average position (§7.8)";
    stigma = 0.3, [0.0, 10.0], "penalty on proposals from sponsors with lost legitimacy (§7.8)";
    vote_noise = 0.05, [0.0, 10.0], "sd of the vote shock (§7.8)";
    abstain_band = 0.15, [0.0, 10.0], "voters abstain when |Δ| is within this band (§7.8)";
    break_cost = 0.0, [0.0, 10.0], "what breaking consensus costs: a member objects (blocks a consensus, calls for a vote in a consensus-first venue) only when its position is below min(-abstain_band, -abstain_band - break_cost + yes_bias) (ODD 7.8; 0 = MODEL.md, any no vote)";
    erosion = 0.0, [0.0, 1.0], "share of a consensus-first venue's practice of consensus a recorded vote wears away (ODD 7.8; 0 = it never erodes)";
    recovery = 0.0, [0.0, 1.0], "share of the lost practice an adoption without a vote, or a session that decides nothing, restores (ODD 7.8)";
    founding_practice = 1.0, [0.0, 1.0], "how firmly a consensus-first venue created during the run holds to consensus at its first session (ODD 7.8, departure 48; 1 = as firmly as the venues that exist from the start)";
    draft_reach = 1.0, [0.0, 1.0], "how far toward the room's compromise a sponsor may draft its text before tabling it in a consensus-first venue (ODD 7.3; 0 = its own text)";
    treaty_loyalty = 0.0, [0.0, 2.0], "cost, in a vote creating a binding venue, to the parties of a binding venue for the same kind whose rule the sponsor's camp did not set (ODD 7.8, departures 31 and 52; 0 = off)";
    rival_cost = 0.0, [0.0, 2.0], "cost, in a vote creating a venue, to the sponsors and co-sponsors of another camp's text creating a venue for the same kind that is before the states (ODD 7.8, departure 53; 0 = off)";
    framing = 0.2, [0.0, 1.0], "how much narrower a broad scope reads to an incompetent delegation (§7.8)";
    socialisation = 0.0, [0.0, 1.0], "drift of members' ideals toward adopted rules (§7.11)";
    camp_threshold = 0.4, [0.0, 1.0], "states with regime below this are in the authoritarian camp (§2)";
    min_present = 3.0, [1.0, 1000.0], "venues decide only with at least this many present participants (§7.8)";
}

impl Params {
    /// Names of every parameter, numeric and boolean, for "did you mean" hints.
    pub fn names() -> impl Iterator<Item = &'static str> {
        PARAM_DEFS
            .iter()
            .map(|d| d.name)
            .chain(std::iter::once("allow_create"))
    }

    /// Definition of a numeric parameter by name.
    pub fn def(name: &str) -> Option<&'static ParamDef> {
        PARAM_DEFS.iter().find(|d| d.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_lie_in_their_ranges() {
        for d in PARAM_DEFS {
            assert!(d.min <= d.default && d.default <= d.max, "{}", d.name);
        }
    }

    #[test]
    fn get_and_slot_agree_with_the_table() {
        let mut p = Params::default();
        for d in PARAM_DEFS {
            assert_eq!(p.get(d.name), Some(d.default));
            *p.slot(d.name).unwrap() = d.max;
            assert_eq!(p.get(d.name), Some(d.max));
        }
        assert!(p.get("no_such").is_none());
    }
}
