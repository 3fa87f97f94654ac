//! The money part of a deploy's summary, as text: the instance's $/h (with its list price when
//! discounted), the total $/h and 24 h, the minimum charge, the account's $/h now → after with
//! the balance and runway, and the SPOT warning. The wizard draws it (styling each part by its
//! [`Tone`]) and `deploy` prints it: one text for both.

use super::cost::{Estimate, MINIMUM_RUNTIME_MINUTES, duration_short, usd, usd_h, usd_opt};
use super::spend::{Runway, Tally};
use crate::api::InstanceType;

/// What the summary is made of.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SpendFacts {
    pub estimate: Estimate,
    pub instance_type: InstanceType,
    /// The list price, when the offer is discounted.
    pub list_price: Option<f64>,
    pub discount_percentage: Option<f64>,
    /// What all teams together pay per hour now, and after this deploy (unknown parts say so).
    pub spend_now: Tally,
    pub spend_after: Tally,
    /// The paying team's name, its $/h after this deploy, and its balance.
    pub team_name: Option<String>,
    pub team_after: Tally,
    pub balance: Option<f64>,
    /// How long that team's balance lasts at its own $/h after this deploy.
    pub runway: Runway,
}

/// How a part reads: the wizard gives each its style; plain text ignores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Plain,
    Dim,
    Price,
    /// The total $/h: the figure to read first.
    Total,
    /// A list price struck through by a discount.
    Struck,
    Saving,
}

/// One labelled line of parts.
#[derive(Debug, Clone, PartialEq)]
pub struct CostLine {
    pub label: String,
    pub parts: Vec<(String, Tone)>,
}

impl CostLine {
    /// The line as plain text, its label padded like the wizard's.
    pub fn plain(&self) -> String {
        let body: String = self.parts.iter().map(|(t, _)| t.as_str()).collect();
        format!("{:<LABEL_WIDTH$}{body}", self.label)
    }
}

/// Columns the labels take.
pub const LABEL_WIDTH: usize = 13;

/// Said before any SPOT deploy is confirmed.
pub const SPOT_WARNING: &str = "⚠ SPOT: the provider can reclaim this instance at any moment (terminated-provider), and its disk with it. For work that must not be interrupted, deploy a DEDICATED offer instead.";

/// Said for an offer that does not say its instance type: it may be SPOT.
pub const MAYBE_SPOT_WARNING: &str = "⚠ Instance type unknown, so possibly SPOT: the provider can reclaim this instance at any moment (terminated-provider), and its disk with it. For work that must not be interrupted, deploy a DEDICATED offer instead.";

/// The summary's money lines: `instance` itemised, `totals` (total, minimum, account) which
/// must never be cut, and the SPOT warning for a SPOT offer.
#[derive(Debug, Clone, PartialEq)]
pub struct CostText {
    pub instance: CostLine,
    pub totals: Vec<CostLine>,
    pub spot: Option<&'static str>,
}

impl CostText {
    /// Every line as plain text, in the order the wizard shows them.
    pub fn plain_lines(&self) -> Vec<String> {
        let mut out = vec![self.instance.plain()];
        out.extend(self.totals.iter().map(CostLine::plain));
        out.extend(self.spot.map(str::to_string));
        out
    }
}

/// The paying team's name as a label: cut to fit the label column (the summary names it whole
/// above), `Team ?` when no team is known.
fn team_label(name: Option<&str>) -> String {
    let Some(name) = name.filter(|n| !n.trim().is_empty()) else {
        return "Team ?".into();
    };
    let max = LABEL_WIDTH - 1;
    if name.chars().count() <= max {
        name.to_string()
    } else {
        let cut: String = name.chars().take(max - 1).collect();
        format!("{cut}…")
    }
}

pub fn cost_text(f: &SpendFacts) -> CostText {
    let e = &f.estimate;
    let mut inst = vec![(usd_h(e.instance), Tone::Price)];
    if let Some(list) = f.list_price {
        inst.push(("  ".into(), Tone::Plain));
        inst.push((usd_h(Some(list)), Tone::Struck));
        if let Some(p) = f.discount_percentage {
            inst.push((format!(" −{p:.0}%"), Tone::Saving));
        }
    }
    inst.push((
        "  for the whole configuration, not per GPU".into(),
        Tone::Dim,
    ));
    let hours = |h: f64| duration_short((h * 3600.0).min(1e12) as i64);
    let runway = match f.runway {
        Runway::Hours(h) => hours(h),
        Runway::AtMost(h) => format!("at most {}", hours(h)),
        Runway::Forever | Runway::Unknown => "unknown".into(),
    };
    // Where a figure came from, when not from every deployment's own rate.
    let why = f
        .spend_after
        .note()
        .map_or(String::new(), |n| format!(" ({n})"));
    let team_why = f
        .team_after
        .note()
        .map_or(String::new(), |n| format!(" ({n})"));
    let totals = vec![
        CostLine {
            label: "Total".into(),
            parts: vec![
                (usd_h(e.per_hour()), Tone::Total),
                (
                    format!("  ·  24 h {}", usd_opt(e.for_hours(24.0))),
                    Tone::Plain,
                ),
            ],
        },
        CostLine {
            label: "Minimum".into(),
            parts: vec![
                (usd_opt(e.minimum_charge()), Tone::Price),
                (
                    format!(
                        " at least, even if terminated at once ({MINIMUM_RUNTIME_MINUTES:.0}-minute minimum)"
                    ),
                    Tone::Plain,
                ),
            ],
        },
        CostLine {
            label: super::spend::ALL_TEAMS.into(),
            parts: vec![(
                format!(
                    "{} now → {} after{why}",
                    f.spend_now.text_h(),
                    f.spend_after.text_h(),
                ),
                Tone::Plain,
            )],
        },
        CostLine {
            label: team_label(f.team_name.as_deref()),
            parts: vec![(
                format!(
                    "{} after{team_why}  ·  balance {}  ·  runway {runway}",
                    f.team_after.text_h(),
                    f.balance.map_or("unknown".into(), usd),
                ),
                Tone::Plain,
            )],
        },
    ];
    CostText {
        instance: CostLine {
            label: "Instance".into(),
            parts: inst,
        },
        totals,
        spot: match f.instance_type {
            InstanceType::Spot => Some(SPOT_WARNING),
            InstanceType::Unknown => Some(MAYBE_SPOT_WARNING),
            _ => None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lines_say_every_figure_and_unknown_is_never_zero() {
        let f = SpendFacts {
            estimate: Estimate {
                instance: Some(2.0),
                volumes: Some(0.5),
                addon: None,
            },
            instance_type: InstanceType::Spot,
            list_price: Some(2.5),
            discount_percentage: Some(20.0),
            spend_now: Tally::exact(1.0),
            spend_after: Tally::exact(3.0),
            team_name: Some("Demo Lab".into()),
            team_after: Tally::exact(2.5),
            balance: Some(30.0),
            runway: Runway::Hours(12.0),
        };
        let lines = cost_text(&f).plain_lines();
        assert_eq!(
            lines[0],
            "Instance     $2.00/h  $2.50/h −20%  for the whole configuration, not per GPU"
        );
        assert_eq!(lines[1], "Total        $2.50/h  ·  24 h $60.00");
        assert!(
            lines[2].starts_with("Minimum      $0.67 at least"),
            "{}",
            lines[2]
        );
        assert_eq!(lines[3], "All teams    $1.00/h now → $3.00/h after");
        assert_eq!(
            lines[4],
            "Demo Lab     $2.50/h after  ·  balance $30.00  ·  runway 12h 00m"
        );
        assert_eq!(lines[5], SPOT_WARNING);
        let unknown = SpendFacts {
            instance_type: InstanceType::Dedicated,
            ..SpendFacts::default()
        };
        let lines = cost_text(&unknown).plain_lines();
        assert_eq!(lines.len(), 5, "no SPOT warning: {lines:?}");
        assert!(lines[1].contains("?/h") && lines[1].contains("24 h ?"));
        assert!(lines[3].starts_with("All teams") && lines[3].contains("?/h after"));
        assert!(lines[4].starts_with("Team ?") && lines[4].contains("?/h after"));
        assert!(lines[4].contains("balance unknown") && lines[4].contains("runway unknown"));
    }

    #[test]
    fn a_long_team_name_is_cut_to_the_label_column() {
        assert_eq!(team_label(Some("Personal")), "Personal");
        assert_eq!(team_label(Some("Research Cluster")), "Research Cl…");
        assert_eq!(team_label(Some("Research Cl…")).chars().count(), 12);
        assert_eq!(team_label(None), "Team ?");
    }
}
