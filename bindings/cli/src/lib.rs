//! The part of `callguard` that is tested on its own: one line of `check batch`, read and
//! decided ([`request`]). The binary (`src/main.rs`) does the rest; the fuzz crate runs
//! [`request::decide`] on arbitrary lines ([`fuzz`], with the `fuzzing` feature).

#![deny(missing_docs)]

#[cfg(any(test, feature = "fuzzing"))]
pub mod fuzz;
pub mod request;
