//! The model plan as the dashboard keeps it: a job chosen in the planner dialog (or read back
//! from the store, where it stays until cleared), and each offer's verdict, speed and cost under
//! it, prepared when the offers or the plan change (never per frame). The Offers pane shows them
//! as its Fit, est. tok/s and $/Mtok columns and can sort by them.

use std::cmp::Ordering;

use super::action::Command;
use super::state::{AppState, FlashKind, OfferSort, OffersView};
use crate::api::Offer;
use crate::domain::planner::offers::{Planner, rank_order};
use crate::domain::planner::spec::{job_from_spec, job_spec};
use crate::domain::planner::{Fit, Job, OfferPlan};

/// The plan and each offer's figures under it.
#[derive(Debug, Clone)]
pub struct PlanView {
    pub job: Job,
    /// One per offer of [`OffersView::all`], same index.
    pub rows: Vec<OfferPlan>,
}

/// What the runtime does for the plan (in the local store).
#[derive(Debug, Clone, PartialEq)]
pub enum PlanCmd {
    /// Read the saved plan.
    Load,
    /// Keep this plan (its spec, `None` clears it).
    Save(Option<String>),
}

/// What comes back.
#[derive(Debug, Clone, PartialEq)]
pub enum PlanEvent {
    /// The saved plan's spec (`None`: there is none), or why it could not be read.
    Loaded(Result<Option<String>, String>),
    /// Whether the plan was kept.
    Saved(Result<(), String>),
}

impl OffersView {
    /// Plan the offers from index `start` on (a page just absorbed).
    pub(crate) fn plan_from(&mut self, start: usize) {
        let Some(plan) = self.plan.as_mut() else {
            return;
        };
        plan.rows.truncate(start);
        let mut planner = Planner::default();
        plan.rows
            .extend(self.all[start..].iter().map(|o| planner.plan(&plan.job, o)));
    }

    /// Show `job`'s figures (or none), and sort by them: `$/Mtok ↑` puts the cheapest way to
    /// serve the model first.
    pub fn set_plan(&mut self, job: Option<Job>) {
        let keep = self.selected().map(super::offers::offer_key);
        match job {
            Some(job) => {
                self.plan = Some(PlanView {
                    job,
                    rows: Vec::new(),
                });
                self.plan_from(0);
                self.sort = OfferSort::PerMtok;
                self.descending = false;
            }
            None => {
                self.plan = None;
                if self.sort.needs_plan() {
                    self.sort = OfferSort::default();
                }
            }
        }
        self.recompute(keep);
    }
}

/// The order of two offers (indices into `all`) by a plan column; `None` for the other sorts.
/// `$/Mtok` ranks as `plan` does: fits, then tight, then the rest, each by $/Mtok then $/h.
pub(crate) fn plan_order(
    plan: Option<&PlanView>,
    all: &[Offer],
    sort: OfferSort,
    a: usize,
    b: usize,
) -> Option<Ordering> {
    let plan = plan?;
    let (pa, pb) = (plan.rows.get(a)?, plan.rows.get(b)?);
    Some(match sort {
        OfferSort::PerMtok => rank_order((pa, &all[a]), (pb, &all[b])),
        OfferSort::Fit => fit_rank(pa.fit).cmp(&fit_rank(pb.fit)),
        OfferSort::TokensPerSecond => {
            // Fastest first when ascending reads "best first"; unknown last.
            match (pa.tokens_per_second, pb.tokens_per_second) {
                (Some(x), Some(y)) => y.total_cmp(&x),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            }
        }
        _ => return None,
    })
}

fn fit_rank(f: Option<Fit>) -> u8 {
    match f {
        Some(Fit::Fits) => 0,
        Some(Fit::Tight) => 1,
        Some(Fit::No) => 2,
        None => 3,
    }
}

/// Choose `job` as the plan (or clear it): the pane shows it at once, the store keeps it.
pub fn choose(state: &mut AppState, job: Option<Job>) -> Vec<Command> {
    let spec = job.as_ref().map(job_spec);
    match &job {
        Some(j) => state.say(FlashKind::Info, format!("planning {}", j.label())),
        None => state.say(FlashKind::Info, "plan cleared".to_string()),
    }
    state.offers.set_plan(job);
    super::offers::resort(state);
    vec![Command::Plan(PlanCmd::Save(spec))]
}

/// The store's answers.
pub fn on_event(state: &mut AppState, ev: PlanEvent) -> Vec<Command> {
    match ev {
        PlanEvent::Loaded(Ok(Some(spec))) => match job_from_spec(&spec) {
            // A plan chosen in this session wins over the one read back.
            Ok(job) if state.offers.plan.is_none() => {
                state.offers.set_plan(Some(job));
                super::offers::resort(state);
            }
            Ok(_) => {}
            Err(e) => state.say(
                FlashKind::Warning,
                format!("the saved model plan could not be read ({e}); choose one with p"),
            ),
        },
        PlanEvent::Loaded(Ok(None)) => {}
        PlanEvent::Loaded(Err(e)) | PlanEvent::Saved(Err(e)) => state.say(
            FlashKind::Warning,
            format!("the model plan is not kept in the local store: {e}"),
        ),
        PlanEvent::Saved(Ok(())) => {}
    }
    Vec::new()
}
