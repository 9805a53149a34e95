#!/usr/bin/env bash
# Every test of the project, from a fresh clone: the README's one test command, which
# .ci/run runs. It fetches what it needs by itself: cargo the pinned crates, Maven the
# pinned plugins and libraries from Maven Central, npm the pinned tree-sitter packages.
# The shared test data is read from ../shared/data (or $CALLGUARD_SHARED_DATA).
set -euo pipefail
cd "$(dirname "$0")"

# Maven and npm run cargo again: give them the same, absolute, target directory.
if [[ -n "${CARGO_TARGET_DIR:-}" ]]; then
    CARGO_TARGET_DIR="$(realpath -m "$CARGO_TARGET_DIR")"
    export CARGO_TARGET_DIR
fi

# A tool a fresh machine lacks comes from Debian's packages (the machines run as root).
need() {
    local tool="$1" package="$2"
    command -v "$tool" >/dev/null 2>&1 && return 0
    echo "== installing $package (for $tool)"
    local sudo=""
    [[ "$(id -u)" -ne 0 ]] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$package" >/dev/null
}

echo "== Rust: unit, integration, CLI, end-to-end and FFI facade tests"
# The web-server tests serve the site from Debian's nginx (tests/tests/web_server.rs).
need nginx nginx
cargo test --workspace --locked

echo "== Kotlin on the JVM: generated bindings, JUnit 5 through JNA (bindings/kotlin)"
need java default-jdk-headless
need mvn maven
need python3 python3    # the checked build step on the generated Kotlin (build-tools/patch_call_status.py)
mvn -B -ntp -f bindings/kotlin/pom.xml test

echo "== Android: the app against android-all, Robolectric tests, signed APK checked (android)"
need aapt2 aapt
need aapt aapt
need zipalign zipalign
need apksigner apksigner
need zip zip
need unzip unzip
mvn -B -ntp -f android/pom.xml verify

echo "== Swift: the bindings and the iOS app parse, name only declared APIs; ios/project.yml and plists validate (bindings/swift/check)"
need node nodejs
need npm npm
need python3 python3
bindings/swift/check/check.sh

echo "== Fuzzing: a 5 s smoke pass of every fuzz target on nightly (fuzz/run.sh)"
# The saved corpus and regressions already ran on stable above (the `fuzz::tests` of
# callguard-format, -core, -cli and -sources).
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    FUZZ_SMOKE=1 fuzz/run.sh
else
    echo "nightly is not installed here: the fuzz smoke pass is skipped (install it with rustup to run it)"
fi
