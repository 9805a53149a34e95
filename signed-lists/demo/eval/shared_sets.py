#!/usr/bin/env python3
"""Turns the shared labelled SMS sets (../shared/data/sms, see each SOURCE.txt) into the
JSON lines `signed-lists train-sms` and `callguard eval-sms` read, split per set into a
training part and a test part by a hash of the text, so every run gives the same files.

    shared_sets.py DATA_DIR OUT_DIR

writes OUT_DIR/<set>.train.jsonl and OUT_DIR/<set>.test.jsonl for every set, and
OUT_DIR/sets.tsv (set, region, role). Labels become the three classes eval-sms knows:
normal (OTP codes and notices included), spam (advertising, operator promotions) and
fraud. Each set holds every distinct text once. Only the Python standard library is used.

Roles: `real` sets are trained on and measured; `synthetic` sets (LLM-written call
dialogues) are trained on only, never measured.
"""

import csv
import hashlib
import json
import os
import sys

TEST_PERCENT = 20
# The Korean set's normal class is chat and comments, not SMS, and 70 times its phishing
# class; a hashed sample keeps it from swamping the training part.
KO_NORMAL_KEEP_PERCENT = 8
# The synthetic dialogues are calls; a message-sized opening is what an SMS would carry.
DIALOGUE_CHARS = 240


def slot(text):
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:8], 16) % 100


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        yield from csv.DictReader(f)


def thai(data):
    labels = {"scam": "fraud", "spam": "spam", "ok": "normal", "otp": "normal"}
    for row in read_csv(os.path.join(data, "th_thai_sms/thai_sms.csv")):
        yield labels.get(row["label"]), row["text"]


def taiwan(data):
    labels = {"scam": "fraud", "advertise": "spam", "captcha_otp": "normal", "normal": "normal"}
    for row in read_csv(os.path.join(data, "tw_nagato_sms/sms_data_zh_tw.csv")):
        yield labels.get(row["label"]), row["text"]


def indonesian(data):
    labels = {"fraud": "fraud", "promo": "spam", "normal": "normal"}
    for row in read_csv(os.path.join(data, "id_indonesian_sms/indonesian_sms.csv")):
        yield labels.get(row["label"]), row["text"]


def korean(data):
    for row in read_csv(os.path.join(data, "ko_kor_smishing/kor_phishing_messages.csv")):
        if row["label"] == "phishing":
            yield "fraud", row["text"]
        elif row["label"] == "normal" and slot("ko:" + row["text"]) < KO_NORMAL_KEEP_PERCENT:
            yield "normal", row["text"]


def nigerian(data):
    labels = {"spam": "spam", "ham": "normal"}
    for row in read_csv(os.path.join(data, "ng_exais_sms/exais_sms.csv")):
        # What the user sent is not a message anyone screens.
        if row["direction"] == "receive":
            yield labels.get(row["label"]), row["text"]


def uci(data):
    with open(os.path.join(data, "uci_sms_spam.tsv"), encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 2:
                yield {"ham": "normal", "spam": "spam"}.get(parts[0]), parts[1]


def mudou(data):
    with open(os.path.join(data, "mudou_spam_zh.train.tsv"), encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 2:
                yield {"0": "normal", "1": "spam"}.get(parts[0]), parts[1]


def dialogues(data):
    base = os.path.join(data, "zh_teleantifraud_synth")
    for name, label in [("fraud_dialogues.jsonl", "fraud"), ("normal_dialogues.jsonl", "normal")]:
        with open(os.path.join(base, name), encoding="utf-8") as f:
            for line in f:
                turns = json.loads(line).get("left") or []
                yield label, "".join(turns)[:DIALOGUE_CHARS]


# (name, region its numbers are read in, role, reader)
SETS = [
    ("th", "TH", "real", thai),
    ("tw", "TW", "real", taiwan),
    ("id", "ID", "real", indonesian),
    ("ko", "KR", "real", korean),
    ("ng", "NG", "real", nigerian),
    ("uci", "GB", "real", uci),
    ("mudou", "CN", "real", mudou),
    ("zh_synth", "CN", "synthetic", dialogues),
]


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: shared_sets.py DATA_DIR OUT_DIR")
    data, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "sets.tsv"), "w", encoding="utf-8") as index:
        for name, region, role, reader in SETS:
            seen = set()
            parts = {"train": [], "test": []}
            for label, text in reader(data):
                text = (text or "").strip()
                if label is None or not text or text in seen:
                    continue
                seen.add(text)
                part = "test" if slot(text) < TEST_PERCENT else "train"
                parts[part].append({"label": label, "from": "", "text": text})
            for part, rows in parts.items():
                with open(os.path.join(out, f"{name}.{part}.jsonl"), "w", encoding="utf-8") as f:
                    for row in rows:
                        f.write(json.dumps(row, ensure_ascii=False) + "\n")
            index.write(f"{name}\t{region}\t{role}\n")


if __name__ == "__main__":
    main()
