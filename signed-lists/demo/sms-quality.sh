#!/usr/bin/env bash
# Trains the demo SMS model from the shared labelled sets and measures, on messages
# neither the rules' author nor the model has trained on, what the model adds.
#
#   signed-lists/demo/sms-quality.sh          train, publish the demo site, measure
#
# 1. `signed-lists train-sms` reads ../shared/data/sms (UCI and the mudou train split),
#    holds out 20% of the distinct texts by a hash of the text, and writes
#    demo/sources/sms_model.tsv and the held-out messages (target/sms-quality/).
# 2. publish.sh signs the sources, the model included, into demo/site.
# 3. `callguard eval-sms` runs on each held-out set, with and without the model, in
#    the same run, on the demo list installed from the site; then on the synthetic set
#    in eval/, which carries fraud labels by category.
#
# Training is deterministic: the same data always gives the same sms_model.tsv.
set -euo pipefail
demo="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$demo/../.." && pwd)"
data="${SMS_DATA:-$root/../shared/data/sms}"
out="$root/target/sms-quality"
cd "$root"

cargo build --release --quiet -p signed-lists -p callguard-cli
bin="${CARGO_TARGET_DIR:-$root/target}/release"
mkdir -p "$out"

"$bin/signed-lists" train-sms \
    "$data/uci_sms_spam.tsv" "$data/mudou_spam_zh.train.tsv" \
    --out "$demo/sources/sms_model.tsv" \
    --holdout-out "$out/holdout.jsonl"

# The held-out messages by corpus: UCI labels are ham/spam, mudou's are 0/1.
grep -E '"label":"(ham|spam)"' "$out/holdout.jsonl" > "$out/holdout-uci.jsonl"
grep -E '"label":"(0|1)"' "$out/holdout.jsonl" > "$out/holdout-mudou.jsonl"

SIGNED_LISTS="$bin/signed-lists" "$demo/publish.sh"

rm -rf "$out/data"
"$bin/callguard" --data-dir "$out/data" update --files "$demo/site" --root "$demo/keys/root.json" >/dev/null
# Each set in its home region: the held-out shared messages (UCI is British), then the
# synthetic sets written blind (eval/README.md), which carry fraud labels by category.
for set in "$out/holdout-uci.jsonl:GB" "$out/holdout-mudou.jsonl:CN" \
    "$demo/eval/synthetic-zh.jsonl:CN" "$demo/eval/synthetic-en.jsonl:US" \
    "$demo/eval/synthetic2-zh.jsonl:CN" "$demo/eval/synthetic2-en-us.jsonl:US" \
    "$demo/eval/synthetic2-en-gb.jsonl:GB"; do
    file="${set%:*}"
    region="${set##*:}"
    for mode in --without-model ""; do
        echo "== $(basename "$file" .jsonl), region $region, ${mode:-rules and model}"
        "$bin/callguard" --data-dir "$out/data" --region "$region" eval-sms $mode "$file"
        echo
    done
done
