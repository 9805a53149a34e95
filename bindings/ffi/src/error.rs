//! The one error type of the bindings.
//!
//! Kotlin sees `sealed class CallguardException` with one subclass per variant (each with
//! `reason`); Swift sees `enum CallguardError: Error`. Variants group what the app can do
//! about a failure: fix the input, tell the user storage is broken, retry the update
//! later. A `reason` is for logs: it never holds a phone number or a message text, and
//! the apps never parse it.

use callguard_core::update::{FetchError, UpdateError};

/// Everything that can go wrong behind the bindings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum CallguardError {
    /// A number, region, setting, rule, token or file set the engine cannot accept. For a
    /// call being screened, the app should fail open.
    #[error("invalid input: {reason}")]
    InvalidInput {
        /// What was wrong.
        reason: String,
    },
    /// The database or list files could not be read or written (disk full, damaged).
    #[error("storage: {reason}")]
    Storage {
        /// What failed.
        reason: String,
    },
    /// The database was written by a newer version of the app (the user went back to an
    /// older one): it is left untouched. The app should ask the user to update it.
    #[error("database too new: {reason}")]
    DatabaseTooNew {
        /// The versions found and supported.
        reason: String,
    },
    /// An update was refused: a signature, version, expiry or content check failed, or
    /// no root is pinned. The last verified list stays in use.
    #[error("update refused: {reason}")]
    Update {
        /// Which check failed.
        reason: String,
    },
    /// An update could not download a file; retry later. The list in use is unchanged.
    #[error("network: {reason}")]
    Network {
        /// What failed.
        reason: String,
    },
    /// The engine was opened read-only (an extension, a cold receiver) and the call
    /// writes: settings, rules, pause, reports and updates belong to the app's engine.
    /// Nothing changed.
    #[error("read-only: {reason}")]
    ReadOnly {
        /// Which operation was refused.
        reason: String,
    },
    /// A bug: something the engine should never do. Please report it.
    #[error("internal: {reason}")]
    Internal {
        /// What happened.
        reason: String,
    },
}

impl From<callguard_core::Error> for CallguardError {
    fn from(err: callguard_core::Error) -> Self {
        use callguard_core::Error as E;
        let reason = err.to_string();
        match err {
            E::InvalidNumber(_)
            | E::InvalidRegion(_)
            | E::InvalidSetting(_)
            | E::InvalidRule(_)
            | E::InvalidInput(_) => CallguardError::InvalidInput { reason },
            E::DatabaseTooNew { .. } => CallguardError::DatabaseTooNew { reason },
            E::ReadOnly(_) => CallguardError::ReadOnly { reason },
            E::InvalidList(_)
            | E::DatabaseCorrupt(_)
            | E::DatabaseEmpty
            | E::Storage(_)
            | E::Io(_) => CallguardError::Storage { reason },
            // A file longer than its signed length is an attack or a broken site, not a
            // network failure.
            E::Update(UpdateError::Fetch {
                error: FetchError::TooLarge(_),
                ..
            }) => CallguardError::Update { reason },
            E::Update(UpdateError::Fetch { .. }) => CallguardError::Network { reason },
            E::Update(UpdateError::Storage(_)) => CallguardError::Storage { reason },
            E::Update(_) => CallguardError::Update { reason },
            // The core enum is non-exhaustive: a new kind is a bug here until mapped.
            _ => CallguardError::Internal { reason },
        }
    }
}

impl CallguardError {
    pub(crate) fn invalid(reason: impl Into<String>) -> Self {
        CallguardError::InvalidInput {
            reason: reason.into(),
        }
    }
}

/// The bindings' result type.
pub type Result<T, E = CallguardError> = std::result::Result<T, E>;
