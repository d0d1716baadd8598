//! Keys to actions. The defaults are compiled in; the config file's `[keys]` table
//! rebinds any action (`block = ["b", "ctrl-b"]`), and a bad entry becomes a warning, not
//! a failure. The help screen is generated from this table.

use std::collections::BTreeMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::Action;

/// One bindable action: its config name, what it does, and its keys.
#[derive(Debug, Clone)]
pub struct Binding {
    pub name: &'static str,
    pub action: Action,
    pub description: &'static str,
    pub keys: Vec<KeyEvent>,
}

/// (name, action, description, default keys)
const DEFAULTS: &[(&str, Action, &str, &[&str])] = &[
    ("move_down", Action::MoveDown, "next row", &["j", "down"]),
    ("move_up", Action::MoveUp, "previous row", &["k", "up"]),
    ("first", Action::First, "first row", &["g", "home"]),
    ("last", Action::Last, "last row", &["G", "end"]),
    ("next_page", Action::NextPage, "next page", &["pgdn"]),
    ("prev_page", Action::PrevPage, "previous page", &["pgup"]),
    (
        "filter",
        Action::Filter,
        "filter as you type (Esc clears)",
        &["/"],
    ),
    (
        "cycle_status",
        Action::CycleStatus,
        "cycle the status filter",
        &["f"],
    ),
    (
        "next_sort",
        Action::NextSort,
        "sort by the next column",
        &["s"],
    ),
    (
        "flip_sort",
        Action::FlipSort,
        "flip the sort direction",
        &["S"],
    ),
    (
        "open",
        Action::Open,
        "open the user; in the overlap list, follow it",
        &["enter"],
    ),
    (
        "back",
        Action::Back,
        "back to the user you came from",
        &["backspace"],
    ),
    (
        "toggle_focus",
        Action::ToggleFocus,
        "focus table or detail",
        &["tab"],
    ),
    (
        "toggle_select",
        Action::ToggleSelect,
        "select the row and move down",
        &["space"],
    ),
    (
        "select_page",
        Action::SelectPage,
        "select (or unselect) the page",
        &["*"],
    ),
    (
        "block",
        Action::Block,
        "block the selection or the row (crm)",
        &["b"],
    ),
    (
        "activate",
        Action::Activate,
        "activate the selection or the row (crm)",
        &["a"],
    ),
    (
        "archive",
        Action::Archive,
        "archive the selection or the row (training)",
        &["x"],
    ),
    (
        "unarchive",
        Action::Unarchive,
        "unarchive the selection or the row (training)",
        &["X"],
    ),
    ("reload", Action::Reload, "reload", &["r"]),
    ("help", Action::Help, "this help", &["?"]),
    (
        "cancel",
        Action::Cancel,
        "close the pane, clear the filter, cancel",
        &["esc"],
    ),
    ("quit", Action::Quit, "quit", &["q", "ctrl-c"]),
];

/// The key table in force.
#[derive(Debug, Clone)]
pub struct Keymap {
    pub bindings: Vec<Binding>,
}

impl Default for Keymap {
    fn default() -> Self {
        Keymap::new(&BTreeMap::new()).0
    }
}

impl Keymap {
    /// The defaults with `overrides` (action name → keys) laid over them, and a warning
    /// for every entry that could not be used.
    pub fn new(overrides: &BTreeMap<String, Vec<String>>) -> (Keymap, Vec<String>) {
        let mut warnings = Vec::new();
        let mut bindings: Vec<Binding> = DEFAULTS
            .iter()
            .map(|(name, action, description, keys)| Binding {
                name,
                action: *action,
                description,
                keys: keys.iter().filter_map(|k| parse_key(k)).collect(),
            })
            .collect();
        for (name, keys) in overrides {
            let Some(binding) = bindings.iter_mut().find(|b| b.name == name) else {
                warnings.push(format!("keys.{name}: no such action"));
                continue;
            };
            let mut parsed = Vec::new();
            for key in keys {
                match parse_key(key) {
                    Some(k) => parsed.push(k),
                    None => warnings.push(format!("keys.{name}: cannot read key {key:?}")),
                }
            }
            if !parsed.is_empty() {
                binding.keys = parsed;
            }
        }
        // A key rebound to one action no longer does another.
        for i in 0..bindings.len() {
            if overrides.contains_key(bindings[i].name) {
                let taken = bindings[i].keys.clone();
                for (j, other) in bindings.iter_mut().enumerate() {
                    if j != i && !overrides.contains_key(other.name) {
                        other.keys.retain(|k| !taken.contains(k));
                    }
                }
            }
        }
        (Keymap { bindings }, warnings)
    }

    /// The action bound to `key`, if any.
    pub fn action(&self, key: &KeyEvent) -> Option<Action> {
        let key = normalize(*key);
        self.bindings
            .iter()
            .find(|b| b.keys.contains(&key))
            .map(|b| b.action)
    }

    /// The keys of `action`, as the help screen shows them.
    pub fn keys_of(&self, action: Action) -> String {
        self.bindings
            .iter()
            .find(|b| b.action == action)
            .map(|b| b.keys.iter().map(key_name).collect::<Vec<_>>().join(" "))
            .unwrap_or_default()
    }
}

/// Shifted characters arrive with SHIFT set on some terminals and not on others.
fn normalize(key: KeyEvent) -> KeyEvent {
    let mut modifiers = key.modifiers;
    if let KeyCode::Char(_) = key.code {
        modifiers.remove(KeyModifiers::SHIFT);
    }
    KeyEvent::new(key.code, modifiers)
}

/// Reads a key as the config file writes it: `j`, `G`, `ctrl-c`, `pgdn`, `space`, `?`.
pub fn parse_key(text: &str) -> Option<KeyEvent> {
    let (modifiers, name) = match text.rsplit_once('-') {
        Some((mods, name)) if !name.is_empty() && !mods.is_empty() => {
            let mut m = KeyModifiers::NONE;
            for part in mods.split('-') {
                m |= match part.to_ascii_lowercase().as_str() {
                    "ctrl" | "c" => KeyModifiers::CONTROL,
                    "alt" | "m" => KeyModifiers::ALT,
                    "shift" | "s" => KeyModifiers::SHIFT,
                    _ => return None,
                };
            }
            (m, name)
        }
        _ => (KeyModifiers::NONE, text),
    };
    let code = match name.to_ascii_lowercase().as_str() {
        "enter" | "return" => KeyCode::Enter,
        "esc" | "escape" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "backtab" => KeyCode::BackTab,
        "backspace" => KeyCode::Backspace,
        "space" => KeyCode::Char(' '),
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "pgup" | "pageup" => KeyCode::PageUp,
        "pgdn" | "pagedown" => KeyCode::PageDown,
        "delete" | "del" => KeyCode::Delete,
        _ => {
            let mut chars = name.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => KeyCode::Char(c),
                _ => {
                    let n = name.strip_prefix(['f', 'F'])?.parse::<u8>().ok()?;
                    KeyCode::F(n)
                }
            }
        }
    };
    Some(normalize(KeyEvent::new(code, modifiers)))
}

/// How a key is shown.
pub fn key_name(key: &KeyEvent) -> String {
    let code = match key.code {
        KeyCode::Enter => "Enter".into(),
        KeyCode::Esc => "Esc".into(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::BackTab => "Shift-Tab".into(),
        KeyCode::Backspace => "Backspace".into(),
        KeyCode::Char(' ') => "Space".into(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Up => "↑".into(),
        KeyCode::Down => "↓".into(),
        KeyCode::Left => "←".into(),
        KeyCode::Right => "→".into(),
        KeyCode::Home => "Home".into(),
        KeyCode::End => "End".into(),
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::PageDown => "PgDn".into(),
        KeyCode::Delete => "Del".into(),
        KeyCode::F(n) => format!("F{n}"),
        other => format!("{other:?}"),
    };
    let mut prefix = String::new();
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        prefix.push_str("Ctrl-");
    }
    if key.modifiers.contains(KeyModifiers::ALT) {
        prefix.push_str("Alt-");
    }
    format!("{prefix}{code}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str) -> KeyEvent {
        parse_key(text).unwrap()
    }

    #[test]
    fn defaults_and_overrides() {
        let map = Keymap::default();
        assert_eq!(map.action(&key("j")), Some(Action::MoveDown));
        assert_eq!(
            map.action(&KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Action::Last)
        );
        assert_eq!(map.action(&key("ctrl-c")), Some(Action::Quit));
        assert_eq!(map.keys_of(Action::MoveDown), "j ↓");

        let mut overrides = BTreeMap::new();
        overrides.insert("block".to_string(), vec!["j".to_string(), "ctrl-b".into()]);
        overrides.insert("fly".to_string(), vec!["z".to_string()]);
        overrides.insert("quit".to_string(), vec!["ctrl-".to_string()]);
        let (map, warnings) = Keymap::new(&overrides);
        assert_eq!(map.action(&key("j")), Some(Action::Block));
        assert_eq!(map.action(&key("ctrl-b")), Some(Action::Block));
        assert_eq!(map.action(&key("b")), None);
        assert_eq!(map.action(&key("down")), Some(Action::MoveDown));
        assert_eq!(
            map.action(&key("q")),
            Some(Action::Quit),
            "a bad key keeps the defaults"
        );
        assert_eq!(warnings.len(), 2, "{warnings:?}");
    }
}
