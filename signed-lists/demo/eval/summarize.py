#!/usr/bin/env python3
"""Prints one table from `callguard eval-sms --json` reports.

    summarize.py TITLE REPORT.json...

Each report's file name (without .json) names its row. Columns: messages, fraud recall
(warn or block), false positives on normal messages (warn or block), advertising warned
or blocked, and fraud recall per labelled category where the set has categories.
"""

import json
import os
import sys


def pct(n, d):
    return "n/a" if d == 0 else f"{100.0 * n / d:.1f}%"


def main():
    title, files = sys.argv[1], sys.argv[2:]
    print(f"== {title}")
    print(f"{'set':<28} {'msgs':>6} {'fraud':>6} {'recall':>7} {'normal':>7} {'FP':>6} {'spam':>6} {'spam warned':>11}")
    for path in files:
        with open(path, encoding="utf-8") as f:
            r = json.load(f)
        c = r.get("confusion", {})

        def counts(cls):
            row = c.get(cls, {})
            total = sum(row.values())
            flagged = row.get("warn", 0) + row.get("block", 0)
            return total, flagged

        fraud, fraud_hit = counts("fraud")
        normal, normal_hit = counts("normal")
        spam, spam_hit = counts("spam")
        name = os.path.basename(path)[: -len(".json")]
        print(
            f"{name:<28} {r['messages']:>6} {fraud:>6} {pct(fraud_hit, fraud):>7} {normal:>7} "
            f"{pct(normal_hit, normal):>6} {spam:>6} {pct(spam_hit, spam):>11}"
        )
        labels = r.get("per_fraud_label", {})
        if len(labels) > 1:
            for label, row in sorted(labels.items()):
                print(f"    {label:<24} {row['messages']:>6} {pct(row['flagged'], row['messages']):>7}")
    print()


if __name__ == "__main__":
    main()
