#!/usr/bin/env bash
# Fuzzes every target (or the ones named) for a fixed time each, on nightly, with
# libFuzzer and AddressSanitizer, starting from and adding to fuzz/corpus/<target>/.
#
#   fuzz/run.sh                 # 60 s per target
#   FUZZ_SECONDS=600 fuzz/run.sh root timestamp
#   FUZZ_SMOKE=1 fuzz/run.sh    # ./test.sh's short pass: 5 s per target, no ASan, and
#                               # new inputs go to a temporary folder, not the corpus
#
# The same flags as `cargo fuzz run` (cargo-fuzz is not needed). A crash, a hang over 1 s
# (-timeout=1) or an allocation over 2 GB stops the run with the input saved in
# fuzz/artifacts/<target>/: copy it to fuzz/regressions/<target>/, where the stable test
# (`cargo test --workspace fuzz`: each crate's `fuzz::tests`) runs it at every ./test.sh,
# and fix the bug. One build serves every target.
# Prints the executions per target at the end.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
seconds="${FUZZ_SECONDS:-60}"
sanitizer="-Zsanitizer=address"
if [[ -n "${FUZZ_SMOKE:-}" ]]; then
    seconds=5
    sanitizer=""
fi
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
    mapfile -t targets < <(sed -n 's/^name = "\([a-z_]*\)"$/\1/p' Cargo.toml | grep -v '^callguard-fuzz$')
fi
triple="$(rustc +nightly -vV | sed -n 's/^host: //p')"
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions $sanitizer"
export CARGO_TARGET_DIR="$here/target"
cargo +nightly build --locked --release --target "$triple" --bins -q
summary=()
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t" "artifacts/$t"
    log="$(mktemp)"
    status=0
    # libFuzzer adds what it finds to the first folder: the corpus, except in a smoke pass.
    dirs=("corpus/$t")
    if [[ -n "${FUZZ_SMOKE:-}" ]]; then
        found="$(mktemp -d)"
        dirs=("$found" "corpus/$t")
    fi
    "target/$triple/release/$t" "${dirs[@]}" -max_total_time="$seconds" -timeout=1 \
        -rss_limit_mb=2048 -artifact_prefix="artifacts/$t/" -print_final_stats=1 >"$log" 2>&1 || status=$?
    runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
    summary+=("$t: ${runs:-?} executions in ${seconds} s")
    if [[ $status -ne 0 ]]; then
        tail -40 "$log" >&2
        echo "fuzz target $t failed; the input is in fuzz/artifacts/$t/" >&2
        exit 1
    fi
    rm -f "$log"
    if [[ -n "${FUZZ_SMOKE:-}" ]]; then rm -rf "$found"; fi
done
printf '%s\n' "${summary[@]}"
