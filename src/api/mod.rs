//! The client side of the GraphQL APIs: the dialect-neutral model, one module per dialect
//! with its cynic fragments, the HTTP client, bulk actions and the audit journal. The task
//! that owns the client and answers the dashboard is `crate::worker`.

pub mod aliased;
pub mod bulk;
pub mod client;
pub mod crm;
pub mod edit;
pub mod error;
pub mod journal;
pub mod ledger;
pub mod local;
pub mod model;
pub mod ops;
pub mod paging;
pub mod preview;
pub mod restore;
pub mod ring;
pub mod rows;
pub mod settle;
pub mod statuses;
pub mod stream;
pub mod timeline;
pub mod training;
pub mod undo;
