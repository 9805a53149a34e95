//! What the benchmarks need of the engine's internals, and nothing an app should use:
//! built only with the `testing` feature, which the phone's build never enables.

/// The SMS scoring thresholds, which the model tests hold the trained model to.
pub use crate::decide::{
    BLOCK_SCORE, BOOST_PROBABILITY, MODEL_BOOST, MODEL_SUPPORT, SHORTENER_BOOST, WARN_SCORE,
};
pub use crate::lists::files::{file_name, DirSeal, FstDirWriter};
pub use crate::sms::SmsIndex;
pub use crate::store::{Store, TrustRecord};
