//! The training forms: navigation, checks before sending, only changed fields sent (an
//! emptied one as a clear), a server error keeps the form, Esc asks when changed.

use super::*;
use crate::api::edit::{EditTarget, Edited, Patch, UserChanges};
use crate::api::settle::Edit;
use crate::api::training::{JsonString, Language, Role};

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        app.update(key(c));
    }
}

fn ctrl(c: char) -> Event {
    Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

fn form(app: &App) -> &Form {
    app.form().expect("a form is open")
}

/// The one edit among `effects`.
fn edit_sent(effects: &[Effect]) -> (RequestId, EditTarget, UserChanges) {
    match &sent(effects)[..] {
        [
            Request::Edit {
                id,
                target,
                changes,
                ..
            },
        ] => (*id, target.clone(), (**changes).clone()),
        other => panic!("{other:?}"),
    }
}

fn ann() -> UserDetail {
    UserDetail {
        user: User {
            id: "u0".into(),
            name: "Ann".into(),
            email: Some("ann@example.com".into()),
            reference: Some("R-1".into()),
            roles: vec!["TRAINER".into()],
            language: Some("NL".into()),
            ..User::default()
        },
        active: Some(true),
        extra_fields: Some(serde_json::json!({"team": "north"})),
        ..UserDetail::default()
    }
}

/// A training app with u0's detail read and its edit form open.
fn editing() -> App {
    let mut app = started(Dialect::Training, false, 10);
    let effects = press(&mut app, Action::Edit);
    let Some(Request::Detail { id, key }) = sent(&effects).into_iter().next() else {
        panic!("the user is read first: {effects:?}");
    };
    assert!(app.form().is_none(), "the form waits for the user");
    app.update(Event::Worker(Response::Detail {
        id,
        key,
        result: Ok(Box::new(ann())),
        elapsed: Duration::ZERO,
    }));
    assert_eq!(app.mode(), Mode::Form);
    app
}

#[test]
fn tab_and_arrows_walk_the_fields_round() {
    let mut app = started(Dialect::Training, false, 10);
    press(&mut app, Action::Create);
    let fields = form(&app).fields().to_vec();
    assert_eq!(fields.first(), Some(&FieldId::Name));
    assert_eq!(fields.last(), Some(&FieldId::Invite));
    app.update(code(KeyCode::Tab));
    assert_eq!(form(&app).focused(), FieldId::Email);
    app.update(code(KeyCode::Down));
    assert_eq!(form(&app).focused(), FieldId::Ref);
    app.update(Event::Key(KeyEvent::new(
        KeyCode::BackTab,
        KeyModifiers::SHIFT,
    )));
    app.update(code(KeyCode::Up));
    assert_eq!(form(&app).focused(), FieldId::Name);
    app.update(code(KeyCode::Up));
    assert_eq!(form(&app).focused(), FieldId::Invite, "round to the last");
    // Keys that mean something in the table are text here.
    app.update(code(KeyCode::Tab));
    typed(&mut app, "q b?");
    assert_eq!(form(&app).input(FieldId::Name).unwrap().value(), "q b?");
    assert!(app.form().is_some(), "q did not quit");
}

#[test]
fn the_form_checks_before_sending_and_says_where() {
    let mut app = started(Dialect::Training, false, 10);
    press(&mut app, Action::Create);
    typed(&mut app, "  ");
    app.update(code(KeyCode::Tab));
    typed(&mut app, "not-an-address");
    for _ in 0..5 {
        app.update(code(KeyCode::Tab));
    }
    assert_eq!(form(&app).focused(), FieldId::Extra);
    typed(&mut app, "[1, 2]");
    let effects = app.update(code(KeyCode::Enter));
    assert!(sent(&effects).is_empty(), "nothing is sent: {effects:?}");
    let form = form(&app);
    assert_eq!(form.problem(FieldId::Name), Some("a name is needed"));
    assert!(
        form.problem(FieldId::Email)
            .unwrap()
            .contains("not an e-mail")
    );
    assert!(
        form.problem(FieldId::Extra)
            .unwrap()
            .contains("JSON object")
    );
    assert_eq!(form.focused(), FieldId::Name, "the focus goes to the first");
}

#[test]
fn a_new_user_sends_what_was_filled_in() {
    let mut app = started(Dialect::Training, false, 10);
    press(&mut app, Action::Create);
    typed(&mut app, "Bea");
    app.update(code(KeyCode::Tab));
    typed(&mut app, "bea@example.com");
    app.update(code(KeyCode::Tab));
    app.update(code(KeyCode::Tab));
    // Roles: the second one on.
    app.update(code(KeyCode::Right));
    app.update(key(' '));
    app.update(code(KeyCode::Tab));
    app.update(code(KeyCode::Right));
    let (_, target, changes) = edit_sent(&app.update(code(KeyCode::Enter)));
    assert_eq!(target, EditTarget::Create { send_invite: true });
    assert_eq!(
        changes,
        UserChanges {
            name: Patch::Set("Bea".into()),
            email: Patch::Set("bea@example.com".into()),
            roles: Patch::Set(vec![Role::Manager]),
            language: Patch::Set(Language::Nl),
            ..UserChanges::default()
        }
    );
    assert!(
        form(&app).sending().is_some(),
        "the form stays until answered"
    );
}

#[test]
fn an_edit_sends_only_what_changed_and_an_emptied_field_as_a_clear() {
    let mut app = editing();
    app.update(ctrl('u'));
    typed(&mut app, "Anna");
    app.update(code(KeyCode::Tab));
    app.update(code(KeyCode::Tab));
    // The ref emptied: a clear.
    app.update(ctrl('u'));
    let (_, target, changes) = edit_sent(&app.update(code(KeyCode::Enter)));
    assert_eq!(target, EditTarget::Update(UserKey::Id("u0".into())));
    assert_eq!(
        changes,
        UserChanges {
            name: Patch::Set("Anna".into()),
            reference: Patch::Clear,
            ..UserChanges::default()
        }
    );
    assert_eq!(changes.fields(), ["name", "ref"]);
}

#[test]
fn extra_fields_are_compared_as_json_and_an_unchanged_form_sends_nothing() {
    let mut app = editing();
    for _ in 0..6 {
        app.update(code(KeyCode::Tab));
    }
    assert_eq!(form(&app).focused(), FieldId::Extra);
    app.update(ctrl('u'));
    typed(&mut app, "{ \"team\" :  \"north\" }");
    let effects = app.update(code(KeyCode::Enter));
    assert!(sent(&effects).is_empty(), "the same object: {effects:?}");
    assert!(app.form().is_none());
    assert_eq!(said(&app), ["nothing changed: nothing was sent"]);

    let mut app = editing();
    for _ in 0..6 {
        app.update(code(KeyCode::Tab));
    }
    app.update(ctrl('u'));
    typed(&mut app, "{\"team\": \"south\"}");
    let (_, _, changes) = edit_sent(&app.update(code(KeyCode::Enter)));
    assert_eq!(
        changes.extra_fields,
        Patch::Set(JsonString("{\"team\": \"south\"}".into()))
    );
}

#[test]
fn a_server_error_keeps_the_form_and_everything_typed() {
    let mut app = started(Dialect::Training, false, 10);
    press(&mut app, Action::Create);
    typed(&mut app, "Bea");
    app.update(code(KeyCode::Tab));
    typed(&mut app, "taken@example.com");
    let (id, _, _) = edit_sent(&app.update(code(KeyCode::Enter)));
    let refused = ApiError::GraphQl {
        operation: "CreateUser".into(),
        code: Some("INVALID_ARGUMENTS".into()),
        message: "a user with e-mail \"taken@example.com\" already exists".into(),
    };
    app.update(Event::Worker(Response::Edited {
        id,
        result: Err(refused),
        elapsed: Duration::ZERO,
    }));
    let form = form(&app);
    assert!(form.sending().is_none());
    assert!(
        form.problem(FieldId::Email)
            .unwrap()
            .contains("already exists")
    );
    assert_eq!(form.focused(), FieldId::Email);
    assert_eq!(form.input(FieldId::Name).unwrap().value(), "Bea");
    assert_eq!(
        form.input(FieldId::Email).unwrap().value(),
        "taken@example.com"
    );
}

#[test]
fn a_saved_user_becomes_the_current_row() {
    let mut app = started(Dialect::Training, false, 30);
    press(&mut app, Action::Create);
    typed(&mut app, "Bea");
    app.update(code(KeyCode::Tab));
    typed(&mut app, "bea@example.com");
    let (id, _, _) = edit_sent(&app.update(code(KeyCode::Enter)));
    let mut saved = ann();
    saved.user.id = "u25".into();
    let effects = app.update(Event::Worker(Response::Edited {
        id,
        result: Ok(Box::new(Edited {
            edit: Edit::Answered(saved),
            created: Some(true),
            entry: String::new(),
        })),
        elapsed: Duration::ZERO,
    }));
    assert!(app.form().is_none());
    let Some(Request::Reveal { id, query, user }) = sent(&effects).into_iter().next() else {
        panic!("{effects:?}");
    };
    assert_eq!(user, "u25");
    // The worker finds the user's page.
    let query = ListQuery {
        offset: 20,
        ..query
    };
    app.update(Event::Worker(Response::Page {
        id,
        query: query.clone(),
        result: Ok(page_for(&query, 30)),
        elapsed: Duration::ZERO,
    }));
    assert_eq!(app.table.current().map(|u| u.id.as_str()), Some("u25"));
    assert_eq!(app.table.wanted().offset, 20);
}

#[test]
fn esc_closes_at_once_unless_something_changed() {
    let mut app = editing();
    app.update(code(KeyCode::Esc));
    assert!(app.form().is_none(), "nothing changed");

    let mut app = editing();
    typed(&mut app, "x");
    app.update(code(KeyCode::Esc));
    assert!(matches!(
        app.dialog,
        Some(Dialog::Discard { then_quit: false })
    ));
    app.update(key('n'));
    assert_eq!(form(&app).input(FieldId::Name).unwrap().value(), "Annx");
    app.update(code(KeyCode::Esc));
    app.update(key('y'));
    assert!(app.form().is_none());
    // Quitting with changes asks too.
    let mut app = editing();
    typed(&mut app, "x");
    let effects = app.update(Event::Key(KeyEvent::new(
        KeyCode::Char('c'),
        KeyModifiers::CONTROL,
    )));
    assert!(!effects.contains(&Effect::Quit));
    assert!(matches!(
        app.dialog,
        Some(Dialog::Discard { then_quit: true })
    ));
    assert!(app.update(key('y')).contains(&Effect::Quit));
}

#[test]
fn read_only_and_crm_say_why_not() {
    let mut app = started(Dialect::Training, true, 10);
    app.update(key('c'));
    assert!(app.form().is_none());
    assert!(said(&app)[0].contains("read-only"), "{:?}", said(&app));
    let mut app = started(Dialect::Crm, false, 10);
    app.update(key('e'));
    assert!(app.form().is_none());
    assert!(said(&app)[0].contains("only training"), "{:?}", said(&app));
}

#[test]
fn upsert_is_keyed_by_the_e_mail_and_sends_one_update_or_create() {
    let mut app = started(Dialect::Training, false, 10);
    app.update(key(':'));
    for c in "upsert".chars() {
        app.update(key(c));
    }
    app.update(code(KeyCode::Enter));
    assert_eq!(form(&app).kind(), &FormKind::Upsert);
    assert_eq!(form(&app).focused(), FieldId::Email, "the key comes first");
    typed(&mut app, "ann@example.com");
    app.update(code(KeyCode::Tab));
    typed(&mut app, "Ann");
    let (_, target, changes) = edit_sent(&app.update(code(KeyCode::Enter)));
    assert_eq!(
        target,
        EditTarget::Upsert {
            email: Some("ann@example.com".into()),
            reference: None,
            // Issue #20, defect 8: it was yes, inviting an existing user again.
            send_invite: Some(false),
        }
    );
    assert_eq!(
        changes,
        UserChanges {
            name: Patch::Set("Ann".into()),
            // Shown as "active yes", so sent: it was not, for an existing user.
            active: Patch::Set(true),
            ..UserChanges::default()
        }
    );
}

#[test]
fn e_edits_the_user_in_focus_and_waits_for_one_opened_by_e_mail() {
    let mut app = editing();
    app.update(code(KeyCode::Esc));
    // The pane holds u0; the table's cursor moves to u1: the pane follows, and e
    // waits for it.
    let effects = press(&mut app, Action::MoveDown);
    assert!(
        matches!(&sent(&effects)[..], [Request::Detail { key: UserKey::Id(id), .. }] if id == "u1"),
        "{effects:?}"
    );
    assert!(
        sent(&press(&mut app, Action::Edit)).is_empty(),
        "already asked"
    );
    assert!(app.edit_when_read.is_some());
    // A user opened by e-mail, the pane focused: its answer opens the form.
    let mut app = started(Dialect::Training, false, 10);
    app.update(key(':'));
    typed(&mut app, "goto ann@example.com");
    let effects = app.update(code(KeyCode::Enter));
    let [Request::Detail { id, key: asked }] = &sent(&effects)[..] else {
        panic!("{effects:?}");
    };
    press(&mut app, Action::ToggleFocus);
    assert!(
        sent(&press(&mut app, Action::Edit)).is_empty(),
        "already asked"
    );
    app.update(Event::Worker(Response::Detail {
        id: *id,
        key: asked.clone(),
        result: Ok(Box::new(ann())),
        elapsed: Duration::ZERO,
    }));
    assert_eq!(form(&app).kind(), &FormKind::Edit { id: "u0".into() });
}

#[test]
fn a_refusal_goes_beside_the_field_its_message_starts_with() {
    assert_eq!(
        FieldId::refused_by("a user with ref \"EMAIL-1\" already exists"),
        Some(FieldId::Ref)
    );
    assert_eq!(
        FieldId::refused_by("a user with e-mail \"a@b.nl\" already exists"),
        Some(FieldId::Email)
    );
    assert_eq!(
        FieldId::refused_by("\"x\" is not an e-mail address"),
        Some(FieldId::Email)
    );
    assert_eq!(FieldId::refused_by("preferred name of nobody"), None);
    // Ctrl-U on a choice that cannot be empty undoes it instead.
    let mut app = editing();
    for _ in 0..5 {
        app.update(code(KeyCode::Tab));
    }
    assert_eq!(form(&app).focused(), FieldId::Active);
    app.update(key(' '));
    assert!(!form(&app).active());
    app.update(ctrl('u'));
    assert!(form(&app).active(), "back to what the user had");
    assert!(!form(&app).changed());
}

#[test]
fn q_on_a_choice_field_does_not_quit_and_an_edit_on_its_way_holds_the_quit() {
    let mut app = started(Dialect::Training, false, 10);
    press(&mut app, Action::Create);
    for _ in 0..3 {
        app.update(code(KeyCode::Tab));
    }
    assert_eq!(form(&app).focused(), FieldId::Roles);
    assert!(!app.update(key('q')).contains(&Effect::Quit));
    assert_eq!(said(&app), ["in a form, Ctrl-c quits"]);
    let mut app = editing();
    typed(&mut app, "x");
    edit_sent(&app.update(code(KeyCode::Enter)));
    assert!(!app.update(ctrl('c')).contains(&Effect::Quit));
    assert!(said(&app)[0].contains("an edit is on its way"));
    assert!(app.update(Event::Shutdown).contains(&Effect::Quit));
}

#[test]
fn a_saved_user_the_filter_hides_is_said_not_shown() {
    let mut app = editing();
    typed(&mut app, "x");
    let (id, _, _) = edit_sent(&app.update(code(KeyCode::Enter)));
    let effects = app.update(Event::Worker(Response::Edited {
        id,
        result: Ok(Box::new(Edited {
            edit: Edit::Answered(ann()),
            created: None,
            entry: String::new(),
        })),
        elapsed: Duration::ZERO,
    }));
    let Some(Request::Reveal { id, query, .. }) = sent(&effects).into_iter().next() else {
        panic!("{effects:?}");
    };
    // The listing does not hold u0 (here: the page answered starts at u5).
    let page = Page {
        rows: (5..10).map(user).collect(),
        total: 10,
        offset: 0,
    };
    app.update(Event::Worker(Response::Page {
        id,
        query,
        result: Ok(page),
        elapsed: Duration::ZERO,
    }));
    assert!(
        said(&app)
            .iter()
            .any(|s| s.contains("not among these rows")),
        "{:?}",
        said(&app)
    );
}

#[test]
fn a_profile_that_asks_why_asks_it_last_in_the_form_and_sends_it_with_the_edit() {
    let mut config = config(Dialect::Training, false);
    config.consent.reason = true;
    let (mut app, effects) = App::new(config);
    answer_page(&mut app, &sent(&effects)[0], 10);
    press(&mut app, Action::Create);
    assert_eq!(form(&app).fields().last(), Some(&FieldId::Reason));
    typed(&mut app, "Ann");
    app.update(code(KeyCode::Tab));
    typed(&mut app, "ann@example.com");
    // Without a reason: said beside its field, nothing sent.
    let effects = press(&mut app, Action::Submit);
    assert!(sent(&effects).is_empty(), "{effects:?}");
    assert!(form(&app).problem(FieldId::Reason).is_some());
    assert_eq!(form(&app).focused(), FieldId::Reason);
    typed(&mut app, "TICKET-12");
    let effects = press(&mut app, Action::Submit);
    let [Request::Edit { reason, .. }] = &sent(&effects)[..] else {
        panic!("{effects:?}");
    };
    assert_eq!(reason.as_deref(), Some("TICKET-12"));
}
