//! Keys to actions, per mode. The defaults are compiled in; the config file's `[keys]`
//! table rebinds any action of any mode by its name (`block = ["b", "ctrl-b"]`,
//! `deny = ["n", "esc"]`), and a bad entry becomes a warning, not a failure. The help
//! screen is generated from this table.

use std::collections::BTreeMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{Action, Mode};

/// One bindable action: its config name, the modes it works in, what it does, its keys.
#[derive(Debug, Clone)]
pub struct Binding {
    pub name: &'static str,
    pub action: Action,
    pub modes: &'static [Mode],
    pub description: &'static str,
    pub keys: Vec<KeyEvent>,
}

impl Binding {
    /// Whether it works in every mode that takes keys (the help lists it once).
    pub fn everywhere(&self) -> bool {
        self.modes == ALWAYS
    }
}

mod defaults;

use defaults::ALWAYS;
use defaults::DEFAULTS;

/// The key table in force.
#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: Vec<Binding>,
}

impl std::default::Default for Keymap {
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
            .map(|(name, action, modes, description, keys)| Binding {
                name,
                action: *action,
                modes,
                description,
                keys: keys.iter().filter_map(|k| parse_key(k)).collect(),
            })
            .collect();
        for (name, keys) in overrides {
            let Some(binding) = bindings.iter_mut().find(|b| b.name == name) else {
                let names: Vec<&str> = bindings.iter().map(|b| b.name).collect();
                let hint = crate::text::closest(name, &names)
                    .map(|n| format!(" (did you mean {n:?}?)"))
                    .unwrap_or_default();
                warnings.push(format!("keys.{name}: no such action{hint}"));
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
        // A key rebound to one action no longer does another of the same mode.
        for i in 0..bindings.len() {
            if overrides.contains_key(bindings[i].name) {
                let (taken, modes) = (bindings[i].keys.clone(), bindings[i].modes);
                for (j, other) in bindings.iter_mut().enumerate() {
                    let shares_a_mode = other.modes.iter().any(|m| modes.contains(m));
                    if j != i && shares_a_mode && !overrides.contains_key(other.name) {
                        other.keys.retain(|k| !taken.contains(k));
                    }
                }
            }
        }
        (Keymap { bindings }, warnings)
    }

    /// Every binding, in the order of the defaults.
    pub fn bindings(&self) -> impl Iterator<Item = &Binding> {
        self.bindings.iter()
    }

    /// The action bound to `key` in `mode`, if any.
    pub fn action(&self, mode: Mode, key: &KeyEvent) -> Option<Action> {
        let key = normalize(*key);
        self.bindings
            .iter()
            .find(|b| b.modes.contains(&mode) && b.keys.contains(&key))
            .map(|b| b.action)
    }

    /// The binding that has `key` in any of `modes`, if one does.
    pub fn holder(&self, modes: &[Mode], key: &KeyEvent) -> Option<&'static str> {
        let key = normalize(*key);
        self.bindings
            .iter()
            .find(|b| b.modes.iter().any(|m| modes.contains(m)) && b.keys.contains(&key))
            .map(|b| b.name)
    }

    /// The bindings that work in `mode`, as the help screen lists them.
    pub fn of_mode(&self, mode: Mode) -> impl Iterator<Item = &Binding> {
        self.bindings
            .iter()
            .filter(move |b| b.modes.contains(&mode) && !b.keys.is_empty())
    }

    /// The first key of `action`, as a hint names it ("unbound" when it has none).
    pub fn key(&self, action: Action) -> String {
        self.bindings
            .iter()
            .find(|b| b.action == action)
            .and_then(|b| b.keys.first())
            .map_or_else(|| "unbound".into(), key_name)
    }

    /// The first key of `action` that works in a text field (a printable key types
    /// there instead), as a hint names it.
    pub fn key_in_text(&self, action: Action) -> String {
        self.bindings
            .iter()
            .find(|b| b.action == action)
            .and_then(|b| {
                b.keys.iter().find(|k| {
                    !matches!(k.code, KeyCode::Char(_))
                        || k.modifiers
                            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
                })
            })
            .map_or_else(|| "unbound".into(), key_name)
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

/// Shifted characters (and Shift-Tab) arrive with SHIFT set on some terminals and not on
/// others.
pub fn normalize(key: KeyEvent) -> KeyEvent {
    let mut modifiers = key.modifiers;
    if let KeyCode::Char(_) | KeyCode::BackTab = key.code {
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
        "pgdn" | "pgdown" | "pagedown" => KeyCode::PageDown,
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
    as_sent(KeyEvent::new(code, modifiers)).map(normalize)
}

/// A key as a terminal sends it, so that a key named one way is found when pressed: Ctrl-M
/// is Enter, Ctrl-I Tab, Ctrl-[ Esc, Ctrl-\ to Ctrl-_ come as Ctrl-4 to Ctrl-7, Ctrl-@ as
/// Ctrl-Space, Ctrl with a capital as with the small letter, Shift-Tab as BackTab, Shift
/// with a letter as the capital. Shift with another character is none: the character it
/// makes is named instead.
fn as_sent(key: KeyEvent) -> Option<KeyEvent> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let shift = key.modifiers.contains(KeyModifiers::SHIFT);
    let only = |code| Some(KeyEvent::new(code, KeyModifiers::NONE));
    let with = |code, modifiers| Some(KeyEvent::new(code, modifiers));
    match key.code {
        KeyCode::Char('m') if ctrl => only(KeyCode::Enter),
        KeyCode::Char('i') if ctrl => only(KeyCode::Tab),
        KeyCode::Char('[') if ctrl => only(KeyCode::Esc),
        KeyCode::Char(c @ ('\\' | ']' | '^' | '_')) if ctrl => {
            let digit = match c {
                '\\' => '4',
                ']' => '5',
                '^' => '6',
                _ => '7',
            };
            with(KeyCode::Char(digit), key.modifiers)
        }
        KeyCode::Char('@') if ctrl => with(KeyCode::Char(' '), key.modifiers),
        KeyCode::Char(c) if ctrl && c.is_ascii_uppercase() => {
            with(KeyCode::Char(c.to_ascii_lowercase()), key.modifiers)
        }
        KeyCode::Tab if shift => with(KeyCode::BackTab, key.modifiers - KeyModifiers::SHIFT),
        KeyCode::Char(c) if shift && c.is_ascii_lowercase() => with(
            KeyCode::Char(c.to_ascii_uppercase()),
            key.modifiers - KeyModifiers::SHIFT,
        ),
        KeyCode::Char(c) if shift && !c.is_alphabetic() => None,
        _ => Some(key),
    }
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
    fn keys_are_read_as_a_terminal_sends_them() {
        let plain = |code| KeyEvent::new(code, KeyModifiers::NONE);
        assert_eq!(parse_key("ctrl-m"), Some(plain(KeyCode::Enter)));
        assert_eq!(parse_key("ctrl-i"), Some(plain(KeyCode::Tab)));
        assert_eq!(parse_key("ctrl-["), Some(plain(KeyCode::Esc)));
        assert_eq!(parse_key("shift-tab"), Some(plain(KeyCode::BackTab)));
        assert_eq!(key_name(&key("shift-tab")), "Shift-Tab");
        assert_eq!(parse_key("shift-a"), parse_key("A"));
        assert_eq!(parse_key("ctrl-T"), parse_key("ctrl-t"));
        assert_eq!(parse_key("ctrl-\\"), parse_key("ctrl-4"));
        assert_eq!(parse_key("pgdown"), Some(plain(KeyCode::PageDown)));
        // Shift with a character that is no letter makes another: that one is named.
        assert_eq!(parse_key("shift-1"), None);
        let map = Keymap::default();
        assert_eq!(map.action(Mode::Table, &key("ctrl-m")), Some(Action::Open));
    }

    #[test]
    fn defaults_and_overrides() {
        let map = Keymap::default();
        let table = |k: &str| map.action(Mode::Table, &key(k));
        assert_eq!(table("j"), Some(Action::MoveDown));
        assert_eq!(
            map.action(
                Mode::Table,
                &KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT)
            ),
            Some(Action::Last)
        );
        assert_eq!(table("ctrl-c"), Some(Action::Quit));
        assert_eq!(map.keys_of(Action::MoveDown), "j ↓");
        // The same key means what its mode says.
        assert_eq!(table("esc"), Some(Action::Cancel));
        assert_eq!(
            map.action(Mode::Filter, &key("esc")),
            Some(Action::FilterClear)
        );
        assert_eq!(map.action(Mode::Dialog, &key("esc")), Some(Action::Deny));
        assert_eq!(
            map.action(Mode::Dialog, &key("ctrl-z")),
            Some(Action::Suspend)
        );
        assert_eq!(map.action(Mode::Filter, &key("j")), None);

        let mut overrides = BTreeMap::new();
        overrides.insert("block".to_string(), vec!["j".to_string(), "ctrl-b".into()]);
        overrides.insert("fly".to_string(), vec!["z".to_string()]);
        overrides.insert("quit".to_string(), vec!["ctrl-".to_string()]);
        overrides.insert("deny".to_string(), vec!["x".to_string()]);
        let (map, warnings) = Keymap::new(&overrides);
        let table = |k: &str| map.action(Mode::Table, &key(k));
        assert_eq!(table("j"), Some(Action::Block));
        assert_eq!(table("ctrl-b"), Some(Action::Block));
        assert_eq!(table("b"), None);
        assert_eq!(table("down"), Some(Action::MoveDown));
        assert_eq!(
            table("q"),
            Some(Action::Quit),
            "a bad key keeps the defaults"
        );
        assert_eq!(map.action(Mode::Dialog, &key("x")), Some(Action::Deny));
        assert_eq!(
            table("x"),
            Some(Action::Archive),
            "other modes keep their keys"
        );
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        let (_, warnings) = Keymap::new(&BTreeMap::from([(
            "blokc".to_string(),
            vec!["b".to_string()],
        )]));
        assert_eq!(
            warnings,
            ["keys.blokc: no such action (did you mean \"block\"?)"]
        );
    }
}
