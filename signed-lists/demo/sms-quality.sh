#!/usr/bin/env bash
# Trains the demo SMS model from the shared labelled sets and measures, on messages the
# model has not trained on, what the rules and the model do, per set.
#
#   signed-lists/demo/sms-quality.sh          train, publish the demo site, measure
#
# 1. eval/shared_sets.py turns every shared set (../shared/data/sms: Thai, Taiwanese,
#    Indonesian, Korean, Nigerian, UCI, mudou, and the synthetic Chinese dialogues) into
#    JSON lines, split per set into a training part and a test part (20%) by a hash of
#    the text (target/sms-quality/sets/).
# 2. `signed-lists train-sms` trains the shipped model on every training part and
#    writes demo/sources/sms_model.tsv; publish.sh signs it into demo/site.
# 3. In-distribution: `callguard eval-sms` on each real set's test part, with and
#    without the model, on the demo list installed from the site.
# 4. Cross-dataset (leave one set out): for each real set X, a model trained on every
#    training part but X's is signed into a scratch site, and measured on all of X,
#    which that model never saw. (The phrase rules are the same in every run.)
# 5. The synthetic sets in eval/, which carry fraud labels by category.
#
# Training is deterministic: the same data always gives the same sms_model.tsv.
set -euo pipefail
demo="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$demo/../.." && pwd)"
data="${SMS_DATA:-$root/../shared/data/sms}"
out="$root/target/sms-quality"
cd "$root"

# SMS_QUALITY_BIN names a directory with both binaries already built (a debug build
# gives the same figures, slower); otherwise a release build is made.
if [[ -n "${SMS_QUALITY_BIN:-}" ]]; then
    bin="$SMS_QUALITY_BIN"
else
    cargo build --release --quiet -p signed-lists -p callguard-cli
    bin="${CARGO_TARGET_DIR:-$root/target}/release"
fi
mkdir -p "$out"

sets="$out/sets"
rm -rf "$sets"
python3 "$demo/eval/shared_sets.py" "$data" "$sets"
mapfile -t real < <(awk -F'\t' '$3 == "real" {print $1 ":" $2}' "$sets/sets.tsv")
mapfile -t all < <(cut -f1 "$sets/sets.tsv")
train_parts() { # train_parts [SET_TO_LEAVE_OUT]
    for name in "${all[@]}"; do
        [[ "$name" == "${1:-}" ]] || echo "$sets/$name.train.jsonl"
    done
}

mapfile -t parts < <(train_parts)
"$bin/signed-lists" train-sms "${parts[@]}" --holdout-percent 0 \
    --out "$demo/sources/sms_model.tsv"
SIGNED_LISTS="$bin/signed-lists" "$demo/publish.sh"

install_site() { # install_site SITE DATA_DIR
    rm -rf "$2"
    "$bin/callguard" --data-dir "$2" update --files "$1" --root "$demo/keys/root.json" >/dev/null
}
eval_json() { # eval_json DATA_DIR REGION FILE OUT [--without-model]
    "$bin/callguard" --data-dir "$1" --region "$2" eval-sms --json ${5:-} "$3" > "$4"
}
install_site "$demo/site" "$out/data"
reports="$out/reports"
rm -rf "$reports"
mkdir -p "$reports/in-distribution" "$reports/rules-only" "$reports/cross-dataset"
for set in "${real[@]}"; do
    name="${set%:*}"
    region="${set##*:}"
    eval_json "$out/data" "$region" "$sets/$name.test.jsonl" "$reports/in-distribution/$name.json"
    eval_json "$out/data" "$region" "$sets/$name.test.jsonl" "$reports/rules-only/$name.json" --without-model
done

# Leave one set out: the model never sees X; measured on all of X.
scratch="$out/loo"
for set in "${real[@]}"; do
    name="${set%:*}"
    region="${set##*:}"
    rm -rf "$scratch"
    mkdir -p "$scratch"
    cp -r "$demo/sources" "$scratch/sources"
    mapfile -t parts < <(train_parts "$name")
    "$bin/signed-lists" train-sms "${parts[@]}" --holdout-percent 0 \
        --out "$scratch/sources/sms_model.tsv" >/dev/null
    "$bin/signed-lists" build --sources "$scratch/sources" --keys "$demo/keys" \
        --site "$scratch/site" --name default --region CN --now 1795000000 \
        --manifest-expires-days 3650 --timestamp-expires-hours 87600 >/dev/null
    install_site "$scratch/site" "$scratch/data"
    cat "$sets/$name.train.jsonl" "$sets/$name.test.jsonl" > "$scratch/$name.jsonl"
    eval_json "$scratch/data" "$region" "$scratch/$name.jsonl" "$reports/cross-dataset/$name.json"
done

summary="$demo/eval/summarize.py"
python3 "$summary" "in-distribution: rules and model, each set's test part" "$reports"/in-distribution/*.json
python3 "$summary" "in-distribution: rules alone, each set's test part" "$reports"/rules-only/*.json
python3 "$summary" "cross-dataset: model trained without the set, all of the set" "$reports"/cross-dataset/*.json

# The synthetic sets written blind (eval/README.md), which carry fraud labels by category.
for set in "$demo/eval/synthetic-zh.jsonl:CN" "$demo/eval/synthetic-en.jsonl:US" \
    "$demo/eval/synthetic2-zh.jsonl:CN" "$demo/eval/synthetic2-en-us.jsonl:US" \
    "$demo/eval/synthetic2-en-gb.jsonl:GB" "$demo/eval/synthetic3-zh-dev.jsonl:CN" \
    "$demo/eval/synthetic3-zh-test.jsonl:CN"; do
    file="${set%:*}"
    eval_json "$out/data" "${set##*:}" "$file" "$reports/$(basename "$file" .jsonl).json"
done
python3 "$summary" "synthetic sets written blind, rules and model" \
    "$reports"/synthetic*.json
