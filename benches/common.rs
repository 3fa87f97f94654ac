//! Shared set-up for the benchmarks: an app state loaded with synthetic data.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

// Each bench binary uses a part of this module.
#![allow(dead_code)]

use chrono::{TimeZone, Utc};
use spheron_tui::api::{Deployment, OffersPage, decode_list};
use spheron_tui::app::state::Session;
use spheron_tui::app::{Action, AppState, update};
use spheron_tui::demo::synth;

pub fn state_with(offers: usize, deployments: usize) -> AppState {
    let offers = serde_json::to_vec(&synth::offers_page(offers)).unwrap();
    let fleet = serde_json::to_vec(&synth::deployments(deployments)).unwrap();
    state_from_bytes(&offers, &fleet)
}

/// A state loaded from answer bodies, as the client hands them over.
pub fn state_from_bytes(offers: &[u8], fleet_body: &[u8]) -> AppState {
    let now = Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap();
    let mut s = AppState::new(
        Session {
            key_mask: Some("sai_…bench".into()),
            poll_interval_secs: 20,
            ..Session::default()
        },
        now,
    );
    s.size = (200, 60);
    update(&mut s, Action::Start(now));
    let seq = s.offers.seq;
    update(
        &mut s,
        Action::OffersLoaded {
            seq,
            page: 1,
            // As the client does: straight from the bytes of the answer.
            result: Ok(OffersPage::from_slice(offers).unwrap()),
        },
    );
    let fleet = decode_fleet(serde_json::from_slice(fleet_body).unwrap());
    update(&mut s, Action::DeploymentsLoaded(Ok(fleet.into())));
    s
}

pub fn fleet(n: usize) -> Vec<Deployment> {
    decode_fleet(synth::deployments(n))
}

/// A `GET /api/deployments` answer, read as the client reads it.
fn decode_fleet(body: serde_json::Value) -> Vec<Deployment> {
    decode_list::<Deployment>(body, &["deployments"])
        .unwrap()
        .items
}
