//! SSH keys, volumes, Kubernetes and teams end to end against the demo server: key presses go through the reducer, its Commands
//! through the real executor and `api::Client` over HTTP, and the answers back into the
//! reducer. Create → attach → detach → delete on each volume provider, SSH keys, Kubernetes and
//! teams. The demo clock is moved with `advance`, never waited for.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use crate::support;

use std::collections::VecDeque;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use spheron_tui::api::{Client, ClientOptions, DeployRequest, OffersQuery};
use spheron_tui::app::dialogs::Dialog;
use spheron_tui::app::dialogs::Loading;
use spheron_tui::app::dialogs::create_volume::CreateStep;
use spheron_tui::app::{Action, AppState, Command, Pane, update};
use spheron_tui::credentials::ApiKey;
use spheron_tui::demo::{self, DemoOptions, DemoServer};
use spheron_tui::domain::ssh_key::sample_key;
use spheron_tui::domain::volume_rules::RULES;
use spheron_tui::runtime::executor::Executor;

use support::accounts::{dialog, dialog_text, select, session, t0};

struct Rig {
    srv: DemoServer,
    ex: Executor,
    s: AppState,
}

impl Rig {
    async fn new() -> Rig {
        let srv = demo::spawn(DemoOptions::for_tests()).await.unwrap();
        let mut o = ClientOptions::new(srv.url(), Some(ApiKey::new(srv.key())));
        o.get_retry_delay = Duration::from_millis(10);
        let ex = Executor {
            client: Client::with_options(o).unwrap(),
            credentials_path: None,
            home: None,
            journal: Default::default(),
            tunnels: Default::default(),
            instances: Default::default(),
        };
        let mut s = AppState::new(session(false), t0());
        s.size = (120, 40);
        let mut r = Rig { srv, ex, s };
        r.drive(vec![
            Command::FetchDeployments {
                status: Some("active"),
                teams: vec![],
            },
            Command::FetchVolumes { teams: vec![] },
            Command::FetchBalance,
            Command::FetchTeams,
            Command::FetchKeys,
        ])
        .await;
        r
    }

    /// Perform Commands (and those their answers lead to) until none are left.
    async fn drive(&mut self, cmds: Vec<Command>) {
        let mut queue: VecDeque<Command> = cmds.into();
        while let Some(c) = queue.pop_front() {
            for a in self.ex.perform(c).await {
                queue.extend(update(&mut self.s, a));
            }
        }
    }

    async fn key(&mut self, code: KeyCode) -> Vec<Command> {
        let cmds = update(
            &mut self.s,
            Action::Key(KeyEvent::new(code, KeyModifiers::NONE)),
        );
        self.drive(cmds.clone()).await;
        cmds
    }

    async fn chr(&mut self, c: char) -> Vec<Command> {
        self.key(KeyCode::Char(c)).await
    }

    async fn typed(&mut self, text: &str) {
        for c in text.chars() {
            self.chr(c).await;
        }
    }

    async fn refresh(&mut self) {
        self.drive(vec![
            Command::FetchDeployments {
                status: Some("active"),
                teams: vec![],
            },
            Command::FetchVolumes { teams: vec![] },
        ])
        .await;
    }

    fn advance(&self, secs: u64) {
        self.srv.handle().advance(Duration::from_secs(secs));
    }

    fn volume_id(&self, name: &str) -> String {
        self.s
            .volumes
            .items
            .iter()
            .find(|v| v.name == name)
            .unwrap_or_else(|| panic!("{name} not listed"))
            .id
            .clone()
    }

    fn volume_status(&self, id: &str) -> Option<String> {
        self.s
            .volumes
            .items
            .iter()
            .find(|v| v.id == id)
            .map(|v| v.status.clone())
    }

    fn flash(&self) -> String {
        self.s
            .status
            .flash
            .as_ref()
            .map(|f| f.text.clone())
            .unwrap_or_default()
    }

    /// The create wizard, key by key; returns the new volume's id.
    async fn create(
        &mut self,
        provider: &str,
        region: &str,
        name: &str,
        size: u64,
        attach: Option<&str>,
    ) -> String {
        self.s.pane = Pane::Volumes;
        self.chr('a').await;
        let idx = RULES.iter().position(|r| r.provider == provider).unwrap();
        for _ in 0..idx {
            self.key(KeyCode::Down).await;
        }
        self.key(KeyCode::Enter).await; // regions load over HTTP
        let Dialog::CreateVolume(c) = dialog(&self.s) else {
            panic!()
        };
        let Loading::Loaded(regions) = &c.regions else {
            panic!("{:?}", c.regions)
        };
        let ri = regions.iter().position(|r| r.id == region).unwrap();
        for _ in 0..ri {
            self.key(KeyCode::Down).await;
        }
        self.key(KeyCode::Enter).await;
        self.typed(name).await;
        self.key(KeyCode::Enter).await;
        self.typed(&size.to_string()).await;
        self.key(KeyCode::Enter).await;
        let Dialog::CreateVolume(c) = dialog(&self.s) else {
            panic!()
        };
        if c.step == CreateStep::Attach {
            if let Some(dep) = attach {
                let ti = 1 + c.targets.iter().position(|t| t.id == dep).unwrap();
                assert_eq!(c.targets[ti - 1].verdict, Ok(()), "{provider}");
                for _ in 0..ti {
                    self.key(KeyCode::Down).await;
                }
            }
            self.key(KeyCode::Enter).await;
        } else {
            assert!(attach.is_none(), "{provider} offers no attach at creation");
        }
        let Dialog::CreateVolume(c) = dialog(&self.s) else {
            panic!()
        };
        assert_eq!(c.step, CreateStep::Summary);
        assert!(
            matches!(&c.pricing, Some(Loading::Loaded(p)) if p.hourly_rate_per_gb.is_some()),
            "{provider}: {:?}",
            c.pricing
        );
        assert!(self.chr('y').await.is_empty(), "the confirm comes first");
        assert!(matches!(dialog(&self.s), Dialog::Confirm(_)));
        let sent = self.chr('y').await;
        assert_eq!(sent.iter().filter(|c| c.is_write()).count(), 1, "one POST");
        assert!(self.s.dialog.is_none(), "{provider}: {:?}", self.s.dialog);
        assert!(self.flash().contains("created"), "{}", self.flash());
        self.volume_id(name)
    }

    /// `A` on the volume, choose `dep`, confirm.
    async fn attach(&mut self, vol: &str, dep: &str) {
        select(&mut self.s, Pane::Volumes, vol);
        assert!(self.chr('A').await.is_empty());
        let Dialog::Pick(p) = dialog(&self.s) else {
            panic!("{}", dialog_text(&self.s))
        };
        let pos = p.rows.iter().position(|r| r.id == dep).unwrap();
        assert_eq!(p.rows[pos].verdict, Ok(()));
        self.key(KeyCode::Home).await;
        for _ in 0..pos {
            self.key(KeyCode::Down).await;
        }
        assert!(self.key(KeyCode::Enter).await.is_empty());
        let sent = self.chr('y').await;
        assert_eq!(sent.iter().filter(|c| c.is_write()).count(), 1);
        assert!(self.s.dialog.is_none(), "{:?}", self.s.dialog);
        assert_eq!(self.volume_status(vol).as_deref(), Some("attached"));
    }

    /// `D` on a volume attached to one instance, confirm.
    async fn detach(&mut self, vol: &str) {
        select(&mut self.s, Pane::Volumes, vol);
        self.chr('D').await;
        if matches!(dialog(&self.s), Dialog::Pick(_)) {
            // an instance the list does not hold was looked up first
            self.key(KeyCode::Enter).await;
        }
        assert!(
            matches!(dialog(&self.s), Dialog::Confirm(_)),
            "{}",
            dialog_text(&self.s)
        );
        self.chr('y').await;
        assert!(self.s.dialog.is_none(), "{:?}", self.s.dialog);
        assert_eq!(self.volume_status(vol).as_deref(), Some("available"));
    }

    /// `x`, confirm, then the demo finishes deleting.
    async fn delete(&mut self, vol: &str) {
        select(&mut self.s, Pane::Volumes, vol);
        assert!(self.chr('x').await.is_empty());
        // the deliberate answer: yes, then Enter
        for c in "yes".chars() {
            self.chr(c).await;
        }
        self.key(KeyCode::Enter).await;
        assert!(self.s.dialog.is_none(), "{:?}", self.s.dialog);
        assert_eq!(self.volume_status(vol).as_deref(), Some("deleting"));
        self.advance(20);
        self.refresh().await;
        assert_eq!(self.volume_status(vol), None);
    }

    fn requests(&self) -> usize {
        self.srv.handle().requests().len()
    }
}

#[tokio::test]
async fn spheron_ai_attach_at_creation_detach_delete() {
    let mut r = Rig::new().await;
    let dep = "dep_2b8c4d6e1f90"; // running, us-west-2
    let id = r
        .create("spheron-ai", "us-west-2", "sp-vol", 200, Some(dep))
        .await;
    r.advance(10);
    r.refresh().await;
    assert_eq!(r.volume_status(&id).as_deref(), Some("attached"));
    // one instance at a time: a second attach is refused before any request
    let before = r.requests();
    select(&mut r.s, Pane::Volumes, &id);
    r.chr('A').await;
    assert!(dialog_text(&r.s).contains("one instance at a time"));
    assert_eq!(r.requests(), before);
    r.key(KeyCode::Esc).await;
    r.detach(&id).await;
    r.delete(&id).await;
}

#[tokio::test]
async fn data_crunch_create_attach_detach_delete() {
    let mut r = Rig::new().await;
    let id = r.create("data-crunch", "FIN-01", "dc-vol", 100, None).await;
    r.advance(10);
    r.refresh().await;
    assert_eq!(r.volume_status(&id).as_deref(), Some("available"));
    r.attach(&id, "dep_7f3a91c2e0b4").await;
    // rename is refused by the table (and so by the demo): nothing is offered
    select(&mut r.s, Pane::Volumes, &id);
    let before = r.requests();
    r.chr('e').await;
    assert!(dialog_text(&r.s).contains("cannot be renamed or resized"));
    assert_eq!(r.requests(), before);
    r.key(KeyCode::Esc).await;
    // an attached volume cannot be deleted: refused before any request
    r.chr('x').await;
    assert!(dialog_text(&r.s).contains("detach it"));
    assert_eq!(r.requests(), before);
    r.key(KeyCode::Esc).await;
    r.detach(&id).await;
    r.delete(&id).await;
}

#[tokio::test]
async fn voltage_park_one_volume_per_instance_and_expand() {
    let mut r = Rig::new().await;
    let cluster = "dep_c41e9a7b3d55";
    let id = r
        .create(
            "voltage-park",
            "166e655a:culpeper-usa-1",
            "vp-vol",
            100,
            None,
        )
        .await;
    r.advance(10);
    r.refresh().await;
    // the cluster already has its one volume: the attach row is refused, nothing sent
    select(&mut r.s, Pane::Volumes, &id);
    let before = r.requests();
    r.chr('A').await;
    let text = dialog_text(&r.s);
    assert!(text.contains("1 volume per instance"), "{text}");
    // its only instance is refused: the refusal is a notice, and Enter only closes it
    assert!(matches!(dialog(&r.s), Dialog::Notice(_)));
    r.key(KeyCode::Enter).await;
    assert!(r.s.dialog.is_none());
    assert_eq!(r.requests(), before);
    r.key(KeyCode::Esc).await;
    // free the slot, then attach ours
    r.detach("vol_models004").await;
    r.attach(&id, cluster).await;
    // expand (allowed on Voltage Park) through the edit dialog and its confirm: one PATCH
    select(&mut r.s, Pane::Volumes, &id);
    r.chr('e').await;
    r.key(KeyCode::Tab).await;
    update(
        &mut r.s,
        Action::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)),
    );
    r.typed("150").await;
    let sent = r.key(KeyCode::Enter).await;
    assert_eq!(sent.iter().filter(|c| c.is_write()).count(), 0);
    assert!(matches!(dialog(&r.s), Dialog::Confirm(_)));
    let sent = r.chr('y').await;
    assert_eq!(sent.iter().filter(|c| c.is_write()).count(), 1);
    assert!(r.s.dialog.is_none(), "{:?}", r.s.dialog);
    let v = r.s.volumes.items.iter().find(|v| v.id == id).unwrap();
    assert_eq!(v.size_in_gb, Some(150.0));
    r.detach(&id).await;
    r.delete(&id).await;
}

#[tokio::test]
async fn sesterce_binds_at_launch_detaches_only_when_terminal() {
    let mut r = Rig::new().await;
    let id = r
        .create("sesterce", "us-dallas-2", "ses-vol", 50, None)
        .await;
    r.advance(10);
    r.refresh().await;
    let before = r.requests();
    select(&mut r.s, Pane::Volumes, &id);
    r.chr('A').await;
    assert!(dialog_text(&r.s).contains("attach only when the instance is created"));
    assert_eq!(r.requests(), before, "refused before any request");
    r.key(KeyCode::Esc).await;

    // bound at instance creation (volumeIds) — the deploy wizard's part, done directly here
    let page =
        r.ex.client
            .gpu_offers(&OffersQuery {
                limit: Some(100),
                ..OffersQuery::default()
            })
            .await
            .unwrap();
    let (g, o) = page
        .groups
        .iter()
        .flat_map(|g| g.offers.iter().map(move |o| (g, o)))
        .find(|(_, o)| {
            o.provider == "sesterce"
                && !o.maintenance
                && o.clusters.iter().any(|c| c == "us-dallas-2")
        })
        .expect("a sesterce offer in us-dallas-2");
    let req = DeployRequest {
        provider: o.provider.clone(),
        offer_id: o.offer_id.clone(),
        gpu_type: g.gpu_type.clone(),
        gpu_count: o.gpu_count,
        region: "us-dallas-2".into(),
        operating_system: o.os_options[0].clone(),
        instance_type: o.instance_type.clone(),
        ssh_key_id: Some("sshk_5d2e8a41".into()),
        ssh_public_key: None,
        team_id: Some("team_demo_01".into()),
        name: Some("ses-run".into()),
        cloud_init: None,
        kubernetes_addon: None,
        volume_ids: vec![id.clone()],
    };
    let d = r.ex.client.create_deployment(&req).await.unwrap();
    r.srv.handle().force_status(&d.id, "running");
    r.refresh().await;
    assert_eq!(r.volume_status(&id).as_deref(), Some("attached"));
    // running: detach refused before any request
    let before = r.requests();
    select(&mut r.s, Pane::Volumes, &id);
    r.chr('D').await;
    assert!(dialog_text(&r.s).contains("detach only after the instance has ended"));
    assert_eq!(r.requests(), before);
    r.key(KeyCode::Esc).await;
    // the instance ends; the volume stays bound until detached by hand
    r.advance(21 * 60);
    r.ex.client.terminate_deployment(&d.id).await.unwrap();
    r.refresh().await;
    assert_eq!(r.volume_status(&id).as_deref(), Some("attached"));
    r.detach(&id).await;
    r.delete(&id).await;
}

#[tokio::test]
async fn ssh_keys_add_refusals_and_delete() {
    let mut r = Rig::new().await;
    r.s.pane = Pane::Keys;
    let n0 = r.s.keys.items.len();
    r.chr('a').await;
    r.typed("desk").await;
    r.key(KeyCode::Tab).await;
    if matches!(dialog(&r.s), Dialog::AddKey(a) if a.focus != spheron_tui::app::dialogs::add_key::KeyField::Key)
    {
        r.key(KeyCode::Tab).await; // past the ~/.ssh list when this machine has one
    }
    let before = r.requests();
    r.typed("-----BEGIN OPENSSH PRIVATE KEY-----").await;
    r.key(KeyCode::Enter).await;
    assert_eq!(r.requests(), before, "a private key is never sent");
    update(
        &mut r.s,
        Action::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)),
    );
    let key = sample_key("ssh-ed25519", "me@desk");
    r.typed(&key).await;
    r.key(KeyCode::Enter).await;
    assert!(r.s.dialog.is_none(), "{:?}", r.s.dialog);
    assert_eq!(r.s.keys.items.len(), n0 + 1);
    let added =
        r.s.keys
            .items
            .iter()
            .find(|k| k.name == "desk")
            .unwrap()
            .id
            .clone();
    select(&mut r.s, Pane::Keys, &added);
    r.key(KeyCode::Enter).await;
    let Dialog::KeyInfo(k) = dialog(&r.s) else {
        panic!()
    };
    assert!(!k.loading && k.error.is_none(), "{:?}", k.error);
    assert!(
        k.key
            .fingerprint
            .as_deref()
            .unwrap_or("")
            .starts_with("SHA256:")
    );
    r.key(KeyCode::Esc).await;
    r.chr('x').await;
    // y counts after half a quiet second
    support::fixtures::pause(&mut r.s);
    r.chr('y').await;
    assert!(r.s.dialog.is_none());
    assert_eq!(r.s.keys.items.len(), n0);
}

#[tokio::test]
async fn kubernetes_health_and_team_details_over_http() {
    let mut r = Rig::new().await;
    select(&mut r.s, Pane::Deployments, "dep_c41e9a7b3d55");
    r.key(KeyCode::Enter).await;
    let Dialog::DeploymentInfo(i) = dialog(&r.s) else {
        panic!()
    };
    assert!(
        matches!(&i.health, Loading::Loaded(h) if h.status == "healthy"),
        "{:?}",
        i.health
    );
    assert!(
        matches!(&i.versions, Loading::Loaded(v) if v.iter().any(|v| v.version == "1.35" && v.default)),
        "{:?}",
        i.versions
    );
    r.key(KeyCode::Esc).await;
    r.chr('K').await;
    let Dialog::Kubeconfig(k) = dialog(&r.s) else {
        panic!()
    };
    assert!(k.text.contains("apiVersion"));
    r.key(KeyCode::Esc).await;

    r.s.pane = Pane::Account;
    r.s.account.cursor.selected = 0;
    r.key(KeyCode::Enter).await;
    let Dialog::TeamInfo(t) = dialog(&r.s) else {
        panic!()
    };
    assert!(
        matches!(&t.loaded, Loading::Loaded((team, Some(_))) if team.id == t.id),
        "{:?}",
        t.loaded
    );
    let team = t.id.clone();
    r.chr('u').await;
    assert_eq!(r.s.current_team_id(), Some(team.as_str()));
    assert!(matches!(r.s.dialog, Some(Dialog::TeamInfo(_))));
}
