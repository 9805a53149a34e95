#!/usr/bin/env bash
# What CI checks in the built APK, as a store or a reviewer would:
# - the signature (apksigner verify) and the alignment (zipalign -c);
# - aapt dump badging: the package, the SDK levels, the launcher activity;
# - the manifest inside the APK: every component says android:exported; the screening
#   service is protected by BIND_SCREENING_SERVICE, the SMS receiver by BROADCAST_SMS, the
#   tile by BIND_QUICK_SETTINGS_TILE, the (unexported) update job by BIND_JOB_SERVICE;
#   every permission is one the app uses (each is listed below with the code that needs it).
#   check-apk.sh APK PACKAGE MIN_SDK TARGET_SDK APP_DIR
set -euo pipefail
apk="$1" package="$2" min_sdk="$3" target_sdk="$4" app="$5"
fail() { echo "check-apk.sh: $*" >&2; exit 1; }

apksigner verify --min-sdk-version "$min_sdk" "$apk" || fail "the signature does not verify"
zipalign -c -p 4 "$apk" || fail "not aligned"

badging="$(aapt dump badging "$apk")"
grep -q "^package: name='$package'" <<<"$badging" || fail "package is not $package"
grep -q "^sdkVersion:'$min_sdk'" <<<"$badging" || fail "minSdk is not $min_sdk"
grep -q "^targetSdkVersion:'$target_sdk'" <<<"$badging" || fail "targetSdk is not $target_sdk"
grep -q "^launchable-activity: name='$package\." <<<"$badging" || fail "no launcher activity"
for abi in arm64-v8a armeabi-v7a x86_64 x86; do
    unzip -l "$apk" "lib/$abi/libjnidispatch.so" >/dev/null || fail "no libjnidispatch.so for $abi"
done

# Every permission, and a pattern in the app's sources that shows it is used.
declare -A uses=(
    [android.permission.READ_CONTACTS]='ContactsContract\.PhoneLookup'
    [android.permission.RECEIVE_SMS]='SMS_RECEIVED_ACTION'
    [android.permission.POST_NOTIFICATIONS]='\.notify\('
    [android.permission.INTERNET]='engine\.update\('
    [android.permission.ACCESS_NETWORK_STATE]='setRequiredNetworkType'
    [android.permission.RECEIVE_BOOT_COMPLETED]='setPersisted\(true\)'
)
declared="$(sed -n "s/^uses-permission: name='\([^']*\)'.*/\1/p" <<<"$badging" | sort -u)"
for permission in $declared; do
    pattern="${uses[$permission]:-}"
    [[ -n "$pattern" ]] || fail "$permission is not one the app is known to need"
    grep -rqE "$pattern" "$app/kotlin" || fail "$permission is declared but nothing uses it ($pattern)"
done

# The components, from the binary manifest: name, exported, permission, first action.
components="$(aapt2 dump xmltree --file AndroidManifest.xml "$apk" | awk '
    function flush() { if (kind != "") print kind, name, exported, permission, action; kind = "" }
    /^ *E: (activity|activity-alias|service|receiver|provider) / { flush(); kind = $2; name = "-"; exported = "-"; permission = "-"; action = "-"; next }
    /^ *E: (application|manifest|uses-permission|uses-sdk|uses-feature|queries) / { flush(); next }
    kind != "" && /:name\(0x01010003\)=/ && name == "-" { match($0, /="[^"]*"/); name = substr($0, RSTART + 2, RLENGTH - 3); if (inaction) action = name; next }
    kind != "" && /:exported\(/ { exported = ($0 ~ /=true|0xffffffff/) ? "true" : "false"; next }
    kind != "" && /:permission\(0x01010006\)=/ { match($0, /="[^"]*"/); permission = substr($0, RSTART + 2, RLENGTH - 3); next }
    kind != "" && /E: action / { if (action == "-") { getline; match($0, /="[^"]*"/); action = substr($0, RSTART + 2, RLENGTH - 3) } next }
    END { flush() }')"
[[ -n "$components" ]] || fail "no component found in the manifest"
echo "$components" | while read -r kind name exported permission action; do
    [[ "$exported" != "-" ]] || fail "$kind $name does not say android:exported"
    case "$action" in
        android.telecom.CallScreeningService)
            [[ "$permission" == android.permission.BIND_SCREENING_SERVICE ]] ||
                fail "$name is not protected by BIND_SCREENING_SERVICE" ;;
        android.provider.Telephony.SMS_RECEIVED)
            [[ "$permission" == android.permission.BROADCAST_SMS ]] ||
                fail "$name is not protected by BROADCAST_SMS" ;;
        android.service.quicksettings.action.QS_TILE)
            [[ "$permission" == android.permission.BIND_QUICK_SETTINGS_TILE ]] ||
                fail "$name is not protected by BIND_QUICK_SETTINGS_TILE" ;;
    esac
done
grep -q '^service .* android.permission.BIND_SCREENING_SERVICE android.telecom.CallScreeningService$' <<<"$components" ||
    fail "no call screening service"
grep -q '^receiver .* true android.permission.BROADCAST_SMS android.provider.Telephony.SMS_RECEIVED$' <<<"$components" ||
    fail "no SMS receiver"
grep -q '^service [^ ]*UpdateJobService false android.permission.BIND_JOB_SERVICE ' <<<"$components" ||
    fail "the update job is not an unexported service protected by BIND_JOB_SERVICE"

echo "check-apk.sh: signed, aligned; $(wc -l <<<"$components") components, all with android:exported;" \
    "permissions: $(echo $declared | sed 's/android.permission.//g')"
