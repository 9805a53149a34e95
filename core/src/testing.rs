//! What the benchmarks need of the engine's internals, and nothing an app should use:
//! built only with the `testing` feature, which the phone's build never enables.

pub use crate::lists::files::{file_name, DirSeal, FstDirWriter};
pub use crate::sms::SmsIndex;
pub use crate::store::{Store, TrustRecord};
