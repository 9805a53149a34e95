#!/usr/bin/env bash
# Every test of the project, from a fresh clone: cargo downloads the pinned crates itself.
# The shared test data is read from ../shared/data (or $CALLGUARD_SHARED_DATA).
set -euo pipefail
cd "$(dirname "$0")"
cargo test --workspace --locked
