//! One demo world per user, seen from many processes: the built binary with a private HOME.

mod support;
use support::binary::{run, text};

#[test]
fn demo_info_prints_the_demos_paths_and_no_real_key() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data/spheron-tui");
    let out = run(home.path(), &["--demo", "info"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let info = text(&out.stdout);
    let line = |label: &str| {
        info.lines()
            .find(|l| l.starts_with(label))
            .unwrap_or_else(|| panic!("no {label:?} line in:\n{info}"))
            .to_string()
    };
    let store = data.join("spheron-tui-demo.sqlite3");
    let world = data.join("spheron-tui-demo-world.sqlite3");
    assert!(
        line("demo store:").contains(&format!("{} (not present)", store.display())),
        "{info}"
    );
    assert!(
        line("demo world:").contains(&format!("{} (not present)", world.display())),
        "{info}"
    );
    assert!(line("API URL:").contains("embedded demo server"), "{info}");
    assert!(line("API key:").contains("demo"), "{info}");
    // The live store is not what --demo uses, so it is not listed.
    assert!(!info.contains("spheron-tui.sqlite3"), "{info}");
    // Once a demo command ran, both files are there.
    let out = run(home.path(), &["--demo", "guard", "list"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let info = text(&run(home.path(), &["--demo", "info"]).stdout);
    assert!(
        info.contains(&format!("demo store:    {}\n", store.display())),
        "{info}"
    );
    // The live store is never touched by a demo process.
    assert!(!data.join("spheron-tui.sqlite3").exists());
    // Without --demo, info names the real store.
    let info = text(&run(home.path(), &["info"]).stdout);
    assert!(info.contains("spheron-tui.sqlite3"), "{info}");
    assert!(!info.contains("demo world:"), "{info}");
}
