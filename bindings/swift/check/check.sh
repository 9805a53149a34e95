#!/usr/bin/env bash
# The Swift check that runs on Linux: generate the Swift bindings from the host library
# exactly as build-xcframework.sh does on a Mac, then parse the generated and the
# hand-written Swift with tree-sitter-swift (pinned in package.json, installed from npm
# with its prebuilt binaries). It proves syntax, not types: see the README.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
case "$(uname -s)" in Darwin) lib=libcallguard_ffi.dylib ;; *) lib=libcallguard_ffi.so ;; esac
out="$target/uniffi-swift"

(cd "$root" && cargo build --locked -q -p callguard-ffi)
rm -rf "$out"
(cd "$root" && cargo run --locked -q -p uniffi-bindgen -- generate "$target/debug/$lib" \
    --language swift --no-format --out-dir "$out")
for f in Callguard.swift CallguardFFI.h CallguardFFI.modulemap; do
    [[ -s "$out/$f" ]] || { echo "uniffi-bindgen did not write $f" >&2; exit 1; }
done
grep -q 'module CallguardFFI' "$out/CallguardFFI.modulemap"

cd "$here"
npm ci --no-audit --no-fund --loglevel=error
# The checker must reject a broken file, or a pass would mean nothing.
if node check.mjs fixtures/broken.swift >/dev/null; then
    echo "check.mjs accepted fixtures/broken.swift: the parser is not working" >&2
    exit 1
fi
node check.mjs "$out/Callguard.swift" ../Package.swift ../Sources ../Tests
