//! Keys by mode, pastes, help and quitting.

use super::*;

#[test]
fn a_paste_is_text_for_the_filter_never_keys() {
    let mut app = started(Dialect::Crm, false, 10);
    app.update(key('/'));
    let effects = app.update(Event::Paste("zed\nby\r\n".into()));
    assert_eq!(app.filter.value(), "zed by ");
    assert_eq!(app.mode(), Mode::Filter, "the newline confirmed nothing");
    assert!(
        sent(&effects)
            .iter()
            .all(|r| matches!(r, Request::List { .. }))
    );
    assert!(app.dialog.is_none());
}

#[test]
fn a_paste_outside_a_text_field_is_ignored_with_a_notice() {
    let mut app = started(Dialect::Crm, false, 10);
    let effects = app.update(Event::Paste("\nby\n".into()));
    assert!(effects.is_empty());
    assert!(app.dialog.is_none(), "b did not ask to block");
    assert!(app.selected.is_empty());
    assert!(said(&app).iter().any(|t| t.contains("paste ignored")));
    app.update(key('j'));
    assert!(
        !said(&app).iter().any(|t| t.contains("paste")),
        "a notice fades"
    );
}

#[test]
fn a_paste_into_a_confirmation_types_no_answer() {
    let mut app = started(Dialect::Crm, false, 10);
    press(&mut app, Action::Block);
    let effects = app.update(Event::Paste("y\n".into()));
    assert!(effects.is_empty(), "nothing is sent");
    assert!(matches!(app.dialog, Some(Dialog::Confirm(_))));
}

#[test]
fn filter_keys_type_text_and_bound_keys_act() {
    let mut app = started(Dialect::Crm, false, 10);
    app.update(key('/'));
    for c in "qbj".chars() {
        app.update(key(c));
    }
    assert_eq!(app.filter.value(), "qbj", "q, b and j are text here");
    assert!(app.dialog.is_none());
    app.update(code(KeyCode::Backspace));
    assert_eq!(app.filter.value(), "qb");
    let ctrl_z = Event::Key(KeyEvent::new(KeyCode::Char('z'), KeyModifiers::CONTROL));
    assert_eq!(app.update(ctrl_z), [Effect::Suspend]);
}

#[test]
fn quit_and_help() {
    let mut app = started(Dialect::Crm, false, 10);
    app.update(key('?'));
    assert_eq!(app.mode(), Mode::Help);
    app.update(key('x'));
    assert_eq!(app.mode(), Mode::Table, "any key closes the help");
    app.update(key('?'));
    assert!(
        app.update(key('q')).is_empty(),
        "q closes the help, it does not quit"
    );
    assert_eq!(app.mode(), Mode::Table);
    let effects = app.update(Event::Key(KeyEvent::new(
        KeyCode::Char('c'),
        KeyModifiers::CONTROL,
    )));
    assert_eq!(effects, vec![Effect::Quit]);
}

#[test]
fn every_key_of_every_mode_is_rebindable() {
    let mut overrides = std::collections::BTreeMap::new();
    overrides.insert("confirm".to_string(), vec!["o".to_string()]);
    overrides.insert("filter_done".to_string(), vec!["ctrl-d".to_string()]);
    let (keymap, warnings) = Keymap::new(&overrides);
    assert!(warnings.is_empty(), "{warnings:?}");
    let (mut app, effects) = App::new(AppConfig {
        keymap,
        ..config(Dialect::Crm, false)
    });
    answer_page(&mut app, &sent(&effects)[0], 10);
    press(&mut app, Action::Block);
    assert!(sent(&app.update(key('y'))).is_empty(), "y is no longer yes");
    assert!(matches!(
        &sent(&app.update(key('o')))[..],
        [Request::Bulk { .. }]
    ));
}

/// Issue #22, defect 4: Esc and a key in the same read come as Alt+key; where Alt+key
/// does nothing, they are the two keys (the filter closed, then `j` moved down) — both
/// were lost.
#[test]
fn esc_and_a_key_read_together_are_the_two_keys() {
    let mut app = started(Dialect::Crm, false, 10);
    app.update(key('/'));
    for c in "ann".chars() {
        app.update(key(c));
    }
    assert_eq!(app.mode(), Mode::Filter);
    let alt_j = KeyEvent::new(KeyCode::Char('j'), KeyModifiers::ALT);
    app.update(Event::Key(alt_j));
    assert_eq!(app.mode(), Mode::Table, "Esc closed the filter");
    assert_eq!(app.filter.value(), "", "and cleared it");
    assert_eq!(app.table.cursor(), 1, "j moved down");
}
