//! `:run`: on whom an action runs, and what its output stands over.

use super::*;
use crate::actions::{Output, Spec};

fn note(output: Output) -> Spec {
    Spec {
        name: "note".into(),
        key: None,
        views: vec![
            crate::actions::Place::Table,
            crate::actions::Place::Pane,
            crate::actions::Place::Pivot,
        ],
        command: "echo \"$ID\"".into(),
        inputs: Vec::new(),
        confirm: false,
        dangerous: false,
        output,
    }
}

fn with_note(output: Output) -> App {
    let mut config = config(Dialect::Crm, false);
    config.actions = vec![note(output)];
    let (mut app, effects) = App::new(config);
    answer_page(&mut app, &sent(&effects)[0], 30);
    app
}

fn run(app: &mut App) -> Vec<Effect> {
    command(app, "run note")
}

#[test]
fn with_users_marked_id_is_one_of_them_never_the_cursors_other_user() {
    let mut app = with_note(Output::None);
    let email_of_u0 = app.table().rows()[0].email.clone();
    assert!(email_of_u0.is_some());
    // Marked as an operator marks them (Space moves on), then the cursor moved off them.
    press(&mut app, Action::ToggleSelect);
    press(&mut app, Action::ToggleSelect);
    app.update(key('j'));
    assert_eq!(app.table().current().unwrap().id, "u3");
    let effects = run(&mut app);
    let [Request::RunAction { env, ids, .. }] = &sent(&effects)[..] else {
        panic!("{effects:?}");
    };
    let get = |k: &str| env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    assert_eq!(ids, &["u0", "u1"]);
    assert_eq!(get("ID").as_deref(), Some("u0"));
    assert_eq!(get("USERNAME"), Some(app.table().rows()[0].name.clone()));
    // Every variable of the user in front is that user's: its e-mail too.
    assert_eq!(get("EMAIL"), email_of_u0);
    assert_eq!(get("IDS").as_deref(), Some("u0\nu1"));
}

#[test]
fn its_output_stands_over_the_list_it_ran_from_and_esc_goes_back_to_it() {
    let mut app = with_note(Output::Popup);
    let detail = UserDetail {
        user: user(0),
        overlaps: Some(vec![Overlap {
            user: user(7),
            shared_ips: vec!["10.0.0.1".into()],
            last_seen: Default::default(),
        }]),
        sessions: sessions(vec![session("10.0.0.1", "2026-01-01T00:00:00Z")]),
        ..UserDetail::default()
    };
    open_with(&mut app, detail);
    app.update(code(KeyCode::Tab));
    app.update(code(KeyCode::Tab));
    app.update(code(KeyCode::Enter));
    assert_eq!(app.mode(), Mode::Pivot);
    let effects = run(&mut app);
    let [Request::RunAction { id, env, .. }] = &sent(&effects)[..] else {
        panic!("{effects:?}");
    };
    let ip = env.iter().find(|(n, _)| n == "IP").map(|(_, v)| v.as_str());
    assert_eq!(ip, Some("10.0.0.1"), "the address of the accounts shown");
    app.update(Event::Worker(Response::ActionRan {
        id: *id,
        result: Ok(crate::actions::Ran {
            code: Some(0),
            stdout: "u0\n".into(),
            stderr: String::new(),
        }),
    }));
    assert_eq!(app.mode(), Mode::Output);
    app.update(code(KeyCode::Esc));
    assert_eq!(
        app.mode(),
        Mode::Pivot,
        "back to the accounts on the address"
    );
    assert!(app.pivot().is_some());
}

#[test]
fn a_dangerous_action_is_asked_first_and_asks_why_where_the_profile_does() {
    let mut config = config(Dialect::Crm, false);
    config.consent.reason = true;
    config.actions = vec![Spec {
        dangerous: true,
        ..note(Output::None)
    }];
    let (mut app, effects) = App::new(config);
    answer_page(&mut app, &sent(&effects)[0], 30);
    assert!(sent(&run(&mut app)).is_empty(), "asked first");
    assert!(matches!(app.dialog(), Some(Dialog::RunAction(_))));
    // y is a letter of the reason here; Enter without one sends nothing.
    assert!(sent(&app.update(code(KeyCode::Enter))).is_empty());
    assert!(said(&app).iter().any(|l| l.contains("asks a reason")));
    for c in "INC-3 y".chars() {
        app.update(key(c));
    }
    let effects = app.update(code(KeyCode::Enter));
    let [Request::RunAction { reason, .. }] = &sent(&effects)[..] else {
        panic!("{effects:?}");
    };
    assert_eq!(reason.as_deref(), Some("INC-3 y"));
}

#[test]
fn an_actions_key_must_be_free_where_it_is_offered_and_runs_it_there() {
    let keymap = crate::app::Keymap::default();
    let keyed = |key: &str, views: Vec<crate::actions::Place>| Spec {
        key: Some(key.into()),
        views,
        ..note(Output::None)
    };
    let check = |specs: &[Spec]| crate::app::check_action_keys(specs, &keymap);
    use crate::actions::Place;
    assert_eq!(check(&[keyed("o", vec![Place::Table])]), Ok(()));
    // `b` blocks in the table; `ctrl-x` is no key that can be read.
    let taken = check(&[keyed("b", vec![Place::Table])]).unwrap_err();
    assert!(taken.contains("already block's"), "{taken}");
    // Ctrl-M comes as Enter, which opens the pane: it is named as both.
    let enter = check(&[keyed("ctrl-m", vec![Place::Table])]).unwrap_err();
    assert!(
        enter.contains("\"ctrl-m\" (a terminal sends it as Enter) is already open's"),
        "{enter}"
    );
    let unread = check(&[keyed("ctrl-", vec![Place::Table])]).unwrap_err();
    assert!(unread.contains("cannot read key"), "{unread}");
    // Two actions on one key where both are offered; apart, each has it.
    let twice = [
        keyed("o", vec![Place::Table]),
        Spec {
            name: "other".into(),
            ..keyed("o", vec![Place::Pane])
        },
    ];
    assert!(
        check(&twice)
            .unwrap_err()
            .contains("already action \"note\"'s")
    );
    let apart = [
        keyed("o", vec![Place::Table]),
        Spec {
            name: "other".into(),
            ..keyed("o", vec![Place::Timeline])
        },
    ];
    assert_eq!(check(&apart), Ok(()));
    // The key runs it in the table, and is nothing in a list it is not offered in.
    let mut config = config(Dialect::Crm, false);
    config.actions = vec![keyed("o", vec![Place::Table])];
    let (mut app, effects) = App::new(config);
    answer_page(&mut app, &sent(&effects)[0], 30);
    // Over a timeline, where it is not offered and `o` is nothing: said, not run.
    command(&mut app, "timeline");
    assert_eq!(app.mode(), Mode::Timeline);
    let effects = app.update(key('o'));
    assert!(sent(&effects).is_empty(), "{effects:?}");
    let told = said(&app);
    assert!(
        told.iter()
            .any(|l| l.contains("note is not offered here: only in table")),
        "{told:?}"
    );
    press(&mut app, Action::Cancel);
    let effects = app.update(key('o'));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Send(Request::RunAction { name, .. }) if name == "note")),
        "{effects:?}"
    );
}

#[test]
fn an_empty_answer_to_a_prompt_is_asked_again() {
    let mut config = config(Dialect::Crm, false);
    config.actions = vec![Spec {
        inputs: vec![crate::actions::Input {
            name: "ticket".into(),
            prompt: "Ticket".into(),
        }],
        ..note(Output::None)
    }];
    let (mut app, effects) = App::new(config);
    answer_page(&mut app, &sent(&effects)[0], 30);
    run(&mut app);
    assert!(matches!(app.dialog, Some(Dialog::Prompt(_))));
    for typed in ["", "  "] {
        for c in typed.chars() {
            app.update(key(c));
        }
        let effects = app.update(code(KeyCode::Enter));
        assert!(sent(&effects).is_empty(), "{effects:?}");
        assert!(matches!(app.dialog, Some(Dialog::Prompt(_))));
        let told = said(&app);
        assert!(
            told.iter()
                .any(|l| l.contains("Ticket: an answer is needed (Esc cancels)")),
            "{told:?}"
        );
    }
    for c in "T-1".chars() {
        app.update(key(c));
    }
    let effects = app.update(code(KeyCode::Enter));
    assert!(
        effects.iter().any(|e| matches!(
            e,
            Effect::Send(Request::RunAction { env, .. })
                if env.iter().any(|(k, v)| k == "ticket" && v == "  T-1")
        )),
        "{effects:?}"
    );
}
