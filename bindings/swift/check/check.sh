#!/usr/bin/env bash
# The Swift checks that run on Linux: generate the Swift bindings from the host library
# exactly as build-xcframework.sh does on a Mac, then
#   1. parse the generated and every hand-written Swift file (bindings/swift and the iOS
#      app in ios/) with tree-sitter-swift (pinned in package.json, installed from npm
#      with its prebuilt binaries);
#   2. check that the hand-written Swift names only methods, labels, properties and cases
#      the generated Callguard.swift declares (api-check.mjs);
#   3. validate ios/project.yml, its Info.plists and entitlements (validate-project.mjs).
# Each checker must first reject a deliberately broken input. Syntax and names, not types:
# see the README for what only Xcode on a Mac verifies.
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
ios="$root/ios"
node check.mjs "$out/Callguard.swift" ../Package.swift ../Sources ../Tests "$ios" fixtures/misspelt-api.swift

echo "== the hand-written Swift names only what the bindings declare (api-check.mjs)"
# Every line of the fixture marked WRONG must be reported, and nothing else.
if report="$(node api-check.mjs "$out/Callguard.swift" fixtures/misspelt-api.swift)"; then
    echo "api-check.mjs accepted fixtures/misspelt-api.swift" >&2
    exit 1
fi
expected="$(grep -n '// WRONG' fixtures/misspelt-api.swift | cut -d: -f1 | sort -n | tr '\n' ' ')"
reported="$(grep -oE 'misspelt-api.swift:[0-9]+:' <<<"$report" | cut -d: -f2 | sort -n | tr '\n' ' ')"
if [[ "$expected" != "$reported" ]]; then
    echo "api-check.mjs reported lines [$reported], the fixture marks [$expected]" >&2
    echo "$report" >&2
    exit 1
fi
node api-check.mjs "$out/Callguard.swift" ../Sources/Callguard/CallDirectory.swift ../Tests "$ios"

echo "== ios/project.yml, Info.plists and entitlements (validate-project.mjs)"
command -v python3 >/dev/null || { echo "validate-project.mjs needs python3 (plistlib)" >&2; exit 1; }
# Each broken copy of the project must be rejected: another App Group in one target, a
# wrong extension point or principal class, a plist that is not XML, a YAML duplicate key,
# the bundled list missing.
broken="$(mktemp -d)"
trap 'rm -rf "$broken"' EXIT
mutate() { # name, file, sed expression
    local copy="$broken/$1/ios"
    mkdir -p "$copy" && cp -R "$ios/." "$copy/" && ln -s "$root/signed-lists" "$broken/$1/signed-lists"
    # The copy as it is must pass, so that the mutation is what fails.
    node validate-project.mjs "$copy" >/dev/null || { echo "the unmutated copy for $1 fails" >&2; exit 1; }
    sed -i.orig -e "$3" "$copy/$2" && rm -f "$copy/$2.orig"
    if cmp -s "$ios/$2" "$copy/$2"; then
        echo "mutation $1 changed nothing in $2" >&2
        exit 1
    fi
    if node validate-project.mjs "$copy" >/dev/null; then
        echo "validate-project.mjs accepted a project with $1" >&2
        exit 1
    fi
}
mutate app-group MessageFilter/MessageFilter.entitlements 's/group\.org\.callguard\.shared/group.org.callguard.other/'
mutate extension-point CallDirectory/Info.plist 's/com\.apple\.callkit\.call-directory/com.apple.callkit.call-directry/'
mutate principal-class MessageFilter/Info.plist 's/\.MessageFilterExtension</.MessageFilterExtention</'
mutate broken-plist App/Info.plist 's|</dict>|</dcit>|'
mutate duplicate-key project.yml 's/^name: Callguard$/name: Callguard\nname: Again/'
mutate bundled-list project.yml 's|path: ../signed-lists/demo/site|path: ../signed-lists/demo|'
node validate-project.mjs "$ios"
