//! # callguard-sources
//!
//! What the publisher (`signed-lists`) and the evaluator (`callguard eval-sms`) read, and
//! the phone never does, kept out of the crate that ships on the phone:
//!
//! - [`lists`]: list sources in the publisher's formats (CSV, hosts files, adblock
//!   rules, SMS rules, a trained model), added to a [`ListSetBuilder`](callguard_core::ListSetBuilder);
//! - [`labelled`]: labelled messages, for training and evaluating the SMS analysis.

#![deny(unsafe_code)]
#![deny(missing_docs)]

#[cfg(any(test, feature = "fuzzing"))]
pub mod fuzz;
pub mod labelled;
pub mod lists;
