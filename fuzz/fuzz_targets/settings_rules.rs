#![no_main]

libfuzzer_sys::fuzz_target!(
    init: callguard_core::fuzz::prepare(false),
    |data: &[u8]| callguard_core::fuzz::settings_rules(data));
