//! Fixtures shared by the deploy/terminate flow tests and their snapshots.

use chrono::{DateTime, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::{Value, json};
use spheron_tui::api::{Balance, Deployment, OffersPage, SshKey, Volume, decode};
use spheron_tui::app::action::LocalPubKey;
use spheron_tui::app::state::Session;
use spheron_tui::app::{Action, AppState, Command, update};
use spheron_tui::ui::{self, Theme, svg};

/// Every `ApiError` the tests use is built here, so adapting to the client's final variants is
/// one edit.
pub mod err {
    use spheron_tui::api::ApiError;
    use std::time::Duration;

    pub fn validation(field: Option<&str>, message: &str) -> ApiError {
        ApiError::Validation {
            message: message.into(),
            field: field.map(str::to_owned),
            code: Some("VALIDATION_ERROR".into()),
            body: serde_json::json!({"error": message, "code": "VALIDATION_ERROR"}),
        }
    }
    pub fn validation_body(message: &str, body: serde_json::Value) -> ApiError {
        ApiError::Validation {
            message: message.into(),
            field: None,
            code: Some("VALIDATION_ERROR".into()),
            body,
        }
    }
    pub fn unauthorized() -> ApiError {
        ApiError::Unauthorized {
            message: "Invalid API key".into(),
            code: Some("UNAUTHORIZED".into()),
        }
    }
    pub fn forbidden() -> ApiError {
        ApiError::Forbidden {
            message: "Not a member of this team".into(),
            code: Some("FORBIDDEN".into()),
        }
    }
    pub fn not_found() -> ApiError {
        ApiError::NotFound {
            message: "Offer not found".into(),
            code: Some("NOT_FOUND".into()),
        }
    }
    pub fn rate_limited(secs: u64) -> ApiError {
        ApiError::RateLimited {
            retry_after: Duration::from_secs(secs),
        }
    }
    pub fn server() -> ApiError {
        ApiError::Server {
            status: 500,
            message: "Internal error".into(),
            code: Some("INTERNAL_ERROR".into()),
        }
    }
    pub fn network() -> ApiError {
        ApiError::Network {
            message: "connection reset by peer".into(),
        }
    }
    pub fn timeout() -> ApiError {
        ApiError::Timeout {
            message: "30 s".into(),
        }
    }
    pub fn decode() -> ApiError {
        ApiError::Decode {
            status: 502,
            message: "expected value at line 1".into(),
            snippet: "<html>".into(),
        }
    }
    pub fn redirect() -> ApiError {
        ApiError::Redirect {
            status: 302,
            location: Some("https://elsewhere.example/".into()),
        }
    }
    pub fn http(status: u16) -> ApiError {
        ApiError::Http {
            status,
            message: "Conflict".into(),
            code: None,
        }
    }
    pub fn invalid_input() -> ApiError {
        ApiError::InvalidInput {
            message: "an id of ..".into(),
        }
    }
    pub fn read_only() -> ApiError {
        ApiError::ReadOnly {
            method: "POST".into(),
            path: "/api/deployments".into(),
        }
    }
}

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap()
}

/// A session against a (fictional) live API: probes and ssh are emitted, not skipped as in demo.
pub fn session(read_only: bool) -> Session {
    Session {
        demo: false,
        read_only,
        host: "127.0.0.1:1".into(),
        key_mask: Some("sai_…demo".to_string()),
        poll_interval_secs: 20,
    }
}

pub fn key(s: &mut AppState, code: KeyCode) -> Vec<Command> {
    update(s, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

pub fn chr(s: &mut AppState, c: char) -> Vec<Command> {
    key(s, KeyCode::Char(c))
}

/// The deploy's confirm from the wizard's summary: `y` opens the one confirm, `y` there sends.
/// Where the summary opens no confirm (a guard blocks, nothing to confirm), only the first.
#[allow(dead_code)]
pub fn confirm_deploy(s: &mut AppState) -> Vec<Command> {
    let mut cmds = chr(s, 'y');
    if matches!(&s.dialog, Some(spheron_tui::app::dialogs::Dialog::Confirm(c))
        if matches!(c.op, spheron_tui::app::dialogs::Op::Deploy(_)))
    {
        cmds.extend(chr(s, 'y'));
    }
    cmds
}

pub fn type_text(s: &mut AppState, text: &str) {
    for c in text.chars() {
        chr(s, c);
    }
}

pub fn enter(s: &mut AppState) -> Vec<Command> {
    key(s, KeyCode::Enter)
}

/// A person's pause: a second passes before the next key (delete SSH key and the kubeconfig
/// overwrite count their `y` only after half a quiet second).
pub fn pause(s: &mut AppState) {
    let later = s.now + chrono::Duration::seconds(1);
    update(s, Action::Now(later));
}

/// The answer a data-losing confirm (terminate, delete volume) asks for: `yes`, then Enter.
pub fn type_yes(s: &mut AppState) -> Vec<Command> {
    let mut cmds = Vec::new();
    for c in "yes".chars() {
        cmds.extend(chr(s, c));
    }
    cmds.extend(enter(s));
    cmds
}

/// A Voltage Park CLUSTER offer with cloud-init and the add-on: every wizard step.
/// A deploy body for the demo server built from the first offer of a `GET /api/gpu-offers`
/// answer that can be deployed, for `team`.
pub fn demo_deploy_body(offers: &Value, team: &str) -> Value {
    let (gpu, o) = offers["data"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["offers"].as_array().unwrap().iter().map(move |o| (g, o)))
        .find(|(_, o)| o["available"] == true && o["maintenance"] == false)
        .unwrap();
    json!({
        "provider": o["provider"], "offerId": o["offerId"], "gpuType": gpu["gpuType"],
        "gpuCount": o["gpuCount"], "region": o["clusters"][0], "operatingSystem": o["os_options"][0],
        "instanceType": o["instanceType"], "sshKeyId": "sshk_5d2e8a41", "teamId": team,
    })
}

pub fn vp_cluster() -> Value {
    json!({"provider": "voltage-park", "offerId": "vp-h100-8", "gpuCount": 8, "price": 21.52,
           "discountedPrice": 19.37, "originalPrice": 21.52, "discountPercentage": 10,
           "hasDiscount": true, "instanceType": "CLUSTER", "gpu_memory": 80,
           "clusters": ["166e655a:culpeper-usa-1", "a7f3:dallas-usa-2"],
           "os_options": ["Ubuntu 22.04", "Ubuntu 24.04"], "available": true,
           "supportsCloudInit": true, "gpuType": "H100_SXM5",
           "extras": {"kubernetes_addon": {"version": "1.35", "total_cost_per_hour": 0.8}}})
}

pub fn spot_offer() -> Value {
    json!({"provider": "spheron-ai", "offerId": "sp-4090-1", "gpuCount": 1, "price": 0.31,
           "instanceType": "SPOT", "gpu_memory": 24, "clusters": ["us-east-1"],
           "os_options": ["ubuntu-22.04"], "available": true, "gpuType": "RTX4090"})
}

pub fn maintenance_offer() -> Value {
    json!({"provider": "sesterce", "offerId": "ses-a100-1", "gpuCount": 1, "price": 1.29,
           "instanceType": "DEDICATED", "gpu_memory": 80, "clusters": ["fr-par-1"],
           "os_options": ["ubuntu-22.04"], "available": true, "maintenance": true,
           "gpuType": "A100_80G"})
}

/// One group per offer, named after its GPU as the API's groups are.
pub fn page(offers: Vec<Value>) -> OffersPage {
    let groups: Vec<Value> = offers
        .into_iter()
        .map(|o| {
            let display = match o["gpuType"].as_str() {
                Some("H100_SXM5") => "H100 SXM5 80GB",
                Some("RTX4090") => "RTX 4090",
                Some("A100_80G") => "A100 80GB",
                _ => "GPU",
            };
            json!({"gpuType": o["gpuType"], "displayName": display, "offers": [o]})
        })
        .collect();
    let n = groups.len();
    OffersPage::decode(json!({
        "data": groups, "total": n, "page": 1, "limit": 50, "totalPages": 1
    }))
    .unwrap()
}

pub fn balance(amount: f64) -> Balance {
    Balance::decode(json!({"teams": [
        {"teamId": "t1", "teamName": "Personal", "balance": amount, "isCurrentTeam": true},
        {"teamId": "t2", "teamName": "Research lab", "balance": 250.0, "isCurrentTeam": false}
    ], "currency": "USD"}))
    .unwrap()
}

pub fn ssh_keys() -> Vec<SshKey> {
    vec![
        decode(json!({"id": "k1", "name": "laptop", "fingerprint": "SHA256:abc123"})).unwrap(),
        decode(json!({"id": "k2", "name": "ci-runner", "fingerprint": "SHA256:def456"})).unwrap(),
    ]
}

pub const PUB: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f me@laptop";

pub fn local_keys() -> Vec<LocalPubKey> {
    vec![
        LocalPubKey {
            path: "/home/me/.ssh/id_ed25519.pub".into(),
            text: PUB.into(),
        },
        LocalPubKey {
            path: "/home/me/.ssh/broken.pub".into(),
            text: "not a key".into(),
        },
    ]
}

pub fn volumes() -> Vec<Volume> {
    [
        json!({"id": "v1", "name": "datasets", "provider": "voltage-park", "region": "culpeper-usa-1",
               "sizeInGb": 500, "hourlyRatePerGb": 0.0001, "status": "available"}),
        json!({"id": "v2", "name": "checkpoints", "provider": "voltage-park", "region": "culpeper-usa-1",
               "sizeInGb": 1000, "hourlyRatePerGb": 0.0001, "status": "available"}),
        json!({"id": "v3", "name": "elsewhere", "provider": "voltage-park", "region": "dallas-usa-2",
               "sizeInGb": 100, "hourlyRatePerGb": 0.0001, "status": "available"}),
        json!({"id": "v4", "name": "other-provider", "provider": "spheron-ai", "region": "culpeper-usa-1",
               "sizeInGb": 100, "hourlyRatePerGb": 0.0001, "status": "available"}),
    ]
    .into_iter()
    .map(|v| decode(v).unwrap())
    .collect()
}

pub fn deployment(v: Value) -> Deployment {
    decode(v).unwrap()
}

pub fn running(id: &str, name: &str) -> Deployment {
    deployment(
        json!({"id": id, "name": name, "status": "running", "gpuType": "H100",
        "gpuCount": 8, "provider": "voltage-park", "region": "culpeper-usa-1",
        "instanceType": "DEDICATED", "hourlyRate": 19.37, "ipAddress": "10.0.0.5",
        "user": "ubuntu", "sshPort": 2222, "offerId": "other",
        "startedAt": "2026-11-28T11:00:00Z"}),
    )
}

/// A started session with a key, the given offers loaded, balance, keys, volumes, local keys.
pub fn ready(offers: Vec<Value>, bal: f64) -> AppState {
    ready_with(offers, bal, false)
}

pub fn ready_with(offers: Vec<Value>, bal: f64, read_only: bool) -> AppState {
    ready_deployments(offers, bal, read_only, Ok(vec![].into()))
}

/// [`ready`], but the deployments list has never loaded: its first read failed.
pub fn ready_deployments_failed(offers: Vec<Value>, bal: f64) -> AppState {
    ready_deployments(offers, bal, false, Err(err::server()))
}

fn ready_deployments(
    offers: Vec<Value>,
    bal: f64,
    read_only: bool,
    deployments: Result<spheron_tui::api::Listing<Deployment>, spheron_tui::api::ApiError>,
) -> AppState {
    let mut s = AppState::new(session(read_only), t0());
    s.size = (120, 40);
    update(&mut s, Action::Start(t0()));
    let seq = s.offers.seq;
    update(
        &mut s,
        Action::OffersLoaded {
            seq,
            page: 1,
            result: Ok(page(offers)),
        },
    );
    update(&mut s, Action::BalanceLoaded(Ok(balance(bal))));
    update(&mut s, Action::KeysLoaded(Ok(ssh_keys().into())));
    update(&mut s, Action::VolumesLoaded(Ok(volumes().into())));
    update(&mut s, Action::DeploymentsLoaded(deployments.clone()));
    // the second round: both lists again, naming the second team the balance brought
    update(&mut s, Action::VolumesLoaded(Ok(volumes().into())));
    update(&mut s, Action::DeploymentsLoaded(deployments));
    assert!(!s.schedule.deployments_in_flight && !s.schedule.volumes_in_flight);
    update(&mut s, Action::PubKeysFound(local_keys()));
    s
}

pub fn deploys(cmds: &[Command]) -> usize {
    cmds.iter()
        .filter(|c| matches!(c, Command::Deploy { .. }))
        .count()
}

pub fn render(s: &AppState) -> String {
    let mut t = Terminal::new(TestBackend::new(120, 40)).unwrap();
    t.draw(|f| ui::draw(f, s, &Theme::default())).unwrap();
    svg::to_text(t.backend().buffer())
}

/// The status bar's message now ("" when none).
#[allow(dead_code)]
pub fn flash(s: &AppState) -> String {
    s.status
        .flash
        .as_ref()
        .map(|f| f.text.clone())
        .unwrap_or_default()
}

/// `d` on the selected offer, with the Kubernetes versions 1.34 and 1.35 answered.
#[allow(dead_code)]
pub fn open_wizard(s: &mut AppState) {
    chr(s, 'd');
    let v: Vec<spheron_tui::api::KubernetesVersion> = ["1.34", "1.35"]
        .iter()
        .map(|v| decode(json!({ "version": v })).unwrap())
        .collect();
    update(s, Action::KubernetesVersions(Ok(v)));
}
