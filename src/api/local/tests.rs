use super::*;
use crate::api::model::Status;

fn user(id: &str, name: &str, email: &str, status: Status) -> User {
    User {
        id: id.into(),
        name: name.into(),
        email: Some(email.into()),
        status,
        ..User::default()
    }
}

/// The ids of the users of `all` that `q`'s filters match, each user decided as it
/// comes (as a streamed list decides it), in their order.
fn matched_one_by_one(all: &[User], q: &ListQuery) -> Vec<String> {
    let filter = RowFilter::new(q);
    all.iter()
        .filter(|u| {
            let roles = serde_json::value::to_raw_value(&u.roles).unwrap();
            filter.matches(&row_of(u, &roles))
        })
        .map(|u| u.id.clone())
        .collect()
}

/// The first bytes of `keys`, as [`sorted`] takes them.
fn prefix(keys: &[Option<String>]) -> impl Fn(usize) -> Option<u128> + '_ {
    |i| keys[i].as_deref().map(prefix_of)
}

/// `keys` in full, as [`sorted`] takes them.
fn key<'a>(keys: &'a [Option<String>]) -> impl Fn(usize) -> Option<Cow<'a, str>> + 'a {
    |i| keys[i].as_deref().map(Cow::Borrowed)
}

fn ids(page: &Page) -> Vec<&str> {
    page.rows.iter().map(|u| u.id.as_str()).collect()
}

#[test]
fn filters_sorts_and_pages() {
    let users = LocalUsers::new(vec![
        user("3", "Zoë Müller", "zoe@example.com", Status::Active),
        user("1", "Jan de Vries", "JAN@example.com", Status::Archived),
        user("2", "jan Bakker", "bakker@example.org", Status::Active),
        user("4", "Émile", "emile@example.org", Status::Inactive),
    ]);
    let q = |text: Option<&str>| ListQuery {
        text: text.map(str::to_string),
        sort: SortField::Name,
        ..ListQuery::default()
    };
    // Names compare lower-cased, by code point: "émile" after "zoë".
    assert_eq!(ids(&users.page(&q(None))), ["2", "1", "3", "4"]);
    assert_eq!(ids(&users.page(&q(Some("JAN")))), ["2", "1"]);
    assert_eq!(ids(&users.page(&q(Some("MÜLLER")))), ["3"]);
    assert_eq!(ids(&users.page(&q(Some(".org")))), ["2", "4"]);
    let page = users.page(&ListQuery {
        offset: 1,
        limit: 2,
        descending: true,
        ..q(None)
    });
    assert_eq!((ids(&page), page.total), (vec!["3", "1"], 4));
    let active = users.page(&ListQuery {
        status: Some(Status::Active),
        ..q(None)
    });
    assert_eq!(ids(&active), ["2", "3"]);
    // A status no user has matches nothing.
    let status = |s: Status| {
        let page = users.page(&ListQuery {
            status: Some(s),
            ..q(None)
        });
        ids(&page).into_iter().map(String::from).collect::<Vec<_>>()
    };
    assert!(status(Status::Blocked).is_empty());
    let by_email = users.page(&ListQuery {
        email: Some("jan@EXAMPLE.com".into()),
        ..q(None)
    });
    assert_eq!(ids(&by_email), ["1"]);
    // The separator between fields never matches across them.
    assert_eq!(users.page(&q(Some("müller\u{1f}zoe"))).total, 0);
}

/// Users enough to be decided on several threads match as each does on its own.
#[test]
fn many_users_are_decided_in_parts_as_one_by_one() {
    let all: Vec<User> = (0..100_000)
        .map(|n| {
            let name = ["Jan", "Anne", "JEAN", "Éna", "nadja", "Zoë"][n % 6];
            let status = [Status::Active, Status::Inactive, Status::Archived][n % 7 % 3].clone();
            user(
                &format!("{n:06}"),
                &format!("{name} {}", n % 1000),
                &format!("{}{}@x.nl", name.to_lowercase(), n % 13),
                status,
            )
        })
        .collect();
    let held = LocalUsers::new(all.clone());
    // With the pairs of letters kept (as the dashboard has them) and without.
    let prepared = LocalUsers::new(all.clone());
    prepared.prepare(SortField::Id);
    for (text, status) in [
        ("a", None),
        ("an", Some(Status::Active)),
        ("jan 99", None),
        ("ë", None),
        ("q", None),
        ("", Some(Status::Archived)),
        ("nne", None),
        ("zz", None),
    ] {
        let q = ListQuery {
            text: Some(text.into()),
            status,
            sort: SortField::Id,
            limit: 100_000,
            ..ListQuery::default()
        };
        let expected = matched_one_by_one(&all, &q);
        for held in [&held, &prepared] {
            let page = held.page(&q);
            assert_eq!(ids(&page), expected, "{text}");
            assert_eq!(page.total, expected.len() as u64);
        }
    }
}

proptest::proptest! {
    /// Sorting by the keys' first bytes, then in full where they begin alike, is
    /// sorting by the keys: long shared beginnings, empty and missing keys, ties.
    #[test]
    fn sorted_is_sorted_by_key_then_id(
        keys in proptest::collection::vec(proptest::option::of("(abcdefghijklmnop|é|a){0,3}[ab\u{0}]{0,2}"), 0..40)
    ) {
        let ids: Vec<String> = (0..keys.len()).map(|i| format!("{:03}", (i * 7) % 40)).collect();
        let got = sorted(keys.len(), prefix(&keys), key(&keys), |i| ids[i].as_str());
        let mut expected: Vec<u32> = (0..keys.len() as u32).collect();
        expected.sort_by(|&a, &b| {
            let (a, b) = (a as usize, b as usize);
            keys[a].cmp(&keys[b]).then_with(|| ids[a].cmp(&ids[b]))
        });
        let as_keys = |order: &[u32]| order.iter().map(|&i| (keys[i as usize].clone(), ids[i as usize].clone())).collect::<Vec<_>>();
        proptest::prop_assert_eq!(as_keys(&got), as_keys(&expected));
    }

    /// Text is folded for search as the filter's text is: as `str::to_lowercase` does.
    #[test]
    fn folding_is_lower_casing(text in "(.|Σ|ΑΣ |İ|ǅ){0,12}") {
        let mut folded = String::from("x");
        super::filter::fold_into(&mut folded, &text);
        proptest::prop_assert_eq!(&folded[1..], text.to_lowercase());
    }

    /// A name's first bytes, folded without folding all of it, are those of it folded.
    #[test]
    fn a_folded_prefix_is_the_prefix_of_the_folded_name(name in "(.|Σ|ΑΣ |İ|ǅ|[A-Za-z]{8}){0,6}") {
        proptest::prop_assert_eq!(
            super::sort::folded_prefix(&name),
            prefix_of(&name.to_lowercase())
        );
    }

    /// The first of a list chosen by the keys' first bytes are the first of it sorted.
    #[test]
    fn first_sorted_is_the_start_of_sorted(
        // More users than are kept at a time: those kept are narrowed as they come.
        keys in proptest::collection::vec(proptest::option::of("(abcdefghijklmnop|é|a){0,3}[ab\u{0}]{0,2}"), 0..400),
        end in 0usize..45,
        descending in proptest::bool::ANY,
    ) {
        let ids: Vec<String> = (0..keys.len()).map(|i| format!("{:03}", (i * 7) % 401)).collect();
        let all: Vec<u32> = (0..keys.len() as u32).collect();
        let got = first_sorted(all.iter().copied(), end, descending, prefix(&keys), key(&keys), |i| ids[i].as_str());
        let mut expected = sorted(keys.len(), prefix(&keys), key(&keys), |i| ids[i].as_str());
        if descending {
            expected.reverse();
        }
        expected.truncate(end);
        proptest::prop_assert_eq!(got, expected);
    }

    /// A page picked before any order is kept is the page of the whole order.
    #[test]
    fn a_picked_page_is_the_page_of_the_sorted_list(
        text in "[aejn]{0,2}",
        active in proptest::bool::ANY,
        descending in proptest::bool::ANY,
        sort in proptest::sample::select(vec![SortField::Name, SortField::Email, SortField::Id, SortField::Status, SortField::Language, SortField::LastLogin]),
        offset in 0u64..45,
        limit in 1u64..12,
    ) {
        let all = || {
            (0..40)
                .map(|n| {
                    // Names of every case, some not ASCII, some alike past 16 bytes.
                    let name = ["jan", "Anne", "JEAN", "Éna", "nadja van den Berghe-", "NADJA VAN DEN BERGHE-Σ"][n % 6];
                    let status = if n % 3 == 0 { Status::Inactive } else { Status::Active };
                    let mut u = user(&format!("{:02}", (n * 7) % 40), &format!("{name} {}", n % 4), &format!("{name}{}@x.nl", n % 6), status);
                    u.language = (n % 4 != 0).then(|| ["NL", "EN"][n % 2].to_string());
                    u.last_login = (n % 5 != 0).then(|| format!("2024-0{}", n % 3));
                    u
                })
                .collect::<Vec<_>>()
        };
        let q = ListQuery {
            text: Some(text),
            status: active.then_some(Status::Active),
            sort,
            descending,
            offset,
            limit,
            ..ListQuery::default()
        };
        let picked = LocalUsers::new(all());
        let sorted = LocalUsers::new(all());
        sorted.prepare(sort);
        proptest::prop_assert!(picked.picked(&q).is_some());
        proptest::prop_assert!(sorted.picked(&q).is_none());
        proptest::prop_assert_eq!(picked.page(&q), sorted.page(&q));
    }

    /// A user as it comes matches the filters as the held list's users do.
    #[test]
    fn the_row_filter_matches_as_the_held_list_does(
        text in proptest::option::of("[aejnOÉé@.0-9]{0,3}"),
        status in proptest::option::of(proptest::sample::select(vec![Status::Active, Status::Inactive, Status::Archived])),
        email in proptest::option::of("(JAN1@X.NL|anne2@x.nl|nobody@x.nl)"),
        prepared in proptest::bool::ANY,
    ) {
        let all: Vec<User> = (0..30)
            .map(|n| {
                let name = ["Jan", "Anne", "JEAN", "Éna", "nadja"][n % 5];
                let status = [Status::Active, Status::Inactive, Status::Archived][n % 3].clone();
                let mut u = user(&format!("{n:02}"), &format!("{name} {n}"), &format!("{}{}@x.nl", name.to_lowercase(), n % 4), status);
                u.reference = (n % 2 == 0).then(|| format!("EMP-{n:03}"));
                u
            })
            .collect();
        let q = ListQuery { text, status, email, ..ListQuery::default() };
        let held = LocalUsers::new(all.clone());
        if prepared {
            held.prepare(SortField::Name);
        }
        let mut expected: Vec<String> = held.pages(&q, 100).flatten().map(|u| u.id).collect();
        expected.sort();
        proptest::prop_assert_eq!(matched_one_by_one(&all, &q), expected);
    }

    /// Whatever listings came before (the matches kept, narrowed, or not), a page
    /// is the one a fresh list gives.
    #[test]
    fn a_page_is_the_same_whatever_was_asked_before(
        steps in proptest::collection::vec(("[aejn]{0,3}", proptest::bool::ANY, 0u64..4, proptest::sample::select(vec![SortField::Name, SortField::Email, SortField::Id]), proptest::bool::ANY), 1..12)
    ) {
        let all = || {
            (0..40)
                .map(|n| {
                    let name = ["jan", "anne", "jean", "ena", "nadja"][n % 5];
                    let status = if n % 3 == 0 { Status::Inactive } else { Status::Active };
                    user(&format!("{n:02}"), &format!("{name} {n}"), &format!("{name}{n}@x.nl"), status)
                })
                .collect::<Vec<_>>()
        };
        let kept = LocalUsers::new(all());
        // As the dashboard keeps it: its orders made, and the pairs of letters its users hold.
        kept.prepare(SortField::Email);
        for (text, active, offset, sort, descending) in steps {
            let q = ListQuery {
                text: Some(text),
                status: active.then_some(Status::Active),
                sort,
                descending,
                offset,
                limit: 5,
                ..ListQuery::default()
            };
            let fresh = LocalUsers::new(all()).page(&q);
            proptest::prop_assert_eq!(kept.page(&q), fresh);
        }
    }
}
