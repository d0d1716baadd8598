//! The demo-data generator: deterministic for a seed, and diverse enough to exercise a
//! client (non-ASCII names, every status, sessions, shared IP addresses).

use rusqlite::Connection;
use userdeck::server::db::Db;
use userdeck::server::generate;

fn crm(users: u64, seed: u64) -> Db {
    let db = Db::open(None).unwrap();
    db.with(|conn| generate::crm(conn, users, seed)).unwrap();
    db.ensure_indices().unwrap();
    db
}

fn training(users: u64, seed: u64) -> Db {
    let db = Db::open(None).unwrap();
    db.with(|conn| generate::training(conn, users, seed))
        .unwrap();
    db.ensure_indices().unwrap();
    db
}

/// Every row of `table`, as text, in key order.
fn dump(db: &Db, sql: &str) -> Vec<String> {
    db.with(|conn: &mut Connection| {
        let mut stmt = conn.prepare(sql).unwrap();
        let columns = stmt.column_count();
        stmt.query_map([], |row| {
            Ok((0..columns)
                .map(|i| format!("{:?}", row.get_ref(i).unwrap()))
                .collect::<Vec<_>>()
                .join("|"))
        })
        .unwrap()
        .collect::<rusqlite::Result<Vec<_>>>()
        .unwrap()
    })
}

/// The first column of every row, as text.
fn texts(db: &Db, sql: &str) -> Vec<String> {
    db.with(|conn| {
        let mut stmt = conn.prepare(sql).unwrap();
        stmt.query_map([], |row| row.get(0))
            .unwrap()
            .collect::<rusqlite::Result<Vec<String>>>()
            .unwrap()
    })
}

fn scalar(db: &Db, sql: &str) -> i64 {
    db.with(|conn| conn.query_row(sql, [], |r| r.get(0)).unwrap())
}

#[test]
fn the_same_seed_gives_the_same_data_and_another_seed_other_data() {
    let users = "SELECT * FROM crm_users ORDER BY pk";
    let sessions = "SELECT * FROM crm_sessions ORDER BY user_pk, pk";
    let (a, b, c) = (crm(500, 3), crm(500, 3), crm(500, 4));
    assert_eq!(dump(&a, users), dump(&b, users));
    assert_eq!(dump(&a, sessions), dump(&b, sessions));
    assert_ne!(dump(&a, users), dump(&c, users));

    let all = "SELECT * FROM training_users ORDER BY pk";
    let (a, b, c) = (training(300, 3), training(300, 3), training(300, 4));
    assert_eq!(dump(&a, all), dump(&b, all));
    assert_ne!(dump(&a, all), dump(&c, all));
}

#[test]
fn crm_data_is_diverse() {
    let db = crm(5_000, 1);
    assert_eq!(scalar(&db, "SELECT count(*) FROM crm_users"), 5_000);
    assert_eq!(
        scalar(&db, "SELECT count(DISTINCT email) FROM crm_users"),
        5_000,
        "e-mail addresses are unique"
    );
    for (status, low, high) in [("ACTIVE", 65, 85), ("BLOCKED", 5, 15), ("PENDING", 10, 20)] {
        let share = scalar(
            &db,
            &format!("SELECT count(*) * 100 / 5000 FROM crm_users WHERE status = '{status}'"),
        );
        assert!((low..=high).contains(&share), "{status}: {share}%");
    }
    let non_ascii = texts(&db, "SELECT username FROM crm_users")
        .iter()
        .filter(|u| !u.is_ascii())
        .count();
    assert!(non_ascii > 500, "non-ASCII usernames: {non_ascii}");
    let verified = scalar(
        &db,
        "SELECT count(*) FROM crm_users WHERE is_email_verified",
    );
    assert!(verified > 2_500 && verified < 5_000, "verified: {verified}");
    let (fewest, most) = (
        scalar(
            &db,
            "SELECT min(n) FROM (SELECT count(s.pk) AS n FROM crm_users u LEFT JOIN crm_sessions s ON s.user_pk = u.pk GROUP BY u.pk)",
        ),
        scalar(
            &db,
            "SELECT max(n) FROM (SELECT count(*) AS n FROM crm_sessions GROUP BY user_pk)",
        ),
    );
    assert_eq!((fewest, most), (0, 12));
    let overlapping = scalar(
        &db,
        "SELECT count(DISTINCT a.user_pk) FROM crm_sessions a JOIN crm_sessions b \
         ON a.ip_address = b.ip_address AND a.user_pk <> b.user_pk",
    );
    assert!(
        overlapping > 1_250,
        "users with overlapping IPs: {overlapping}"
    );
    let largest_cluster = scalar(
        &db,
        "SELECT max(n) FROM (SELECT count(DISTINCT user_pk) AS n FROM crm_sessions GROUP BY ip_address)",
    );
    assert!(
        largest_cluster <= 20,
        "IP clusters stay small: {largest_cluster}"
    );
    assert!(
        scalar(
            &db,
            "SELECT count(*) FROM crm_sessions WHERE ip_address LIKE '%:%'"
        ) > 0
    );
    assert!(scalar(&db, "SELECT count(DISTINCT place_pk) FROM crm_sessions") > 30);
}

#[test]
fn training_data_is_diverse() {
    let db = training(3_000, 1);
    assert_eq!(
        scalar(
            &db,
            "SELECT count(DISTINCT email) + count(*) - count(email) FROM training_users"
        ),
        3_000,
        "e-mail addresses are unique where set"
    );
    for role in ["ADMIN", "MANAGER", "PLANNER", "TRAINER", "PARTICIPANT"] {
        let n = scalar(
            &db,
            &format!("SELECT count(*) FROM training_users WHERE roles LIKE '%\"{role}\"%'"),
        );
        assert!(n > 0, "{role}");
    }
    assert_eq!(
        scalar(&db, "SELECT count(DISTINCT language) FROM training_users"),
        4
    );
    let archived = scalar(
        &db,
        "SELECT count(*) FROM training_users WHERE archived_at IS NOT NULL",
    );
    assert!(archived > 100 && archived < 500, "archived: {archived}");
    assert_eq!(
        scalar(
            &db,
            "SELECT count(*) FROM training_users WHERE archived_at IS NOT NULL AND is_active"
        ),
        0
    );
    assert!(
        scalar(
            &db,
            "SELECT count(*) FROM training_users WHERE extra_fields IS NOT NULL"
        ) > 500
    );
    assert!(
        scalar(
            &db,
            "SELECT count(*) FROM training_users WHERE manager_groups <> '[]'"
        ) > 100
    );
    let non_ascii = texts(&db, "SELECT name FROM training_users")
        .iter()
        .filter(|n| !n.is_ascii())
        .count();
    assert!(non_ascii > 300, "non-ASCII names: {non_ascii}");
}
