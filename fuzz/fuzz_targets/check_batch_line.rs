#![no_main]

libfuzzer_sys::fuzz_target!(
    init: callguard_core::fuzz::prepare(true),
    |data: &[u8]| callguard_cli::fuzz::check_batch_line(data));
