//! Tunnels as processes: the local port a tunnel takes, and where an editor's command is.

use std::path::PathBuf;

use crate::domain::tunnel::NEXT_PORTS;

/// The first local port from `want` that can be bound on loopback.
pub fn free_local_port(want: u16) -> Option<u16> {
    (0..NEXT_PORTS)
        .filter_map(|i| want.checked_add(i))
        .find(|p| std::net::TcpListener::bind(("127.0.0.1", *p)).is_ok())
}

/// Where `program` is on `PATH`, if it is.
pub fn on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}
