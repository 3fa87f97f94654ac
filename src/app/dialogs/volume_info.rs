//! `Enter` on a volume: its details with fresh usage from `GET /api/volumes/{id}`.

use super::Dialog;
use crate::api::Volume;
use crate::app::action::{ApiResult, Command};
use crate::app::state::AppState;
use crate::app::volume_access;

#[derive(Debug, Clone)]
pub struct VolumeInfo {
    pub id: String,
    pub volume: Volume,
    pub loading: bool,
    pub error: Option<String>,
    pub scroll: u16,
}

pub fn open(state: &mut AppState) -> Option<Vec<Command>> {
    let v = volume_access::selected_volume(state)?;
    let id = v.id.clone();
    super::open(
        state,
        Dialog::VolumeInfo(VolumeInfo {
            id: id.clone(),
            volume: v,
            loading: true,
            error: None,
            scroll: 0,
        }),
    );
    Some(vec![Command::FetchVolume { id }])
}

pub fn fetched(state: &mut AppState, id: &str, r: ApiResult<Volume>) {
    if let Some(Dialog::VolumeInfo(i)) = state.dialog.as_mut()
        && i.id == id
    {
        i.loading = false;
        match r {
            Ok(v) => {
                i.volume = v;
                i.error = None;
            }
            Err(e) => i.error = Some(e.to_string()),
        }
    }
}
