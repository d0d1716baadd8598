//! Deterministic demo data: the same `--seed` and `--users` give the same users.
//!
//! Timestamps are spread over the three years before a fixed instant, not before "now",
//! so that a seed describes one data set whenever it is generated.

use std::sync::LazyLock;

use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rusqlite::{Connection, params};
use serde_json::json;

use super::scalars::DateTime;
use crate::dialect::Dialect;

/// Every generated timestamp lies before this instant (2026-11-01T00:00:00Z).
pub const GENERATED_UNTIL_MS: i64 = 1_793_491_200_000;
const DAY_MS: i64 = 86_400_000;
const SPAN_MS: i64 = 3 * 365 * DAY_MS;

/// A word list from assets/demo: lines of `|`-separated columns, `#` lines skipped.
pub(super) struct Words(pub(super) Vec<Vec<&'static str>>);

impl Words {
    fn parse(text: &'static str) -> Words {
        Words(
            text.lines()
                .map(str::trim)
                .filter(|line| !line.is_empty() && !line.starts_with('#'))
                .map(|line| line.split('|').collect())
                .collect(),
        )
    }

    fn pick(&self, rng: &mut ChaCha8Rng) -> &[&'static str] {
        self.0.choose(rng).map(Vec::as_slice).unwrap_or(&[])
    }
}

static FIRST: LazyLock<Words> =
    LazyLock::new(|| Words::parse(include_str!("../../assets/demo/first_names.txt")));
static LAST: LazyLock<Words> =
    LazyLock::new(|| Words::parse(include_str!("../../assets/demo/last_names.txt")));
static DOMAINS: LazyLock<Words> =
    LazyLock::new(|| Words::parse(include_str!("../../assets/demo/email_domains.txt")));
pub(super) static PLACES: LazyLock<Words> =
    LazyLock::new(|| Words::parse(include_str!("../../assets/demo/places.txt")));
pub(super) static DEVICES: LazyLock<Words> =
    LazyLock::new(|| Words::parse(include_str!("../../assets/demo/devices.txt")));
static GROUPS: LazyLock<Words> =
    LazyLock::new(|| Words::parse(include_str!("../../assets/demo/groups.txt")));

/// A person: display name, a handle-like username and a unique e-mail address.
struct Person {
    name: String,
    username: String,
    email: String,
}

fn person(rng: &mut ChaCha8Rng, index: u64) -> Person {
    let first = FIRST.pick(rng);
    let last = LAST.pick(rng);
    let (first_native, first_ascii) = (first[0], first[1]);
    let (last_native, last_ascii) = (last[0], last[1]);
    let fa = first_ascii.to_lowercase().replace([' ', '\''], "");
    let la = last_ascii.to_lowercase();
    let n = index + 1;
    let username = match rng.random_range(0..6) {
        0 => format!("{fa}.{la}"),
        1 => format!("{fa}{}", rng.random_range(1..100)),
        2 => format!("{}_{la}", fa.chars().next().unwrap_or('x')),
        3 => format!(
            "{}.{}",
            first_native.to_lowercase().replace(' ', ""),
            last_native.to_lowercase().replace([' ', '\''], "")
        ),
        4 => format!("{fa}{la}{}", rng.random_range(70..100)),
        _ => format!("{fa}_{}", rng.random_range(1000..10000)),
    };
    // The local part ends in the user's number and nothing else ends in digits, so
    // every address is unique.
    let domain = DOMAINS.pick(rng)[0];
    let email = match rng.random_range(0..3) {
        0 => format!("{fa}.{la}{n}@{domain}"),
        1 => format!("{}{la}{n}@{domain}", fa.chars().next().unwrap_or('x')),
        _ => format!("{fa}_{n}@{domain}"),
    };
    let name = if first_native.chars().any(is_cjk) && last_native.chars().any(is_cjk) {
        // Chinese, Japanese and Korean names: family name first, no space.
        format!("{last_native}{first_native}")
    } else {
        format!("{first_native} {last_native}")
    };
    Person {
        name,
        username,
        email,
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30ff}' | '\u{4e00}'..='\u{9fff}' | '\u{ac00}'..='\u{d7af}' | '\u{1100}'..='\u{11ff}')
}

fn phone(rng: &mut ChaCha8Rng) -> String {
    let d = |rng: &mut ChaCha8Rng, n: u32| -> String {
        (0..n)
            .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
            .collect()
    };
    match rng.random_range(0..8) {
        0 | 1 => format!("+31 6 {}", d(rng, 8)),
        2 => format!("+49 15{} {}", d(rng, 1), d(rng, 7)),
        3 => format!("+1 ({}) 555-{}", rng.random_range(201..990), d(rng, 4)),
        4 => format!("+44 7700 {}", d(rng, 6)),
        5 => format!(
            "+33 6 {} {} {} {}",
            d(rng, 2),
            d(rng, 2),
            d(rng, 2),
            d(rng, 2)
        ),
        6 => format!("+32 4{} {} {}", d(rng, 2), d(rng, 2), d(rng, 2)),
        _ => format!("+81 90-{}-{}", d(rng, 4), d(rng, 4)),
    }
}

fn uuid(rng: &mut ChaCha8Rng) -> String {
    uuid::Builder::from_random_bytes(rng.random())
        .into_uuid()
        .hyphenated()
        .to_string()
}

/// A crm user's id. Short and sequential, as many CRMs' are, which also keeps the
/// trigram index small: random UUIDs more than doubled its build time.
fn crm_id(pk: i64) -> String {
    format!("usr_{pk:08}")
}

fn ipv4(rng: &mut ChaCha8Rng) -> String {
    const FIRST_OCTETS: [u8; 16] = [
        24, 31, 37, 45, 62, 77, 81, 84, 86, 92, 94, 145, 178, 185, 212, 217,
    ];
    let a = FIRST_OCTETS[rng.random_range(0..FIRST_OCTETS.len())];
    let (b, c, d) = (
        rng.random::<u8>(),
        rng.random::<u8>(),
        rng.random_range(1..255u8),
    );
    format!("{a}.{b}.{c}.{d}")
}

fn ip(rng: &mut ChaCha8Rng) -> String {
    if rng.random_bool(0.1) {
        format!(
            "2a02:a46{:x}:{:x}:{:x}::{:x}",
            rng.random_range(0..16u8),
            rng.random::<u16>(),
            rng.random::<u16>(),
            rng.random_range(1..0xffffu16)
        )
    } else {
        ipv4(rng)
    }
}

/// A time between `from` and `until`, in milliseconds.
fn between(rng: &mut ChaCha8Rng, from: i64, until: i64) -> i64 {
    if until <= from {
        from
    } else {
        rng.random_range(from..until)
    }
}

/// Fills the crm tables with `users` users and their sessions.
pub fn crm(conn: &mut Connection, users: u64, seed: u64) -> rusqlite::Result<()> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let tx = conn.transaction()?;
    {
        let mut devices = tx.prepare("INSERT INTO crm_devices (pk, device_name, device_type, browser, operating_system) VALUES (?, ?, ?, ?, ?)")?;
        for (i, d) in DEVICES.0.iter().enumerate() {
            devices.execute(params![i as i64 + 1, d[0], d[1], d[2], d[3]])?;
        }
        let mut places =
            tx.prepare("INSERT INTO crm_places (pk, city, region, country) VALUES (?, ?, ?, ?)")?;
        for (i, p) in PLACES.0.iter().enumerate() {
            places.execute(params![i as i64 + 1, p[0], p[1], p[2]])?;
        }
        let device_count = DEVICES.0.len() as i64;
        let place_count = PLACES.0.len() as i64;
        // IP addresses that small clusters of users share (a household, an office, a
        // carrier's NAT): about one for eight users, each user drawing one with a chance of 45%.
        let shared_ips: Vec<String> = (0..(users / 8).max(1)).map(|_| ip(&mut rng)).collect();

        let mut user_stmt = tx.prepare(
            "INSERT INTO crm_users (pk, id, username, email, created_at, updated_at, avatar, \
             phone_number, is_email_verified, email_verified_at, status) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )?;
        let mut fts_stmt = tx.prepare(
            "INSERT INTO crm_users_fts (rowid, username, email, phone_number, id) VALUES (?, ?, ?, ?, ?)",
        )?;
        let mut session_stmt = tx.prepare(
            "INSERT INTO crm_sessions (user_pk, pk, device_pk, place_pk, ip_address, is_active, \
             created_at, updated_at, last_active_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )?;
        let mut times = Vec::with_capacity(12);
        let mut session_pk = 0i64;
        for index in 0..users {
            let pk = index as i64 + 1;
            let id = crm_id(pk);
            let p = person(&mut rng, index);
            let created = GENERATED_UNTIL_MS - SPAN_MS + rng.random_range(0..SPAN_MS - DAY_MS);
            let status = match rng.random_range(0..100) {
                0..75 => "ACTIVE",
                75..85 => "BLOCKED",
                _ => "PENDING",
            };
            let verified = status != "PENDING" && rng.random_bool(0.85);
            let verified_at = verified.then(|| created + rng.random_range(60_000..3 * DAY_MS));
            let updated = between(&mut rng, created, GENERATED_UNTIL_MS);
            let avatar = rng.random_bool(0.6).then(|| {
                format!(
                    "https://avatars.example.com/{:016x}.png",
                    rng.random::<u64>()
                )
            });
            let phone = rng.random_bool(0.8).then(|| phone(&mut rng));
            user_stmt.execute(params![
                pk,
                id,
                p.username,
                p.email,
                created,
                updated,
                avatar,
                phone,
                verified,
                verified_at,
                status
            ])?;
            fts_stmt.execute(params![pk, p.username, p.email, phone, id])?;

            let sessions = if status == "PENDING" {
                rng.random_range(0..2)
            } else {
                match rng.random_range(0..100) {
                    0..15 => 0,
                    15..50 => rng.random_range(1..4),
                    50..85 => rng.random_range(4..9),
                    _ => rng.random_range(9..13),
                }
            };
            if sessions == 0 {
                continue;
            }
            let own_ips = [ip(&mut rng), ip(&mut rng)];
            let shared = rng
                .random_bool(0.45)
                .then(|| shared_ips[rng.random_range(0..shared_ips.len())].as_str());
            let devices = [
                rng.random_range(1..=device_count),
                rng.random_range(1..=device_count),
            ];
            let home = rng.random_range(1..=place_count);
            times.clear();
            times.extend((0..sessions).map(|_| between(&mut rng, created, GENERATED_UNTIL_MS)));
            times.sort_unstable();
            for (i, &at) in times.iter().enumerate() {
                let newest = i + 1 == times.len();
                // A user with a shared address logged in from it at least the first time.
                let ip = match (shared, if i == 0 { 0 } else { rng.random_range(0..10) }) {
                    (Some(shared), 0..4) => shared,
                    (_, 0..7) => own_ips[0].as_str(),
                    _ => own_ips[1].as_str(),
                };
                let place = if rng.random_bool(0.1) {
                    rng.random_range(1..=place_count)
                } else {
                    home
                };
                let active = rng.random_bool(if newest { 0.4 } else { 0.05 });
                let last_active = rng
                    .random_bool(0.9)
                    .then(|| between(&mut rng, at, (at + 30 * DAY_MS).min(GENERATED_UNTIL_MS)));
                let updated = last_active.unwrap_or(at);
                session_pk += 1;
                session_stmt.execute(params![
                    pk,
                    session_pk,
                    devices[rng.random_range(0..2)],
                    place,
                    ip,
                    active,
                    at,
                    updated,
                    last_active
                ])?;
            }
        }
    }
    tx.commit()
}

/// The groups of the training demo data: (id, name).
/// Names a client must survive: escape sequences that clear the screen or set the
/// clipboard, C1 controls, bidi overrides, zero-width characters, spreadsheet formulas,
/// wide characters, and text far longer than a column.
pub const HOSTILE_NAMES: [&str; 7] = [
    "evil\u{1b}[2J\u{1b}]52;c;aGk=\u{7}clear",
    "=HYPERLINK(\"http://x\",\"click\")",
    "\u{202e}gnp.exe\u{9b}31m",
    "zero\u{200b}width\u{feff}and\u{2066}isolate",
    "山田太郎山田太郎山田太郎山田太郎山田太郎",
    "@SUM(1+1)xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "vlag\u{1f1f3}\u{1f1f1}hart\u{2764}\u{fe0f}duim\u{1f44d}\u{1f3fd}山田",
];

/// Gives the first users hostile names (`serve --hostile`), for trying clients on them.
/// crm's search index follows, so a filter still finds exactly the users it names.
pub fn hostile(conn: &mut Connection, dialect: Dialect) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    for (i, name) in HOSTILE_NAMES.iter().enumerate() {
        let pk = i as i64 + 1;
        match dialect {
            Dialect::Crm => {
                let old: Option<(String, String, Option<String>, String)> = tx
                    .query_row(
                        "SELECT username, email, phone_number, id FROM crm_users WHERE pk = ?",
                        [pk],
                        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                    )
                    .ok();
                let Some((username, email, phone, id)) = old else {
                    continue;
                };
                // A contentless index forgets a row given the values it was made from.
                tx.execute(
                    "INSERT INTO crm_users_fts (crm_users_fts, rowid, username, email, phone_number, id) \
                     VALUES ('delete', ?, ?, ?, ?, ?)",
                    params![pk, username, email, phone, id],
                )?;
                tx.execute(
                    "UPDATE crm_users SET username = ? WHERE pk = ?",
                    params![name, pk],
                )?;
                tx.execute(
                    "INSERT INTO crm_users_fts (rowid, username, email, phone_number, id) VALUES (?, ?, ?, ?, ?)",
                    params![pk, name, email, phone, id],
                )?;
            }
            Dialect::Training => {
                tx.execute(
                    "UPDATE training_users SET name = ? WHERE pk = ?",
                    params![name, pk],
                )?;
            }
        }
    }
    tx.commit()
}

pub fn training_groups() -> Vec<(String, &'static str)> {
    GROUPS
        .0
        .iter()
        .enumerate()
        .map(|(i, g)| ((i + 1).to_string(), g[0]))
        .collect()
}

/// Fills the training tables with `users` users.
pub fn training(conn: &mut Connection, users: u64, seed: u64) -> rusqlite::Result<()> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let groups = training_groups();
    let group = |rng: &mut ChaCha8Rng| {
        let (id, name) = &groups[rng.random_range(0..groups.len())];
        json!({ "id": id, "name": name })
    };
    let tx = conn.transaction()?;
    {
        let mut stmt = tx.prepare(
            "INSERT INTO training_users (pk, id, email, name, archived_at, ref, is_active, roles, \
             profile_image, language, extra_fields, extra_fields_profile, has_password, \
             afas_person_id, afas_employee_id, afas_contact_id, afas_connection_id, \
             participant_groups, manager_groups, invited_on, last_login, user_via) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )?;
        for index in 0..users {
            let pk = index as i64 + 1;
            let id = uuid(&mut rng);
            let p = person(&mut rng, index);
            let email = (!rng.random_bool(0.03)).then_some(p.email);
            let invited = GENERATED_UNTIL_MS - SPAN_MS + rng.random_range(0..SPAN_MS - DAY_MS);
            let archived = rng
                .random_bool(0.08)
                .then(|| between(&mut rng, invited, GENERATED_UNTIL_MS));
            let active = archived.is_none() && rng.random_bool(0.95);
            let reference = rng.random_bool(0.6).then(|| format!("EMP-{pk:06}"));
            let roles = match rng.random_range(0..100) {
                0..60 => json!(["PARTICIPANT"]),
                60..75 => json!(["TRAINER"]),
                75..83 => json!(["PLANNER", "TRAINER"]),
                83..91 => json!(["MANAGER"]),
                91..96 => json!(["MANAGER", "PLANNER"]),
                96..98 => json!(["ADMIN"]),
                _ => json!([]),
            };
            let image = if rng.random_bool(0.5) {
                json!({ "id": format!("img-{pk}"), "url": format!("https://cdn.example.com/profile/{:012x}.jpg", rng.random::<u64>() >> 16), "name": "profile.jpg" })
            } else {
                json!({ "id": format!("img-{pk}"), "url": null, "name": null })
            };
            let language = match rng.random_range(0..100) {
                0..55 => "NL",
                55..85 => "EN",
                85..95 => "DE",
                _ => "FR",
            };
            let extra = rng.random_bool(0.3).then(|| {
                let department =
                    ["Sales", "Operations", "Zorg", "IT", "Finance"][rng.random_range(0..5)];
                json!({
                    "department": department,
                    "costCenter": format!("CC-{}", rng.random_range(100..1000)),
                    "contractHours": rng.random_range(16..41),
                })
                .to_string()
            });
            let extra_profile = rng.random_bool(0.15).then(|| {
                let size = ["S", "M", "L", "XL"][rng.random_range(0..4)];
                json!({ "bio": "Houdt van leren en delen.", "shirtSize": size }).to_string()
            });
            let afas = rng.random_bool(0.3);
            let afas_id = |rng: &mut ChaCha8Rng, prefix: &str| {
                afas.then(|| format!("{prefix}{}", rng.random_range(10_000..100_000)))
            };
            let person_id = afas_id(&mut rng, "P");
            let employee_id = afas_id(&mut rng, "E");
            let contact_id = afas_id(&mut rng, "C");
            let connection_id = afas.then(|| rng.random_range(1..5).to_string());
            let participant: Vec<_> = (0..rng.random_range(0..4))
                .map(|_| group(&mut rng))
                .collect();
            let manager: Vec<_> = if rng.random_bool(0.1) {
                (0..rng.random_range(1..3))
                    .map(|_| group(&mut rng))
                    .collect()
            } else {
                Vec::new()
            };
            let last_login = rng
                .random_bool(0.8)
                .then(|| between(&mut rng, invited, GENERATED_UNTIL_MS));
            let at = DateTime(invited).to_iso();
            let via = match rng.random_range(0..10) {
                0..3 => json!([{ "source": "AFAS", "ref": person_id, "at": null }]),
                3..5 => json!([{ "source": "CSV import", "ref": null, "at": at }]),
                5..8 => json!([{ "source": "Invitation", "ref": null, "at": at }]),
                _ => json!([]),
            };
            stmt.execute(params![
                pk,
                id,
                email,
                p.name,
                archived,
                reference,
                active,
                roles.to_string(),
                image.to_string(),
                language,
                extra,
                extra_profile,
                rng.random_bool(0.85),
                person_id,
                employee_id,
                contact_id,
                connection_id,
                serde_json::Value::from(participant).to_string(),
                serde_json::Value::from(manager).to_string(),
                invited,
                last_login,
                via.to_string()
            ])?;
        }
    }
    tx.commit()
}
