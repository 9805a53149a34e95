#!/usr/bin/env bash
# aapt2 compile + link of the app's res/ against the real framework (android-all carries
# resources.arsc), as AGP would do: R.java, the resource APK (binary manifest, resources.arsc,
# res/, assets/) and the merged manifest that Robolectric reads. A missing string or a
# misspelt attribute fails here.
#   resources.sh APP_DIR ANDROID_ALL_JAR OUT_DIR R_JAVA_DIR MIN_SDK TARGET_SDK VERSION_CODE VERSION_NAME ASSETS_SITE
set -euo pipefail
app="$1" android_all="$2" out="$3" r_out="$4" min_sdk="$5" target_sdk="$6" code="$7" name="$8" site="$9"

rm -rf "$out/compiled" "$out/assets" "$r_out"
mkdir -p "$out/compiled" "$out/assets/list" "$r_out"

# The manifest as AGP merges it: the SDK levels come from the build, not the source.
sed "0,/<application/s//<uses-sdk android:minSdkVersion=\"$min_sdk\" android:targetSdkVersion=\"$target_sdk\" \/>\n\n    <application/" \
    "$app/AndroidManifest.xml" >"$out/AndroidManifest.xml"
grep -q "android:minSdkVersion=\"$min_sdk\"" "$out/AndroidManifest.xml" || {
    echo "resources.sh: no <application> in $app/AndroidManifest.xml" >&2
    exit 1
}

# The list shipped in the APK, installed at first start (the demo publisher's, see README).
cp -R "$site/." "$out/assets/list/"

aapt2 compile --dir "$app/res" -o "$out/compiled/res.zip"
aapt2 link \
    -I "$android_all" \
    --manifest "$out/AndroidManifest.xml" \
    --min-sdk-version "$min_sdk" --target-sdk-version "$target_sdk" \
    --version-code "$code" --version-name "$name" \
    -A "$out/assets" \
    --java "$r_out" \
    --output-text-symbols "$out/R.txt" \
    -o "$out/resources.apk" \
    "$out/compiled/res.zip"
