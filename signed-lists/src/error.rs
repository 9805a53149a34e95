//! The one error type of the crate.
//!
//! Secrecy rule: no message built here ever contains key material. Key file errors name
//! the file and the problem, never its contents.

use std::path::PathBuf;

use callguard_format::trust::TrustError;
use callguard_format::wire::WireError;
use callguard_sources::lists::SourceProblem;

/// Everything that can stop a command, grouped by what the publisher can do about it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },

    /// A key file is missing, unreadable or not a key; the text never holds key bytes.
    #[error("key file {}: {reason}", path.display())]
    KeyFile {
        /// The key file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },

    /// The key directory does not match its root (a key is not in the role it signs for,
    /// or too few keys are present to meet a threshold).
    #[error("key directory {}: {reason}", dir.display())]
    Keys {
        /// The key directory.
        dir: PathBuf,
        /// What is wrong.
        reason: String,
    },

    /// A file that must never be replaced already exists (a key, or immutable metadata
    /// with other contents).
    #[error("{} already exists; refusing to overwrite it", .0.display())]
    Exists(PathBuf),

    /// Source lines that cannot be published; the caller lists them, one per line.
    #[error("{} bad source line(s); nothing was written (--skip-invalid publishes without them)", .0.len())]
    InvalidSources(Vec<SourceProblem>),

    /// The SMS model could not be trained from the given messages.
    #[error("cannot train the SMS model: {0}")]
    Train(String),

    /// The source directory holds none of the known source files.
    #[error("no source files in {} (expected numbers.csv, prefixes.csv, official.csv, domains.csv, domains.txt, sms_rules.tsv or sms_model.tsv)", .0.display())]
    NoSources(PathBuf),

    /// The entries cannot form a list (the core refused them).
    #[error("list: {0}")]
    List(#[from] callguard_core::Error),

    /// A snapshot or delta could not be coded or decoded.
    #[error("{what}: {source}")]
    Wire {
        /// Which file or step.
        what: String,
        /// The coding error.
        source: WireError,
    },

    /// Signed metadata was refused.
    #[error("{what}: {source}")]
    Trust {
        /// Which file.
        what: String,
        /// The check that failed.
        source: TrustError,
    },

    /// The site is not in a state this command can work from (a missing or damaged file,
    /// a name or version that does not fit).
    #[error("site {}: {reason}", dir.display())]
    Site {
        /// The site directory.
        dir: PathBuf,
        /// What is wrong.
        reason: String,
    },

    /// A check of `verify` failed.
    #[error("verification failed: {0}")]
    Verify(String),

    /// An option value that cannot work.
    #[error("invalid option: {0}")]
    Usage(String),

    /// The operating system's random number generator failed.
    #[error("no secure random numbers: {0}")]
    Random(String),

    /// The development server could not start.
    #[error("server: {0}")]
    Serve(String),
}

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// A coding error in `what`.
    pub fn wire(what: impl Into<String>, source: WireError) -> Error {
        Error::Wire {
            what: what.into(),
            source,
        }
    }

    /// Refused metadata in `what`.
    pub fn trust(what: impl Into<String>, source: TrustError) -> Error {
        Error::Trust {
            what: what.into(),
            source,
        }
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
