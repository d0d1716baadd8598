//! `users ring ID`: the ring around an account, followed breadth first (see
//! [`crate::api::ring`]), written as a table, JSON, CSV or DOT.

use std::io::{self, Write};

use super::{EXIT_PARTIAL, Failure, users::sendable};
use crate::api::client::Client;
use crate::api::ops::UserKey;
use crate::api::ring;
use crate::cli::RingArgs;
use crate::config::Resolved;
use crate::dialect::Dialect;
use crate::format::ring::write;
use crate::format::safe::Printing;

pub async fn ring(
    resolved: &Resolved,
    client: &Client,
    args: RingArgs,
    printing: Printing,
) -> Result<(), Failure> {
    if client.dialect() != Dialect::Crm {
        return Err(Failure::usage(
            "the training API has no sessions or shared addresses: a ring is crm's",
        ));
    }
    let UserKey::Id(start) = sendable(client, super::users::key_of(Some(args.id), None, None)?)?
    else {
        return Err(Failure::usage("a ring starts from an account's id"));
    };
    let thresholds = &resolved.profile.signals;
    let ring = ring::follow(client, &start, args.depth, thresholds, &|_, _| {}).await?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    write(&mut out, &ring, args.format, printing)?;
    out.flush()?;
    // Accounts that could not be read are in it, saying why: the ring is not whole.
    match ring.unread() {
        0 => Ok(()),
        unread => Err(Failure::new(
            EXIT_PARTIAL,
            format!("{unread} accounts of the ring could not be read: the ring may go further"),
        )),
    }
}
