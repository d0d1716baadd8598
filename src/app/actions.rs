//! `:run NAME`: an action of the operator's own on the user in front or the marked users
//! — the same users the one target rule gives every action — asked first when it says
//! so (with its command as it will run), run by the worker, cancelled by Esc, its output
//! in a list over the screen when it asks for one.

use super::keymap::{Keymap, key_name, normalize, parse_key};
use super::listed::Listed;
use super::target::{Place, Target};
use super::{App, Dialog, Effect, Layer, Mode};
use crate::actions::{self, Output, Ran, Spec};
use crate::text::{closest, sanitize};
use crate::worker::{Request, RequestId, Slot};
use crossterm::event::KeyEvent;

/// An action ready to run: what it runs and on whom, and the command as it will run.
#[derive(Debug, Clone)]
pub struct Pending {
    pub spec: Spec,
    pub env: Vec<(String, String)>,
    pub ids: Vec<String>,
    /// The command with its variables written out, made safe to show.
    pub shown: String,
    /// What the profile asks before a dangerous action runs: why, the count typed.
    pub asking: super::Asking,
}

/// An action's prompts being answered, one after another.
#[derive(Debug, Clone)]
pub struct Prompting {
    pub pending: Pending,
    /// The answers so far, by the inputs' names.
    pub answers: Vec<(String, String)>,
    /// The answer being typed to the next prompt.
    pub input: tui_input::Input,
}

impl Prompting {
    /// The prompt being answered.
    pub fn prompt(&self) -> &str {
        self.pending
            .spec
            .inputs
            .get(self.answers.len())
            .map_or("", |i| i.prompt.as_str())
    }
}

/// An action's output over the screen: its lines, and how it ended.
#[derive(Debug)]
pub struct OutputView {
    pub title: String,
    pub lines: Listed<String>,
    /// The layer it stands over, back when it closes.
    pub(super) under: Box<Layer>,
}

/// The modes in which an action offered in `views` takes its key.
fn modes_of(views: &[actions::Place]) -> Vec<Mode> {
    let mut modes: Vec<Mode> = views
        .iter()
        .map(|place| match place {
            actions::Place::Table | actions::Place::Pane => Mode::Table,
            actions::Place::Pivot | actions::Place::Ring => Mode::Pivot,
            actions::Place::Timeline => Mode::Timeline,
        })
        .collect();
    modes.dedup();
    modes
}

/// Checks the actions' keys against `keymap`: each one readable, and neither the
/// keymap's nor another action's where the action is offered (a key never does two
/// things, and none is taken from a binding without the operator saying so in `[keys]`).
pub fn check_action_keys(specs: &[Spec], keymap: &Keymap) -> Result<(), String> {
    let mut taken: Vec<(KeyEvent, Mode, &str)> = Vec::new();
    for spec in specs {
        let Some(text) = &spec.key else { continue };
        let name = &spec.name;
        let key = parse_key(text).ok_or_else(|| {
            format!("action {name:?}: cannot read key {text:?} (keys are named as in [keys]: o, O, ctrl-o, alt-o, f5, pgdn, shift-tab…)")
        })?;
        // A key a terminal sends as another is named as both (Ctrl-M is Enter).
        let sent = key_name(&key);
        let shown = if sent.eq_ignore_ascii_case(text) {
            format!("{text:?}")
        } else {
            format!("{text:?} (a terminal sends it as {sent})")
        };
        let modes = modes_of(&spec.views);
        if let Some(holder) = keymap.holder(&modes, &key) {
            return Err(format!(
                "action {name:?}: key {shown} is already {holder}'s (rebind {holder} under [keys] to free it)"
            ));
        }
        for mode in modes {
            if let Some((_, _, other)) = taken.iter().find(|(k, m, _)| *k == key && *m == mode) {
                return Err(format!(
                    "action {name:?}: key {shown} is already action {other:?}'s"
                ));
            }
            taken.push((key, mode, name));
        }
    }
    Ok(())
}

impl App {
    /// The operator's action `key` runs in `mode`, if one has it (checked when the
    /// config was read: it is no binding's there).
    /// With `anywhere`, an action offered elsewhere too: its key, bound to nothing here,
    /// says where it is offered rather than doing nothing.
    pub(super) fn keyed_action(
        &self,
        mode: Mode,
        key: &KeyEvent,
        anywhere: bool,
    ) -> Option<String> {
        if !matches!(mode, Mode::Table | Mode::Pivot | Mode::Timeline) {
            return None;
        }
        let key = normalize(*key);
        self.actions()
            .find(|a| {
                (anywhere || modes_of(&a.views).contains(&mode))
                    && a.key.as_deref().and_then(parse_key) == Some(key)
            })
            .map(|a| a.name.clone())
    }

    /// The operator's actions offered here: a dangerous one not in a read-only profile.
    pub fn actions(&self) -> impl Iterator<Item = &Spec> {
        let read_only = self.config.read_only;
        self.config
            .actions
            .iter()
            .filter(move |a| !(a.dangerous && read_only))
    }

    /// `:run NAME`: the action asked first, or sent.
    pub(super) fn run_action(&mut self, name: &str) -> Vec<Effect> {
        if let Some((_, running)) = &self.action_running {
            self.status
                .refusal(format!("{} is running: Esc stops it", sanitize(running)));
            return Vec::new();
        }
        let Some(spec) = self.actions().find(|a| a.name == name).cloned() else {
            let names: Vec<&str> = self.actions().map(|a| a.name.as_str()).collect();
            let hint = closest(name, &names)
                .map(|n| format!(": did you mean {n:?}?"))
                .unwrap_or_else(
                    || match self.config.actions.iter().any(|a| a.name == name) {
                        true => ": it is dangerous, and this profile is read-only".into(),
                        false => ": :help lists the actions".into(),
                    },
                );
            self.status
                .refusal(format!("no action {:?}{hint}", sanitize(name)));
            return Vec::new();
        };
        let pending = match self.pending(spec) {
            Ok(pending) => pending,
            Err(why) => {
                self.status.refusal(why);
                return Vec::new();
            }
        };
        if !pending.spec.inputs.is_empty() {
            self.dialog = Some(Dialog::Prompt(Box::new(Prompting {
                pending,
                answers: Vec::new(),
                input: tui_input::Input::default(),
            })));
            return Vec::new();
        }
        self.ready(pending)
    }

    /// Every prompt answered: asked first when it says so, else run.
    /// A dangerous action is always asked first, with what the profile asks before any
    /// change (why, the count typed past its number).
    fn ready(&mut self, mut pending: Pending) -> Vec<Effect> {
        if pending.spec.dangerous {
            pending.asking = super::Asking::new(pending.ids.len(), self.config.consent);
        }
        if pending.spec.confirm || pending.spec.dangerous {
            self.dialog = Some(Dialog::RunAction(Box::new(pending)));
            return Vec::new();
        }
        self.start_action(pending, None)
    }

    /// Yes to an action asked first: run, or what it still asks.
    pub(super) fn confirm_action(&mut self, mut pending: Pending) -> Vec<Effect> {
        let count = pending.ids.len();
        match pending.asking.answer(count) {
            super::Answer::Yes(reason) => self.start_action(pending, reason),
            answer => {
                self.dialog = Some(Dialog::RunAction(Box::new(pending)));
                self.not_yet(&answer)
            }
        }
    }

    /// Enter on a prompt: its answer kept, the next prompt asked, or the action ready.
    /// An empty answer is asked again: a command given `$ticket` empty would run on
    /// nothing the operator said.
    pub(super) fn answer_prompt(&mut self, mut prompting: Prompting) -> Vec<Effect> {
        let spec = &prompting.pending.spec;
        let name = spec.inputs[prompting.answers.len()].name.clone();
        if prompting.input.value().trim().is_empty() {
            let cancel = self.config.keymap.key_in_text(super::Action::Deny);
            self.status.refusal(format!(
                "{}: an answer is needed ({cancel} cancels)",
                sanitize(prompting.prompt())
            ));
            self.dialog = Some(Dialog::Prompt(Box::new(prompting)));
            return Vec::new();
        }
        prompting
            .answers
            .push((name, prompting.input.value().to_string()));
        prompting.input.reset();
        if prompting.answers.len() < prompting.pending.spec.inputs.len() {
            self.dialog = Some(Dialog::Prompt(Box::new(prompting)));
            return Vec::new();
        }
        let Prompting {
            mut pending,
            answers,
            ..
        } = prompting;
        pending.env.extend(answers);
        pending.shown = actions::shown(&pending.spec.command, &pending.env);
        self.ready(pending)
    }

    /// What `spec` runs with, here and now.
    fn pending(&self, spec: Spec) -> Result<Pending, String> {
        let target = self
            .target()
            .map_err(|why| format!("{} has no user: {why}", spec.name))?;
        let (ids, place): (Vec<String>, actions::Place) = match &target {
            Target::Marked { chosen, .. } => (
                chosen.iter().map(|c| c.id.clone()).collect(),
                self.place_here(Place::Table),
            ),
            Target::One { chosen, place } => (vec![chosen.id.clone()], self.place_here(*place)),
        };
        if !spec.views.contains(&place) {
            return Err(format!(
                "{} is not offered here: only in {}",
                sanitize(&spec.name),
                spec.views
                    .iter()
                    .map(|v| format!("{v:?}").to_lowercase())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        // The user in front when it is among those it runs on, else the first of them:
        // `$ID` never names a user the action does not run on.
        let front = match &target {
            Target::One { chosen, .. } => Some(chosen.clone()),
            Target::Marked { chosen, .. } => self
                .current_user()
                .ok()
                .map(|(c, _)| c)
                .filter(|c| ids.contains(&c.id))
                .or_else(|| chosen.first().cloned()),
        };
        let values = actions::Target {
            id: front.as_ref().map(|c| c.id.clone()).unwrap_or_default(),
            email: front
                .as_ref()
                .and_then(|c| c.email.clone())
                .unwrap_or_default(),
            username: front.map(|c| c.name).unwrap_or_default(),
            ip: self.address_here().unwrap_or_default(),
            ids: ids.clone(),
            profile: self.config.profile.clone(),
            endpoint: self.config.endpoint.clone(),
            filter: self.table.wanted().text.clone().unwrap_or_default(),
        };
        let env = values.environment(&[]);
        let shown = actions::shown(&spec.command, &env);
        Ok(Pending {
            spec,
            env,
            ids,
            shown,
            asking: super::Asking::default(),
        })
    }

    /// Where an action is asked from, as `views` names it.
    fn place_here(&self, place: Place) -> actions::Place {
        match (place, self.layer.pivot()) {
            (_, Some(pivot)) if pivot.address().is_none() => actions::Place::Ring,
            (_, Some(_)) => actions::Place::Pivot,
            (Place::Pane, None) => actions::Place::Pane,
            _ if self.layer.timeline().is_some() => actions::Place::Timeline,
            _ => actions::Place::Table,
        }
    }

    /// `$IP`: the address of the accounts shown, or of the pane's session in focus.
    fn address_here(&self) -> Option<String> {
        if let Some(pivot) = self.layer.pivot() {
            return pivot.address().map(str::to_string);
        }
        let pane = self.detail.as_ref()?;
        if pane.list() != Some(super::PaneList::Sessions) || self.focus != super::Focus::Detail {
            return None;
        }
        let sessions = pane.detail()?.sessions.as_ref()?;
        sessions.all.get(pane.session_cursor())?.ip_address.clone()
    }

    /// Sends `pending` to the worker.
    pub(super) fn start_action(&mut self, pending: Pending, reason: Option<String>) -> Vec<Effect> {
        let on_terminal = pending.spec.output == Output::Terminal;
        let id = self.tickets.issue();
        let name = pending.spec.name.clone();
        self.status.progress(Some(format!(
            "running {} on {}… (Esc stops it)",
            sanitize(&name),
            crate::text::plural(pending.ids.len(), "user")
        )));
        self.action_running = Some((id, name.clone()));
        self.action_output = pending.spec.output;
        let run = Effect::Send(Request::RunAction {
            id,
            name,
            command: pending.spec.command,
            env: pending.env,
            ids: pending.ids,
            reason,
            on_terminal,
        });
        if on_terminal {
            // The terminal is the command's until it ends, as after Ctrl-Z.
            return vec![Effect::HandOver, run];
        }
        vec![run]
    }

    /// Esc while an action runs: it is stopped (its process killed).
    pub(super) fn stop_action(&mut self) -> Option<Vec<Effect>> {
        let (_, name) = self.action_running.take()?;
        self.status.progress(None);
        self.status.notice(format!("{} stopped", sanitize(&name)));
        Some(vec![Effect::Send(Request::Abandon { slot: Slot::Action })])
    }

    /// How the action ran: said in the footer, or its output shown.
    pub(super) fn action_ran(&mut self, id: RequestId, result: Result<Ran, String>) -> Vec<Effect> {
        let Some((_, name)) = self.action_running.take_if(|(asked, _)| *asked == id) else {
            return Vec::new();
        };
        let effects = if self.action_output == Output::Terminal {
            vec![Effect::TakeBack]
        } else {
            Vec::new()
        };
        self.said_ran(id, &name, result);
        effects
    }

    /// How the run `id` went: said in the footer, or its output shown.
    fn said_ran(&mut self, id: RequestId, name: &str, result: Result<Ran, String>) {
        self.status.progress(None);
        let name = sanitize(name).into_owned();
        let ran = match result {
            Ok(ran) => ran,
            Err(why) => {
                self.status
                    .refusal(format!("{name} did not run: {}", sanitize(&why)));
                return;
            }
        };
        let ended = match ran.code {
            Some(0) => "ended well (exit 0)".to_string(),
            Some(code) => format!("failed (exit {code})"),
            None => "was stopped by a signal".to_string(),
        };
        if self.action_output != Output::Popup {
            let said = format!("{name} {ended}");
            if ran.code == Some(0) {
                self.status.notice(said);
            } else {
                self.status.refusal(said);
            }
            return;
        }
        // Its output over whatever is open, but never over a form being filled in.
        if self.layer.form().is_some() {
            self.status.notice(format!(
                "{name} {ended}; its output is not shown over a form"
            ));
            return;
        }
        let lines: Vec<String> = ran
            .stdout
            .lines()
            .chain(ran.stderr.lines())
            .map(str::to_string)
            .collect();
        let mut list = Listed::new(id);
        list.answer(id, Ok(lines));
        // Over the list it was run from (a ring, the accounts on an address): Esc goes
        // back to it.
        let under = Box::new(std::mem::take(&mut self.layer));
        self.layer = Layer::Output(OutputView {
            title: format!(" {name} {ended} · Esc close "),
            lines: list,
            under,
        });
    }
}
