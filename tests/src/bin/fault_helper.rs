//! A second process for the fault tests: it holds the engine's SQLite database locked
//! the way another process of the app could (an update job, a backup tool), until its
//! standard input closes.
//!
//! `fault_helper lock-db PATH write`: a write transaction (`BEGIN IMMEDIATE`): other
//! writers wait, readers go on (WAL).
//! `fault_helper lock-db PATH exclusive`: `locking_mode = EXCLUSIVE` and a write: every
//! other connection, readers too, gets "database is locked".
//!
//! It prints `held` once the lock is taken, so the test knows when to start.

use std::io::{Read, Write};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [command, path, mode] = args.as_slice() else {
        fail("usage: fault_helper lock-db PATH write|exclusive");
    };
    if command != "lock-db" {
        fail("the only command is lock-db");
    }
    let conn = rusqlite::Connection::open(path).unwrap_or_else(|e| fail(&e.to_string()));
    let begin = match mode.as_str() {
        "write" => "BEGIN IMMEDIATE",
        "exclusive" => "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE",
        _ => fail("the mode is write or exclusive"),
    };
    conn.execute_batch(begin)
        .unwrap_or_else(|e| fail(&e.to_string()));
    // A write takes the lock for real (an exclusive lock in WAL mode is taken on write).
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS fault_helper (x); INSERT INTO fault_helper VALUES (1)",
    )
    .unwrap_or_else(|e| fail(&e.to_string()));
    println!("held");
    let _ = std::io::stdout().flush();
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
    // Leaves the database as it found it.
    let _ = conn.execute_batch("ROLLBACK");
}

fn fail(why: &str) -> ! {
    eprintln!("fault_helper: {why}");
    std::process::exit(2);
}
