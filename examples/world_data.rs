//! Builds the real-world state data in `scenarios/data/` from the raw facts in
//! `scenarios/data/raw/`: `cargo run --example world_data` rewrites
//! `states.csv`, `votes/ares73_27.csv`, `votes/ares73_266.csv`, `votes/ares74_247.csv`,
//! `budapest_parties.csv` and
//! `regime_category.csv` (each atomically).
//!
//! Every rule that turns a fact into a model value is one small pure function below,
//! with its reason in `scenarios/data/PROVENANCE.md`. `tests/world_data.rs` includes
//! this file, runs its unit tests and checks that the committed outputs equal what
//! the conversion produces now, so the data cannot drift from the script.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

/// The year the state values describe (V-Dem, FH, GDP, internet users, memberships).
pub const YEAR: i32 = 2019;
/// The UN was founded in 1945: years of membership are counted from there.
pub const UN_FOUNDED: i32 = 1945;
/// Regime scores for a known V-Dem Regimes-of-the-World category (ODD §2).
pub const CATEGORY_SCORE: [f64; 4] = [0.05, 0.25, 0.55, 0.85];
/// Weights of the competence blend: diplomatic network, UN seniority, OECD/G20 club.
pub const COMPETENCE_WEIGHTS: [f64; 3] = [0.5, 0.25, 0.25];
/// The permanent members of the Security Council.
pub const P5: [&str; 5] = ["CHN", "FRA", "GBR", "RUS", "USA"];

/// Output files, relative to `scenarios/data/`.
pub const OUT_STATES: &str = "states.csv";
/// The recorded roll calls: (raw file, output file, resolution), each copied through
/// after its codes and states are checked.
pub const VOTES: [(&str, &str, &str); 3] = [
    (
        "vote_ares73_27_oewg_2018.csv",
        "votes/ares73_27.csv",
        "A/RES/73/27",
    ),
    (
        "vote_ares73_266_gge_2018.csv",
        "votes/ares73_266.csv",
        "A/RES/73/266",
    ),
    (
        "vote_ares74_247_cybercrime_2019.csv",
        "votes/ares74_247.csv",
        "A/RES/74/247",
    ),
];
pub const OUT_BUDAPEST: &str = "budapest_parties.csv";
pub const OUT_CATEGORY: &str = "regime_category.csv";

// ---------------------------------------------------------------------------------
// Reading the raw tables
// ---------------------------------------------------------------------------------

/// A CSV file as rows of `column -> cell`, with its name for messages.
pub struct Table {
    pub name: String,
    pub rows: Vec<BTreeMap<String, String>>,
}

impl Table {
    pub fn parse(name: &str, text: &str) -> Result<Table, String> {
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let headers = reader
            .headers()
            .map_err(|e| format!("{name}: {e}"))?
            .clone();
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| format!("{name}: {e}"))?;
            rows.push(
                headers
                    .iter()
                    .zip(record.iter())
                    .map(|(h, v)| (h.to_string(), v.to_string()))
                    .collect(),
            );
        }
        Ok(Table {
            name: name.to_string(),
            rows,
        })
    }

    fn read(dir: &Path, name: &str) -> Result<Table, String> {
        let path = dir.join(name);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
        Table::parse(name, &text)
    }

    /// The rows keyed by their `iso3` cell.
    fn by_iso3(&self) -> Result<BTreeMap<String, &BTreeMap<String, String>>, String> {
        let mut out = BTreeMap::new();
        for (i, row) in self.rows.iter().enumerate() {
            let iso3 = cell(row, "iso3", &self.name, i)?;
            if out.insert(iso3.to_string(), row).is_some() {
                return Err(format!("{}: iso3 {iso3} appears twice", self.name));
            }
        }
        Ok(out)
    }
}

fn cell<'r>(
    row: &'r BTreeMap<String, String>,
    col: &str,
    table: &str,
    i: usize,
) -> Result<&'r str, String> {
    row.get(col)
        .map(String::as_str)
        .ok_or_else(|| format!("{table}: row {}: no column `{col}`", i + 2))
}

/// An optional number: an empty cell is `None`.
fn number(text: &str, what: &str) -> Result<Option<f64>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<f64>()
        .map(Some)
        .map_err(|_| format!("{what}: expected a number, got `{text}`"))
}

/// A 0/1 membership flag.
fn flag(text: &str, what: &str) -> Result<bool, String> {
    match text {
        "1" => Ok(true),
        "0" => Ok(false),
        _ => Err(format!("{what}: expected 0 or 1, got `{text}`")),
    }
}

/// One state's facts, as the raw tables give them.
#[derive(Debug, Clone)]
pub struct Facts {
    pub iso3: String,
    pub name: String,
    pub un_member_since: i32,
    pub un_region: String,
    pub continent: String,
    pub row: Option<u8>,
    pub libdem: Option<f64>,
    pub fh: String,
    pub gdp: Option<f64>,
    pub cinc: f64,
    pub fh_score: f64,
    pub internet_pct: Option<f64>,
    pub embassies: f64,
    /// Membership flags by column of `memberships.csv`.
    pub member: BTreeMap<String, bool>,
}

impl Facts {
    fn is(&self, col: &str) -> bool {
        self.member.get(col).copied().unwrap_or(false)
    }
}

/// Joins `states.csv`, `memberships.csv` and `diplomacy_wikidata2022.csv` on iso3.
pub fn read_facts(
    states: &Table,
    memberships: &Table,
    diplomacy: &Table,
) -> Result<Vec<Facts>, String> {
    let members = memberships.by_iso3()?;
    let embassies = diplomacy.by_iso3()?;
    let mut out = Vec::new();
    for (i, row) in states.rows.iter().enumerate() {
        let c = |col: &str| cell(row, col, &states.name, i);
        let iso3 = c("iso3")?.to_string();
        let what = |col: &str| format!("{} {iso3} {col}", states.name);
        let m = members
            .get(&iso3)
            .ok_or_else(|| format!("{}: no row for {iso3}", memberships.name))?;
        let mut member = BTreeMap::new();
        for (col, v) in m.iter() {
            // Columns left empty by the gatherers (budapest_*, gge_20xx) are not flags.
            if col == "iso3" || v.is_empty() {
                continue;
            }
            member.insert(col.clone(), flag(v, &format!("memberships {iso3} {col}"))?);
        }
        let e = embassies
            .get(&iso3)
            .ok_or_else(|| format!("{}: no row for {iso3}", diplomacy.name))?;
        let n_emb = number(
            e.get("n_host_states_with_embassy")
                .map_or("", String::as_str),
            &format!("diplomacy {iso3}"),
        )?
        .ok_or_else(|| format!("{}: {iso3} has no embassy count", diplomacy.name))?;
        let row_cat = match number(c("vdem_row_2019")?, &what("vdem_row_2019"))? {
            None => None,
            Some(x) if (0.0..=3.0).contains(&x) && x.fract() == 0.0 => Some(x as u8),
            Some(x) => {
                return Err(format!(
                    "{}: not a category 0-3: {x}",
                    what("vdem_row_2019")
                ));
            }
        };
        out.push(Facts {
            name: c("name")?.to_string(),
            un_member_since: c("un_member_since")?
                .parse()
                .map_err(|_| format!("{}: not a year", what("un_member_since")))?,
            un_region: m49_region(&iso3, c("un_region")?).to_string(),
            continent: c("continent")?.to_string(),
            row: row_cat,
            libdem: number(c("vdem_libdem_2019")?, &what("vdem_libdem_2019"))?,
            fh: c("fh_status_2019")?.to_string(),
            gdp: number(c("gdp_usd_2019")?, &what("gdp_usd_2019"))?,
            cinc: number(c("cinc_2016")?, &what("cinc_2016"))?
                .ok_or_else(|| format!("{}: empty", what("cinc_2016")))?,
            fh_score: number(c("fh_total_score_2019")?, &what("fh_total_score_2019"))?
                .ok_or_else(|| format!("{}: empty", what("fh_total_score_2019")))?,
            internet_pct: number(
                c("internet_users_pct_2019")?,
                &what("internet_users_pct_2019"),
            )?,
            embassies: n_emb,
            member,
            iso3,
        });
    }
    out.sort_by(|a, b| a.iso3.cmp(&b.iso3));
    Ok(out)
}

// ---------------------------------------------------------------------------------
// The rules, one pure function each (reasons in scenarios/data/PROVENANCE.md)
// ---------------------------------------------------------------------------------

/// The UN regional group of a state: a continent/UN-region rule plus the exceptions
/// the real group lists require. Kiribati belongs to no group in reality; it is put
/// in `apg` with its Pacific neighbours. The United States (a WEOG observer that
/// votes with it) is `weog`.
pub fn regional_group(
    iso3: &str,
    un_region: &str,
    continent: &str,
) -> Result<&'static str, String> {
    const EEG_EXTRA: [&str; 13] = [
        // Baltic states (UN region Northern Europe)
        "EST", "LVA", "LTU", // former Yugoslavia and Albania (Southern Europe)
        "ALB", "BIH", "HRV", "MKD", "MNE", "SRB", "SVN", // Caucasus (Western Asia)
        "ARM", "AZE", "GEO",
    ];
    const WEOG_EXTRA: [&str; 4] = ["ISR", "TUR", "AUS", "NZL"];
    if EEG_EXTRA.contains(&iso3) {
        return Ok("eeg");
    }
    if WEOG_EXTRA.contains(&iso3) {
        return Ok("weog");
    }
    Ok(match (continent, un_region) {
        ("Africa", _) => "afr",
        ("America", "Northern America") => "weog",
        ("America", _) => "grulac",
        ("Europe", "Eastern Europe") => "eeg",
        ("Europe", _) => "weog",
        ("Asia", _) | ("Oceania", _) => "apg",
        _ => {
            return Err(format!(
                "{iso3}: no regional-group rule for continent `{continent}`"
            ));
        }
    })
}

/// The institutions a state belongs to that act as voting blocs (2019).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Memberships {
    pub brics: bool,
    pub eu: bool,
    pub sco: bool,
    pub nato: bool,
    pub g77: bool,
    pub coe: bool,
    /// A US major non-NATO ally or freely associated state, or the United States
    /// itself (`security_ties`).
    pub us_allies: bool,
    /// A member of the Collective Security Treaty Organization (`security_ties`).
    pub csto: bool,
}

/// The voting blocs of a state, home bloc first. THE one place to change the choice:
/// the home bloc is the political bloc a state acts through when it has one (`sco`
/// for SCO members, else `eu` for EU members), else its UN regional group; then the
/// regional group, `eu`, `sco`, `nato`, the Group of 77 (`g77`, the developing
/// countries' caucus in the General Assembly) and the Council of Europe (`coe`), each
/// once; last the state's UN M49 sub-region (`subregion`) and its security ties with
/// a great power beyond NATO (`us_allies`, `csto`). Which of these pull on votes, and
/// how hard, is the scenario's bloc cohesion (docs/CALIBRATION.md).
pub fn bloc_list(group: &str, subregion: &str, m: Memberships) -> Vec<String> {
    let home = if m.brics {
        "brics"
    } else if m.sco {
        "sco"
    } else if m.eu {
        "eu"
    } else {
        group
    };
    let mut out = vec![home.to_string()];
    let rest = [
        (group, true),
        ("brics", m.brics),
        ("eu", m.eu),
        ("sco", m.sco),
        ("nato", m.nato),
        ("g77", m.g77),
        ("coe", m.coe),
        (subregion, true),
        ("us_allies", m.us_allies),
        ("csto", m.csto),
    ];
    for (b, on) in rest {
        if on && !out.iter().any(|x| x == b) {
            out.push(b.to_string());
        }
    }
    out
}

/// Corrections to the raw file's `un_region` that the M49 standard requires: (iso3,
/// the raw value, the M49 sub-region). The UN Statistics Division's M49 lists Nauru in
/// Micronesia; the raw file has Polynesia. A correction applies only while the raw
/// file still has the wrong value.
pub const M49_FIXES: [(&str, &str, &str); 1] = [("NRU", "Polynesia", "Micronesia")];

/// A state's UN M49 sub-region: the raw file's, corrected by `M49_FIXES`.
pub fn m49_region<'a>(iso3: &str, raw: &'a str) -> &'a str {
    M49_FIXES
        .iter()
        .find(|(id, from, _)| *id == iso3 && *from == raw)
        .map_or(raw, |(_, _, to)| to)
}

/// The bloc id of a UN M49 sub-region ("South-eastern Asia" -> `m49_south_eastern_asia`):
/// neighbours that share a history, a language or a market vote alike more often than
/// their regional group does (docs/CALIBRATION.md, departure 54).
pub fn subregion(un_region: &str) -> Result<String, String> {
    let mut id = String::from("m49");
    let mut gap = true;
    for c in un_region.chars() {
        if c.is_ascii_alphabetic() {
            if gap {
                id.push('_');
            }
            id.push(c.to_ascii_lowercase());
            gap = false;
        } else {
            gap = true;
        }
    }
    if id.len() == 3 {
        return Err(format!("no sub-region in `{un_region}`"));
    }
    Ok(id)
}

/// One row of `gathered/security_ties.csv`: a state's tie to a great power, from
/// `since` until (not including) `until`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tie {
    pub iso3: String,
    pub tie: String,
    pub since: i32,
    pub until: Option<i32>,
}

/// The ties in force in `year`: designated or joined by then and not yet ended.
pub fn ties_in(ties: &[Tie], year: i32) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for t in ties {
        if t.since <= year && t.until.is_none_or(|u| u > year) {
            out.entry(t.iso3.clone()).or_default().insert(t.tie.clone());
        }
    }
    out
}

/// The security-tie blocs of a state in force that year: `us_allies` for the United
/// States and the states it designated major non-NATO allies (`mnna`) or in free
/// association with it (`cofa`); `csto` for the members of the Collective Security
/// Treaty Organization (Russia among them). The patron belongs to its allies' bloc, as
/// the United States belongs to NATO's: the bloc's pull is toward where the alliance
/// stands, and the patron is part of that.
pub fn tie_blocs(iso3: &str, ties: Option<&BTreeSet<String>>) -> (bool, bool) {
    let has = |t: &str| ties.is_some_and(|s| s.contains(t));
    (iso3 == "USA" || has("mnna") || has("cofa"), has("csto"))
}

/// The ties `security_ties.csv` may name.
pub const TIES: [&str; 3] = ["mnna", "cofa", "csto"];

/// Reads `security_ties.csv` (`iso3,tie,since,until,source`), checking each state.
pub fn read_ties(table: &Table, known: impl Fn(&str) -> bool) -> Result<Vec<Tie>, String> {
    let mut out = Vec::new();
    for (i, row) in table.rows.iter().enumerate() {
        let c = |col: &str| cell(row, col, &table.name, i);
        let iso3 = c("iso3")?;
        if !known(iso3) {
            return Err(format!(
                "{} line {}: unknown iso3 `{iso3}`",
                table.name,
                i + 2
            ));
        }
        let year = |col: &str| -> Result<Option<i32>, String> {
            let v = c(col)?;
            if v.is_empty() {
                return Ok(None);
            }
            v.parse()
                .map(Some)
                .map_err(|_| format!("{} line {}: {col} `{v}` is not a year", table.name, i + 2))
        };
        let tie = c("tie")?;
        if !TIES.contains(&tie) {
            return Err(format!(
                "{} line {}: unknown tie `{tie}`; expected one of {}",
                table.name,
                i + 2,
                TIES.join(", ")
            ));
        }
        let since = year("since")?
            .ok_or_else(|| format!("{} line {}: no `since` year", table.name, i + 2))?;
        let until = year("until")?;
        if until.is_some_and(|u| u <= since) {
            return Err(format!(
                "{} line {}: `until` must be after `since` ({since})",
                table.name,
                i + 2
            ));
        }
        out.push(Tie {
            iso3: iso3.to_string(),
            tie: tie.to_string(),
            since,
            until,
        });
        c("source")?;
    }
    Ok(out)
}

/// The mean V-Dem libdem of the states of each Freedom House status that have both:
/// the score given to a state known only by its FH status.
pub fn fh_means(pairs: &[(String, f64)]) -> BTreeMap<String, f64> {
    let mut sums: BTreeMap<String, (f64, usize)> = BTreeMap::new();
    for (fh, x) in pairs {
        let e = sums.entry(fh.clone()).or_insert((0.0, 0));
        e.0 += x;
        e.1 += 1;
    }
    sums.into_iter()
        .map(|(k, (s, n))| (k, s / n as f64))
        .collect()
}

/// The modal RoW category of each FH status among states that have both (ties: the
/// lower category): the regime category of a state known only by its FH status.
pub fn fh_modes(pairs: &[(String, u8)]) -> BTreeMap<String, u8> {
    let mut counts: BTreeMap<String, [usize; 4]> = BTreeMap::new();
    for (fh, c) in pairs {
        counts.entry(fh.clone()).or_insert([0; 4])[*c as usize] += 1;
    }
    counts
        .into_iter()
        .map(|(k, n)| {
            let best = (0..4).fold(0, |b, c| if n[c] > n[b] { c } else { b });
            (k, best as u8)
        })
        .collect()
}

/// The regime score and the rule that gave it: libdem 2019, else the RoW category's
/// score, else the FH status's mean libdem.
pub fn regime(
    libdem: Option<f64>,
    row: Option<u8>,
    fh: &str,
    fh_mean: &BTreeMap<String, f64>,
) -> Result<(f64, &'static str), String> {
    if let Some(x) = libdem {
        return Ok((x, "libdem"));
    }
    if let Some(c) = row {
        return Ok((CATEGORY_SCORE[c as usize], "row"));
    }
    fh_mean
        .get(fh)
        .map(|&x| (x, "fh"))
        .ok_or_else(|| format!("no libdem, no RoW and no FH mean for status `{fh}`"))
}

/// Ordinary least squares `y = a + b x1 + c x2`, solved on centred data.
pub fn ols2(x1: &[f64], x2: &[f64], ys: &[f64]) -> [f64; 3] {
    let n = ys.len() as f64;
    let mean = |v: &[f64]| v.iter().sum::<f64>() / n;
    let (m1, m2, my) = (mean(x1), mean(x2), mean(ys));
    let s = |u: &[f64], mu: f64, v: &[f64], mv: f64| -> f64 {
        u.iter().zip(v).map(|(a, b)| (a - mu) * (b - mv)).sum()
    };
    let (s11, s12, s22) = (s(x1, m1, x1, m1), s(x1, m1, x2, m2), s(x2, m2, x2, m2));
    let (s1y, s2y) = (s(x1, m1, ys, my), s(x2, m2, ys, my));
    let det = s11 * s22 - s12 * s12;
    let b = (s1y * s22 - s2y * s12) / det;
    let c = (s2y * s11 - s1y * s12) / det;
    [my - b * m1 - c * m2, b, c]
}

/// GDP, with missing values predicted by `ln gdp = a + b ln cinc + c fh/100`, fitted
/// on the states that have GDP. CINC alone over-predicts the GDP of poor, heavily
/// armed autocracies (all five missing states); the Freedom House score corrects
/// part of that bias. Returns the GDP (given or imputed) and the fit `[a, b, c]`.
pub fn impute_gdp(gdp: &[Option<f64>], cinc: &[f64], fh_score: &[f64]) -> (Vec<f64>, [f64; 3]) {
    let mut x1 = Vec::new();
    let mut x2 = Vec::new();
    let mut ys = Vec::new();
    for ((g, c), f) in gdp.iter().zip(cinc).zip(fh_score) {
        if let Some(g) = g {
            x1.push(c.ln());
            x2.push(f / 100.0);
            ys.push(g.ln());
        }
    }
    let [a, b, c] = ols2(&x1, &x2, &ys);
    let out = gdp
        .iter()
        .zip(cinc)
        .zip(fh_score)
        .map(|((g, x), f)| g.unwrap_or_else(|| (a + b * x.ln() + c * f / 100.0).exp()))
        .collect();
    (out, [a, b, c])
}

/// Shares of the total.
pub fn shares(xs: &[f64]) -> Vec<f64> {
    let total: f64 = xs.iter().sum();
    xs.iter().map(|x| x / total).collect()
}

/// Percentile ranks in [0, 1]: (mid-rank − 1) / (n − 1), ties sharing their mean rank.
/// A rank, because the embassy counts are undercounts whose level means little.
pub fn percentile_ranks(xs: &[f64]) -> Vec<f64> {
    let n = xs.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| xs[a].total_cmp(&xs[b]));
    let mut out = vec![0.0; n];
    let mut i = 0;
    while i < n {
        let mut j = i;
        while j + 1 < n && xs[order[j + 1]] == xs[order[i]] {
            j += 1;
        }
        let mid = (i + j) as f64 / 2.0; // 0-based mean rank of the tie group
        for &k in &order[i..=j] {
            out[k] = if n > 1 { mid / (n - 1) as f64 } else { 0.5 };
        }
        i = j + 1;
    }
    out
}

/// Years of UN membership by `YEAR`, as a share of the UN's age.
pub fn un_seniority(member_since: i32) -> f64 {
    (f64::from(YEAR - member_since) / f64::from(YEAR - UN_FOUNDED)).clamp(0.0, 1.0)
}

/// Procedural competence: the weighted mean of the diplomatic-network rank, UN
/// seniority and membership of the OECD or the G20 (the clubs that train and staff
/// rule-writing delegations).
pub fn competence(network_rank: f64, seniority: f64, club: bool) -> f64 {
    let [w1, w2, w3] = COMPETENCE_WEIGHTS;
    w1 * network_rank + w2 * seniority + w3 * if club { 1.0 } else { 0.0 }
}

/// The median (mean of the middle two for an even count); `None` when empty.
pub fn median(xs: &[f64]) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

/// Internet users as a share; missing values get the median of the states of the
/// same UN region that have one (else of the same continent). Returns the values and
/// the rule used for each (`data`, `region_median`, `continent_median`).
pub fn impute_ict(facts: &[Facts]) -> Result<Vec<(f64, &'static str)>, String> {
    let med = |f: &dyn Fn(&Facts) -> bool| {
        let xs: Vec<f64> = facts
            .iter()
            .filter(|s| f(s))
            .filter_map(|s| s.internet_pct)
            .collect();
        median(&xs)
    };
    facts
        .iter()
        .map(|s| {
            if let Some(p) = s.internet_pct {
                return Ok(((p / 100.0).clamp(0.0, 1.0), "data"));
            }
            if let Some(m) = med(&|o: &Facts| o.un_region == s.un_region) {
                return Ok((m / 100.0, "region_median"));
            }
            med(&|o: &Facts| o.continent == s.continent)
                .map(|m| (m / 100.0, "continent_median"))
                .ok_or_else(|| format!("{}: no internet users and no neighbours with data", s.iso3))
        })
        .collect()
}

/// The year a Budapest party became one: its entry-into-force year where the facts
/// give a date, else `undated_default` (for the parties known by Sept 2015 only).
pub fn budapest_year(eif: &str, undated_default: i32) -> Result<(i32, &'static str), String> {
    if eif.is_empty() {
        return Ok((undated_default, "undated_party_by_2015"));
    }
    eif.get(0..4)
        .and_then(|y| y.parse().ok())
        .map(|y| (y, "entry_into_force"))
        .ok_or_else(|| format!("entry-into-force date `{eif}` has no year"))
}

/// The default year of the undated parties: the median entry-into-force year of the
/// dated parties that were in force by 2015 (the same population as the undated ones,
/// who are known parties by Sept 2015), rounded down.
pub fn undated_default(dated_years: &[i32]) -> Option<i32> {
    let xs: Vec<f64> = dated_years
        .iter()
        .filter(|&&y| y <= 2015)
        .map(|&y| f64::from(y))
        .collect();
    median(&xs).map(|m| m.floor() as i32)
}

/// A recorded vote code, checked.
pub fn vote_code(v: &str) -> Result<&'static str, String> {
    match v {
        "Y" => Ok("Y"),
        "N" => Ok("N"),
        "A" => Ok("A"),
        "X" => Ok("X"),
        _ => Err(format!("vote `{v}`: expected Y, N, A or X")),
    }
}

/// The tags of a state, in a fixed order.
pub fn tags(s: &Facts, group: &str, budapest_2019: bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut push = |on: bool, t: &str| {
        if on {
            out.push(t.to_string());
        }
    };
    push(P5.contains(&s.iso3.as_str()), "p5");
    for (col, tag) in [
        ("coe_2019", "coe"),
        ("coe_2022", "coe2022"),
        ("eu_2019", "eu"),
        ("eu_2022", "eu2022"),
        ("nato_2019", "nato"),
        ("nato_2022", "nato2022"),
        ("oecd_2019", "oecd"),
        ("g20_2019", "g20"),
        ("brics_2019", "brics"),
        ("g77_2019", "g77"),
        ("sco_member_2019", "sco"),
        ("sco_member_2024", "sco2024"),
        ("sco_observer_2019", "sco_observer"),
        ("sco_dialogue_partner_2019", "sco_partner"),
        ("gge_2019_21", "gge2019"),
        ("gge_2012_13", "gge2012"),
        ("gge_2016_17", "gge2016_known"),
        ("coc_cosponsor_2011", "coc2011"),
        ("coc_cosponsor_2015", "coc2015"),
    ] {
        push(s.is(col), tag);
    }
    push(budapest_2019, "budapest");
    push(true, group);
    out
}

// ---------------------------------------------------------------------------------
// The conversion
// ---------------------------------------------------------------------------------

/// The text of each output file, and figures for the report.
pub struct Outputs {
    pub files: Vec<(&'static str, String)>,
    pub report: String,
}

/// Reads `raw/` (the shared facts) and `gathered/` (what the project gathered beside
/// them) and produces every output, or the first problem found.
pub fn convert(raw: &Path, gathered: &Path) -> Result<Outputs, String> {
    let states = Table::read(raw, "states.csv")?;
    let memberships = Table::read(raw, "memberships.csv")?;
    let diplomacy = Table::read(raw, "diplomacy_wikidata2022.csv")?;
    let gge = Table::read(raw, "gge_members.csv")?;
    let budapest = Table::read(raw, "budapest.csv")?;
    let votes = VOTES
        .iter()
        .map(|(file, _, _)| Table::read(raw, file))
        .collect::<Result<Vec<_>, _>>()?;
    let mut facts = read_facts(&states, &memberships, &diplomacy)?;
    if facts.len() != 193 {
        return Err(format!("expected 193 states, got {}", facts.len()));
    }
    let index: BTreeMap<String, usize> = facts
        .iter()
        .enumerate()
        .map(|(i, s)| (s.iso3.clone(), i))
        .collect();
    let known = |iso3: &str, table: &str| {
        index
            .get(iso3)
            .copied()
            .ok_or_else(|| format!("{table}: unknown iso3 `{iso3}`"))
    };

    // Security ties in force in the data's year.
    let tie_table = Table::read(gathered, "security_ties.csv")?;
    let ties = ties_in(&read_ties(&tie_table, |i| index.contains_key(i))?, YEAR);

    // GGE rounds become membership flags like the others.
    for (i, row) in gge.rows.iter().enumerate() {
        let iso3 = cell(row, "iso3", &gge.name, i)?;
        let col = match cell(row, "round", &gge.name, i)? {
            "2012-2013" => "gge_2012_13",
            "2016-2017" => "gge_2016_17",
            "2019-2021" => "gge_2019_21",
            r => return Err(format!("gge_members.csv: unknown round `{r}`")),
        };
        let k = known(iso3, "gge_members.csv")?;
        facts[k].member.insert(col.to_string(), true);
    }

    // Budapest parties and their years.
    let mut parties = Vec::new();
    for (i, row) in budapest.rows.iter().enumerate() {
        if cell(row, "status", &budapest.name, i)? != "party" {
            continue;
        }
        let iso3 = cell(row, "iso3", &budapest.name, i)?;
        known(iso3, "budapest.csv")?;
        parties.push((
            iso3.to_string(),
            cell(row, "entry_into_force_date", &budapest.name, i)?.to_string(),
        ));
    }
    let dated: Vec<i32> = parties
        .iter()
        .filter(|(_, eif)| !eif.is_empty())
        .map(|(_, eif)| budapest_year(eif, 0).map(|(y, _)| y))
        .collect::<Result<_, _>>()?;
    let default_year = undated_default(&dated).ok_or("budapest.csv: no dated party by 2015")?;
    let mut party_year: BTreeMap<String, (i32, &str)> = BTreeMap::new();
    for (iso3, eif) in &parties {
        party_year.insert(iso3.clone(), budapest_year(eif, default_year)?);
    }

    // Regime.
    let both: Vec<(String, f64)> = facts
        .iter()
        .filter_map(|s| s.libdem.map(|x| (s.fh.clone(), x)))
        .collect();
    let fh_mean = fh_means(&both);
    let both_cat: Vec<(String, u8)> = facts
        .iter()
        .filter_map(|s| s.row.map(|c| (s.fh.clone(), c)))
        .collect();
    let fh_mode = fh_modes(&both_cat);

    // Power.
    let gdp: Vec<Option<f64>> = facts.iter().map(|s| s.gdp).collect();
    let cinc: Vec<f64> = facts.iter().map(|s| s.cinc).collect();
    let fh_score: Vec<f64> = facts.iter().map(|s| s.fh_score).collect();
    let (gdp_full, [a, b, c]) = impute_gdp(&gdp, &cinc, &fh_score);
    let power = shares(&gdp_full);

    // Competence.
    let emb: Vec<f64> = facts.iter().map(|s| s.embassies).collect();
    let net = percentile_ranks(&emb);

    // ICT.
    let ict = impute_ict(&facts)?;

    let mut report = String::new();
    let mut out = String::from("id,name,regime,power,competence,ict,tags,blocs\n");
    let mut categories = String::from("iso3,category,source\n");
    let mut group_size: BTreeMap<&str, usize> = BTreeMap::new();
    let mut regime_rules: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (i, s) in facts.iter().enumerate() {
        let group = regional_group(&s.iso3, &s.un_region, &s.continent)?;
        *group_size.entry(group).or_default() += 1;
        let (reg, rule) =
            regime(s.libdem, s.row, &s.fh, &fh_mean).map_err(|e| format!("{}: {e}", s.iso3))?;
        regime_rules.entry(rule).or_default().push(s.iso3.clone());
        let comp = competence(
            net[i],
            un_seniority(s.un_member_since),
            s.is("oecd_2019") || s.is("g20_2019"),
        );
        let bud = party_year.get(&s.iso3).is_some_and(|(y, _)| *y <= YEAR);
        let (us_allies, csto) = tie_blocs(&s.iso3, ties.get(&s.iso3));
        let blocs = bloc_list(
            group,
            &subregion(&s.un_region).map_err(|e| format!("{}: {e}", s.iso3))?,
            Memberships {
                brics: s.is("brics_2019"),
                eu: s.is("eu_2019"),
                sco: s.is("sco_member_2019"),
                nato: s.is("nato_2019"),
                g77: s.is("g77_2019"),
                coe: s.is("coe_2019"),
                us_allies,
                csto,
            },
        );
        writeln!(
            out,
            "{},{},{:.3},{:.10},{:.3},{:.3},{},{}",
            s.iso3,
            csv_text(&s.name),
            reg,
            power[i],
            comp,
            ict[i].0,
            tags(s, group, bud).join(";"),
            blocs.join(";")
        )
        .map_err(|e| e.to_string())?;
        let (cat, src) = match s.row {
            Some(c) => (c, "row"),
            None => (
                *fh_mode
                    .get(&s.fh)
                    .ok_or_else(|| format!("{}: no RoW category and no FH mode", s.iso3))?,
                "fh",
            ),
        };
        writeln!(categories, "{},{cat},{src}", s.iso3).map_err(|e| e.to_string())?;
    }

    // Votes, copied through after checking codes and states.
    let mut vote_files = Vec::new();
    for (table, (_, out_name, label)) in votes.iter().zip(VOTES) {
        let mut vote_out = String::from("iso3,vote\n");
        let mut tally: BTreeMap<&str, usize> = BTreeMap::new();
        let mut seen = BTreeSet::new();
        for (i, row) in table.rows.iter().enumerate() {
            let iso3 = cell(row, "iso3", &table.name, i)?;
            known(iso3, &table.name)?;
            if !seen.insert(iso3.to_string()) {
                return Err(format!("{}: {iso3} votes twice", table.name));
            }
            let v = vote_code(cell(row, "vote", &table.name, i)?)
                .map_err(|e| format!("{} line {}: {e}", table.name, i + 2))?;
            *tally.entry(v).or_default() += 1;
            writeln!(vote_out, "{iso3},{v}").map_err(|e| e.to_string())?;
        }
        if seen.len() != facts.len() {
            return Err(format!(
                "{}: {} states, expected {}",
                table.name,
                seen.len(),
                facts.len()
            ));
        }
        vote_files.push((out_name, vote_out, label, tally));
    }

    let mut bud_out = String::from("iso3,year,rule\n");
    for (iso3, (y, rule)) in &party_year {
        writeln!(bud_out, "{iso3},{y},{rule}").map_err(|e| e.to_string())?;
    }

    writeln!(report, "states: {}", facts.len()).ok();
    writeln!(report, "regional groups: {group_size:?}").ok();
    for (rule, ids) in &regime_rules {
        let list = if ids.len() > 25 {
            String::new()
        } else {
            format!(" ({})", ids.join(" "))
        };
        writeln!(report, "regime rule {rule}: {}{list}", ids.len()).ok();
    }
    writeln!(report, "FH status -> mean libdem: {fh_mean:.3?}").ok();
    writeln!(report, "FH status -> modal RoW category: {fh_mode:?}").ok();
    writeln!(
        report,
        "GDP fit: ln gdp = {a:.3} + {b:.3} ln cinc + {c:.3} fh/100"
    )
    .ok();
    for (s, g) in facts.iter().zip(&gdp_full) {
        if s.gdp.is_none() {
            writeln!(report, "  imputed GDP {}: {:.3e} USD", s.iso3, g).ok();
        }
    }
    for (s, (x, rule)) in facts.iter().zip(&ict) {
        if *rule != "data" {
            writeln!(
                report,
                "  imputed ict {} ({rule}, {}): {x:.3}",
                s.iso3, s.un_region
            )
            .ok();
        }
    }
    writeln!(
        report,
        "budapest: {} parties, {} by {YEAR}; undated default year {default_year}",
        party_year.len(),
        party_year.values().filter(|(y, _)| *y <= YEAR).count()
    )
    .ok();
    let tied = |kinds: &[&str]| {
        ties.values()
            .filter(|s| kinds.iter().any(|k| s.contains(*k)))
            .count()
    };
    writeln!(
        report,
        "security ties in {YEAR}: us_allies {} and the United States, csto {}",
        tied(&["mnna", "cofa"]),
        tied(&["csto"])
    )
    .ok();
    let mut files = vec![(OUT_STATES, out)];
    for (name, text, label, tally) in vote_files {
        writeln!(report, "votes {label}: {tally:?}").ok();
        files.push((name, text));
    }
    files.push((OUT_BUDAPEST, bud_out));
    files.push((OUT_CATEGORY, categories));
    Ok(Outputs { files, report })
}

/// A CSV cell, quoted when it holds a comma or a quote.
fn csv_text(s: &str) -> String {
    if s.contains([',', '"']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Writes each output under `data_dir`, atomically.
pub fn write(data_dir: &Path, outputs: &Outputs) -> Result<(), String> {
    for (name, text) in &outputs.files {
        let dest = data_dir.join(name);
        if let Some(dir) = dest.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let mut f =
            forumsim::output::atomic::AtomicFile::create(&dest).map_err(|e| e.to_string())?;
        f.write_all(text.as_bytes())
            .map_err(|e| format!("{}: {e}", dest.display()))?;
        f.commit().map_err(|e| e.to_string())?;
    }
    Ok(())
}

#[allow(dead_code)] // unused when tests/world_data.rs includes this file
fn main() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/data");
    let result = convert(&data.join("raw"), &data.join("gathered")).and_then(|o| {
        write(&data, &o)?;
        Ok(o)
    });
    match result {
        Ok(o) => {
            print!("{}", o.report);
            for (name, _) in &o.files {
                println!("wrote {}", data.join(name).display());
            }
        }
        Err(e) => {
            eprintln!("world_data: {e}");
            std::process::exit(2);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regional_groups_follow_the_rule_and_its_exceptions() {
        assert_eq!(
            regional_group("FRA", "Western Europe", "Europe").unwrap(),
            "weog"
        );
        assert_eq!(
            regional_group("POL", "Eastern Europe", "Europe").unwrap(),
            "eeg"
        );
        assert_eq!(
            regional_group("EST", "Northern Europe", "Europe").unwrap(),
            "eeg"
        );
        assert_eq!(
            regional_group("SRB", "Southern Europe", "Europe").unwrap(),
            "eeg"
        );
        assert_eq!(
            regional_group("GEO", "Western Asia", "Asia").unwrap(),
            "eeg"
        );
        assert_eq!(
            regional_group("ISR", "Western Asia", "Asia").unwrap(),
            "weog"
        );
        assert_eq!(
            regional_group("CYP", "Western Asia", "Asia").unwrap(),
            "apg"
        );
        assert_eq!(
            regional_group("KAZ", "Central Asia", "Asia").unwrap(),
            "apg"
        );
        assert_eq!(
            regional_group("USA", "Northern America", "America").unwrap(),
            "weog"
        );
        assert_eq!(
            regional_group("MEX", "Central America", "America").unwrap(),
            "grulac"
        );
        assert_eq!(
            regional_group("NZL", "Australia and New Zealand", "Oceania").unwrap(),
            "weog"
        );
        assert_eq!(
            regional_group("KIR", "Micronesia", "Oceania").unwrap(),
            "apg"
        );
        assert_eq!(
            regional_group("EGY", "Northern Africa", "Africa").unwrap(),
            "afr"
        );
        assert!(regional_group("XXX", "", "Atlantis").is_err());
    }

    #[test]
    fn home_bloc_is_sco_then_eu_then_the_group() {
        let m = Memberships::default();
        let sco = Memberships {
            sco: true,
            g77: true,
            ..m
        };
        assert_eq!(
            bloc_list("apg", "m49_central_asia", sco),
            ["sco", "apg", "g77", "m49_central_asia"]
        );
        let eu = Memberships {
            eu: true,
            nato: true,
            coe: true,
            ..m
        };
        assert_eq!(
            bloc_list("weog", "m49_western_europe", eu),
            ["eu", "weog", "nato", "coe", "m49_western_europe"]
        );
        let nato = Memberships {
            nato: true,
            us_allies: true,
            ..m
        };
        assert_eq!(
            bloc_list("weog", "m49_northern_america", nato),
            ["weog", "nato", "m49_northern_america", "us_allies"]
        );
        let csto = Memberships { csto: true, ..m };
        assert_eq!(
            bloc_list("eeg", "m49_western_asia", csto),
            ["eeg", "m49_western_asia", "csto"]
        );
        assert_eq!(
            bloc_list("afr", "m49_western_africa", m),
            ["afr", "m49_western_africa"]
        );
    }

    #[test]
    fn nauru_is_in_micronesia_as_m49_has_it() {
        assert_eq!(m49_region("NRU", "Polynesia"), "Micronesia");
        assert_eq!(m49_region("NRU", "Micronesia"), "Micronesia");
        assert_eq!(m49_region("TON", "Polynesia"), "Polynesia");
    }

    #[test]
    fn subregions_become_bloc_ids() {
        assert_eq!(
            subregion("South-eastern Asia").unwrap(),
            "m49_south_eastern_asia"
        );
        assert_eq!(subregion("Caribbean").unwrap(), "m49_caribbean");
        assert_eq!(
            subregion("Australia and New Zealand").unwrap(),
            "m49_australia_and_new_zealand"
        );
        assert!(subregion(" - ").is_err());
    }

    #[test]
    fn ties_count_from_their_year_until_they_end() {
        let tie = |iso3: &str, tie: &str, since, until| Tie {
            iso3: iso3.into(),
            tie: tie.into(),
            since,
            until,
        };
        let all = [
            tie("AFG", "mnna", 2012, Some(2022)),
            tie("BRA", "mnna", 2019, None),
            tie("KEN", "mnna", 2024, None),
            tie("UZB", "csto", 2006, Some(2012)),
            tie("FSM", "cofa", 1986, None),
        ];
        let in2019 = ties_in(&all, 2019);
        assert_eq!(in2019.keys().collect::<Vec<_>>(), ["AFG", "BRA", "FSM"]);
        assert!(!ties_in(&all, 2022).contains_key("AFG"), "ended in 2022");
        assert!(ties_in(&all, 2011).contains_key("UZB"));
        assert_eq!(tie_blocs("BRA", in2019.get("BRA")), (true, false));
        assert_eq!(tie_blocs("FSM", in2019.get("FSM")), (true, false));
        assert_eq!(
            tie_blocs("USA", None),
            (true, false),
            "the patron is in its bloc"
        );
        assert_eq!(tie_blocs("KEN", in2019.get("KEN")), (false, false));
        let csto = ties_in(&[tie("RUS", "csto", 1992, None)], 2019);
        assert_eq!(tie_blocs("RUS", csto.get("RUS")), (false, true));
    }

    #[test]
    fn tie_rows_are_checked() {
        let read = |text: &str| {
            let t = Table::parse("security_ties.csv", text).unwrap();
            read_ties(&t, |i| i != "XXX")
        };
        let head = "iso3,tie,since,until,source\n";
        assert_eq!(
            read(&format!("{head}RUS,csto,1992,,src\n")).unwrap(),
            [Tie {
                iso3: "RUS".into(),
                tie: "csto".into(),
                since: 1992,
                until: None
            }]
        );
        for (row, says) in [
            ("XXX,csto,1992,,src", "line 2: unknown iso3 `XXX`"),
            ("RUS,csto,,,src", "since"),
            ("UZB,csto,2012,2006,src", "`until` must be after"),
            ("RUS,warsaw,1955,,src", "unknown tie `warsaw`"),
            ("RUS,csto,19x2,,src", "19x2"),
        ] {
            let e = read(&format!("{head}{row}\n")).unwrap_err();
            assert!(e.contains(says), "{row}: {e}");
        }
    }

    #[test]
    fn regime_falls_back_from_libdem_to_category_to_fh() {
        let m = fh_means(&[("F".into(), 0.8), ("F".into(), 0.6), ("NF".into(), 0.1)]);
        assert!((m["F"] - 0.7).abs() < 1e-12);
        assert_eq!(
            regime(Some(0.42), Some(1), "F", &m).unwrap(),
            (0.42, "libdem")
        );
        assert_eq!(regime(None, Some(2), "F", &m).unwrap(), (0.55, "row"));
        assert_eq!(regime(None, None, "NF", &m).unwrap(), (0.1, "fh"));
        assert!(regime(None, None, "PF", &m).is_err());
    }

    #[test]
    fn fh_modes_take_the_most_common_category_lower_on_ties() {
        let m = fh_modes(&[
            ("F".into(), 3),
            ("F".into(), 3),
            ("F".into(), 2),
            ("PF".into(), 1),
            ("PF".into(), 2),
        ]);
        assert_eq!(m["F"], 3);
        assert_eq!(m["PF"], 1);
    }

    #[test]
    fn ols_recovers_a_plane_and_gdp_is_imputed_on_it() {
        // y = 1 + 2 x1 - 3 x2 exactly
        let x1 = [0.0, 1.0, 2.0, 0.0];
        let x2 = [0.0, 0.0, 1.0, 1.0];
        let y: Vec<f64> = x1
            .iter()
            .zip(&x2)
            .map(|(a, b)| 1.0 + 2.0 * a - 3.0 * b)
            .collect();
        let [a, b, c] = ols2(&x1, &x2, &y);
        assert!((a - 1.0).abs() < 1e-12 && (b - 2.0).abs() < 1e-12 && (c + 3.0).abs() < 1e-12);
        // gdp = 10 * cinc * e^(fh/100) exactly on the fitted states
        let cinc = [1.0, 10.0, 2.0, 1000.0];
        let fh = [0.0, 0.0, 100.0, 100.0];
        let gdp = |i: usize| 10.0 * cinc[i] * (fh[i] / 100.0f64).exp();
        let (g, [a, b, c]) = impute_gdp(
            &[Some(gdp(0)), Some(gdp(1)), Some(gdp(2)), None],
            &cinc,
            &fh,
        );
        assert!((a - 10f64.ln()).abs() < 1e-9 && (b - 1.0).abs() < 1e-9 && (c - 1.0).abs() < 1e-9);
        assert!((g[3] - gdp(3)).abs() / gdp(3) < 1e-9);
        let s = shares(&[1.0, 3.0]);
        assert_eq!(s, [0.25, 0.75]);
    }

    #[test]
    fn percentile_ranks_share_ties() {
        assert_eq!(percentile_ranks(&[5.0, 1.0, 3.0]), [1.0, 0.0, 0.5]);
        assert_eq!(percentile_ranks(&[0.0, 0.0, 7.0]), [0.25, 0.25, 1.0]);
        assert_eq!(percentile_ranks(&[2.0]), [0.5]);
    }

    #[test]
    fn competence_blends_network_seniority_and_club() {
        assert_eq!(un_seniority(1945), 1.0);
        assert!((un_seniority(2011) - 8.0 / 74.0).abs() < 1e-12);
        assert_eq!(competence(1.0, 1.0, true), 1.0);
        assert_eq!(competence(0.0, 0.0, false), 0.0);
        assert!((competence(0.5, 1.0, false) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[]), None);
    }

    #[test]
    fn budapest_years_come_from_entry_into_force_or_the_default() {
        assert_eq!(
            budapest_year("2004-07-01", 2008).unwrap(),
            (2004, "entry_into_force")
        );
        assert_eq!(
            budapest_year("", 2008).unwrap(),
            (2008, "undated_party_by_2015")
        );
        assert!(budapest_year("soon", 2008).is_err());
        assert_eq!(undated_default(&[2004, 2006, 2010, 2012, 2024]), Some(2008));
        assert_eq!(undated_default(&[2004, 2005, 2020]), Some(2004));
        assert_eq!(undated_default(&[2020]), None);
    }

    #[test]
    fn vote_codes_are_checked() {
        assert_eq!(vote_code("A").unwrap(), "A");
        assert!(vote_code("y").is_err());
    }

    #[test]
    fn names_with_commas_are_quoted() {
        assert_eq!(
            csv_text("Micronesia, Fed. Sts."),
            "\"Micronesia, Fed. Sts.\""
        );
        assert_eq!(csv_text("Chad"), "Chad");
    }
}
