//! # callguard-core
//!
//! The engine behind Callguard: it decides whether an incoming call or SMS is allowed,
//! warned about or blocked, entirely on the device.
//!
//! The crate is organised the way a decision flows:
//!
//! 1. [`number`] turns whatever the phone presents (`+86 138…`, `00 1 12389`,
//!    `tel:` URIs, full-width digits) into a [`PhoneNumber`]: its E.164 key, its region,
//!    whether it is a short number of the home region, and how it was written.
//! 2. [`lists`] holds the blocklist sections as [`fst`] indexes: exact numbers, prefix
//!    ranges (with `#` wildcards), and the home region's official numbers.
//! 3. [`store`] keeps the user's settings, rules and decision history in SQLite.
//! 4. [`decide`] applies DESIGN.md's rules, strongest first, and explains the result as a
//!    [`Decision`] with stable [`ReasonCode`]s.
//! 5. [`Engine`] ties these together behind a `Send + Sync` handle: many threads may
//!    check at once while another changes settings or swaps lists; the hot path reads
//!    immutable snapshots through [`arc_swap`] and takes no lock a writer can hold.
//!
//! ```
//! use callguard_core::{CallInput, Engine, EngineConfig, ListSet, Action};
//!
//! let engine = Engine::open_in_memory(EngineConfig::new("CN".parse()?))?;
//! let mut lists = ListSet::builder("example", 1);
//! lists.add_official("CN".parse()?, "110")?;
//! engine.replace_lists(lists.build()?);
//!
//! // The real police calling: allowed.
//! assert_eq!(engine.check_call(&CallInput::number("110"))?.action, Action::Allow);
//! // A foreign calling code in front of the police number: blocked as a spoof.
//! assert_eq!(engine.check_call(&CallInput::number("+852 110"))?.action, Action::Block);
//! # Ok::<(), callguard_core::Error>(())
//! ```
//!
//! The crate never prints and never touches the network; errors never carry a phone
//! number or a message text, so callers may log them.

#![deny(unsafe_code)]
#![deny(missing_docs)]

// The modules are private: the engine's public surface is the deliberate list of
// `pub use` below, plus three namespaces whose own `mod.rs` is a curated list too
// (`number` for parsing outside a decision, `export` for the iOS Call Directory,
// `update` for fetchers and reports) and `sms`, the model's features that the
// publisher's trainer must compute exactly as the phone does.
mod decide;
mod engine;
mod error;
pub mod export;
#[cfg(any(test, feature = "fuzzing"))]
pub mod fuzz;
mod lines;
mod lists;
pub mod number;
mod region;
pub mod sms;
mod store;
#[cfg(feature = "testing")]
pub mod testing;
mod time;
pub mod update;
mod vocabulary;

// The list format lives in `callguard-format`, shared with the publisher; these names
// keep `crate::wire` and `crate::trust` paths short inside the engine.
use callguard_format::{trust, wire};

// The engine, its configuration and its errors.
pub use engine::{Engine, EngineConfig, SmsSummary, Status, UpdateStatus};
pub use error::{Error, Result};
pub use time::{format_utc, Clock};

// What goes in and what comes out of a decision.
pub use decide::{CallInput, Presentation, SmsInput, Verification};
pub use number::{NumberError, NumberKind, PhoneNumber, WrittenForm};
pub use region::{InvalidRegion, Region};
pub use vocabulary::{Action, Category, Decision, Policy, Reason, ReasonCode, UnknownName};

// The user's own state: settings, rules, pause, history and reports.
pub use store::{
    Channel, HistoryEntry, InstalledList, Pause, Report, ReportSubject, RuleKind, RuleTarget,
    SettingKey, Settings, UpdateLogEntry, UserRule,
};

// Lists built in memory (tests, the bundled list) and the sections they hold.
pub use callguard_format::wire::Section;
pub use lists::{EntryMeta, ListSet, ListSetBuilder};

// Reading untrusted text line by line with a cap, for the CLI and the publisher's readers.
pub use lines::{BoundedLines, Line};
