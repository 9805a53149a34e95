#!/usr/bin/env bash
# Regenerates the demo site from demo/sources with the demo keys, reproducibly: the same
# sources and keys always give byte-identical files (ed25519 signatures are
# deterministic, and the time is fixed).
#
#   signed-lists/demo/publish.sh            rebuild demo/site and verify it
#
# Set SIGNED_LISTS to a built binary to skip `cargo run`.
set -euo pipefail
demo="$(cd "$(dirname "$0")" && pwd)"
cd "$demo/../.."

NOW=1795000000                      # 2026-11-18 11:06:40 UTC
PUBLISHER="Callguard DEMO list (not for production)"
run() {
    if [[ -n "${SIGNED_LISTS:-}" ]]; then "$SIGNED_LISTS" "$@"; else cargo run --quiet -p signed-lists -- "$@"; fi
}

if [[ ! -f "$demo/keys/root.json" ]]; then
    echo "demo/keys is missing: creating NEW demo keys (the pinned demo root changes)" >&2
    run keygen --out "$demo/keys" --publisher "$PUBLISHER" --now "$NOW"
fi

rm -rf "$demo/site"
# The demo is embedded in the app and must keep verifying for years: ten-year expiries.
run build \
    --sources "$demo/sources" \
    --keys "$demo/keys" \
    --site "$demo/site" \
    --name default \
    --region CN \
    --now "$NOW" \
    --manifest-expires-days 3650 \
    --timestamp-expires-hours 87600
run verify --site "$demo/site" --root "$demo/keys/root.json" --now "$NOW"
