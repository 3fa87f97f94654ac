//! Key lookup order, file formats, saving (modes, atomic replace), warnings and masking.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use std::fs;
use std::path::Path;
use std::time::Duration;

use spheron_tui::api::{Client, ClientOptions};
use spheron_tui::credentials::{self, ApiKey, KeySource};
use spheron_tui::runtime::Launch;

const SECRET: &str = "sai_pk_9b1d6c0e4f2a8d7c3b5e1f9a0c2d4e6f";

fn write_creds(home: &Path, text: &str) {
    let dir = home.join(".spheron");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("credentials"), text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir.join("credentials"), fs::Permissions::from_mode(0o600)).unwrap();
    }
}

#[test]
fn env_beats_file_beats_nothing() {
    let home = tempfile::tempdir().unwrap();
    let l = credentials::lookup(None, home.path());
    assert!(l.key.is_none());
    assert_eq!(l.source, KeySource::None);
    assert!(l.warnings.is_empty(), "{:?}", l.warnings);

    write_creds(home.path(), "sai_pk_from_file_0000000000\n");
    let l = credentials::lookup(None, home.path());
    assert_eq!(l.key.unwrap().expose(), "sai_pk_from_file_0000000000");
    assert_eq!(
        l.source,
        KeySource::File(home.path().join(".spheron/credentials"))
    );

    let l = credentials::lookup(Some("sai_pk_from_env_11111111111".into()), home.path());
    assert_eq!(l.key.unwrap().expose(), "sai_pk_from_env_11111111111");
    assert_eq!(l.source, KeySource::Env);

    // An empty variable counts as unset.
    let l = credentials::lookup(Some("   ".into()), home.path());
    assert_eq!(l.key.unwrap().expose(), "sai_pk_from_file_0000000000");
}

#[test]
fn both_file_formats_with_export_quotes_and_comments() {
    let home = tempfile::tempdir().unwrap();
    for text in [
        "sai_pk_abc123\n",
        "# Spheron\n\nSPHERON_API_KEY=sai_pk_abc123\n",
        "export SPHERON_API_KEY=\"sai_pk_abc123\"\n",
        "# work account\nexport SPHERON_API_KEY='sai_pk_abc123'\n",
        "OTHER_VAR=1\n  SPHERON_API_KEY=sai_pk_abc123  # mine\n",
    ] {
        write_creds(home.path(), text);
        let l = credentials::lookup(None, home.path());
        assert_eq!(
            l.key.map(|k| k.expose().to_string()).as_deref(),
            Some("sai_pk_abc123"),
            "{text:?}"
        );
    }
    write_creds(home.path(), "# nothing here\n");
    let l = credentials::lookup(None, home.path());
    assert!(l.key.is_none());
    assert_eq!(l.warnings.len(), 1, "says the file holds no key");
}

#[cfg(unix)]
#[test]
fn saving_sets_modes_and_replaces_atomically() {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().unwrap();
    let path = credentials::save(home.path(), &ApiKey::new(SECRET)).unwrap();
    assert_eq!(path, home.path().join(".spheron/credentials"));
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(path.parent().unwrap()), 0o700);
    let l = credentials::lookup(None, home.path());
    assert_eq!(l.key.unwrap().expose(), SECRET);
    assert!(l.warnings.is_empty(), "{:?}", l.warnings);

    // Replacing an old, too-open file: the new one is 0600, complete, and no temp file is left.
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
    let old_inode = {
        use std::os::unix::fs::MetadataExt;
        fs::metadata(&path).unwrap().ino()
    };
    credentials::save(home.path(), &ApiKey::new("sai_pk_second_key_000000000")).unwrap();
    assert_eq!(mode(&path), 0o600);
    let new_inode = {
        use std::os::unix::fs::MetadataExt;
        fs::metadata(&path).unwrap().ino()
    };
    assert_ne!(
        old_inode, new_inode,
        "written to a new file and renamed over the old one"
    );
    let entries: Vec<_> = fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(entries, vec!["credentials".to_string()]);
    assert_eq!(
        credentials::lookup(None, home.path()).key.unwrap().expose(),
        "sai_pk_second_key_000000000"
    );
    // Saving to an explicit path (what the dashboard's prompt holds) works the same way.
    let elsewhere = home.path().join("other/dir/credentials");
    credentials::save_to(&elsewhere, &ApiKey::new(SECRET)).unwrap();
    assert_eq!(mode(&elsewhere), 0o600);
    assert_eq!(mode(elsewhere.parent().unwrap()), 0o700);
    assert_eq!(
        credentials::parse_credentials(&fs::read_to_string(&elsewhere).unwrap()).as_deref(),
        Some(SECRET)
    );
    // A key that cannot be a key is not saved.
    assert!(credentials::save(home.path(), &ApiKey::new("two words")).is_err());
}

#[cfg(unix)]
#[test]
fn a_file_readable_by_others_is_warned_about() {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().unwrap();
    write_creds(home.path(), SECRET);
    let path = home.path().join(".spheron/credentials");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
    let l = credentials::lookup(None, home.path());
    assert!(l.key.is_some(), "the key is still used");
    assert_eq!(l.warnings.len(), 1);
    assert!(l.warnings[0].contains("chmod 600"), "{}", l.warnings[0]);
    assert!(!l.warnings[0].contains(SECRET));
}

#[test]
fn masks_show_at_most_four_and_four() {
    let k = ApiKey::new(SECRET);
    assert_eq!(k.mask(), "sai_…4e6f");
    assert_eq!(format!("{k}"), "sai_…4e6f");
    for short in ["", "abc", "abcdefgh", "abcdefghi", "abcdefghijk"] {
        let m = ApiKey::new(short).mask();
        let shown = m.chars().filter(|c| *c != '…').count();
        assert!(shown * 3 <= short.len(), "{short:?} shows {m:?}");
    }
}

#[test]
fn no_debug_output_carries_the_key() {
    let home = tempfile::tempdir().unwrap();
    write_creds(home.path(), SECRET);
    let key = ApiKey::new(SECRET);
    let lookup = credentials::lookup(None, home.path());
    let opts = ClientOptions::new("http://127.0.0.1:9", Some(key.clone()));
    let client = Client::with_options(opts.clone()).unwrap();
    let launch = Launch {
        api_url: "http://127.0.0.1:9".into(),
        api_key: Some(key.clone()),
        credentials_path: home.path().join(".spheron/credentials"),
        demo: false,
        poll_interval: Duration::from_secs(20),
        read_only: false,
        look: Default::default(),
        store_path: None,
        max_burn_usd_per_hour: None,
        ssh_config: None,
        gpu_usage: None,
        config_file: None,
        presets: Default::default(),
        account_watch: None,
        instances: Default::default(),
    };
    for shown in [
        format!("{key:?}"),
        format!("{key}"),
        format!("{lookup:?}"),
        format!("{opts:?}"),
        format!("{client:?}"),
        format!("{launch:?}"),
        format!("{launch:#?}"),
    ] {
        assert!(!shown.contains(SECRET), "{shown}");
        assert!(!shown.contains("9b1d6c0e"), "{shown}");
    }
}
