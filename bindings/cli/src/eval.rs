//! `callguard eval-sms`: measures the SMS decisions on labelled messages.
//!
//! Labels are read as normal, spam or fraud ([`callguard_sources::labelled`]).
//!
//! A message is *flagged* when the action is warn or block, and *labelled* when the
//! decision names any category (allowed advertising included). Fraud recall counts
//! flagged fraud; the false-positive rate counts flagged normal messages.

use std::collections::BTreeMap;
use std::io::{self, Write};

use callguard_core::{Action, Decision, Engine, ReasonCode, SmsInput};
use callguard_sources::labelled::{category_of, class_of, Class, Sample};
use serde::Serialize;

/// The counts behind every figure.
#[derive(Debug, Default, Serialize)]
pub struct Report {
    pub messages: usize,
    pub skipped_lines: usize,
    pub unknown_labels: usize,
    /// Class → decision bucket (`allow`, `allow_labelled`, `warn`, `block`) → count.
    pub confusion: BTreeMap<String, BTreeMap<String, usize>>,
    /// Predicted category → (flagged, of which not normal).
    pub per_category: BTreeMap<String, (usize, usize)>,
    /// Labelled fraud category (`fraud` when the label names none) → recall figures.
    pub per_fraud_label: BTreeMap<String, LabelRecall>,
    pub fraud_recall: Option<f64>,
    pub spam_flagged_rate: Option<f64>,
    pub spam_labelled_rate: Option<f64>,
    pub false_positive_rate: Option<f64>,
    /// Normal messages given a category but allowed (advertising labels on notices).
    pub normal_labelled_rate: Option<f64>,
    /// Messages warned about or blocked only because the sender is abroad (the
    /// overseas-SMS policy), not for anything in the text.
    pub flagged_by_sender_policy_only: usize,
    pub precision: Option<f64>,
}

/// How the messages of one labelled fraud category were decided.
#[derive(Debug, Default, Serialize)]
pub struct LabelRecall {
    pub messages: usize,
    /// Warned about or blocked.
    pub flagged: usize,
    /// Flagged under the labelled category itself.
    pub same_category: usize,
}

/// The fraud category a label names, or `fraud` for a generic fraud label.
fn fraud_label(label: &str) -> String {
    category_of(label).map_or_else(|| "fraud".to_owned(), |c| c.as_str().to_owned())
}

fn bucket(d: &Decision) -> &'static str {
    match (d.action, d.category.is_some()) {
        (Action::Block, _) => "block",
        (Action::Warn, _) => "warn",
        (Action::Allow, true) => "allow_labelled",
        (Action::Allow, false) => "allow",
    }
}

fn ratio(num: usize, den: usize) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

/// Decides every sample and counts; with `errors`, writes the misses to `errors`.
pub fn evaluate(
    decide: &mut dyn FnMut(&Sample) -> io::Result<Decision>,
    samples: &[Sample],
    mut errors: Option<&mut dyn Write>,
) -> io::Result<Report> {
    let mut report = Report {
        messages: samples.len(),
        ..Report::default()
    };
    let (mut fraud, mut fraud_hit, mut spam, mut spam_flagged, mut spam_labelled) = (0, 0, 0, 0, 0);
    let (mut normal, mut normal_flagged, mut flagged, mut flagged_bad) = (0, 0, 0, 0);
    let mut normal_labelled = 0;
    for sample in samples {
        let Some(class) = class_of(&sample.label) else {
            report.unknown_labels += 1;
            continue;
        };
        let decision = decide(sample)?;
        let is_flagged = decision.action >= Action::Warn;
        report.flagged_by_sender_policy_only += usize::from(
            is_flagged
                && decision
                    .reasons
                    .iter()
                    .all(|r| r.code == ReasonCode::OverseasSms),
        );
        let class_name = format!("{class:?}").to_lowercase();
        *report
            .confusion
            .entry(class_name)
            .or_default()
            .entry(bucket(&decision).to_owned())
            .or_default() += 1;
        if is_flagged {
            flagged += 1;
            flagged_bad += usize::from(class != Class::Normal);
            if let Some(c) = decision.category {
                let entry = report
                    .per_category
                    .entry(c.as_str().to_owned())
                    .or_default();
                entry.0 += 1;
                entry.1 += usize::from(class != Class::Normal);
            }
        }
        let wrong = match class {
            Class::Fraud => {
                fraud += 1;
                fraud_hit += usize::from(is_flagged);
                let name = fraud_label(&sample.label);
                let same = is_flagged && decision.category.map(|c| c.as_str()) == Some(&name);
                let row = report.per_fraud_label.entry(name).or_default();
                row.messages += 1;
                row.flagged += usize::from(is_flagged);
                row.same_category += usize::from(same);
                !is_flagged
            }
            Class::Spam => {
                spam += 1;
                spam_flagged += usize::from(is_flagged);
                spam_labelled += usize::from(decision.category.is_some());
                decision.category.is_none()
            }
            Class::Normal => {
                normal += 1;
                normal_flagged += usize::from(is_flagged);
                normal_labelled += usize::from(!is_flagged && decision.category.is_some());
                is_flagged
            }
        };
        if let (true, Some(out)) = (wrong, errors.as_deref_mut()) {
            let why: Vec<&str> = decision.reasons.iter().map(|r| r.code.as_str()).collect();
            writeln!(
                out,
                "{}\t{}\t{}\t{}",
                sample.label,
                bucket(&decision),
                why.join(","),
                sample.text.replace(['\n', '\t'], " ")
            )?;
        }
    }
    report.fraud_recall = ratio(fraud_hit, fraud);
    report.spam_flagged_rate = ratio(spam_flagged, spam);
    report.spam_labelled_rate = ratio(spam_labelled, spam);
    report.false_positive_rate = ratio(normal_flagged, normal);
    report.normal_labelled_rate = ratio(normal_labelled, normal);
    report.precision = ratio(flagged_bad, flagged);
    Ok(report)
}

fn pct(value: Option<f64>) -> String {
    value.map_or_else(|| "n/a".to_owned(), |v| format!("{:.1}%", v * 100.0))
}

/// Decides a sample on `engine`, as the phone would.
pub fn check(engine: &Engine, sample: &Sample) -> io::Result<Decision> {
    engine
        .check_sms(&SmsInput::new(sample.from.clone(), sample.text.clone()))
        .map_err(|e| io::Error::other(e.to_string()))
}

/// The human report.
pub fn print(out: &mut dyn Write, r: &Report) -> io::Result<()> {
    writeln!(
        out,
        "messages {} (skipped lines {}, unknown labels {})",
        r.messages, r.skipped_lines, r.unknown_labels
    )?;
    writeln!(
        out,
        "fraud recall (warn or block)      {}",
        pct(r.fraud_recall)
    )?;
    writeln!(
        out,
        "false-positive rate on normal     {}",
        pct(r.false_positive_rate)
    )?;
    writeln!(
        out,
        "normal labelled but allowed       {}",
        pct(r.normal_labelled_rate)
    )?;
    writeln!(
        out,
        "precision of warn/block           {}",
        pct(r.precision)
    )?;
    writeln!(
        out,
        "spam labelled (any category)      {}",
        pct(r.spam_labelled_rate)
    )?;
    writeln!(
        out,
        "spam warned or blocked            {}",
        pct(r.spam_flagged_rate)
    )?;
    writeln!(
        out,
        "\nconfusion (label → decision)     allow  allow_labelled    warn   block"
    )?;
    for (class, row) in &r.confusion {
        let get = |k: &str| row.get(k).copied().unwrap_or(0);
        writeln!(
            out,
            "  {class:<30} {:>7} {:>15} {:>7} {:>7}",
            get("allow"),
            get("allow_labelled"),
            get("warn"),
            get("block")
        )?;
    }
    writeln!(
        out,
        "\nper predicted category (warn/block): flagged, precision"
    )?;
    if r.flagged_by_sender_policy_only > 0 {
        writeln!(
            out,
            "\nnote: {} message(s) were flagged only because the sender is abroad (the \
             overseas-SMS policy); --home-from-sender judges each message in its sender's \
             country",
            r.flagged_by_sender_policy_only
        )?;
    }
    for (category, (n, bad)) in &r.per_category {
        writeln!(out, "  {category:<28} {n:>7} {:>8}", pct(ratio(*bad, *n)))?;
    }
    if !r.per_fraud_label.is_empty() {
        writeln!(
            out,
            "\nper labelled fraud category: messages, recall, recall in that category"
        )?;
        for (label, row) in &r.per_fraud_label {
            writeln!(
                out,
                "  {label:<28} {:>7} {:>8} {:>8}",
                row.messages,
                pct(ratio(row.flagged, row.messages)),
                pct(ratio(row.same_category, row.messages))
            )?;
        }
    }
    Ok(())
}
