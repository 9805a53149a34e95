//! # callguard-ffi
//!
//! The UniFFI layer over `callguard-core`, for Kotlin (Android, and the JVM in tests) and
//! Swift (iOS). It only translates: every decision is made in the core.
//!
//! - [`types`]: the records and enums the apps see. They mirror the core types, so the
//!   core stays free of FFI concerns and its own API can change behind this one.
//! - [`convert`]: `From` impls between the two.
//! - [`error`]: [`CallguardError`], the one error enum (Kotlin `CallguardException`
//!   subclasses, a Swift `Error`).
//! - [`engine`]: the [`Engine`] object, an app-lifetime singleton shared by every thread.
//! - the iOS Call Directory export (`Engine::export_page` and friends) is the core's
//!   `callguard_core::export`; the records here only mirror it.
//!
//! Rules at the boundary: no `&[u8]` arguments (bytes travel as `Vec<u8>` in records),
//! no `unwrap` on anything the caller passes, no panic across the boundary (UniFFI also
//! catches panics, which is why the workspace never sets `panic = "abort"`), and no error
//! ever carries a phone number or a message text.

uniffi::setup_scaffolding!();

pub mod convert;
pub mod engine;
pub mod error;
pub mod types;

pub use engine::Engine;
pub use error::CallguardError;
pub use types::*;
