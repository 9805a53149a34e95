//! Placeholder: the UniFFI layer over callguard-core.
uniffi::setup_scaffolding!();
