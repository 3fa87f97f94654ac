//! What the account spends, as the dashboard knows it: the burn rate and today's spend from the
//! lists held, with what they may be missing (a list never loaded, a team or page unread, a
//! deployment without a rate) carried along, never counted as $0. The sums are
//! [`crate::domain::spend`]'s.

use crate::api::Deployment;
use crate::domain::spend::{self, Coverage, NOT_READ_WHOLE, Tally};

use super::action::PagedList;
use super::state::AppState;

/// How much of the account the deployments and volumes held cover, for the burn rate (only
/// active deployments count, so an active-only list is whole for it).
pub fn coverage(state: &AppState) -> Coverage {
    let stale = |l| !state.team_lists.stale(l).is_empty();
    let fresh = !stale(PagedList::Deployments) && !stale(PagedList::Volumes);
    team_coverage(state, !fresh)
}

/// [`coverage`] for one team's part, `stale` when that team's last read failed.
pub fn team_coverage(state: &AppState, stale: bool) -> Coverage {
    let whole = |c: &crate::api::Completeness| c.without_filters().is_complete();
    Coverage {
        loaded: state.deployments.loaded_at.is_some(),
        complete: !stale
            && whole(&state.deployments.completeness)
            && state.volumes.loaded_at.is_some()
            && whole(&state.volumes.completeness),
        missing: NOT_READ_WHOLE,
    }
}

/// The same for today's spend, which needs the deployments that ended today too.
pub fn today_coverage(state: &AppState) -> Coverage {
    let whole = state
        .deployments
        .completeness
        .without_filters()
        .is_complete();
    Coverage {
        loaded: state.deployments.loaded_at.is_some(),
        complete: state.schedule.deployments_full && whole,
        missing: if whole {
            "those ended today not loaded (f)"
        } else {
            NOT_READ_WHOLE
        },
    }
}

/// A deployment's offer price (by `offerId`) among the offers loaded: what stands in for a rate
/// the deployment does not give.
pub fn offer_rate(state: &AppState) -> impl Fn(&Deployment) -> Option<f64> + '_ {
    move |d: &Deployment| {
        let id = d.offer_id.as_deref()?;
        state
            .offers
            .all
            .iter()
            .find(|o| o.offer_id == id)
            .and_then(|o| o.hourly_rate())
    }
}

/// What the account pays per hour now: every active deployment and volume held.
pub fn account_burn(state: &AppState) -> Tally {
    spend::burn_rate(
        &state.deployments.items,
        &state.volumes.items,
        coverage(state),
        &offer_rate(state),
    )
}

/// What the deployments held spent since UTC midnight.
pub fn spent_today(state: &AppState) -> Tally {
    spend::spent_today(
        &state.deployments.items,
        state.now,
        today_coverage(state),
        &offer_rate(state),
    )
}
