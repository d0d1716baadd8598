//! Files are written off the async threads: the journal's lines and an export's rows
//! wait on the disk (here, a pipe no one reads yet) while the runtime's one thread goes
//! on with other tasks.

mod common;

use std::path::Path;
use std::time::Duration;

use common::{TestServer, client_for};
use userdeck::api::bulk::{self, Batch, Stop};
use userdeck::api::journal::Journal;
use userdeck::api::model::{BulkAction, ListQuery};
use userdeck::dialect::Dialect;
use userdeck::export::{self, ExportRows, ExportTarget};

/// A named pipe at `path`: opening it to write blocks until it is read.
fn fifo(path: &Path) {
    let path = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    // SAFETY: a valid, NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o600) }, 0);
}

#[test]
fn a_journal_write_that_blocks_does_not_hold_the_async_threads() {
    // The journal is a pipe no one reads yet: opening it to append blocks. On a runtime
    // of one thread, the bulk action must wait for it off that thread, so another task
    // still runs meanwhile; only then is the pipe read.
    let dir = tempfile::tempdir().unwrap();
    let pipe = dir.path().join("audit.jsonl");
    fifo(&pipe);
    let (ran, meanwhile) = std::sync::mpsc::channel::<()>();
    let reader = {
        let pipe = pipe.clone();
        std::thread::spawn(move || {
            // Another task ran while the write waited: in time, or not at all.
            let in_time = meanwhile
                .recv_timeout(std::time::Duration::from_secs(10))
                .is_ok();
            // Open to write too, so that a read waits for the writer rather than ending
            // before it; read up to the attempt (a pipe cannot be synced: nothing is
            // sent after it).
            let file = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .open(&pipe)
                .unwrap();
            let mut text = String::new();
            for line in std::io::BufRead::lines(std::io::BufReader::new(file)) {
                let line = line.unwrap();
                text.push_str(&line);
                if line.contains("\"event\":\"attempt\"") {
                    break;
                }
            }
            (in_time, text)
        })
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let mut config =
            userdeck::api::client::ClientConfig::new("http://127.0.0.1:1/graphql", Dialect::Crm);
        config.retries = 0;
        let client = userdeck::api::client::Client::new(config)
            .unwrap()
            .with_journal(Journal::new(&pipe, "test", "http://127.0.0.1:1/graphql"));
        let bulk = tokio::spawn(async move {
            let ids = vec!["usr_00000001".to_string()];
            bulk::run(
                &client,
                BulkAction::Block,
                &ids,
                10,
                &Batch::default(),
                Stop::never(),
                |_| {},
            )
            .await
        });
        tokio::task::yield_now().await;
        ran.send(()).unwrap();
        bulk.await.unwrap();
    });
    let (in_time, written) = reader.join().unwrap();
    assert!(in_time, "the task ran while the journal was being written");
    assert!(written.contains("\"event\":\"attempt\""), "{written}");
}

#[test]
fn an_export_whose_file_blocks_does_not_hold_the_async_threads() {
    // The server answers on its own runtime; the export runs on a runtime of one thread,
    // its file a pipe read only once another task has run there.
    let serving = tokio::runtime::Runtime::new().unwrap();
    let server = serving.block_on(TestServer::start(Dialect::Crm, 30));
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("users.csv");
    fifo(&dir.path().join(".users.csv.partial"));
    let (ran, meanwhile) = std::sync::mpsc::channel::<()>();
    let reader = {
        let pipe = dir.path().join(".users.csv.partial");
        std::thread::spawn(move || {
            let in_time = meanwhile.recv_timeout(Duration::from_secs(10)).is_ok();
            (in_time, std::fs::read_to_string(&pipe).unwrap())
        })
    };
    let client = client_for(&server, Dialect::Crm);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let written = runtime.block_on(async move {
        let target = ExportTarget::parse(target.to_str().unwrap(), false).unwrap();
        let rows = ExportRows::Query(ListQuery::default());
        let export =
            tokio::spawn(async move { export::run_remote(&client, &rows, &target, |_| {}).await });
        tokio::task::yield_now().await;
        ran.send(()).unwrap();
        export.await.unwrap()
    });
    let (in_time, text) = reader.join().unwrap();
    assert!(in_time, "another task ran while the file was being opened");
    assert_eq!(written.unwrap(), 30);
    assert_eq!(text.lines().count(), 31, "a header and every row: {text}");
    serving.block_on(server.stop());
}
