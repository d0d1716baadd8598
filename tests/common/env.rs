//! The one clean environment the real binary runs in under the tests and the figures:
//! nothing of the machine's but PATH, a private home for its config and journal.
#![allow(dead_code)]

use std::ffi::OsString;
use std::path::Path;

/// The variables of a clean run in `home` (no token: each caller says which it gives).
pub fn isolated_env(home: &Path) -> Vec<(&'static str, OsString)> {
    vec![
        ("PATH", std::env::var_os("PATH").unwrap_or_default()),
        ("HOME", home.as_os_str().to_owned()),
        ("XDG_CONFIG_HOME", home.join("config").into_os_string()),
        ("XDG_STATE_HOME", home.join("state").into_os_string()),
        // Messages come in UTF-8 (with `LANG=C` they would be folded to ASCII).
        ("LANG", "C.UTF-8".into()),
    ]
}

/// `userdeck` to run in `home`, with nothing else of this environment.
pub fn userdeck_in(home: &Path) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_userdeck"));
    command.env_clear().envs(isolated_env(home));
    command
}

/// A private home whose config file (`$XDG_CONFIG_HOME/userdeck/config.toml`) is `config`.
pub fn home_with_config(config: &str) -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("config/userdeck");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), config).unwrap();
    home
}
