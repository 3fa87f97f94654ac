//! The built binary run as a user would, with a private HOME, config and data dir and nothing
//! else from the environment but PATH.

use std::path::Path;
use std::process::{Command, Output};

pub fn bin(home: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_spheron-tui"));
    c.env_clear()
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    c
}

pub fn run(home: &Path, args: &[&str]) -> Output {
    bin(home).args(args).output().unwrap()
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}
