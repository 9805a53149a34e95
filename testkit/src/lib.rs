//! The test kit: what more than one crate's tests (or benchmarks) need, written once.
//!
//! - [`shared_data`]: the shared test data beside the checkout;
//! - [`bin`], [`run_ok`]: the workspace binaries that `cargo test --workspace` builds;
//! - [`Publisher`]: keys, sources and a site driven through `signed-lists`;
//! - [`site_files`]: a site directory read into memory;
//! - [`number`], [`numbers`], [`T0`], [`now`]: test numbers and clocks.
//!
//! Missing data or binaries fail the test with a message; nothing here skips a test.
//! Dev-only: it is never a dependency of shipped code.

mod bins;
mod data;
mod numbers;
mod publisher;
mod site;
mod versions;

pub use bins::{bin, run_ok};
pub use data::{shared_data, shared_data_dir};
pub use numbers::{now, number, numbers, T0};
pub use publisher::{payload, sign, Publisher};
pub use site::site_files;
pub use versions::TwoVersions;
