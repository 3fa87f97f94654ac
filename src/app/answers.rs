//! Answers to the requests dialogs make, each routed to the file of the dialog that asked.

use super::action::{Action, Command};
use super::dialogs;
use super::state::AppState;
use super::{arrivals, connect, lists};

pub(crate) fn route(state: &mut AppState, action: Action) -> Vec<Command> {
    let mut cmds = Vec::new();
    match action {
        Action::Deployed(result) => cmds.extend(super::deploys::on_deployed(state, result)),
        Action::KubernetesVersions(r) => {
            lists::k8s_versions_loaded(state, &r);
            dialogs::deployment_info::versions_loaded(state, &r);
        }
        Action::PubKeysFound(found) => {
            lists::pub_keys_found(state, &found);
            dialogs::add_key::found(state, &found);
            cmds.extend(super::workspace::sync_ssh_config(state));
        }
        Action::SshConfigWritten(r) => super::workspace::on_ssh_config_written(state, r),
        Action::SshConfigSettingSaved { on, result } => {
            super::workspace::on_setting_saved(state, on, result)
        }
        Action::PresetSaved {
            name,
            preset,
            result,
        } => dialogs::deploy::preset::saved(state, name, *preset, result),
        Action::UsageSampled { id, result } => super::usage::on_sampled(state, id, result),
        Action::TunnelUp { key, local } => super::tunnels::on_up(state, key, local),
        Action::TunnelDown { key, why } => super::tunnels::on_down(state, key, why),
        Action::EditorOpened(r) => super::tunnels::on_editor(state, r),
        Action::SshProbed { id, ok } => arrivals::on_ssh_probed(state, &id, ok),
        Action::SshExited(r) => connect::on_ssh_exited(state, r),
        Action::CanTerminateChecked { id, result } => {
            dialogs::terminate::on_checked(state, &id, result)
        }
        Action::Terminated { id, result } => {
            // Whatever the answer, the DELETE may have taken: if it ends, the user ended it.
            state.guard.terminated_by.entry(id.clone()).or_insert("you");
            cmds.extend(dialogs::terminate::on_terminated(state, &id, result))
        }
        Action::Renamed { id, result } => {
            cmds.extend(dialogs::rename::on_renamed(state, &id, result))
        }
        Action::KeyChecked { key, result } => {
            cmds.extend(dialogs::key_prompt::key_checked(state, key, result))
        }
        Action::KeyAdded(r) => cmds.extend(dialogs::add_key::added(state, r)),
        Action::KeyDeleted { id, result } => {
            cmds.extend(dialogs::delete::key_deleted(state, &id, result))
        }
        Action::KeyFetched { id, result } => dialogs::key_info::fetched(state, &id, result),
        Action::VolumeRegions { provider, result } => {
            dialogs::create_volume::regions_loaded(state, &provider, result)
        }
        Action::VolumePricing {
            provider,
            region,
            result,
        } => dialogs::create_volume::pricing_loaded(state, &provider, &region, result),
        Action::VolumeFetched { id, result } => dialogs::volume_info::fetched(state, &id, result),
        Action::DeploymentFetched { id, result } => {
            super::deployment_names::fetched(state, &id, &result);
            arrivals::on_left_fetched(state, &id, &result);
            dialogs::pick::deployment_fetched(state, &id, result)
        }
        Action::VolumeCreated(r) => cmds.extend(dialogs::create_volume::created(state, r)),
        Action::VolumePatched { id, result } => cmds.extend(dialogs::pick::volume_written(
            state,
            &id,
            result.map(drop),
            "updated",
        )),
        Action::VolumeDeleted { id, result } => cmds.extend(dialogs::pick::volume_written(
            state,
            &id,
            result,
            "is being deleted",
        )),
        Action::VolumeAttached { id, result } => cmds.extend(dialogs::pick::volume_written(
            state,
            &id,
            result.map(drop),
            "attached",
        )),
        Action::VolumeDetached { id, result } => cmds.extend(dialogs::pick::volume_written(
            state,
            &id,
            result.map(drop),
            "detached",
        )),
        Action::ClusterHealth { cluster_id, result } => {
            dialogs::deployment_info::health_loaded(state, &cluster_id, result)
        }
        Action::TeamLoaded { id, result } => dialogs::team_info::team_loaded(state, &id, result),
        Action::FileSaved { path, result } => dialogs::kubeconfig::file_saved(state, path, result),
        // the input, time and list answers are routed by `update` itself
        Action::Start(_)
        | Action::ConfigWarnings(_)
        | Action::Key(_)
        | Action::Paste(_)
        | Action::Mouse(_)
        | Action::Resize(..)
        | Action::Tick(_)
        | Action::Now(_)
        | Action::Rate(_)
        | Action::OffersLoaded { .. }
        | Action::TeamListFailed { .. }
        | Action::ProvidersLoaded(_)
        | Action::DeploymentsLoaded(_)
        | Action::VolumesLoaded(_)
        | Action::KeysLoaded(_)
        | Action::BalanceLoaded(_)
        | Action::TeamsLoaded(_)
        | Action::KeySaved(_)
        | Action::Guard(_)
        | Action::Prices(_)
        | Action::Plan(_)
        | Action::StoreChanged(_)
        | Action::AccountChanged(_) => {}
    }
    cmds
}
