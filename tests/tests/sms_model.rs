//! The SMS model's whole path: the publisher trains it from the shared labelled sets
//! (`signed-lists train-sms`), signs it into the list, serves it; the phone installs it
//! and decides on held-out messages that neither side has seen, with the model and
//! without it, in the same run.

use std::process::Command;

use callguard_e2e::{bin, now, run_ok, shared_data, Phone, Publisher, Server};
use serde_json::Value;

fn train(publisher: &Publisher, out: &str, holdout: &str) -> String {
    run_ok(
        Command::new(bin("signed-lists"))
            .arg("train-sms")
            .arg(shared_data("sms/uci_sms_spam.tsv"))
            .arg(shared_data("sms/mudou_spam_zh.train.tsv"))
            .arg("--out")
            .arg(publisher.dir.path().join(out))
            .arg("--holdout-out")
            .arg(publisher.dir.path().join(holdout))
            .arg("--json"),
    )
}

#[test]
fn a_trained_model_is_signed_served_installed_and_measured_on_held_out_messages() {
    let publisher = Publisher::new();
    let report: Value =
        serde_json::from_str(&train(&publisher, "a.tsv", "holdout.jsonl")).expect("train report");
    let trained = report["trained"][0].as_u64().unwrap() + report["trained"][1].as_u64().unwrap();
    let held_out = report["held_out"].as_u64().unwrap();
    assert!(trained > 5000, "{report}");
    let share = held_out as f64 / (held_out + trained) as f64;
    assert!((0.15..0.30).contains(&share), "held out {share}: {report}");
    assert!(
        report["validation_false_label"].as_f64().unwrap() <= 0.01,
        "{report}"
    );

    // Deterministic: the same data gives the same bytes.
    train(&publisher, "b.tsv", "holdout-b.jsonl");
    let model = std::fs::read(publisher.dir.path().join("a.tsv")).unwrap();
    assert_eq!(
        model,
        std::fs::read(publisher.dir.path().join("b.tsv")).unwrap()
    );

    // The list: one phrase rule and the model.
    std::fs::write(publisher.sources().join("sms_model.tsv"), &model).unwrap();
    std::fs::write(
        publisher.sources().join("sms_rules.tsv"),
        "prize\t60\tyou have won\n",
    )
    .unwrap();
    publisher.build(now(), &[]);
    let server = Server::start(&publisher.site());
    let phone = Phone::new();
    phone.update_ok(&server.url, &publisher.root());

    let holdout = publisher.dir.path().join("holdout.jsonl");
    let eval = |extra: &[&str]| -> Value {
        let mut cmd = phone.callguard();
        cmd.arg("eval-sms").arg(&holdout).arg("--json").args(extra);
        serde_json::from_str(&run_ok(&mut cmd)).expect("eval JSON")
    };
    let rate = |r: &Value, key: &str| r[key].as_f64().expect(key);
    let with = eval(&[]);
    let without = eval(&["--without-model"]);
    assert_eq!(with["messages"].as_u64(), Some(held_out));
    // One rule labels little; the signed model labels most held-out spam.
    assert!(rate(&without, "spam_labelled_rate") < 0.2, "{without}");
    assert!(rate(&with, "spam_labelled_rate") > 0.7, "{with}");
    // It labels (allowed by default) and never warns on its own.
    assert!(rate(&with, "normal_labelled_rate") < 0.05, "{with}");
    assert_eq!(
        rate(&with, "false_positive_rate"),
        rate(&without, "false_positive_rate")
    );

    // Decisions name the model as their reason: the first 10 held-out spam messages.
    let spam: Vec<Value> = std::fs::read_to_string(&holdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|m| m["label"] == "1" || m["label"] == "spam")
        .take(10)
        .collect();
    let mut by_model = 0;
    for m in &spam {
        let text = m["text"].as_str().unwrap();
        let d: Value = serde_json::from_str(&run_ok(
            phone
                .callguard()
                .args(["check", "sms", "--from", "10690000", "--json", "--", text]),
        ))
        .unwrap();
        if d["reasons"][0]["code"] == "sms_model" {
            by_model += 1;
            assert_eq!(
                (&d["category"], &d["action"]),
                (&"spam".into(), &"allow".into()),
                "{d}"
            );
        }
    }
    assert!(
        by_model >= 5,
        "{by_model} of {} labelled by the model",
        spam.len()
    );
}
