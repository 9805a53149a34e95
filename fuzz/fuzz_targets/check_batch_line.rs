#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| callguard_cli::fuzz::check_batch_line(data));
