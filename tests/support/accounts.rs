//! Builders shared by the manage reducer flows and snapshots: a started state with demo-like
//! deployments, volumes, keys and teams loaded through the reducer.

use chrono::{DateTime, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::{Value, json};
use spheron_tui::api::{Balance, Deployment, SshKey, Volume, VolumeRegion, decode};
use spheron_tui::app::dialogs::Dialog;
use spheron_tui::app::state::Session;
use spheron_tui::app::{Action, AppState, Command, Pane, update};

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap()
}

pub fn session(read_only: bool) -> Session {
    Session {
        demo: true,
        read_only,
        host: "127.0.0.1:1".into(),
        key_mask: Some("sai_…demo".to_string()),
        poll_interval_secs: 20,
    }
}

pub fn dep(id: &str, name: &str, provider: &str, region: &str, status: &str) -> Deployment {
    decode(
        json!({"id": id, "name": name, "provider": provider, "region": region,
        "status": status, "gpuType": "H100", "gpuCount": 8, "hourlyRate": 20.0,
        "instanceType": "DEDICATED", "startedAt": "2026-11-28T11:00:00Z"}),
    )
    .unwrap()
}

pub fn vol(
    id: &str,
    name: &str,
    provider: &str,
    region: &str,
    status: &str,
    attached: &[&str],
) -> Volume {
    decode(
        json!({"id": id, "name": name, "provider": provider, "region": region,
        "sizeInGb": 100, "status": status, "attachedTo": attached, "hourlyRatePerGb": 0.0001,
        "createdAt": "2026-11-27T10:00:00Z"}),
    )
    .unwrap()
}

pub fn region(
    provider: &str,
    id: &str,
    min: f64,
    max: f64,
    cloud: Option<(&str, &str)>,
) -> VolumeRegion {
    let mut v = json!({"id": id, "provider": provider, "minSizeGb": min, "maxSizeGb": max,
        "hourlyRatePerGb": 0.0002, "hasGpuOffers": true});
    if let Some((cid, cname)) = cloud {
        v["cloudId"] = json!(cid);
        v["cloudName"] = json!(cname);
    }
    decode(v).unwrap()
}

pub fn k8s_deployment() -> Deployment {
    decode(json!({"id": "dep_k8s", "name": "vp-cluster", "provider": "voltage-park",
        "region": "us-central-1", "status": "running", "gpuType": "H100", "gpuCount": 8,
        "instanceType": "CLUSTER", "hourlyRate": 21.52,
        "kubernetesAddon": {"version": "1.35", "k8s_cluster_id": "c0ffee00-1111-2222-3333-444455556666",
            "kubeconfig": "apiVersion: v1\nkind: Config\nclusters:\n- name: vp\n",
            "service_links": [{"name": "dashboard", "url": "https://k8s.example/dash"}]}}))
    .unwrap()
}

/// A started state with a key; deployments, volumes, keys and balance loaded.
pub fn loaded(read_only: bool) -> AppState {
    let mut s = AppState::new(session(read_only), t0());
    s.size = (120, 40);
    update(&mut s, Action::Start(t0()));
    let deps = vec![
        dep("dep_sp1", "sp-train", "spheron-ai", "us-east-1", "running"),
        dep("dep_sp2", "sp-west", "spheron-ai", "us-west-2", "running"),
        dep("dep_fin1", "verda-a", "verda", "FIN-01", "running"),
        dep("dep_fin2", "verda-b", "verda", "FIN-02", "running"),
        dep("dep_ses", "ses-box", "sesterce", "eu-north-1", "running"),
        dep(
            "dep_vp",
            "vp-box",
            "voltage-park",
            "us-central-1",
            "deploying",
        ),
        k8s_deployment(),
    ];
    update(&mut s, Action::DeploymentsLoaded(Ok(deps.clone().into())));
    let vols = vec![
        vol(
            "vol_sp",
            "ckpt",
            "spheron-ai",
            "us-east-1",
            "attached",
            &["dep_sp1"],
        ),
        vol(
            "vol_fin",
            "fin-cache",
            "data-crunch",
            "FIN-01",
            "available",
            &[],
        ),
        vol(
            "vol_ses",
            "ses-data",
            "sesterce",
            "eu-north-1",
            "attached",
            &["dep_ses"],
        ),
        vol(
            "vol_vp",
            "vp-data",
            "voltage-park",
            "us-central-1",
            "available",
            &[],
        ),
        vol(
            "vol_free",
            "scratch",
            "spheron-ai",
            "us-east-1",
            "available",
            &[],
        ),
    ];
    update(&mut s, Action::VolumesLoaded(Ok(vols.clone().into())));
    let keys: Vec<SshKey> = vec![
        decode(json!({"id": "sshk_1", "name": "laptop", "fingerprint": "SHA256:abc"})).unwrap(),
        decode(json!({"id": "sshk_2", "name": "ci", "fingerprint": "SHA256:def"})).unwrap(),
    ];
    update(&mut s, Action::KeysLoaded(Ok(keys.into())));
    let bal = Balance::decode(json!({"teams": [
        {"teamId": "team_demo_01", "teamName": "Demo", "balance": 250.0, "isCurrentTeam": true, "role": "owner"},
        {"teamId": "team_zero", "teamName": "Broke", "balance": 0.0, "isCurrentTeam": false, "role": "member"}
    ], "currency": "USD"}))
    .unwrap();
    update(&mut s, Action::BalanceLoaded(Ok(bal)));
    // the second round: both lists again, naming the second team the balance brought
    update(&mut s, Action::DeploymentsLoaded(Ok(deps.into())));
    update(&mut s, Action::VolumesLoaded(Ok(vols.into())));
    assert!(!s.schedule.deployments_in_flight && !s.schedule.volumes_in_flight);
    s
}

pub fn key(s: &mut AppState, code: KeyCode) -> Vec<Command> {
    update(s, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

pub fn chr(s: &mut AppState, c: char) -> Vec<Command> {
    key(s, KeyCode::Char(c))
}

pub fn ctrl(s: &mut AppState, c: char) -> Vec<Command> {
    update(
        s,
        Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
    )
}

pub fn type_text(s: &mut AppState, text: &str) -> Vec<Command> {
    let mut all = Vec::new();
    for c in text.chars() {
        all.extend(chr(s, c));
    }
    all
}

pub fn event(s: &mut AppState, ev: Action) -> Vec<Command> {
    update(s, ev)
}

/// Put the cursor of `pane` on the row whose id is `id`.
pub fn select(s: &mut AppState, pane: Pane, id: &str) {
    s.pane = pane;
    let pos = match pane {
        Pane::Volumes => s.volumes.items.iter().position(|v| v.id == id),
        Pane::Keys => s.keys.items.iter().position(|k| k.id == id),
        Pane::Deployments => s.visible_deployments().iter().position(|d| d.id == id),
        Pane::Account => s
            .account
            .balance
            .as_ref()
            .and_then(|b| b.teams.iter().position(|t| t.team_id == id)),
        Pane::Offers => None,
    }
    .expect("row exists");
    match pane {
        Pane::Volumes => s.volumes.cursor.selected = pos,
        Pane::Keys => s.keys.cursor.selected = pos,
        Pane::Deployments => s.deployments.cursor.selected = pos,
        Pane::Account => s.account.cursor.selected = pos,
        Pane::Offers => {}
    }
}

pub fn dialog(s: &AppState) -> &Dialog {
    match &s.dialog {
        Some(d) => d,
        None => panic!("no dialog open"),
    }
}

/// The commands about keys, volumes, Kubernetes, teams and files: without the list polls,
/// deploys, terminal effects and the deployment commands.
pub fn manage_cmds(cmds: &[Command]) -> Vec<Command> {
    cmds.iter()
        .filter(|c| {
            !matches!(
                c,
                Command::FetchOffers { .. }
                    | Command::FetchDeployments { .. }
                    | Command::FetchVolumes { .. }
                    | Command::FetchKeys
                    | Command::FetchBalance
                    | Command::FetchTeams
                    | Command::UseKey(_)
                    | Command::Copy(_)
                    | Command::Bell
                    | Command::Quit
                    | Command::Deploy { .. }
                    | Command::ProbeSsh { .. }
                    | Command::OpenSsh { .. }
                    | Command::CheckCanTerminate { .. }
                    | Command::Terminate { .. }
                    | Command::RenameDeployment { .. }
            )
        })
        .cloned()
        .collect()
}

/// Everything a dialog says, in one string (for `contains` checks).
pub fn dialog_text(s: &AppState) -> String {
    format!("{:?}", dialog(s))
}

pub fn json_of(v: &Value) -> String {
    v.to_string()
}
