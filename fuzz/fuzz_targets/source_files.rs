#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| callguard_sources::fuzz::source_files(data));
