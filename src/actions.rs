//! Actions of the operator's own (issue #25): `[[actions]]` in the config file, each a
//! shell command run on the user in front or the marked users, `:run NAME` (or its key).
//!
//! What the server sent never becomes shell syntax: the users' ids, e-mails and names,
//! the address and the prompts' answers reach the command only as environment variables
//! (`$ID`, `$IDS`…), whose values the shell does not read as code however they are
//! written; the ids also come on standard input, one a line.

use serde::{Deserialize, Serialize};

/// Where an action is offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Place {
    Table,
    Pane,
    Pivot,
    Ring,
    Timeline,
}

/// Where an action's output goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Output {
    /// Nowhere: the footer says how it ended.
    #[default]
    None,
    /// A popup over the dashboard: standard output and error, made safe, scrollable.
    Popup,
    /// The terminal itself: the dashboard steps aside as Ctrl-Z does, back on exit.
    Terminal,
}

/// A prompt answered before the command runs: its answer is `$NAME`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Input {
    pub name: String,
    pub prompt: String,
}

/// One action of the config file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    pub name: String,
    /// A key of the table's (`ctrl-t`, `T`): none, `:run NAME` only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Where it is offered (the table and the pane unless said).
    #[serde(default = "table_and_pane")]
    pub views: Vec<Place>,
    /// Run with `sh -c`.
    pub command: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<Input>,
    /// Asked first, with the command as it will run.
    #[serde(default)]
    pub confirm: bool,
    /// Not offered in a read-only profile.
    #[serde(default)]
    pub dangerous: bool,
    #[serde(default)]
    pub output: Output,
}

fn table_and_pane() -> Vec<Place> {
    vec![Place::Table, Place::Pane]
}

/// The variables every action has, besides its inputs'.
pub const VARIABLES: [&str; 8] = [
    "ID", "EMAIL", "USERNAME", "IP", "IDS", "PROFILE", "ENDPOINT", "FILTER",
];

/// The keys of an action (serde refuses others too; this list gives the hint).
pub const KEYS: [&str; 8] = [
    "name",
    "key",
    "views",
    "command",
    "inputs",
    "confirm",
    "dangerous",
    "output",
];

/// Whether `name` can be an environment variable's name a shell reads (`ticket`).
fn is_variable(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Checks `specs` (one place's list): names unique and sayable after `:run`, inputs
/// named as variables and not as the built-in ones, a command to run.
pub fn check(specs: &[Spec]) -> Result<(), String> {
    let mut seen = std::collections::BTreeSet::new();
    for spec in specs {
        let name = &spec.name;
        let fine = |c: char| c.is_alphanumeric() || matches!(c, '-' | '_' | '.');
        if name.is_empty() || !name.chars().all(fine) {
            return Err(format!(
                "action {name:?}: a name of letters, digits, - _ . (it is typed after :run)"
            ));
        }
        if !seen.insert(name.as_str()) {
            return Err(format!("action {name:?} is named twice"));
        }
        if spec.command.trim().is_empty() {
            return Err(format!("action {name:?}: its command is empty"));
        }
        for input in &spec.inputs {
            if !is_variable(&input.name) || VARIABLES.contains(&input.name.as_str()) {
                return Err(format!(
                    "action {name:?}: input {:?} must be a variable's name (letters, digits, _) other than {}",
                    input.name,
                    VARIABLES.join(", ")
                ));
            }
        }
    }
    Ok(())
}

/// What an action runs on and with: the values of its variables.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Target {
    /// The user in front (the first marked when several are).
    pub id: String,
    pub email: String,
    pub username: String,
    /// The session's or the pivot's address, where there is one.
    pub ip: String,
    /// Every user it runs on: the marked ones, else the one in front.
    pub ids: Vec<String>,
    pub profile: String,
    pub endpoint: String,
    pub filter: String,
}

impl Target {
    /// The environment the command runs with: the variables, then the inputs' answers.
    pub fn environment(&self, answers: &[(String, String)]) -> Vec<(String, String)> {
        let ids = self.ids.join("\n");
        let mut env: Vec<(String, String)> = [
            ("ID", self.id.clone()),
            ("EMAIL", self.email.clone()),
            ("USERNAME", self.username.clone()),
            ("IP", self.ip.clone()),
            ("IDS", ids),
            ("PROFILE", self.profile.clone()),
            ("ENDPOINT", self.endpoint.clone()),
            ("FILTER", self.filter.clone()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        env.extend(answers.iter().cloned());
        env
    }
}

/// The command as it will run, its variables written out (for the confirmation to show;
/// never what is run — the shell reads the variables from the environment).
pub fn shown(command: &str, env: &[(String, String)]) -> String {
    let mut shown = command.to_string();
    // Longest names first: `$IDS` before `$ID`.
    let mut names: Vec<&(String, String)> = env.iter().collect();
    names.sort_by_key(|(name, _)| std::cmp::Reverse(name.len()));
    for (name, value) in names {
        let value = value.trim_end().replace('\n', " ");
        shown = shown
            .replace(&format!("${{{name}}}"), &value)
            .replace(&format!("${name}"), &value);
    }
    crate::text::sanitize(&shown).into_owned()
}

/// Runs `command` with `sh -c` in `env` on the terminal itself (`output = "terminal"`):
/// its input, output and errors the terminal opened anew (the dashboard's own input is
/// non-blocking; its errors may go to a log), in the foreground process group (a job of
/// its own would be stopped reading the terminal). Waits for it; its exit code.
pub async fn run_on_terminal(command: &str, env: &[(String, String)]) -> Result<Ran, String> {
    let no_terminal = |e: std::io::Error| format!("no terminal to run on: {e}");
    let tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .map_err(no_terminal)?;
    let (output, errors) = (
        tty.try_clone().map_err(no_terminal)?,
        tty.try_clone().map_err(no_terminal)?,
    );
    let status = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stdin(tty)
        .stdout(output)
        .stderr(errors)
        .status()
        .await
        .map_err(|e| format!("cannot run sh: {e}"))?;
    Ok(Ran {
        code: status.code(),
        stdout: String::new(),
        stderr: String::new(),
    })
}

/// The most of each of an action's standard output and error kept for its popup.
pub const OUTPUT_MOST: usize = 256 * 1024;

/// How a run ended: its exit code (None: ended by a signal) and what it printed.
#[derive(Debug, Clone, PartialEq)]
pub struct Ran {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Kills a run's process group when dropped before its end (the run stopped): `sh` and
/// whatever it started, and says so through `stopped`.
struct Group<F: FnOnce()> {
    pgid: Option<i32>,
    stopped: Option<F>,
}

impl<F: FnOnce()> Group<F> {
    /// The run ended by itself: nothing to kill.
    fn ended(mut self) {
        self.pgid = None;
        self.stopped = None;
    }
}

impl<F: FnOnce()> Drop for Group<F> {
    fn drop(&mut self) {
        if let Some(pgid) = self.pgid.take() {
            // SAFETY: a signal to the process group this run made, and only it.
            unsafe {
                libc::kill(-pgid, libc::SIGKILL);
            }
        }
        if let Some(stopped) = self.stopped.take() {
            stopped();
        }
    }
}

/// Runs `command` with `sh -c` in `env`, the `ids` on its standard input one a line, in a
/// process group of its own, and waits for it; dropped (stopped), the whole group is
/// killed — `sh` and what it started — and `stopped` is told.
pub async fn run(
    command: &str,
    env: &[(String, String)],
    ids: &[String],
    stopped: impl FnOnce(),
) -> Result<Ran, String> {
    use tokio::io::AsyncWriteExt;
    let mut child = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .process_group(0)
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("cannot run sh: {e}"))?;
    let group = Group {
        pgid: child.id().and_then(|id| i32::try_from(id).ok()),
        stopped: Some(stopped),
    };
    if let Some(mut stdin) = child.stdin.take() {
        let lines: String = ids.iter().map(|id| format!("{id}\n")).collect();
        // A command that reads none of it closes its end: not a failure.
        let _ = stdin.write_all(lines.as_bytes()).await;
    }
    let output = child
        .wait_with_output()
        .await
        .map_err(|e| format!("the command could not be waited for: {e}"))?;
    group.ended();
    let kept = |bytes: &[u8]| {
        let end = bytes.len().min(OUTPUT_MOST);
        String::from_utf8_lossy(&bytes[..end]).into_owned()
    };
    Ok(Ran {
        code: output.status.code(),
        stdout: kept(&output.stdout),
        stderr: kept(&output.stderr),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_run_stopped_kills_what_its_shell_started_and_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let pidfile = dir.path().join("pid");
        let command = format!("sleep 30 & echo $! > '{}'; wait", pidfile.display());
        let told = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopped = {
            let told = told.clone();
            move || told.store(true, std::sync::atomic::Ordering::SeqCst)
        };
        let run = run(&command, &[], &[], stopped);
        // Stopped once the shell has started its child (Esc drops the run).
        let waited = tokio::time::timeout(std::time::Duration::from_secs(2), run).await;
        assert!(waited.is_err(), "it was still running");
        assert!(told.load(std::sync::atomic::Ordering::SeqCst));
        let pid: u32 = std::fs::read_to_string(&pidfile)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        // Gone, or dead and waiting to be reaped: never sleeping on.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let state = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            let alive = state
                .split(") ")
                .nth(1)
                .is_some_and(|s| !s.starts_with('Z'));
            if !alive {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "sleep {pid} still runs: {state}"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        // A run that ends by itself says nothing of stopping.
        let told = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = told.clone();
        let ran = super::run("echo hi", &[], &[], move || {
            flag.store(true, std::sync::atomic::Ordering::SeqCst)
        })
        .await
        .unwrap();
        assert_eq!((ran.code, ran.stdout.as_str()), (Some(0), "hi\n"));
        assert!(!told.load(std::sync::atomic::Ordering::SeqCst));
    }

    #[test]
    fn specs_are_checked_and_the_environment_holds_every_variable() {
        let spec = |name: &str, input: &str| Spec {
            name: name.into(),
            key: None,
            views: table_and_pane(),
            command: "echo \"$ID\"".into(),
            inputs: vec![Input {
                name: input.into(),
                prompt: "Ticket".into(),
            }],
            confirm: false,
            dangerous: false,
            output: Output::None,
        };
        assert!(check(&[spec("ticket", "ticket")]).is_ok());
        assert!(check(&[spec("a b", "ticket")]).is_err());
        assert!(check(&[spec("t", "ticket"), spec("t", "x")]).is_err());
        assert!(check(&[spec("t", "ID")]).is_err(), "a built-in name");
        assert!(check(&[spec("t", "1x")]).is_err());
        let target = Target {
            id: "u1".into(),
            ids: vec!["u1".into(), "u2".into()],
            username: "$(touch pwned)".into(),
            ..Target::default()
        };
        let env = target.environment(&[("ticket".into(), "T-1".into())]);
        let get = |k: &str| env.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("IDS"), Some("u1\nu2"));
        assert_eq!(get("ticket"), Some("T-1"));
        assert_eq!(
            shown("close \"$IDS\" for ${ticket} by $ID", &env),
            "close \"u1 u2\" for T-1 by u1"
        );
    }
}
