//! The crm demo's cases for on-call work, at well-known ids (the README's demo section
//! lists them): users 8 to 22 of the generated data get sessions that raise each
//! signal and form a ring, timed from when the data is generated, so that
//! `userdeck demo` shows them at once. Their names and e-mails stay as generated; their
//! addresses are in TEST-NET-3 (203.0.113.0/24), which no generated session uses.

use rusqlite::{Connection, params};

use super::generate::{DEVICES, PLACES};

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;

/// Active now in the Netherlands and in Brazil.
pub const TWO_COUNTRIES: &str = "usr_00000008";
/// In Japan two hours ago, in Germany one hour ago.
pub const IMPOSSIBLE_TRAVEL: &str = "usr_00000009";
/// Months on one phone in Amsterdam, then yesterday a new device, OS and browser.
pub const NEW_DEVICE: &str = "usr_00000010";
/// The ring's first account: twelve accounts (users 11 to 22) linked through three
/// addresses, users 13 and 17 blocked.
pub const RING_START: &str = "usr_00000011";
/// The ring's accounts, by pk.
const RING: std::ops::RangeInclusive<i64> = 11..=22;
/// The ring's accounts already blocked, by pk.
const RING_BLOCKED: [i64; 2] = [13, 17];

/// The fewest users the cases need: the last of them is user 22.
pub const USERS_NEEDED: u64 = 22;

/// Whether user `id` is one of the cases: its sessions are timed from when the data was
/// generated, not fixed by the seed.
pub fn holds(id: &str) -> bool {
    let pk = id.strip_prefix("usr_").and_then(|n| n.parse::<i64>().ok());
    pk.is_some_and(|pk| (8..=22).contains(&pk))
}

/// One session of a case: where, on what, from which address, when.
struct Case<'a> {
    user: i64,
    place: &'a str,
    device: &'a str,
    ip: &'a str,
    active: bool,
    started: i64,
    last_active: i64,
}

/// Writes the cases over users 8 to 22, timed from `now` (milliseconds).
pub fn write(conn: &mut Connection, now: i64) -> rusqlite::Result<()> {
    let place = |city: &str| {
        let at = PLACES.0.iter().position(|p| p.first() == Some(&city));
        at.map_or(1, |at| at as i64 + 1)
    };
    let device = |name: &str| {
        let at = DEVICES.0.iter().position(|d| d.first() == Some(&name));
        at.map_or(1, |at| at as i64 + 1)
    };
    let ring_ip = |pk: i64| match pk {
        11..=16 => "203.0.113.10",
        _ => "203.0.113.20",
    };
    let mut sessions = vec![
        Case {
            user: 8,
            place: "Amsterdam",
            device: "iPhone 15",
            ip: "203.0.113.81",
            active: true,
            started: now - 3 * DAY_MS,
            last_active: now - HOUR_MS / 4,
        },
        Case {
            user: 8,
            place: "São Paulo",
            device: "Pixel 8",
            ip: "203.0.113.82",
            active: true,
            started: now - 2 * HOUR_MS,
            last_active: now - HOUR_MS / 6,
        },
        Case {
            user: 9,
            place: "東京",
            device: "iPhone 16 Pro",
            ip: "203.0.113.91",
            active: false,
            started: now - 20 * HOUR_MS,
            last_active: now - 2 * HOUR_MS,
        },
        Case {
            user: 9,
            place: "Berlin",
            device: "iPhone 16 Pro",
            ip: "203.0.113.92",
            active: true,
            started: now - HOUR_MS,
            last_active: now - HOUR_MS / 2,
        },
        Case {
            user: 10,
            place: "Amsterdam",
            device: "Galaxy S24",
            ip: "203.0.113.101",
            active: true,
            started: now - DAY_MS,
            last_active: now - DAY_MS + HOUR_MS,
        },
    ];
    sessions.extend((0..4).map(|month| Case {
        user: 10,
        place: "Amsterdam",
        device: "iPhone 15",
        ip: "203.0.113.100",
        active: false,
        started: now - (30 + 30 * month) * DAY_MS,
        last_active: now - (30 + 30 * month) * DAY_MS + HOUR_MS,
    }));
    // The ring: six accounts on one address, six on another (user 16 on both), and
    // users 12, 18 and 21 on a third.
    for (n, pk) in RING.enumerate() {
        let started = now - (10 + n as i64) * DAY_MS;
        let at = |ip: &'static str, started: i64| Case {
            user: pk,
            place: "Rotterdam",
            device: "Pixel 7a",
            ip,
            active: false,
            started,
            last_active: started + HOUR_MS,
        };
        sessions.push(at(ring_ip(pk), started));
        if pk == 16 {
            sessions.push(at("203.0.113.20", started + DAY_MS));
        }
        if [12, 18, 21].contains(&pk) {
            sessions.push(at("203.0.113.30", started + 2 * DAY_MS));
        }
    }
    let tx = conn.transaction()?;
    {
        let cases = "pk BETWEEN 8 AND 22";
        tx.execute(&format!("DELETE FROM crm_sessions WHERE user_{cases}"), [])?;
        tx.execute(
            &format!("UPDATE crm_users SET status = 'ACTIVE', is_email_verified = 1 WHERE {cases}"),
            [],
        )?;
        for pk in RING_BLOCKED {
            tx.execute("UPDATE crm_users SET status = 'BLOCKED' WHERE pk = ?", [pk])?;
        }
        let mut session_pk: i64 =
            tx.query_row("SELECT coalesce(max(pk), 0) FROM crm_sessions", [], |r| {
                r.get(0)
            })?;
        let mut insert = tx.prepare(
            "INSERT INTO crm_sessions (user_pk, pk, device_pk, place_pk, ip_address, is_active, \
             created_at, updated_at, last_active_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )?;
        for s in &sessions {
            session_pk += 1;
            insert.execute(params![
                s.user,
                session_pk,
                device(s.device),
                place(s.place),
                s.ip,
                s.active,
                s.started,
                s.last_active,
                s.last_active
            ])?;
        }
    }
    tx.commit()
}
