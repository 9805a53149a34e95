//! # callguard-format
//!
//! The Callguard list format, shared by the engine on the phone and the publisher
//! (`signed-lists`), so that what one writes the other reads by the same code:
//!
//! - [`wire`]: the canonical sections, snapshot and delta coding, the content digest;
//! - [`trust`]: the signed metadata (root, timestamp, manifest) and its verification;
//! - [`EntryMeta`]: what an entry of the numbers, prefixes and domains sections says,
//!   packed into its value;
//! - [`SmsKey`]: the keys of the SMS section;
//! - [`Action`] and [`Category`]: the vocabulary the entries encode.
//!
//! The byte layouts are specified in `signed-lists/FORMAT.md`. Nothing here prints or
//! touches the network.

#![deny(unsafe_code)]
#![deny(missing_docs)]

pub mod domain;
#[cfg(any(test, feature = "fuzzing"))]
pub mod fuzz;
mod meta;
pub mod sms_key;
pub mod trust;
mod vocabulary;
pub mod wire;

pub use meta::EntryMeta;
pub use sms_key::{ModelKey, SmsKey, SmsKeyError, SmsKeyKind};
pub use vocabulary::{Action, Category, UnknownName};
