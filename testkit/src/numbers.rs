//! Test phone numbers and clocks.

/// A fixed clock for publications: 2026-11-18, so expiry tests do not depend on today.
pub const T0: u64 = 1_795_000_000;

/// The real clock, Unix seconds: publications read by `callguard` use it, since the CLI
/// checks expiry against the real clock.
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(T0)
}

/// The `i`-th test number: a CN mobile number spread over the whole range, so lists
/// compress like real ones (the multiplier is coprime with 10^8, so no two collide).
pub fn number(i: u64) -> String {
    format!("+86139{:08}", (i * 7_919_993) % 100_000_000)
}

/// Test numbers `start..start + n`.
pub fn numbers(start: u64, n: u64) -> Vec<String> {
    (start..start + n).map(number).collect()
}
