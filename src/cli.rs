//! The command line (clap).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::dialect::Dialect;

#[derive(Debug, Parser)]
#[command(
    name = "userdeck",
    version,
    about = "A terminal dashboard for the user accounts behind a GraphQL API"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the embedded GraphQL server (either contract) with demo data
    Serve(ServeArgs),
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Which API contract to speak
    #[arg(long, value_enum, default_value_t = Dialect::Crm)]
    pub dialect: Dialect,
    /// Address to listen on; port 0 picks a free one
    #[arg(long, default_value = "127.0.0.1:4000")]
    pub listen: SocketAddr,
    /// Users to generate when the database holds none of this dialect
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(0..=10_000_000))]
    pub users: u64,
    /// Seed of the demo data: the same seed gives the same users
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Keep the data in this SQLite file (created when missing); in memory without it
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Bearer token every request must carry; without one, every request is let in
    #[arg(
        long,
        env = "USERDECK_SERVE_TOKEN",
        hide_env_values = true,
        value_name = "T"
    )]
    pub token: Option<String>,
}
