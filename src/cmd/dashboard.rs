//! Starting the dashboard: on the profile's API, or on a demo server in this process.

use std::io::IsTerminal;
use std::path::PathBuf;

use super::{EXIT_ERROR, Failure, checked, client_with};
use crate::api::client::{Client, ClientConfig, Token};
use crate::api::model::Capabilities;
use crate::app::{AppConfig, CopyRoute, Keymap};
use crate::cli::{DemoArgs, GlobalArgs};
use crate::config::Settings;
use crate::server::{self, ServerOptions};
use crate::terminal::{Colors, Terminal};
use crate::tui::Switch;
use crate::worker::{self, Setup};

/// The terminal, if the dashboard can be drawn on it: standard input and output a
/// terminal that terminfo knows, not a dumb one.
fn need_terminal() -> Result<Terminal, Failure> {
    if !(std::io::stdout().is_terminal() && std::io::stdin().is_terminal()) {
        return Err(Failure::usage(
            "the dashboard needs a terminal; in scripts, use `userdeck users …`",
        ));
    }
    let terminal = Terminal::from_env();
    match terminal.refusal(&crate::terminal::terminfo_knows) {
        Some(why) => Err(Failure::usage(why)),
        None => Ok(terminal),
    }
}

/// How the dashboard draws on `terminal`: its colours, ASCII where the locale is not
/// UTF-8 (or `ascii` says so), the mouse and the clipboard as the settings say.
fn look(terminal: &Terminal, settings: Option<&Settings>, ascii_flag: bool) -> Look {
    let ascii = ascii_flag || settings.and_then(|s| s.ascii).unwrap_or(!terminal.utf8);
    let clipboard = settings.map(|s| s.clipboard).unwrap_or_default();
    Look {
        colors: terminal.colors,
        ascii,
        mouse: settings.is_none_or(|s| s.mouse),
        clipboard: CopyRoute::new(clipboard, terminal.tmux.as_ref()),
    }
}

/// The settings of [`AppConfig`] that come from the terminal.
struct Look {
    colors: Colors,
    ascii: bool,
    mouse: bool,
    clipboard: CopyRoute,
}

/// Runs the dashboard; `journal` is where the mutations are journalled, if they are;
/// `switch` starts it again on another profile (`:profile`).
async fn run(
    config: AppConfig,
    client: Client,
    setup: Setup,
    journal: Option<PathBuf>,
    switch: Option<Switch>,
) -> Result<(), Failure> {
    let handle = worker::spawn(client, setup);
    let farewell = crate::tui::run(config, handle, switch)
        .await
        .map_err(|e| Failure::new(EXIT_ERROR, format!("the terminal failed: {e}")))?;
    // The terminal is restored by now: what a stopped bulk action left goes to stderr.
    let Some(farewell) = farewell else {
        return Ok(());
    };
    crate::say!("{}", farewell.text);
    if let Some(journal) = journal {
        crate::say!("every id sent is in the journal: {}", journal.display());
    }
    super::judged(farewell.verdict, farewell.complaint)
}

/// The app's settings and a client for the profile `global` names, its token found as
/// `userdeck` with those arguments would find it.
fn session(global: &GlobalArgs, look: &Look) -> Result<(AppConfig, Client, Setup), Failure> {
    session_of(checked(global)?, global, look)
}

/// [`session`] of a profile already resolved.
fn session_of(
    resolved: crate::config::Resolved,
    global: &GlobalArgs,
    look: &Look,
) -> Result<(AppConfig, Client, Setup), Failure> {
    let (client, source) = client_with(&resolved, global.token_env.as_deref())?;
    let (keymap, mut warnings) = Keymap::new(&resolved.settings.keys);
    warnings.extend(resolved.warnings.iter().cloned());
    let views = crate::views::file();
    // A start view that cannot be found is said; the dashboard starts without it.
    let start_view =
        resolved.profile.start_view.as_ref().and_then(|name| {
            match crate::views::find(&views, &resolved.name, name) {
                Ok(view) => Some((name.clone(), view)),
                Err(why) => {
                    warnings.push(format!("start_view: {why}"));
                    None
                }
            }
        });
    let config = AppConfig {
        read_only: resolved.profile.read_only,
        page_size: resolved.profile.page_size,
        keymap,
        warnings,
        colors: look.colors,
        ascii: look.ascii,
        mouse: look.mouse,
        clipboard: look.clipboard,
        profiles: resolved.settings.profiles.keys().cloned().collect(),
        journal: Some(crate::config::audit_file()),
        stale_after: std::time::Duration::from_secs_f64(resolved.profile.stale_after_secs),
        watch_every: std::time::Duration::from_secs(resolved.profile.watch_secs),
        consent: crate::app::Consent {
            typed_above: resolved.profile.confirm_typed_above,
            reason: resolved.profile.require_reason,
        },
        views: Some(views),
        actions: resolved.actions.clone(),
        endpoint: resolved.profile.endpoint.clone(),
        start_view,
        look: crate::app::Look {
            // Checked when the config was read.
            color: resolved
                .profile
                .color
                .as_deref()
                .and_then(|c| c.parse().ok()),
            label: resolved.profile.label.clone(),
        },
        token_source: Some(source),
        ..AppConfig::new(Capabilities::of(resolved.profile.dialect), &resolved.name)
    };
    Ok((config, client, Setup::of(&resolved.profile)))
}

/// The dashboard on the configured profile.
pub async fn dashboard(global: &GlobalArgs, ascii: bool) -> Result<(), Failure> {
    let terminal = need_terminal()?;
    let resolved = checked(global)?;
    let look = std::sync::Arc::new(look(&terminal, Some(&resolved.settings), ascii));
    let (config, client, setup) = session_of(resolved, global, &look)?;
    // Another profile: its own endpoint, dialect and read-only badge; what the command
    // line set for this session (read-only, the config file) holds for it too. Its token
    // is found as `userdeck --profile NAME` would find it, in the README's order and with
    // the same `--token-env` (issue #20, defect 6): dropping the environment's token left
    // a profile without one of its own UNAUTHORIZED, the first one too on switching back.
    let base = GlobalArgs {
        endpoint: None,
        dialect: None,
        ..global.clone()
    };
    let switch: Switch = std::sync::Arc::new(move |name: &str| {
        let global = GlobalArgs {
            profile: Some(name.to_string()),
            ..base.clone()
        };
        let (config, client, setup) = session(&global, &look).map_err(|f| f.message)?;
        Ok((config, worker::spawn(client, setup)))
    });
    let journal = config.journal.clone();
    run(config, client, setup, journal, Some(switch)).await
}

/// The dashboard on an embedded server on 127.0.0.1, reached over HTTP with a random
/// token, as any other API would be.
pub async fn demo(global: &GlobalArgs, args: DemoArgs) -> Result<(), Failure> {
    let terminal = need_terminal()?;
    let dialect = args.dialect;
    let token = uuid::Uuid::new_v4().simple().to_string();
    let options = ServerOptions {
        dialect,
        listen: "127.0.0.1:0".parse().expect("a valid address"),
        users: args.users,
        seed: args.seed,
        db: args.db,
        token: Some(token.clone()),
        faults: args.faults,
        hostile: args.hostile,
        tls: None,
        require_header: None,
    };
    crate::say!(
        "starting a {dialect} demo server with {} users…",
        args.users
    );
    let server = server::spawn(&options)
        .await
        .map_err(|e| Failure::new(EXIT_ERROR, format!("{e:#}")))?;
    let mut client_config = ClientConfig::new(server.url(), dialect);
    client_config.token = Some(Token::new(token));
    let client = Client::new(client_config)?;
    // The demo needs no profile; the config file, where there is one, says how the
    // terminal is drawn on (ascii, mouse, clipboard), and a broken one is said.
    let file = global
        .config
        .clone()
        .unwrap_or_else(crate::config::default_file);
    let settings = match file.exists() {
        true => Some(checked(global)?.settings),
        false => None,
    };
    let look = look(&terminal, settings.as_ref(), args.ascii);
    let config = AppConfig {
        read_only: global.read_only,
        colors: look.colors,
        ascii: look.ascii,
        mouse: look.mouse,
        clipboard: look.clipboard,
        ..AppConfig::new(Capabilities::of(dialect), "demo")
    };
    let setup = Setup::chunked(crate::api::bulk::DEFAULT_CHUNK);
    let result = run(config, client, setup, None, None).await;
    let _ = server.shutdown().await;
    result
}
