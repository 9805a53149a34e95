#!/usr/bin/env bash
# Builds CallguardFFI.xcframework and the generated Swift for this package, on macOS with
# Xcode and rustup. Slices: iOS devices (aarch64-apple-ios), the iOS simulator
# (aarch64-apple-ios-sim + x86_64-apple-ios) and macOS (aarch64 + x86_64, for `swift
# test`). Everything is linked with -application_extension, so the same framework is
# safe in the Call Directory and Message Filter extensions.
#
#   bindings/swift/build-xcframework.sh            # release (default)
#   PROFILE=dev bindings/swift/build-xcframework.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

if [[ "$(uname -s)" != "Darwin" ]]; then
    echo "build-xcframework.sh needs macOS with Xcode (xcodebuild, lipo)." >&2
    echo "On Linux, ./test.sh generates the Swift and checks that it parses." >&2
    exit 1
fi

PROFILE="${PROFILE:-release}"
dir_of() { [[ "$1" == dev ]] && echo debug || echo "$1"; }
PROFILE_DIR="$(dir_of "$PROFILE")"
TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
BUILD="$here/build"
IOS=aarch64-apple-ios
IOS_SIM=(aarch64-apple-ios-sim x86_64-apple-ios)
MACOS=(aarch64-apple-darwin x86_64-apple-darwin)

export IPHONEOS_DEPLOYMENT_TARGET="${IPHONEOS_DEPLOYMENT_TARGET:-15.0}"
export MACOSX_DEPLOYMENT_TARGET="${MACOSX_DEPLOYMENT_TARGET:-12.0}"
# App extensions may only link against extension-safe APIs.
export RUSTFLAGS="${RUSTFLAGS:-} -C link-arg=-Wl,-application_extension"

rustup target add "$IOS" "${IOS_SIM[@]}" "${MACOS[@]}"
for target in "$IOS" "${IOS_SIM[@]}" "${MACOS[@]}"; do
    echo "== cargo build $target"
    cargo build --locked --profile "$PROFILE" -p callguard-ffi --target "$target"
done
lib() { echo "$TARGET_DIR/$1/$PROFILE_DIR/libcallguard_ffi.a"; }

rm -rf "$BUILD"
mkdir -p "$BUILD/ios-sim" "$BUILD/macos" "$BUILD/generated" "$BUILD/include/CallguardFFI"
lipo -create "$(lib "${IOS_SIM[0]}")" "$(lib "${IOS_SIM[1]}")" -output "$BUILD/ios-sim/libcallguard_ffi.a"
lipo -create "$(lib "${MACOS[0]}")" "$(lib "${MACOS[1]}")" -output "$BUILD/macos/libcallguard_ffi.a"

# The Swift, the C header and the modulemap, generated from a built library (library
# mode: the metadata is the same in every slice; the crate's uniffi.toml names the
# modules Callguard and CallguardFFI).
echo "== uniffi-bindgen generate --language swift"
cargo run --locked -q -p uniffi-bindgen -- generate "$TARGET_DIR/${MACOS[0]}/$PROFILE_DIR/libcallguard_ffi.dylib" \
    --language swift --out-dir "$BUILD/generated"
cp "$BUILD/generated/Callguard.swift" "$here/Sources/Callguard/Callguard.swift"
# Headers in a subdirectory of their own, so that two UniFFI frameworks in one app do not
# both put a module.modulemap at the top of Headers/.
cp "$BUILD/generated/CallguardFFI.h" "$BUILD/include/CallguardFFI/"
cp "$BUILD/generated/CallguardFFI.modulemap" "$BUILD/include/CallguardFFI/module.modulemap"

echo "== xcodebuild -create-xcframework"
rm -rf "$here/CallguardFFI.xcframework"
xcodebuild -create-xcframework \
    -library "$(lib "$IOS")" -headers "$BUILD/include" \
    -library "$BUILD/ios-sim/libcallguard_ffi.a" -headers "$BUILD/include" \
    -library "$BUILD/macos/libcallguard_ffi.a" -headers "$BUILD/include" \
    -output "$here/CallguardFFI.xcframework"
echo "built $here/CallguardFFI.xcframework and Sources/Callguard/Callguard.swift"
echo "next: (cd $here && swift test)"
