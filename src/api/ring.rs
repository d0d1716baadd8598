//! The ring around an account (crm): the accounts that shared an IP address with it,
//! those that shared one with them, and so on, breadth first to a depth — each with its
//! status and signals, and the addresses that link them. Each depth's accounts are read
//! in batches of aliased `user(id:)` fields, a few batches under way.

use std::collections::{BTreeSet, HashMap};
use std::sync::LazyLock;

use cynic::QueryBuilder;
use serde::Serialize;

use super::aliased::Reading;
use super::client::Client;
use super::crm;
use super::error::ApiError;
use super::model::{User, UserDetail};
use crate::signals::{self, Signal, Thresholds};

/// How deep a ring is followed unless told, and at most.
pub const DEPTH: u32 = 2;
pub const MAX_DEPTH: u32 = 4;
/// The most accounts a ring holds: past it, it is cut short, and says so.
pub const MOST: usize = 500;

/// Accounts read in one request, and requests under way at once.
const PER_REQUEST: usize = 25;
const AT_ONCE: usize = 24;

/// One account of a ring.
#[derive(Debug, Clone)]
pub struct Member {
    pub user: User,
    /// Steps from the start: 0 for the start.
    pub depth: u32,
    /// The account it was reached from (none for the start).
    pub via: Option<String>,
    /// Its signals, when its answer was read.
    pub signals: Option<Vec<Signal>>,
    /// Why its answer could not be read, if it could not.
    pub error: Option<String>,
}

/// Two accounts of a ring, and the addresses they shared.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Link {
    pub from: String,
    pub to: String,
    pub addresses: Vec<String>,
}

/// A ring: its accounts breadth first (the start first), and the links between them.
#[derive(Debug, Clone)]
pub struct Ring {
    pub start: String,
    pub depth: u32,
    pub members: Vec<Member>,
    pub links: Vec<Link>,
    /// More accounts were linked than [`MOST`]: those past it are left out.
    pub cut_short: bool,
}

impl Ring {
    /// The addresses that link the ring, each with the accounts that shared it, most
    /// shared first.
    pub fn by_address(&self) -> Vec<(String, Vec<String>)> {
        let mut shared: HashMap<&str, BTreeSet<&str>> = HashMap::new();
        for link in &self.links {
            for address in &link.addresses {
                let ids = shared.entry(address).or_default();
                ids.insert(&link.from);
                ids.insert(&link.to);
            }
        }
        let mut addresses: Vec<(String, Vec<String>)> = shared
            .into_iter()
            .map(|(a, ids)| (a.to_string(), ids.into_iter().map(String::from).collect()))
            .collect();
        addresses.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(&b.0)));
        addresses
    }

    /// Each link by its two accounts, either way round: found without a search.
    pub fn links_by_pair(&self) -> HashMap<(&str, &str), &Link> {
        let mut by_pair = HashMap::with_capacity(2 * self.links.len());
        for link in &self.links {
            by_pair.insert((link.from.as_str(), link.to.as_str()), link);
            by_pair.insert((link.to.as_str(), link.from.as_str()), link);
        }
        by_pair
    }

    /// How many accounts of the ring could not be read.
    pub fn unread(&self) -> usize {
        self.members.iter().filter(|m| m.error.is_some()).count()
    }

    /// The path from the start to `id`: the start first.
    pub fn path_to(&self, id: &str) -> Vec<&str> {
        let by_id: HashMap<&str, &Member> = self
            .members
            .iter()
            .map(|m| (m.user.id.as_str(), m))
            .collect();
        let mut path = vec![];
        let mut at = by_id.get(id).copied();
        while let Some(member) = at {
            path.push(member.user.id.as_str());
            at = member.via.as_deref().and_then(|v| by_id.get(v).copied());
            if path.len() > self.members.len() {
                break;
            }
        }
        path.reverse();
        path
    }
}

/// Follows the ring around `start` to `depth`, at most [`MOST`] accounts, telling
/// `progress` (accounts read, accounts known) as it goes. The start not found is an
/// error; an account past it that cannot be read stays in the ring, saying why.
///
/// Neighbours are read without their sessions (a depth of 500 accounts would bring each
/// one's neighbours' sessions too): the addresses two members shared are those in both
/// their own sessions, worked out once every member is read; then the signals.
pub async fn follow(
    client: &Client,
    start: &str,
    depth: u32,
    thresholds: &Thresholds,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Ring, ApiError> {
    let mut ring = Ring {
        start: start.to_string(),
        depth,
        members: Vec::new(),
        links: Vec::new(),
        cut_short: false,
    };
    let mut at: HashMap<String, usize> = HashMap::new();
    // Every member read, by its id.
    let mut read: Vec<(String, UserDetail)> = Vec::new();
    let mut level: Vec<String> = vec![start.to_string()];
    let mut read_before = 0;
    for steps in 0..=depth {
        if level.is_empty() {
            break;
        }
        let known = ring.members.len().max(1);
        let told = |n: usize| progress(read_before + n, known);
        let answers = READING.read(client, &level, &told).await;
        read_before += level.len();
        let mut next = Vec::new();
        for (asked, answer) in answers {
            let detail = match answer {
                Ok(Some(detail)) => detail,
                Ok(None) if steps == 0 => {
                    return Err(ApiError::GraphQl {
                        operation: "Ring".into(),
                        code: Some(super::error::RESOURCE_NOT_FOUND.into()),
                        message: "no user has this id".into(),
                    });
                }
                Ok(None) => {
                    note(
                        &mut ring,
                        &at,
                        &asked,
                        None,
                        Some("no such user now".into()),
                    );
                    continue;
                }
                Err(e) if steps == 0 => return Err(e),
                Err(e) => {
                    note(&mut ring, &at, &asked, None, Some(e.to_string()));
                    continue;
                }
            };
            if steps == 0 {
                // The start as the server names it: its neighbours name it so.
                ring.start = detail.user.id.clone();
                at.insert(ring.start.clone(), 0);
                ring.members.push(Member {
                    user: detail.user.clone(),
                    depth: 0,
                    via: None,
                    signals: None,
                    error: None,
                });
            }
            let id = if steps == 0 {
                ring.start.clone()
            } else {
                asked
            };
            for overlap in detail.overlaps.iter().flatten() {
                let other = &overlap.user.id;
                if *other == id || at.contains_key(other) || steps >= depth {
                    continue;
                }
                if ring.members.len() >= MOST {
                    ring.cut_short = true;
                    continue;
                }
                at.insert(other.clone(), ring.members.len());
                ring.members.push(Member {
                    user: overlap.user.clone(),
                    depth: steps + 1,
                    via: Some(id.clone()),
                    signals: None,
                    error: None,
                });
                next.push(other.clone());
            }
            read.push((id, detail));
        }
        level = next;
    }
    let mut links = shared_addresses(&mut read, &at);
    let now = time::OffsetDateTime::now_utc();
    for (id, detail) in &read {
        let signals = signals::of(detail, now, thresholds);
        note(&mut ring, &at, id, Some((detail, signals)), None);
    }
    // In the order the accounts came: the start's links first.
    let order = |id: &str| at.get(id).copied().unwrap_or(usize::MAX);
    links.sort_by_key(|l| {
        (
            order(&l.from).min(order(&l.to)),
            order(&l.from).max(order(&l.to)),
        )
    });
    ring.links = links;
    Ok(ring)
}

/// The addresses each member shared with each neighbour that is a member too (both
/// read): put in the member's answer, as the pane's answer has them, and as the ring's
/// links, each pair once.
fn shared_addresses(read: &mut [(String, UserDetail)], at: &HashMap<String, usize>) -> Vec<Link> {
    let own: HashMap<String, BTreeSet<String>> = read
        .iter()
        .map(|(id, detail)| {
            let addresses = detail
                .sessions
                .iter()
                .flat_map(|s| &s.all)
                .filter_map(|s| s.ip_address.clone())
                .collect();
            (id.clone(), addresses)
        })
        .collect();
    let mut links: HashMap<(String, String), BTreeSet<String>> = HashMap::new();
    for (id, detail) in read.iter_mut() {
        let Some(mine) = own.get(id.as_str()) else {
            continue;
        };
        for overlap in detail.overlaps.iter_mut().flatten() {
            let other = &overlap.user.id;
            let Some(theirs) = own.get(other.as_str()).filter(|_| other != id) else {
                continue;
            };
            let shared: BTreeSet<String> = mine.intersection(theirs).cloned().collect();
            overlap.shared_ips = shared.iter().cloned().collect();
            if at.contains_key(other) && !shared.is_empty() {
                let pair = if id.as_str() < other.as_str() {
                    (id.clone(), other.clone())
                } else {
                    (other.clone(), id.clone())
                };
                links.entry(pair).or_default().extend(shared);
            }
        }
    }
    links
        .into_iter()
        .map(|((from, to), addresses)| Link {
            from,
            to,
            addresses: addresses.into_iter().collect(),
        })
        .collect()
}

/// What reading member `id` found: its answer and signals, or why it was not read.
fn note(
    ring: &mut Ring,
    at: &HashMap<String, usize>,
    id: &str,
    read: Option<(&UserDetail, Vec<Signal>)>,
    error: Option<String>,
) {
    let Some(member) = at.get(id).and_then(|&i| ring.members.get_mut(i)) else {
        return;
    };
    if let Some((detail, signals)) = read {
        member.user = detail.user.clone();
        member.signals = Some(signals);
    }
    member.error = error;
}

/// What is read of each account: what `user(id)` reads for the detail pane (its
/// sessions and the accounts sharing its addresses, these without their sessions), taken
/// from that query's document.
static SELECTION: LazyLock<String> = LazyLock::new(|| {
    let document = crm::RingRead::build(crm::UserVariables {
        id: cynic::Id::new(""),
    })
    .query;
    let selection = selection_of(&document, "user(id: $id)");
    // On one line: 25 of them go in a request.
    let selection = selection.unwrap_or_else(|| "id username status".into());
    selection.split_whitespace().collect::<Vec<_>>().join(" ")
});

static READING: LazyLock<Reading<'static, UserDetail>> = LazyLock::new(|| Reading {
    operation: "Ring",
    id_type: "ID!",
    selection: &SELECTION,
    per_request: PER_REQUEST,
    at_once: AT_ONCE,
    parse: &parse,
});

fn parse(value: serde_json::Value) -> Result<Option<UserDetail>, serde_json::Error> {
    Ok(serde_json::from_value::<Option<crm::RingUser>>(value)?.map(UserDetail::from))
}

/// The document of one batch of the ring's reads (for the tests that check it against
/// the schema).
pub fn document(ids: &[String]) -> String {
    READING.document(ids).0
}

/// The selection set after `field` in `document`, without its braces.
fn selection_of(document: &str, field: &str) -> Option<String> {
    let from = document.find(field)? + field.len();
    let open = from + document[from..].find('{')?;
    let mut depth = 0usize;
    for (i, c) in document[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(document[open + 1..open + i].trim().to_string());
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model::{Overlap, Session, SessionInfo};

    fn session(ip: &str) -> Session {
        Session::seen(ip, "2026-01-01T00:00:00Z")
    }

    /// Member `id` with sessions on `ips`, and these neighbours (without addresses, as
    /// the ring reads them).
    fn member(id: &str, ips: &[&str], neighbours: &[&str]) -> (String, UserDetail) {
        let user = |id: &str| User {
            id: id.into(),
            name: id.into(),
            ..User::default()
        };
        let detail = UserDetail {
            user: user(id),
            sessions: Some(SessionInfo {
                all: ips.iter().map(|ip| session(ip)).collect(),
                total_logins: 0,
                first: None,
                last: None,
            }),
            overlaps: Some(
                neighbours
                    .iter()
                    .map(|n| Overlap {
                        user: user(n),
                        shared_ips: Vec::new(),
                        last_seen: Default::default(),
                    })
                    .collect(),
            ),
            ..UserDetail::default()
        };
        (id.into(), detail)
    }

    #[test]
    fn members_share_the_addresses_in_both_their_sessions_and_outsiders_none_known() {
        let mut read = vec![
            member("a", &["1", "2"], &["b", "c", "x"]),
            member("b", &["2", "3"], &["a", "c"]),
            member("c", &["1", "2", "3"], &["a", "b"]),
        ];
        let at: HashMap<String, usize> = ["a", "b", "c"]
            .iter()
            .enumerate()
            .map(|(i, id)| (id.to_string(), i))
            .collect();
        let mut links = shared_addresses(&mut read, &at);
        links.sort_by(|l, m| (&l.from, &l.to).cmp(&(&m.from, &m.to)));
        let pairs: Vec<(&str, &str, Vec<&str>)> = links
            .iter()
            .map(|l| {
                let addresses = l.addresses.iter().map(String::as_str).collect();
                (l.from.as_str(), l.to.as_str(), addresses)
            })
            .collect();
        assert_eq!(
            pairs,
            [
                ("a", "b", vec!["2"]),
                ("a", "c", vec!["1", "2"]),
                ("b", "c", vec!["2", "3"]),
            ]
        );
        // In each member's answer too, as the pane has them; x is outside: not known.
        let shared = |member: usize, neighbour: usize| {
            read[member].1.overlaps.as_ref().unwrap()[neighbour]
                .shared_ips
                .clone()
        };
        assert_eq!(shared(0, 1), ["1", "2"]);
        assert!(shared(0, 2).is_empty());
        assert_eq!(shared(2, 1), ["2", "3"]);
    }
}
