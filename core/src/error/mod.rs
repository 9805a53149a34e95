//! The one public error type of `callguard-core`.
//!
//! Internal modules keep their own precise error enums (for example
//! [`NumberError`](crate::NumberError)); they are folded into [`Error`] at the crate
//! boundary so that callers (the CLI, the FFI layer) match on one small enum.
//!
//! Privacy rule: no message produced here ever contains a phone number or a message
//! text, because callers are free to log errors.

mod update;

pub use update::{FetchError, InstallStep, UpdateError};

use crate::number::NumberError;

/// Everything that can go wrong in the engine, grouped by what a caller can do about it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The presented number could not be understood. The app should fail open.
    #[error("invalid number: {0}")]
    InvalidNumber(#[from] NumberError),

    /// A region code that is not a two-letter region with a calling code. The detail
    /// says why, without quoting the input.
    #[error("invalid region ({0}): expected a two-letter region code such as CN or US")]
    InvalidRegion(String),

    /// A setting key or value that the engine does not accept.
    #[error("invalid setting: {0}")]
    InvalidSetting(String),

    /// A user rule that cannot be parsed.
    #[error("invalid rule: {0}")]
    InvalidRule(String),

    /// A list source or index that cannot be used; the lists in use are unchanged.
    #[error("invalid list: {0}")]
    InvalidList(String),

    /// Some input was valid UTF-8 or JSON only in part; the detail says where.
    #[error("invalid input: {0}")]
    InvalidInput(String),

    /// The database file is damaged or is not a Callguard database.
    #[error("database is corrupt or not a Callguard database: {0}")]
    DatabaseCorrupt(String),

    /// The database was written by a newer Callguard; it is left untouched.
    #[error("database schema version {found} is newer than this build supports ({supported}); update Callguard")]
    DatabaseTooNew {
        /// The `user_version` found in the file.
        found: i64,
        /// The newest schema this build knows.
        supported: i64,
    },

    /// The database file is empty (0 bytes) while its directory holds other state, such
    /// as an installed list: starting a new database there would silently reset it.
    #[error("the database file is empty but its data directory is not; it was left as it is (move the directory away to start afresh)")]
    DatabaseEmpty,

    /// Any other storage failure (disk full, permissions, locking).
    #[error("storage error: {0}")]
    Storage(String),

    /// The engine was opened read-only ([`crate::Engine::open_read_only`], as an app
    /// extension or a cold receiver does) and this call would write: the app's own
    /// engine does it. Nothing was changed. The detail names the operation.
    #[error("the engine is open read-only, so {0} is left to the app")]
    ReadOnly(&'static str),

    /// An update was refused or failed; the last verified list stays in use.
    #[error("update failed: {0}")]
    Update(#[from] UpdateError),

    /// A file system operation failed.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
}

impl From<crate::region::InvalidRegion> for Error {
    fn from(err: crate::region::InvalidRegion) -> Self {
        Error::InvalidRegion(err.0)
    }
}

impl From<crate::vocabulary::UnknownName> for Error {
    fn from(err: crate::vocabulary::UnknownName) -> Self {
        Error::InvalidInput(err.to_string())
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<rusqlite::Error> for Error {
    fn from(err: rusqlite::Error) -> Self {
        use rusqlite::ffi::ErrorCode;
        match err.sqlite_error_code() {
            Some(ErrorCode::NotADatabase) | Some(ErrorCode::DatabaseCorrupt) => {
                Error::DatabaseCorrupt(err.to_string())
            }
            _ => Error::Storage(err.to_string()),
        }
    }
}
