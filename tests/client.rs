//! The client against the embedded server over real HTTP: every operation of both
//! dialects, error classes, retries, and the worker (bulk actions: client_bulk.rs).

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::routing::post;
use common::{TestServer, client_for};
use serde_json::json;
use userdeck::api::client::{Client, ClientConfig, Token};
use userdeck::api::edit::Patch;
use userdeck::api::error::{ApiError, TransportKind};
use userdeck::api::model::{BulkAction, ListQuery, SortField, Status};
use userdeck::api::ops::{self, EditEntry, UserKey};
use userdeck::api::training;
use userdeck::api::training::{
    CreateUserInput, Language, Role, UpdateOrCreateUserInput, UpdateUserInput,
};
use userdeck::dialect::Dialect;
use userdeck::worker::{self, Request, RequestId, Response};

#[tokio::test]
async fn crm_pages_filters_sorts_and_details() {
    let server = TestServer::start(Dialect::Crm, 200).await;
    let client = client_for(&server, Dialect::Crm);
    let page = ops::crm_page(&client, &ListQuery::default()).await.unwrap();
    assert_eq!((page.total, page.rows.len()), (200, 50));
    let created: Vec<_> = page.rows.iter().map(|u| u.created_at.clone()).collect();
    assert!(created.windows(2).all(|w| w[0] <= w[1]));

    let q = ListQuery {
        text: Some("gmail".into()),
        status: Some(Status::Active),
        sort: SortField::Name,
        descending: true,
        limit: 1000,
        ..ListQuery::default()
    };
    let page = ops::crm_page(&client, &q).await.unwrap();
    assert!(page.total > 0 && page.rows.len() as u64 == page.total);
    assert!(
        page.rows
            .iter()
            .all(|u| u.status == Status::Active && u.email.as_deref().unwrap().contains("gmail"))
    );
    let names: Vec<&str> = page.rows.iter().map(|u| u.name.as_str()).collect();
    assert!(names.windows(2).all(|w| w[0] >= w[1]));

    // The detail of a user that shares an address: the overlap names the shared IPs.
    let all = ops::crm_page(
        &client,
        &ListQuery {
            limit: 1000,
            ..ListQuery::default()
        },
    )
    .await
    .unwrap();
    let mut found = false;
    for user in all.rows.iter().take(80) {
        let detail = ops::detail(&client, &UserKey::Id(user.id.clone()))
            .await
            .unwrap();
        assert_eq!(detail.user.id, user.id);
        assert!(detail.fields.iter().any(|f| f.label == "username"));
        let sessions = detail.sessions.unwrap();
        assert_eq!(sessions.total_logins as usize, sessions.all.len());
        let own: Vec<&str> = sessions
            .all
            .iter()
            .filter_map(|s| s.ip_address.as_deref())
            .collect();
        for overlap in detail.overlaps.unwrap() {
            assert!(!overlap.shared_ips.is_empty());
            assert!(
                overlap
                    .shared_ips
                    .iter()
                    .all(|ip| own.contains(&ip.as_str()))
            );
            found = true;
        }
    }
    assert!(found, "some user overlaps");
    let missing = ops::detail(&client, &UserKey::Id("nobody".into()))
        .await
        .unwrap_err();
    assert_eq!(missing.code(), Some("RESOURCE_NOT_FOUND"));
    // training's statuses and sorts are refused before sending.
    let refused = ops::crm_page(
        &client,
        &ListQuery {
            status: Some(Status::Archived),
            ..ListQuery::default()
        },
    )
    .await;
    assert!(matches!(refused, Err(ApiError::Refused(_))));
    server.stop().await;
}

#[tokio::test]
async fn training_every_operation() {
    let server = TestServer::start(Dialect::Training, 60).await;
    let client = client_for(&server, Dialect::Training);
    let all = ops::training_all(&client).await.unwrap();
    assert_eq!(all.len(), 60);
    let someone = all
        .iter()
        .find(|u| u.reference.is_some() && u.email.is_some())
        .unwrap();
    for key in [
        UserKey::Id(someone.id.clone()),
        UserKey::Ref(someone.reference.clone().unwrap()),
        UserKey::Email(someone.email.clone().unwrap().to_uppercase()),
    ] {
        let detail = ops::detail(&client, &key).await.unwrap();
        assert_eq!(detail.user.id, someone.id, "{key:?}");
        assert!(detail.participant_groups.is_some());
    }
    let created = ops::create(
        &client,
        CreateUserInput {
            email: "new.person@example.com".into(),
            name: "Nieuwe Persoon".into(),
            roles: Some(vec![Role::Trainer]),
            language: Some(Language::En),
            extra_fields: Some(training::JsonString("{\"team\": \"noord\"}".into())),
            ..CreateUserInput::default()
        },
        Some(false),
        &EditEntry::new(),
    )
    .await
    .unwrap();
    assert_eq!(created.user.roles, ["TRAINER"]);
    assert_eq!(created.extra_fields, Some(json!({ "team": "noord" })));
    let updated = ops::update(
        &client,
        &UserKey::Id(created.user.id.clone()),
        UpdateUserInput {
            name: Patch::Set("Hernoemd".into()),
            ..UpdateUserInput::default()
        },
        &EditEntry::new(),
    )
    .await
    .unwrap();
    assert_eq!(updated.user.name, "Hernoemd");
    assert_eq!(
        updated.user.language.as_deref(),
        Some("EN"),
        "untouched fields stay"
    );
    let (upserted, was_created) = ops::upsert(
        &client,
        Some("new.person@example.com".into()),
        None,
        None,
        UpdateOrCreateUserInput {
            is_active: Patch::Set(false),
            ..UpdateOrCreateUserInput::default()
        },
        &EditEntry::new(),
    )
    .await
    .unwrap();
    assert!(!was_created);
    assert_eq!(upserted.user.status, Status::Inactive);
    let duplicate = ops::create(
        &client,
        CreateUserInput {
            email: "NEW.person@example.com".into(),
            name: "Again".into(),
            ..CreateUserInput::default()
        },
        None,
        &EditEntry::new(),
    )
    .await
    .unwrap_err();
    assert_eq!(duplicate.code(), Some("INVALID_ARGUMENTS"));

    let (succeeded, failed) = client
        .archive(
            true,
            &[
                created.user.id.clone(),
                "8e1b6a2c-0b6f-4f1e-9c4b-2a7e5d0c9f11".into(),
            ],
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(succeeded, std::slice::from_ref(&created.user.id));
    assert_eq!(failed.len(), 1);
    let detail = ops::detail(&client, &UserKey::Id(created.user.id.clone()))
        .await
        .unwrap();
    assert_eq!(detail.user.status, Status::Archived);
    // crm operations are refused by a training client before sending.
    let refused = ops::detail(
        &client_for(&server, Dialect::Crm),
        &UserKey::Ref("x".into()),
    )
    .await;
    assert!(matches!(refused, Err(ApiError::Refused(_))));
    server.stop().await;
}

/// A stand-in server answering each POST with what `answer` says, counting requests.
async fn fake(answer: fn(usize) -> (u16, &'static str)) -> (String, Arc<AtomicUsize>) {
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    let app = Router::new().route(
        "/graphql",
        post(move || {
            let n = seen.fetch_add(1, Ordering::SeqCst);
            async move {
                let (status, body) = answer(n);
                (axum::http::StatusCode::from_u16(status).unwrap(), body)
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/graphql", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, count)
}

fn quick(url: &str) -> ClientConfig {
    let mut config = ClientConfig::new(url, Dialect::Crm);
    config.backoff = Duration::from_millis(1);
    config.request_timeout = Duration::from_millis(500);
    config.connect_timeout = Duration::from_millis(500);
    config
}

const PAGE: &str = r#"{"data":{"users":{"data":[],"count":0,"limit":10,"offset":0}}}"#;

#[tokio::test]
async fn errors_are_told_apart() {
    let (url, _) = fake(|_| (503, "upstream down")).await;
    let e = ops::crm_page(&Client::new(quick(&url)).unwrap(), &ListQuery::default())
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Http { status: 503, .. }), "{e:?}");
    assert!(
        e.to_string().contains("Users") && e.to_string().contains("503"),
        "{e}"
    );

    let (url, _) = fake(|_| (200, "<html>login</html>")).await;
    let e = ops::crm_page(&Client::new(quick(&url)).unwrap(), &ListQuery::default())
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::NotGraphQl { .. }), "{e:?}");

    let (url, _) = fake(|_| (200, r#"{"data":{"users":{"unexpected":true}}}"#)).await;
    let e = ops::crm_page(&Client::new(quick(&url)).unwrap(), &ListQuery::default())
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::NotGraphQl { .. }), "{e:?}");

    let (url, _) = fake(|_| (200, r#"{"data":null,"errors":[{"message":"slow down","extensions":{"code":"RATE_LIMITED"}}]}"#)).await;
    let e = ops::crm_page(&Client::new(quick(&url)).unwrap(), &ListQuery::default())
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("RATE_LIMITED"));

    // Nothing listens on a port just freed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let e = ops::crm_page(
        &Client::new(quick(&format!("http://127.0.0.1:{port}/graphql"))).unwrap(),
        &ListQuery::default(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            e,
            ApiError::Transport {
                kind: TransportKind::Connect,
                ..
            }
        ),
        "{e:?}"
    );

    // A server that accepts but never answers.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/graphql", silent.local_addr().unwrap());
    let mut config = quick(&url);
    config.retries = 0;
    let e = ops::crm_page(&Client::new(config).unwrap(), &ListQuery::default())
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            ApiError::Transport {
                kind: TransportKind::Timeout,
                ..
            }
        ),
        "{e:?}"
    );
    drop(silent);

    let real = TestServer::start(Dialect::Crm, 3).await;
    let mut config = ClientConfig::new(real.url.clone(), Dialect::Crm);
    config.token = Some(Token::new("wrong-token-value"));
    let e = ops::crm_page(&Client::new(config).unwrap(), &ListQuery::default())
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("UNAUTHORIZED"));
    assert!(!format!("{e} {e:?}").contains("wrong-token-value"));

    let e = Client::new(ClientConfig::new("not a url", Dialect::Crm)).unwrap_err();
    assert!(matches!(e, ApiError::Refused(_)));
    real.stop().await;
}

#[tokio::test]
async fn reads_are_retried_and_mutations_are_not() {
    let (url, count) = fake(|n| {
        if n < 2 {
            (502, "bad gateway")
        } else {
            (200, PAGE)
        }
    })
    .await;
    let client = Client::new(quick(&url)).unwrap();
    let page = ops::crm_page(&client, &ListQuery::default()).await.unwrap();
    assert_eq!(page.total, 0);
    assert_eq!(
        count.load(Ordering::SeqCst),
        3,
        "two retries, then the answer"
    );

    let (url, count) = fake(|_| (502, "bad gateway")).await;
    let client = Client::new(quick(&url)).unwrap();
    let attempt = client
        .attempts(BulkAction::Block, vec![vec!["u1".to_string()]], |_| {
            json!({})
        })
        .await
        .unwrap();
    let e = client
        .set_status(attempt.into_iter().next().unwrap())
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Http { status: 502, .. }));
    assert_eq!(count.load(Ordering::SeqCst), 1, "a mutation is sent once");
}

/// The next response of the worker, with a deadline.
async fn next(handle: &mut worker::WorkerHandle) -> Response {
    tokio::time::timeout(Duration::from_secs(30), handle.responses.recv())
        .await
        .expect("an answer in time")
        .expect("the worker runs")
}

#[tokio::test]
async fn the_worker_answers_pages_details_and_bulk_and_drops_replaced_requests() {
    let server = TestServer::start(Dialect::Training, 150).await;
    let mut handle = worker::spawn(
        client_for(&server, Dialect::Training),
        worker::Setup::chunked(500),
    );
    let query = ListQuery {
        text: Some("a".into()),
        sort: SortField::Name,
        limit: 10,
        ..ListQuery::default()
    };
    // Two list requests at once: the first is replaced (and, should it have answered
    // already, its answer is one the app would drop as stale).
    handle
        .requests
        .send(Request::List {
            id: RequestId(1),
            query: ListQuery::default(),
        })
        .unwrap();
    handle
        .requests
        .send(Request::List {
            id: RequestId(2),
            query: query.clone(),
        })
        .unwrap();
    let result = loop {
        match next(&mut handle).await {
            Response::Page {
                id: RequestId(2),
                result,
                ..
            } => break result,
            Response::Page {
                id: RequestId(1), ..
            } => continue,
            other => panic!("unexpected {other:?}"),
        }
    };
    let page = result.unwrap();
    assert_eq!(page.rows.len(), 10);
    assert!(page.rows.iter().all(|u| {
        format!(
            "{} {} {}",
            u.name,
            u.email.clone().unwrap_or_default(),
            u.id
        )
        .to_lowercase()
        .contains('a')
    }));

    let target = page.rows[0].id.clone();
    handle
        .requests
        .send(Request::Detail {
            id: RequestId(3),
            key: UserKey::Id(target.clone()),
        })
        .unwrap();
    let Response::Detail { id, result, .. } = next(&mut handle).await else {
        panic!("a detail")
    };
    assert_eq!(
        (id, result.unwrap().user.id),
        (RequestId(3), target.clone())
    );

    handle
        .requests
        .send(Request::Bulk {
            id: RequestId(4),
            action: BulkAction::Archive,
            ids: vec![target.clone()],
            before: Default::default(),
            undo: None,
            reason: None,
        })
        .unwrap();
    let mut done = None;
    while done.is_none() {
        match next(&mut handle).await {
            Response::BulkProgress { id, .. } => assert_eq!(id, RequestId(4)),
            Response::BulkDone { id, report, .. } => done = Some((id, report)),
            other => panic!("unexpected {other:?}"),
        }
    }
    let (id, report) = done.unwrap();
    assert_eq!(
        (id, report.succeeded().cloned().collect::<Vec<_>>()),
        (RequestId(4), vec![target.clone()])
    );
    // The cached list was dropped: the next page shows the change.
    handle
        .requests
        .send(Request::List {
            id: RequestId(5),
            query: ListQuery {
                status: Some(Status::Archived),
                limit: 1000,
                ..query
            },
        })
        .unwrap();
    let Response::Page { result, .. } = next(&mut handle).await else {
        panic!("a page")
    };
    assert!(result.unwrap().rows.iter().any(|u| u.id == target));
    server.stop().await;
}

#[tokio::test]
async fn a_newer_request_aborts_the_request_in_flight() {
    // A server that never answers the first request, and notices when it is dropped.
    let dropped = Arc::new(AtomicUsize::new(0));
    let seen = Arc::new(AtomicUsize::new(0));
    let (d, s) = (dropped.clone(), seen.clone());
    let app = Router::new().route(
        "/graphql",
        post(move || {
            let (d, s) = (d.clone(), s.clone());
            async move {
                if s.fetch_add(1, Ordering::SeqCst) == 0 {
                    struct Guard(Arc<AtomicUsize>);
                    impl Drop for Guard {
                        fn drop(&mut self) {
                            self.0.fetch_add(1, Ordering::SeqCst);
                        }
                    }
                    let _guard = Guard(d);
                    std::future::pending::<()>().await;
                }
                PAGE
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/graphql", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let mut handle = worker::spawn(
        Client::new(ClientConfig::new(url, Dialect::Crm)).unwrap(),
        worker::Setup::chunked(500),
    );
    handle
        .requests
        .send(Request::List {
            id: RequestId(1),
            query: ListQuery::default(),
        })
        .unwrap();
    // Wait until the first request is at the server, then replace it.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while seen.load(Ordering::SeqCst) == 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the first request arrives"
        );
        tokio::task::yield_now().await;
    }
    handle
        .requests
        .send(Request::List {
            id: RequestId(2),
            query: ListQuery::default(),
        })
        .unwrap();
    let Response::Page { id, result, .. } = next(&mut handle).await else {
        panic!("a page")
    };
    assert_eq!(id, RequestId(2));
    assert!(result.is_ok());
    while dropped.load(Ordering::SeqCst) == 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the aborted request's connection closes"
        );
        tokio::task::yield_now().await;
    }
}

#[tokio::test]
async fn an_edit_the_server_refused_with_a_5xx_reads_back_as_not_applied() {
    use userdeck::api::edit::{self, EditTarget, UserChanges};
    use userdeck::api::settle::Edit;
    use userdeck::server::faults::FaultSpec;
    let server = TestServer::start(Dialect::Training, 3).await;
    let client = client_for(&server, Dialect::Training);
    // Every second request fails before it is applied: a read, then the create (which
    // may have applied, as far as the client can tell), then reading back passes.
    server
        .server
        .faults()
        .set("fail=1/2".parse::<FaultSpec>().unwrap());
    ops::training_all(&client).await.unwrap();
    let changes = UserChanges {
        name: Patch::Set("Nobody".into()),
        email: Patch::Set("nobody@example.nl".into()),
        ..UserChanges::default()
    };
    let target = EditTarget::Create { send_invite: false };
    let edited = edit::send(&client, &target, changes).await.unwrap();
    assert!(
        matches!(edited.edit, Edit::Absent),
        "not unknown: reading back finds no such user ({:?})",
        edited.edit
    );
    server.stop().await;
}
