//! The HTTP side of the client: one reqwest client (rustls, gzip, keep-alive, timeouts)
//! that sends cynic operations, maps every failure to an [`ApiError`], retries reads with
//! backoff, and journals every mutation.

use std::fmt;
use std::time::Duration;

use cynic::{MutationBuilder, Operation, QueryBuilder};
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderValue};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::error::ApiError;
use super::journal::attempts::{self, Unsent};
use super::journal::{Entry, Journal};
use super::ledger::{Ledger, Outcome};
use super::model::{BulkAction, Capabilities, FailReason};
use super::{crm, training};
use crate::dialect::Dialect;

mod envelope;
mod fields;
mod listing;
mod network;

use envelope::{RawResponse, describe_body, read_envelope};
pub use fields::Fields;
pub use listing::Restart;
pub use network::Network;

/// A bearer token. It prints as `***` so that no log, error or panic can show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    pub fn new(token: impl Into<String>) -> Token {
        Token(token.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(***)")
    }
}

/// How to reach an API.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub endpoint: String,
    pub dialect: Dialect,
    pub token: Option<Token>,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    /// How many times a failed read is tried again.
    pub retries: u32,
    /// The first pause before a retry; each further one doubles it.
    pub backoff: Duration,
    /// TLS roots, a client certificate, a proxy, extra headers.
    pub network: Network,
}

impl ClientConfig {
    pub fn new(endpoint: impl Into<String>, dialect: Dialect) -> ClientConfig {
        ClientConfig {
            endpoint: endpoint.into(),
            dialect,
            token: None,
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(30),
            retries: 2,
            backoff: Duration::from_millis(200),
            network: Network::default(),
        }
    }
}

/// The HTTP client settings every request to `config`'s API is sent with: timeouts,
/// compression, and the profile's roots, certificate, proxy and headers. `doctor` builds
/// on the same, so what it checks is what requests meet.
pub fn http_builder(config: &ClientConfig) -> Result<reqwest::ClientBuilder, ApiError> {
    let builder = reqwest::Client::builder()
        .user_agent(concat!("userdeck/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(config.connect_timeout)
        .timeout(config.request_timeout)
        .gzip(true)
        .pool_idle_timeout(Duration::from_secs(90))
        .tcp_keepalive(Duration::from_secs(60));
    config.network.apply(builder)
}

/// A client of one endpoint in one dialect.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    endpoint: reqwest::Url,
    auth: Option<HeaderValue>,
    config: ClientConfig,
    journal: Option<Journal>,
    /// Every change must say why (a profile's `require_reason`): one whose journal holds
    /// no reason is refused before anything is written or sent.
    require_reason: bool,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("endpoint", &self.endpoint.as_str())
            .field("dialect", &self.config.dialect)
            .finish_non_exhaustive()
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Read,
    Mutation,
}

impl Client {
    pub fn new(config: ClientConfig) -> Result<Client, ApiError> {
        let endpoint = reqwest::Url::parse(&config.endpoint).map_err(|e| {
            ApiError::Refused(format!("endpoint {:?} is not a URL: {e}", config.endpoint))
        })?;
        if !matches!(endpoint.scheme(), "http" | "https") {
            return Err(ApiError::Refused(format!(
                "endpoint {:?} is not an http or https URL",
                config.endpoint
            )));
        }
        let auth = match &config.token {
            Some(token) => {
                let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose()))
                    .map_err(|_| {
                        ApiError::Refused("the token holds characters a header cannot".into())
                    })?;
                value.set_sensitive(true);
                Some(value)
            }
            None => None,
        };
        let http = http_builder(&config)?
            .build()
            .map_err(|e| ApiError::Refused(format!("cannot set up HTTP: {e}")))?;
        Ok(Client {
            http,
            endpoint,
            auth,
            config,
            journal: None,
            require_reason: false,
        })
    }

    /// Refuses every change that does not say why, from now on.
    pub fn requiring_reason(mut self, required: bool) -> Client {
        self.require_reason = required;
        self
    }

    /// This client, its changes journalled with `reason` (a confirmation's, `--reason`).
    pub fn because(&self, reason: Option<&str>) -> Client {
        let mut client = self.clone();
        client.journal = self.journal.as_ref().map(|j| j.because(reason));
        client
    }

    /// Whether this client's changes must say why.
    pub fn requires_reason(&self) -> bool {
        self.require_reason
    }

    /// A change may go: it says why, or need not. The one check every change passes
    /// before it is journalled.
    fn may_change(&self) -> Result<(), ApiError> {
        let given = self.journal.as_ref().and_then(Journal::reason);
        if self.require_reason && given.is_none_or(|r| r.trim().is_empty()) {
            return Err(ApiError::Refused(
                "this profile asks a reason for every change (require_reason): none was given, nothing was sent".into(),
            ));
        }
        Ok(())
    }

    /// Journals every mutation in `journal` from now on.
    pub fn with_journal(mut self, journal: Journal) -> Client {
        self.journal = Some(journal);
        self
    }

    /// The journal this client writes, if it journals.
    pub fn journal(&self) -> Option<&Journal> {
        self.journal.as_ref()
    }

    pub fn dialect(&self) -> Dialect {
        self.config.dialect
    }

    pub fn capabilities(&self) -> Capabilities {
        Capabilities::of(self.config.dialect)
    }

    /// Sends a query, trying again with backoff when no answer came or the server failed.
    pub async fn query<F, V>(&self, operation: Operation<F, V>) -> Result<F, ApiError>
    where
        F: QueryBuilder<V> + DeserializeOwned + 'static,
        V: Serialize,
    {
        self.send(operation, Kind::Read).await
    }

    /// Sends a mutation once; again only when it certainly never left this machine.
    pub async fn mutate<F, V>(&self, operation: Operation<F, V>) -> Result<F, ApiError>
    where
        F: MutationBuilder<V> + DeserializeOwned + 'static,
        V: Serialize,
    {
        self.send(operation, Kind::Mutation).await
    }

    async fn send<F, V>(&self, operation: Operation<F, V>, kind: Kind) -> Result<F, ApiError>
    where
        F: DeserializeOwned,
        V: Serialize,
    {
        let name = operation.operation_name.as_deref().unwrap_or("request");
        self.retrying(name, kind, || async {
            let raw = self.exchange(&operation, name).await?;
            if let Some(failure) = raw.failure(name) {
                return Err(failure);
            }
            let data = raw
                .data
                .as_deref()
                .map_or("null", serde_json::value::RawValue::get);
            serde_json::from_str(data).map_err(|e| ApiError::NotGraphQl {
                operation: name.to_string(),
                detail: format!("unexpected data: {e}"),
            })
        })
        .await
    }

    /// Runs `once` until it succeeds, fails for good, or the retries are spent: a read
    /// is tried again when the failure may pass, a mutation only when it never left.
    async fn retrying<T, Fut>(
        &self,
        name: &str,
        kind: Kind,
        once: impl FnMut() -> Fut,
    ) -> Result<T, ApiError>
    where
        Fut: Future<Output = Result<T, ApiError>>,
    {
        self.retrying_if(name, kind, || true, once).await
    }

    /// [`Client::retrying`], trying again only when `again` says it can (and has made
    /// ready for it): otherwise the failure stands as it came.
    async fn retrying_if<T, Fut>(
        &self,
        name: &str,
        kind: Kind,
        mut again: impl FnMut() -> bool,
        mut once: impl FnMut() -> Fut,
    ) -> Result<T, ApiError>
    where
        Fut: Future<Output = Result<T, ApiError>>,
    {
        let mut pause = self.config.backoff;
        let mut attempt = 0;
        loop {
            match once().await {
                Err(e)
                    if attempt < self.config.retries
                        && match kind {
                            Kind::Read => e.is_transient(),
                            Kind::Mutation => e.never_sent(),
                        }
                        && again() =>
                {
                    tracing::debug!(operation = name, error = %e, attempt, "trying again");
                    tokio::time::sleep(jittered(pause).min(MAX_BACKOFF)).await;
                    pause = (pause * 2).min(MAX_BACKOFF);
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    /// One POST of `body`: the GraphQL envelope of its answer, or why there is none.
    async fn exchange(&self, body: &impl Serialize, name: &str) -> Result<RawResponse, ApiError> {
        let response = self.post(body, name, None).await?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|e| ApiError::transport(name, &e))?;
        read_envelope(name, status, &body)
    }

    /// One POST of `body`: the answer, its body still to come, unless its status is a
    /// server error. A server error is one whatever its body says: a read tries again, a
    /// mutation's outcome is unknown.
    /// `whole`: how long the request may take in all, when not the client's timeout.
    async fn post(
        &self,
        body: &impl Serialize,
        name: &str,
        whole: Option<Duration>,
    ) -> Result<reqwest::Response, ApiError> {
        let mut request = self
            .http
            .post(self.endpoint.clone())
            .header(
                ACCEPT,
                "application/graphql-response+json, application/json",
            )
            .json(body);
        if let Some(auth) = &self.auth {
            request = request.header(AUTHORIZATION, auth.clone());
        }
        if let Some(whole) = whole {
            request = request.timeout(whole);
        }
        let response = request
            .send()
            .await
            .map_err(|e| ApiError::transport(name, &e))?;
        let status = response.status();
        if status.is_server_error() {
            return Err(ApiError::Http {
                operation: name.to_string(),
                status: status.as_u16(),
                reason: status.canonical_reason().map(str::to_string),
            });
        }
        Ok(response)
    }

    /// Runs a journalled mutation: the attempt is written before it is sent, the outcome
    /// per id after — also when the request is dropped before its answer came (the ids
    /// are then journalled as unknown).
    pub async fn journalled<T>(
        &self,
        action: &str,
        ids: &[String],
        detail: Option<serde_json::Value>,
        run: impl Future<Output = Result<T, ApiError>>,
        outcome: impl FnOnce(&Result<T, ApiError>) -> Ledger,
    ) -> Result<T, ApiError> {
        self.may_change()?;
        let entry = match &self.journal {
            Some(journal) => {
                let mut written = attempts::write(journal, action, vec![(ids.to_vec(), detail)])
                    .await
                    .map_err(|(e, _)| unwritable(e))?;
                written.pop().and_then(|unsent| unsent.sent().0)
            }
            None => None,
        };
        self.answered(entry, ids, run, outcome).await
    }

    /// Journals the attempts of `action` on each of `chunks` (with its `detail`), synced
    /// to disk together off the async threads: requests about to leave side by side cost
    /// one sync, and the answers of those under way are not held by it. Each is sent by
    /// [`Client::set_status`]; dropped unsent, its ids are journalled as never sent.
    pub async fn attempts(
        &self,
        action: BulkAction,
        chunks: Vec<Vec<String>>,
        detail: impl Fn(&[String]) -> serde_json::Value,
    ) -> Result<Vec<Attempt>, (ApiError, Vec<Vec<String>>)> {
        self.may_change().map_err(|e| (e, chunks.clone()))?;
        let attempt = |unsent| Attempt { unsent, action };
        let Some(journal) = &self.journal else {
            return Ok(chunks
                .into_iter()
                .map(|ids| attempt(Unsent::unjournalled(ids)))
                .collect());
        };
        let requests = chunks
            .into_iter()
            .map(|chunk| {
                let detail = detail(&chunk);
                (chunk, Some(detail))
            })
            .collect();
        match attempts::write(journal, action.verb(), requests).await {
            Ok(written) => Ok(written.into_iter().map(attempt).collect()),
            // Nothing is sent that the journal does not hold: the chunks go back.
            Err((e, chunks)) => Err((unwritable(e), chunks)),
        }
    }

    /// Sends a request whose attempt (`entry`) is journalled, and journals its outcome
    /// per id.
    async fn answered<T>(
        &self,
        entry: Option<Entry>,
        ids: &[String],
        run: impl Future<Output = Result<T, ApiError>>,
        outcome: impl FnOnce(&Result<T, ApiError>) -> Ledger,
    ) -> Result<T, ApiError> {
        let mut pending = self.journal.as_ref().map(|journal| Unanswered {
            entry,
            journal,
            ids,
        });
        let result = run.await;
        if let Some(entry) = pending.as_mut().and_then(|p| p.entry.take()) {
            let report = outcome(&result);
            let error = result.as_ref().err().map(ToString::to_string);
            write_outcome(pending.as_ref().map(|p| p.journal), &entry, &report, error);
        }
        result
    }

    /// Journals how outcomes that were unknown were settled by reading the users back.
    pub fn journal_settled(&self, action: &str, settled: &Ledger, batch: Option<&str>) {
        if let Some(journal) = &self.journal {
            journal.settled(action, settled, batch);
        }
    }

    /// Journals the user's record as the edit `entry` of `action` left it.
    pub fn journal_after(&self, action: &str, entry: &str, record: &serde_json::Value) {
        if let Some(journal) = &self.journal {
            journal.after(action, entry, record);
        }
    }

    /// Journals the ids of `batch` that were confirmed and never sent.
    pub fn journal_not_sent(&self, action: BulkAction, ids: &[String], detail: serde_json::Value) {
        if let Some(journal) = &self.journal {
            journal.not_sent(action.verb(), ids, detail);
        }
    }

    /// crm: sets the status of its action (block or activate) on all of the attempt's
    /// ids (all or nothing on the server); the attempt comes from [`Client::attempts`].
    pub async fn set_status(&self, attempt: Attempt) -> Result<(), ApiError> {
        let block = match attempt.action {
            BulkAction::Block => true,
            BulkAction::Activate => false,
            other => {
                return Err(ApiError::Refused(format!("crm cannot {}", other.verb())));
            }
        };
        let (entry, ids) = attempt.unsent.sent();
        let variables = crm::IdsVariables {
            ids: ids.iter().map(cynic::Id::new).collect(),
        };
        let action = attempt.action.verb();
        let send = async {
            if block {
                self.mutate(crm::BlockUsers::build(variables))
                    .await
                    .map(|a| a.block_users)
            } else {
                self.mutate(crm::ActiveUsers::build(variables))
                    .await
                    .map(|a| a.active_users)
            }
            .and_then(|applied| {
                // `false` says nothing of what was applied: unknown, to be read back.
                applied.then_some(()).ok_or_else(|| ApiError::NotGraphQl {
                    operation: action.to_string(),
                    detail: "the server answered false without an error".into(),
                })
            })
        };
        self.answered(entry, &ids, send, |r| outcome_all(&ids, r))
            .await
    }

    /// training: archives (or restores) `ids`; (succeeded, failed) as the server says.
    pub async fn archive(
        &self,
        archive: bool,
        ids: &[String],
        detail: serde_json::Value,
    ) -> Result<(Vec<String>, Vec<String>), ApiError> {
        let variables = training::ArchiveUsersVariables {
            archive,
            ids: ids.iter().cloned().map(training::Uuid).collect(),
        };
        let action = if archive { "archive" } else { "unarchive" };
        self.journalled(
            action,
            ids,
            Some(detail),
            async {
                let answer = self
                    .mutate(training::ArchiveUsers::build(variables))
                    .await?;
                let response = answer
                    .archive_users
                    .and_then(|a| a.response)
                    .ok_or_else(|| ApiError::NotGraphQl {
                        operation: "ArchiveUsers".into(),
                        detail: "no response in the answer".into(),
                    })?;
                let succeeded: Vec<String> =
                    response.succeeded_ids.into_iter().map(|u| u.0).collect();
                let failed: Vec<String> = response.failed_ids.into_iter().map(|u| u.0).collect();
                Ok((succeeded, failed))
            },
            |result| match result {
                Ok((succeeded, failed)) => Ledger::of(
                    (succeeded.iter().map(|id| (id.clone(), Outcome::Succeeded))).chain(
                        failed
                            .iter()
                            .map(|id| (id.clone(), Outcome::Failed(FailReason::UnknownToServer))),
                    ),
                ),
                Err(e) => outcome_all(ids, &Err::<(), _>(e.clone())),
            },
        )
        .await
    }
}

fn unwritable(e: std::io::Error) -> ApiError {
    ApiError::Refused(format!("cannot write the audit journal: {e}"))
}

/// A chunk's attempt as journalled: its action, and its ids as an [`Unsent`] guard —
/// dropped without being sent, it journals them as never sent.
#[derive(Debug)]
pub struct Attempt {
    unsent: Unsent,
    action: BulkAction,
}

impl Attempt {
    pub fn ids(&self) -> &[String] {
        self.unsent.ids()
    }
}

/// A journalled attempt whose outcome is not written yet; dropped so, it writes the ids
/// as unknown: the request was sent and its answer never read.
struct Unanswered<'a> {
    journal: &'a Journal,
    entry: Option<Entry>,
    ids: &'a [String],
}

impl Drop for Unanswered<'_> {
    fn drop(&mut self) {
        if let Some(entry) = self.entry.take() {
            let why = "the request was abandoned before its answer came";
            let report = Ledger::all(self.ids.iter().cloned(), &Outcome::Unknown(why.into()));
            write_outcome(Some(self.journal), &entry, &report, Some(why.into()));
        }
    }
}

fn write_outcome(journal: Option<&Journal>, entry: &Entry, report: &Ledger, error: Option<String>) {
    if let Some(journal) = journal {
        journal.outcome(entry, report, error.as_deref());
    }
}

/// The per-id outcome of a request that succeeds or fails as a whole; ids of a request
/// the server may have applied without answering are unknown.
fn outcome_all<T>(ids: &[String], result: &Result<T, ApiError>) -> Ledger {
    Ledger::all(ids.iter().cloned(), &Outcome::of(result.as_ref()))
}

/// The longest pause between two tries of a read.
pub const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// `pause` give or take a quarter, so that clients failing together do not retry in step.
fn jittered(pause: Duration) -> Duration {
    use rand::Rng;
    pause.mul_f64(rand::rng().random_range(0.75..1.25))
}
