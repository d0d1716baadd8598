//! Deep pages of the crm server over HTTP: a page of everyone far in starts from a kept
//! key (server/crm/marks.rs) and must be the page a walk from the start finds — in every
//! order, both ways, also after statuses changed.

mod common;

use common::{TestServer, ids};
use serde_json::{Value, json};
use userdeck::dialect::Dialect;

const PAGE: &str = "query($offset: Int, $order: OrderDirection, $orderBy: String, $filter: UsersFilterInput) { users(limit: 50, offset: $offset, order: $order, orderBy: $orderBy, filter: $filter) { count data { id } } }";

async fn page(server: &TestServer, variables: Value) -> Vec<String> {
    ids(&server.data(PAGE, variables).await["users"]["data"])
}

#[tokio::test]
async fn a_deep_page_is_the_page_a_walk_finds_in_every_order_after_status_changes() {
    let server = TestServer::start(Dialect::Crm, 2_500).await;
    let first = page(&server, json!({ "orderBy": "id" })).await;
    for round in 0..2 {
        for order_by in [
            "id",
            "username",
            "email",
            "createdAt",
            "updatedAt",
            "status",
        ] {
            for order in ["ASC", "DESC"] {
                for offset in [1_000, 1_234, 2_449, 2_499] {
                    let deep = json!({ "offset": offset, "order": order, "orderBy": order_by });
                    // Every id holds "usr_": the same users, but a filtered listing walks.
                    let mut walked = deep.clone();
                    walked["filter"] = json!({ "query": "usr_" });
                    assert_eq!(
                        page(&server, deep).await,
                        page(&server, walked).await,
                        "{order_by} {order} offset {offset} round {round}"
                    );
                }
            }
        }
        // Block the first page of users: no kept key may move.
        let blocked = server
            .data(
                "mutation($ids: [ID!]!) { blockUsers(ids: $ids) }",
                json!({ "ids": first }),
            )
            .await;
        assert_eq!(blocked["blockUsers"], true);
    }
    server.stop().await;
}
