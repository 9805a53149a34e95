#!/usr/bin/env bash
# The signed APK: D8 dexes the app's classes, the Kotlin stdlib and JNA's Android classes;
# JNA's libjnidispatch.so goes in for each phone ABI, stored uncompressed and page-aligned;
# zipalign; apksigner signs with a debug key that keytool makes on first use.
# libcallguard_ffi.so is not added: building it for phones needs the NDK (android/README.md).
#   apk.sh OUT_DIR CLASSES_DIR ANDROID_ALL_JAR MIN_SDK
set -euo pipefail
out="$1" classes="$2" android_all="$3" min_sdk="$4"
inputs="$out/inputs"
abis=(arm64-v8a armeabi-v7a x86_64 x86)

rm -rf "$out/dex" "$out/jna" "$out/stage" "$out/unsigned.apk" "$out/aligned.apk"
mkdir -p "$out/dex" "$out/jna" "$out/stage"

unzip -q -o "$inputs/jna.aar" -d "$out/jna"
# D8 reads jars, not class folders.
rm -f "$out/app-classes.jar"
jar --create --file "$out/app-classes.jar" -C "$classes" .
# android-all leaves java.* to the JVM: the JDK is the rest of the library D8 desugars against.
jdk="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
java -cp "$inputs/r8.jar" com.android.tools.r8.D8 \
    --release --min-api "$min_sdk" --lib "$android_all" --lib "$jdk" \
    --output "$out/dex" \
    "$out/app-classes.jar" "$inputs/kotlin-stdlib.jar" "$out/jna/classes.jar"

cp "$out/resources.apk" "$out/unsigned.apk"
(cd "$out/dex" && zip -q -X "$out/unsigned.apk" classes*.dex)
for abi in "${abis[@]}"; do
    mkdir -p "$out/stage/lib/$abi"
    cp "$out/jna/jni/$abi/libjnidispatch.so" "$out/stage/lib/$abi/"
done
# Stored (-0): the app keeps native libraries in the APK (extractNativeLibs="false").
(cd "$out/stage" && zip -q -X -0 -r "$out/unsigned.apk" lib)

# 16 KB page alignment for the shared objects (-p aligns them to 4 KB pages at least;
# Android 15's 16 KB devices need -P 16 from build-tools 35, which Debian's zipalign lacks).
zipalign -f -p 4 "$out/unsigned.apk" "$out/aligned.apk"

keystore="$out/debug.keystore"
if [[ ! -f "$keystore" ]]; then
    keytool -genkeypair -keystore "$keystore" -storepass android -keypass android \
        -alias androiddebugkey -keyalg RSA -keysize 2048 -validity 10000 \
        -dname "CN=Android Debug,O=Android,C=US" >/dev/null 2>&1
fi
apksigner sign --ks "$keystore" --ks-pass pass:android --key-pass pass:android \
    --ks-key-alias androiddebugkey --out "$out/callguard.apk" "$out/aligned.apk"
echo "apk.sh: $out/callguard.apk ($(stat -c %s "$out/callguard.apk") bytes)"
