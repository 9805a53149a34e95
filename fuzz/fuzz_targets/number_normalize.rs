#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| callguard_core::fuzz::number_normalize(data));
