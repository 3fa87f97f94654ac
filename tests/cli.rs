//! The command line: parsing of every command and flag, and the built binary's exit codes.

#![allow(clippy::unwrap_used)] // a test fails loudly where a value is missing

use std::process::Command;

use clap::Parser;
use spheron_tui::app::Pane;
use spheron_tui::commands::cli::{Cli, Command as Cmd, FormatArg};

fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
    Cli::try_parse_from(std::iter::once("spheron-tui").chain(args.iter().copied()))
}

#[test]
fn no_command_is_the_dashboard() {
    let c = parse(&[]).unwrap();
    assert!(c.command.is_none());
    assert!(!c.demo);
    assert!(!c.common.read_only);
    assert_eq!(c.common.poll_interval, None);
    let c = parse(&["--demo", "--read-only", "--poll-interval", "10"]).unwrap();
    assert!(c.demo && c.common.read_only);
    assert_eq!(c.common.poll_interval, Some(10));
}

#[test]
fn global_flags_go_anywhere() {
    let c = parse(&[
        "info",
        "--api-url",
        "http://127.0.0.1:4567",
        "--poll-interval",
        "30",
        "--read-only",
    ])
    .unwrap();
    assert!(matches!(c.command, Some(Cmd::Info)));
    assert_eq!(c.common.api_url.as_deref(), Some("http://127.0.0.1:4567"));
    assert_eq!(c.common.poll_interval, Some(30));
    assert!(c.common.read_only);
}

#[test]
fn poll_interval_below_ten_is_refused() {
    for bad in ["5", "9", "0", "-1", "ten"] {
        let e = parse(&["--poll-interval", bad]).unwrap_err();
        assert_eq!(e.exit_code(), 2, "{bad}");
    }
    let e = parse(&["--poll-interval", "5"]).unwrap_err().to_string();
    assert!(e.contains("10"), "{e}");
}

#[test]
fn snapshot_flags() {
    let c = parse(&["snapshot"]).unwrap();
    let Some(Cmd::Snapshot(s)) = c.command else {
        panic!()
    };
    assert_eq!(
        (s.pane, s.size, s.format, s.demo),
        (Pane::Offers, (120, 36), FormatArg::Text, false)
    );
    for pane in Pane::ALL {
        let c = parse(&[
            "snapshot",
            "--demo",
            "--pane",
            pane.cli_name(),
            "--size",
            "100x30",
            "--format",
            "svg",
        ])
        .unwrap();
        let Some(Cmd::Snapshot(s)) = c.command else {
            panic!()
        };
        assert_eq!(
            (s.pane, s.size, s.format, s.demo),
            (pane, (100, 30), FormatArg::Svg, true)
        );
    }
    assert!(parse(&["snapshot", "--pane", "billing"]).is_err());
    assert!(parse(&["snapshot", "--size", "big"]).is_err());
    assert!(parse(&["snapshot", "--format", "png"]).is_err());
}

#[test]
fn demo_server_completions_and_info() {
    let c = parse(&["demo-server"]).unwrap();
    let Some(Cmd::DemoServer(d)) = c.command else {
        panic!()
    };
    assert_eq!(d.addr.to_string(), "127.0.0.1:4567");
    assert!(d.faults.is_empty());
    let c = parse(&[
        "demo-server",
        "--addr",
        "127.0.0.1:9000",
        "--fault",
        "a",
        "--fault",
        "b",
    ])
    .unwrap();
    let Some(Cmd::DemoServer(d)) = c.command else {
        panic!()
    };
    assert_eq!(d.addr.port(), 9000);
    assert_eq!(d.faults, vec!["a", "b"]);
    assert!(parse(&["demo-server", "--addr", "nowhere"]).is_err());
    assert!(matches!(
        parse(&["completions", "zsh"]).unwrap().command,
        Some(Cmd::Completions { .. })
    ));
    assert!(parse(&["completions", "cobol"]).is_err());
    assert!(parse(&["--bogus"]).is_err());
}

// ---------------------------------------------------------------------------------------------
// The built binary

/// The binary in a clean, private environment (a temporary HOME): no real key, config or URL
/// leaks in or out. Keep the returned directory alive while the command runs.
fn bin() -> (Command, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let mut c = Command::new(env!("CARGO_BIN_EXE_spheron-tui"));
    c.env_clear()
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    (c, dir)
}

fn run(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let (mut c, _home) = bin();
    c.args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

#[test]
fn version_prints_and_exits_zero() {
    let out = run(&["--version"], &[]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("spheron-tui {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn info_shows_paths_and_a_masked_key() {
    let key = "sai_pk_cli_info_test_key_abcdef123456";
    let out = run(&["info"], &[("SPHERON_API_KEY", key)]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("config.toml"), "{text}");
    assert!(text.contains("spheron-tui.log"), "{text}");
    assert!(text.contains(".spheron/credentials"), "{text}");
    assert!(text.contains("sai_…3456"), "{text}");
    assert!(text.contains("SPHERON_API_KEY"), "{text}");
    assert!(text.contains("https://app.spheron.ai"), "{text}");
    assert!(!text.contains(key), "{text}");

    let out = run(&["info"], &[]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("not found"));
}

#[test]
fn completions_for_bash() {
    let out = run(&["completions", "bash"], &[]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("spheron-tui"));
    assert!(text.contains("--poll-interval"));
}

#[test]
fn a_refused_api_url_exits_2_before_any_request() {
    for url in [
        "https://evil.example.com",
        "http://10.1.2.3",
        "http://app.spheron.ai",
        "https://app.spheron.ai.evil.com",
        "https://app.spheron.ai@evil.com",
        "https://app.spheron.ai:8443",
    ] {
        let out = run(&["--api-url", url, "info"], &[]);
        assert_eq!(out.status.code(), Some(2), "{url}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("Refused API URL"), "{url}: {err}");
    }
    // The env variable is guarded the same way.
    let out = run(
        &["info"],
        &[("SPHERON_API_URL", "https://evil.example.com")],
    );
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["--api-url", "http://127.0.0.1:1234", "info"], &[]);
    assert!(out.status.success());
}

#[test]
fn bad_flags_exit_2() {
    for args in [
        &["--poll-interval", "5"][..],
        &["--nope"],
        &["snapshot", "--size", "x"],
    ] {
        let out = run(args, &[]);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn an_empty_api_url_variable_counts_as_unset() {
    let out = run(&["info"], &[("SPHERON_API_URL", "")]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("https://app.spheron.ai (default)"));
}

/// `spheron-tui info` with `config` as its `config.toml`, in a fresh home.
fn info_with_config(config: &str) -> std::process::Output {
    let (mut c, home) = bin();
    let dir = home.path().join("config/spheron-tui");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), config).unwrap();
    c.arg("info").output().unwrap()
}

/// Standard output of a run that must succeed.
fn ok_stdout(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn config_file_settings_are_used_and_checked() {
    let text = ok_stdout(&info_with_config(
        "api_url = \"http://127.0.0.1:4567\"\npoll_interval_secs = 45\nread_only = true\nshade = 1\n",
    ));
    assert!(
        text.contains("http://127.0.0.1:4567 (config.toml)"),
        "{text}"
    );
    assert!(text.contains("poll interval: 45 s"), "{text}");
    assert!(text.contains("read-only:     yes"), "{text}");
    assert!(text.contains("unknown setting `shade`"), "{text}");

    // A refused URL or a too-short interval in the file is a usage error too.
    for bad in [
        "api_url = \"https://evil.example.com\"\n",
        "poll_interval_secs = 3\n",
    ] {
        assert_eq!(info_with_config(bad).status.code(), Some(2), "{bad}");
    }
}

#[test]
fn theme_and_mouse_come_from_the_config_file() {
    let text = ok_stdout(&info_with_config("theme = \"light\"\nmouse = false\n"));
    assert!(text.contains("theme:         light"), "{text}");
    assert!(text.contains("mouse:         off"), "{text}");
    assert!(!text.contains("warning"), "{text}");
    let text = ok_stdout(&info_with_config(""));
    assert!(
        text.contains("theme:         dark") && text.contains("mouse:         on"),
        "{text}"
    );
    // A theme that does not exist, or a mouse that is not on or off, is a usage error.
    for bad in ["theme = \"neon\"\n", "mouse = \"sometimes\"\n"] {
        assert_eq!(info_with_config(bad).status.code(), Some(2), "{bad}");
    }
}

#[test]
fn key_bindings_in_the_config_file_are_warned_about_not_fatal() {
    let text = ok_stdout(&info_with_config(
        "[keys]\nterminate = \"X\"\nexplode = \"z\"\nrefresh = \"Esc\"\n",
    ));
    assert!(text.contains("unknown action `explode`"), "{text}");
    assert!(text.contains("`refresh`") && text.contains("Esc"), "{text}");
    assert!(!text.contains("`terminate`"), "{text}");
}

#[test]
fn a_bad_fault_spec_exits_2() {
    let out = run(&["demo-server", "--fault", ""], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--fault"));
}

// ---------------------------------------------------------------------------------------------
// Help and the man page

#[test]
fn help_lists_the_environment_and_exit_codes() {
    let out = run(&["--help"], &[]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for var in [
        "SPHERON_API_KEY",
        "SPHERON_API_URL",
        "SPHERON_LOG",
        "NO_COLOR",
    ] {
        assert!(text.contains(var), "{var} in --help:\n{text}");
    }
    assert!(text.contains("Exit codes"), "{text}");
}

#[test]
fn every_command_has_an_example_in_its_help() {
    use clap::CommandFactory;
    for sub in Cli::command().get_subcommands() {
        let name = sub.get_name();
        if name == "help" {
            continue;
        }
        let out = run(&[name, "--help"], &[]);
        assert!(out.status.success(), "{name}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("Example"), "{name} --help:\n{text}");
        assert!(
            text.contains(&format!("spheron-tui {name}")),
            "{name}:\n{text}"
        );
        // and each command of a group (`volume create`, `key add`)
        for nested in sub.get_subcommands().filter(|n| n.get_name() != "help") {
            let words = [name, nested.get_name()];
            let out = run(&[name, nested.get_name(), "--help"], &[]);
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(
                text.contains(&format!("spheron-tui {}", words.join(" "))),
                "{words:?} --help:\n{text}"
            );
        }
    }
    let help = String::from_utf8_lossy(&run(&["--help"], &[]).stdout).into_owned();
    let man = String::from_utf8(spheron_tui::commands::cli::man_page().unwrap()).unwrap();
    for code in ["3", "124", "130", "143"] {
        assert!(
            help.contains(&format!("  {code} ")),
            "{code} in --help:\n{help}"
        );
        assert!(
            man.contains(&format!("\\fB{code}\\fR")),
            "{code} in the man page"
        );
    }
}

#[test]
fn the_man_page_is_generated_with_every_section() {
    let page = String::from_utf8(spheron_tui::commands::cli::man_page().unwrap()).unwrap();
    assert!(page.contains("\n.TH spheron-tui 1 "), "{}", &page[..200]);
    for section in [
        ".SH NAME",
        ".SH SYNOPSIS",
        ".SH DESCRIPTION",
        ".SH OPTIONS",
        ".SH COMMANDS",
        ".SH ENVIRONMENT",
        ".SH \"EXIT STATUS\"",
        ".SH EXAMPLES",
        ".SH FILES",
    ] {
        assert!(page.contains(section), "{section} missing");
    }
    use clap::CommandFactory;
    for sub in Cli::command().get_subcommands() {
        assert!(
            page.contains(&format!(".SS {}", sub.get_name().replace('-', "\\-"))),
            "{} has no subsection",
            sub.get_name()
        );
    }
    for var in [
        "SPHERON_API_KEY",
        "SPHERON_API_URL",
        "SPHERON_LOG",
        "NO_COLOR",
    ] {
        assert!(page.contains(var), "{var}");
    }
    assert!(page.contains("\\-\\-filter"), "offers' options are listed");
    for code in ["0", "1", "2", "130", "143"] {
        assert!(
            page.contains(&format!("\\fB{code}\\fR")),
            "exit code {code}"
        );
    }
    assert!(page.is_ascii(), "non-ASCII is escaped for troff");
    // No line may start a roff request by accident.
    for line in page.lines() {
        assert!(
            !line.starts_with('\'') && !line.starts_with(". "),
            "stray control line: {line}"
        );
    }
    let out = run(&["man"], &[]);
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), page);
}
