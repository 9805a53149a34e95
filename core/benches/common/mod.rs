//! Helpers shared by the benchmarks: the list sizes to run and their labels, and the
//! large SMS list.

pub mod big_sms;
#[path = "../../tests/common/demo_sources.rs"]
pub mod demo_sources;

/// The default list sizes: DESIGN.md's budget is stated at 10M.
pub const DEFAULT_SIZES: &str = "1000000,10000000";

/// The sizes from `CALLGUARD_BENCH_SIZES`, e.g. `100000` or `1000000,10000000`.
pub fn list_sizes() -> Vec<usize> {
    let text = std::env::var("CALLGUARD_BENCH_SIZES").unwrap_or_else(|_| DEFAULT_SIZES.into());
    text.split(',')
        .map(|s| s.trim().replace('_', ""))
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse()
                .expect("CALLGUARD_BENCH_SIZES is a comma-separated list of counts")
        })
        .collect()
}

/// `1000000` → `1M`, `100000` → `100k`.
pub fn label(size: usize) -> String {
    match size {
        n if n >= 1_000_000 && n % 1_000_000 == 0 => format!("{}M", n / 1_000_000),
        n if n >= 1_000 && n % 1_000 == 0 => format!("{}k", n / 1_000),
        n => n.to_string(),
    }
}

/// This process's peak resident size in kB (`VmHWM`), 0 where `/proc` has none.
pub fn vm_hwm_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}
