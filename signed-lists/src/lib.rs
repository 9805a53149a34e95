//! The Callguard list publisher.
