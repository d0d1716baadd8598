//! The client side of the GraphQL APIs: the dialect-neutral model, one module per dialect
//! with its cynic fragments, the HTTP client and the worker task that owns it.

pub mod crm;
pub mod model;
pub mod training;
