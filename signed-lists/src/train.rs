//! `train-sms`: trains the optional statistical SMS model from labelled messages and
//! writes it as the source file `sms_model.tsv`, which `build` then signs into the list.
//!
//! The model is logistic regression over the hashed features of
//! [`callguard_core::sms::ModelParams`], fitted with AdaGrad, with two heads trained one
//! against the rest on the same features:
//! - *unwanted* (spam or fraud) against *normal*: the engine labels advertising with it
//!   and lifts fraud categories that the phrase rules already point to;
//! - *fraud* against *normal and advertising* (when the messages include fraud): the
//!   engine warns on it alone. Its threshold is the lowest that keeps both normal
//!   messages (`--max-false-fraud`) and advertising (`--max-spam-fraud`) of the
//!   validation part within their budgets, and — because a phone's messages come from
//!   other places and times than any training set — that also keeps within budget the
//!   normal messages and advertising of each input file *when the head is trained
//!   without that file* (cross-source calibration). A model that has never seen a
//!   kind of ordinary message is overconfident on it; calibrating on files it has not
//!   seen sets the threshold for exactly that case.
//!
//! Every message is assigned, by a hash of its normalised text, to one of three parts, so
//! duplicates always fall on the same side and a run is reproducible:
//! - **held out** (`--holdout-percent`): never trained on; written to `--holdout-out` so
//!   that `callguard eval-sms` can compare rules alone with rules plus model on messages
//!   neither has seen;
//! - **validation** (`--validation-percent`): picks the threshold, the lowest probability
//!   that keeps normal messages labelled unwanted at or under `--max-false-label`;
//! - **training**: the rest.
//!
//! Each part holds every distinct text once: the shared Chinese set repeats some
//! messages dozens of times, and a repeat would count as many times in a measure.
//!
//! Only the `--max-weights` strongest weights are kept, quantised to integers, and the
//! validation figures are measured on that quantised model, exactly as the phone will
//! run it.

use std::borrow::Borrow;
use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use callguard_core::sms::model_input;
use callguard_core::sms::normalize;
use callguard_core::sms::{
    for_each_feature, HeadParams, ModelParams, ModelReading, MAX_BUCKETS, MAX_STORED_WEIGHT,
};
use callguard_core::Region;
use callguard_sources::labelled::{class_of, read_samples, Class, Sample};
use serde::Serialize;

use crate::site::write_atomic;
use crate::{Error, Result};

/// How to train.
#[derive(Debug, Clone)]
pub struct TrainOptions {
    /// The hash space, a power of two ≤ 2^20.
    pub buckets: u32,
    /// Passes over the training part.
    pub epochs: u32,
    /// AdaGrad's base learning rate.
    pub learning_rate: f32,
    /// L2 regularisation per update.
    pub l2: f32,
    /// Weights kept, strongest first.
    pub max_weights: usize,
    /// Percent of messages held out for evaluation.
    pub holdout_percent: u8,
    /// Percent of messages used to choose the threshold.
    pub validation_percent: u8,
    /// The largest share of normal validation messages the threshold may label unwanted.
    pub max_false_label: f64,
    /// The largest share of normal validation messages the fraud head may find fraud.
    pub max_false_fraud: f64,
    /// The largest share of advertising validation messages the fraud head may find fraud.
    pub max_spam_fraud: f64,
    /// The largest share of an input file's normal messages that the fraud head, trained
    /// without that file, may find fraud.
    pub max_unseen_false_fraud: f64,
    /// The same for an input file's advertising.
    pub max_unseen_spam_fraud: f64,
    /// The home region the texts' phone numbers are read in.
    pub region: Region,
}

impl TrainOptions {
    /// The defaults of `signed-lists train-sms`.
    pub fn new(region: Region) -> TrainOptions {
        TrainOptions {
            buckets: 1 << 18,
            epochs: 8,
            learning_rate: 0.2,
            l2: 1e-6,
            max_weights: 60_000,
            holdout_percent: 20,
            validation_percent: 10,
            max_false_label: 0.0025,
            max_false_fraud: 0.002,
            max_spam_fraud: 0.01,
            max_unseen_false_fraud: 0.003,
            max_unseen_spam_fraud: 0.02,
            region,
        }
    }
}

/// What a run did, and how the model did on its validation part.
#[derive(Debug, Clone, Serialize)]
pub struct TrainReport {
    /// Messages read with a known label.
    pub messages: usize,
    /// Lines whose label is not normal, spam or fraud.
    pub unknown_labels: usize,
    /// Distinct texts trained on: (normal, unwanted).
    pub trained: (usize, usize),
    /// Repeated texts, read once: the parts hold distinct texts only.
    pub duplicates_skipped: usize,
    /// Validation messages: (normal, unwanted).
    pub validation: (usize, usize),
    /// Held-out messages (distinct texts), never seen.
    pub held_out: usize,
    /// The chosen threshold, per mille.
    pub threshold_per_mille: u64,
    /// Unwanted validation messages at or over the threshold.
    pub validation_recall: f64,
    /// Normal validation messages at or over the threshold.
    pub validation_false_label: f64,
    /// Non-zero weights kept.
    pub weights: usize,
    /// The fraud head's figures, when the messages included fraud.
    pub fraud: Option<FraudHeadReport>,
}

/// How the fraud head did on the validation part.
#[derive(Debug, Clone, Serialize)]
pub struct FraudHeadReport {
    /// Fraud messages trained on.
    pub trained: usize,
    /// Validation messages: (normal, advertising, fraud).
    pub validation: (usize, usize, usize),
    /// The chosen threshold, per mille.
    pub threshold_per_mille: u64,
    /// Fraud validation messages at or over the threshold.
    pub validation_recall: f64,
    /// Normal validation messages at or over the threshold.
    pub validation_false_fraud: f64,
    /// Advertising validation messages at or over the threshold.
    pub validation_spam_fraud: f64,
    /// Non-zero weights kept.
    pub weights: usize,
    /// The threshold the validation part alone would choose, per mille.
    pub validation_threshold_per_mille: u64,
    /// Per input file (by its position): the threshold, per mille, that keeps its
    /// normal messages and advertising within budget under a head trained without it.
    pub unseen_thresholds_per_mille: Vec<u64>,
}

/// Which part a message falls in, from its normalised text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    HeldOut,
    Validation,
    Training,
}

/// The part of a message, from a hash of its normalised text alone: not of the scan's
/// markers, so that a change in link or number detection does not move messages
/// between the parts.
fn part_of(normalized: &str, options: &TrainOptions) -> Part {
    let hash = normalized.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let slot = (hash % 100) as u8;
    if slot < options.holdout_percent {
        Part::HeldOut
    } else if slot
        < options
            .holdout_percent
            .saturating_add(options.validation_percent)
    {
        Part::Validation
    } else {
        Part::Training
    }
}

/// One message as the model sees it: feature buckets with their input values.
struct Example {
    /// The text as the model reads it (normalised, with the scan's markers), so that
    /// every measure runs the phone's own [`SmsModel::read`](callguard_core::sms::SmsModel).
    text: String,
    features: Vec<(u32, f32)>,
    class: Class,
    /// The input file it came from, by position.
    source: usize,
}

fn example(prepared: String, class: Class, source: usize, buckets: u32) -> Example {
    let mut raw = Vec::new();
    for_each_feature(&prepared, buckets, |b| raw.push(b));
    let norm = (raw.len().max(1) as f32).sqrt();
    raw.sort_unstable();
    let mut features: Vec<(u32, f32)> = Vec::with_capacity(raw.len());
    for bucket in raw {
        match features.last_mut() {
            Some((last, value)) if *last == bucket => *value += 1.0 / norm,
            _ => features.push((bucket, 1.0 / norm)),
        }
    }
    Example {
        text: prepared,
        features,
        class,
        source,
    }
}

/// A deterministic order for one epoch.
fn epoch_order(n: usize, epoch: u32) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|i| {
        let x = (*i as u64) ^ (u64::from(epoch) << 32);
        x.wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(29)
    });
    order
}

/// Fits one head: `positive` says which examples are its class.
fn fit<E: Borrow<Example>>(
    examples: &[E],
    positive: impl Fn(Class) -> bool,
    options: &TrainOptions,
) -> (Vec<f32>, f32) {
    let mut weights = vec![0f32; options.buckets as usize];
    let mut squares = vec![0f32; options.buckets as usize];
    let (mut bias, mut bias_square) = (0f32, 0f32);
    const EPS: f32 = 1e-6;
    for epoch in 0..options.epochs {
        for i in epoch_order(examples.len(), epoch) {
            let ex: &Example = examples[i].borrow();
            let z = bias
                + ex.features
                    .iter()
                    .map(|(b, x)| weights[*b as usize] * x)
                    .sum::<f32>();
            let p = 1.0 / (1.0 + (-z).exp());
            let g = p - if positive(ex.class) { 1.0 } else { 0.0 };
            for (b, x) in &ex.features {
                let j = *b as usize;
                let grad = g * x + options.l2 * weights[j];
                squares[j] += grad * grad;
                weights[j] -= options.learning_rate * grad / (squares[j].sqrt() + EPS);
            }
            bias_square += g * g;
            bias -= options.learning_rate * g / (bias_square.sqrt() + EPS);
        }
    }
    (weights, bias)
}

const SCALE: u64 = 1000;

fn quantize(value: f32) -> i64 {
    ((value * SCALE as f32).round() as i64).clamp(-MAX_STORED_WEIGHT, MAX_STORED_WEIGHT)
}

/// The lowest threshold (per mille, at least 500) that labels at most `max_false` of the
/// normal probabilities.
fn choose_threshold(normal: &mut [f32], max_false: f64) -> u64 {
    normal.sort_by(|a, b| b.total_cmp(a));
    let allowed = (max_false * normal.len() as f64).floor() as usize;
    let above = normal.get(allowed).copied().unwrap_or(0.0);
    // Strictly above the first normal message that must stay unlabelled.
    let per_mille = (above * 1000.0).floor() as u64 + 1;
    per_mille.clamp(500, 999)
}

/// The strongest `max` weights of a fitted head, quantised, ascending by bucket.
fn strongest(weights: &[f32], max: usize) -> Vec<(u32, i64)> {
    let mut kept: Vec<(u32, i64)> = weights
        .iter()
        .enumerate()
        .map(|(b, w)| (b as u32, quantize(*w)))
        .filter(|(_, w)| *w != 0)
        .collect();
    kept.sort_by_key(|(b, w)| (std::cmp::Reverse(w.abs()), *b));
    kept.truncate(max);
    kept.sort_unstable();
    kept
}

/// Fits the fraud head on `training`, keeping the strongest weights quantised.
fn fraud_head<E: Borrow<Example>>(training: &[E], options: &TrainOptions) -> HeadParams {
    let (weights, bias) = fit(training, |c| c == Class::Fraud, options);
    HeadParams {
        bias: quantize(bias),
        threshold: 999,
        weights: strongest(&weights, options.max_weights),
    }
}

/// Cross-source calibration: for each input file with ordinary messages or
/// advertising, the threshold that keeps them within budget under a fraud head trained
/// on every other file, read by the phone's code as part of `model`. Files are read in
/// `sources` positions; a file with no normal or advertising messages (or whose removal
/// leaves no fraud to learn) gives none.
fn unseen_thresholds(
    model: &ModelParams,
    training: &[Example],
    validation: &[Example],
    sources: usize,
    options: &TrainOptions,
) -> Result<Vec<u64>> {
    let mut thresholds = vec![0; sources];
    for (source, threshold) in thresholds.iter_mut().enumerate() {
        let others: Vec<&Example> = training.iter().filter(|e| e.source != source).collect();
        let has_fraud = others.iter().any(|e| e.class == Class::Fraud);
        let own = || {
            training
                .iter()
                .chain(validation)
                .filter(move |e| e.source == source)
        };
        if !has_fraud || own().all(|e| e.class == Class::Fraud) {
            continue;
        }
        let without = ModelParams {
            fraud: Some(fraud_head(&others, options)),
            ..model.clone()
        }
        .validate()
        .map_err(|e| Error::Train(e.to_string()))?;
        let read = |class: Class| -> Vec<f32> {
            own()
                .filter(|e| e.class == class)
                .filter_map(|e| without.read(&e.text).fraud.map(|(p, _)| p))
                .collect()
        };
        let (mut normal, mut spam) = (read(Class::Normal), read(Class::Spam));
        *threshold = choose_threshold(&mut normal, options.max_unseen_false_fraud)
            .max(choose_threshold(&mut spam, options.max_unseen_spam_fraud));
    }
    Ok(thresholds)
}

/// Trains on one input file's samples; see [`train_sets`].
pub fn train<'a>(
    samples: &'a [Sample],
    options: &TrainOptions,
) -> Result<(ModelParams, TrainReport, Vec<&'a Sample>)> {
    train_sets(&[samples], options)
}

/// Trains on the samples of several input files (each a source for cross-source
/// calibration); returns the model, the report and the held-out samples.
pub fn train_sets<'a>(
    sets: &[&'a [Sample]],
    options: &TrainOptions,
) -> Result<(ModelParams, TrainReport, Vec<&'a Sample>)> {
    if !options.buckets.is_power_of_two() || options.buckets > MAX_BUCKETS {
        return Err(Error::Train(
            "--buckets must be a power of two up to 1048576".into(),
        ));
    }
    if u16::from(options.holdout_percent) + u16::from(options.validation_percent) >= 100 {
        return Err(Error::Train(
            "the held-out and validation parts leave nothing to train on".into(),
        ));
    }
    let mut report = TrainReport {
        messages: 0,
        unknown_labels: 0,
        trained: (0, 0),
        duplicates_skipped: 0,
        validation: (0, 0),
        held_out: 0,
        threshold_per_mille: 0,
        validation_recall: 0.0,
        validation_false_label: 0.0,
        weights: 0,
        fraud: None,
    };
    let mut training = Vec::new();
    let mut validation = Vec::new();
    let mut held_out = Vec::new();
    let mut seen = HashSet::new();
    let tagged = sets
        .iter()
        .enumerate()
        .flat_map(|(source, set)| set.iter().map(move |sample| (source, sample)));
    for (source, sample) in tagged {
        let Some(class) = class_of(&sample.label) else {
            report.unknown_labels += 1;
            continue;
        };
        report.messages += 1;
        let normalized = normalize(&sample.text);
        // A repeated text would weigh twice in training and count twice in a measure.
        if !seen.insert(normalized.clone()) {
            report.duplicates_skipped += 1;
            continue;
        }
        let prepared = model_input(&sample.text, options.region);
        match part_of(&normalized, options) {
            Part::HeldOut => held_out.push(sample),
            Part::Validation => validation.push(example(prepared, class, source, options.buckets)),
            Part::Training => training.push(example(prepared, class, source, options.buckets)),
        }
    }
    report.held_out = held_out.len();
    let is_unwanted = |c: Class| c != Class::Normal;
    let unwanted = training.iter().filter(|e| is_unwanted(e.class)).count();
    report.trained = (training.len() - unwanted, unwanted);
    if unwanted == 0 || unwanted == training.len() {
        return Err(Error::Train(
            "the training part needs both normal and unwanted messages".into(),
        ));
    }
    let (weights, bias) = fit(&training, is_unwanted, options);
    let kept = strongest(&weights, options.max_weights);
    report.weights = kept.len();
    let frauds = training.iter().filter(|e| e.class == Class::Fraud).count();
    let fraud = (frauds > 0).then(|| fraud_head(&training, options));
    let mut params = ModelParams {
        buckets: options.buckets,
        scale: SCALE,
        bias: quantize(bias),
        threshold: 500,
        weights: kept,
        fraud,
    };
    // Validation runs the quantised model exactly as the phone does.
    let model = params.validate().map_err(|e| Error::Train(e.to_string()))?;
    let read: Vec<(ModelReading, Class)> = validation
        .iter()
        .map(|e| (model.read(&e.text), e.class))
        .collect();
    let unwanted_of = |want: bool| -> Vec<f32> {
        read.iter()
            .filter(|(_, c)| is_unwanted(*c) == want)
            .map(|(r, _)| r.unwanted)
            .collect()
    };
    let (mut normal, positives) = (unwanted_of(false), unwanted_of(true));
    report.validation = (normal.len(), positives.len());
    params.threshold = choose_threshold(&mut normal, options.max_false_label);
    let t = params.threshold as f32 / 1000.0;
    report.threshold_per_mille = params.threshold;
    report.validation_recall = share_at_or_over(&positives, t);
    report.validation_false_label = share_at_or_over(&normal, t);
    let unseen = if params.fraud.is_some() && sets.len() > 1 {
        unseen_thresholds(&params, &training, &validation, sets.len(), options)?
    } else {
        Vec::new()
    };
    if let Some(head) = params.fraud.as_mut() {
        let fraud_of = |class: Class| -> Vec<f32> {
            read.iter()
                .filter(|(_, c)| *c == class)
                .filter_map(|(r, _)| r.fraud.map(|(p, _)| p))
                .collect()
        };
        let (mut normal, mut spam, fraud) = (
            fraud_of(Class::Normal),
            fraud_of(Class::Spam),
            fraud_of(Class::Fraud),
        );
        let validation_threshold = choose_threshold(&mut normal, options.max_false_fraud)
            .max(choose_threshold(&mut spam, options.max_spam_fraud));
        head.threshold = unseen.iter().copied().fold(validation_threshold, u64::max);
        let t = head.threshold as f32 / 1000.0;
        report.fraud = Some(FraudHeadReport {
            trained: frauds,
            validation: (normal.len(), spam.len(), fraud.len()),
            threshold_per_mille: head.threshold,
            validation_recall: share_at_or_over(&fraud, t),
            validation_false_fraud: share_at_or_over(&normal, t),
            validation_spam_fraud: share_at_or_over(&spam, t),
            weights: head.weights.len(),
            validation_threshold_per_mille: validation_threshold,
            unseen_thresholds_per_mille: unseen,
        });
    }
    Ok((params, report, held_out))
}

fn share_at_or_over(probabilities: &[f32], threshold: f32) -> f64 {
    share(
        probabilities.iter().filter(|p| **p >= threshold).count(),
        probabilities.len(),
    )
}

fn share(n: usize, of: usize) -> f64 {
    if of == 0 {
        0.0
    } else {
        n as f64 / of as f64
    }
}

/// Reads the labelled `files`, trains, and writes the model source to `out` and the
/// held-out messages to `holdout_out`; both atomically.
pub fn train_files(
    files: &[PathBuf],
    out: &Path,
    holdout_out: Option<&Path>,
    options: &TrainOptions,
) -> Result<TrainReport> {
    let mut sets = Vec::new();
    for file in files {
        let reader = std::fs::File::open(file).map_err(|e| Error::io(file, e))?;
        let (read, _) =
            read_samples(std::io::BufReader::new(reader)).map_err(|e| Error::io(file, e))?;
        sets.push(read);
    }
    let borrowed: Vec<&[Sample]> = sets.iter().map(Vec::as_slice).collect();
    let (params, report, held_out) = train_sets(&borrowed, options)?;
    let names: Vec<String> = files
        .iter()
        .map(|f| {
            f.file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    let comment = format!(
        "Callguard SMS model, written by `signed-lists train-sms`; do not edit.\n\
         trained on {} normal and {} unwanted distinct messages from {}\n\
         {}% held out by text hash; threshold {} per mille labels {:.1}% of unwanted and \
         {:.2}% of normal validation messages{}",
        report.trained.0,
        report.trained.1,
        names.join(", "),
        options.holdout_percent,
        report.threshold_per_mille,
        report.validation_recall * 100.0,
        report.validation_false_label * 100.0,
        report.fraud.as_ref().map_or(String::new(), |f| format!(
            "\nfraud head: trained on {} fraud messages; threshold {} per mille (validation alone: \
             {}; per file unseen: {:?}) finds {:.1}% of fraud, {:.2}% of normal and {:.2}% of \
             advertising validation messages",
            f.trained,
            f.threshold_per_mille,
            f.validation_threshold_per_mille,
            f.unseen_thresholds_per_mille,
            f.validation_recall * 100.0,
            f.validation_false_fraud * 100.0,
            f.validation_spam_fraud * 100.0,
        )),
    );
    let mut text = Vec::new();
    params
        .write_source(&mut text, &comment)
        .map_err(|e| Error::io(out, e))?;
    write_atomic(out, &text)?;
    if let Some(path) = holdout_out {
        let mut buf = Vec::new();
        write_samples(&mut buf, &held_out).map_err(|e| Error::io(path, e))?;
        write_atomic(path, &buf)?;
    }
    Ok(report)
}

/// Writes held-out samples as JSON lines (`label`, `from`, `text`), the format
/// `callguard eval-sms` reads.
pub fn write_samples(out: &mut dyn Write, samples: &[&Sample]) -> std::io::Result<()> {
    #[derive(Serialize)]
    struct Line<'a> {
        label: &'a str,
        from: &'a str,
        text: &'a str,
    }
    for s in samples {
        let line = Line {
            label: &s.label,
            from: &s.from,
            text: &s.text,
        };
        serde_json::to_writer(&mut *out, &line)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(label: &str, text: &str) -> Sample {
        Sample {
            label: label.into(),
            from: String::new(),
            text: text.into(),
        }
    }

    fn corpus() -> Vec<Sample> {
        let mut samples = Vec::new();
        for i in 0..300 {
            samples.push(sample(
                "spam",
                &format!("WINNER {i}! claim your cash prize now, txt WIN to 8{i:04}"),
            ));
            samples.push(sample(
                "ham",
                &format!("see you at dinner {i}, bring the kids"),
            ));
        }
        samples
    }

    fn options() -> TrainOptions {
        let mut o = TrainOptions::new("GB".parse().unwrap());
        o.buckets = 1 << 14;
        o
    }

    #[test]
    fn learns_a_separable_corpus_and_holds_out_a_fifth() {
        let samples = corpus();
        let (params, report, held_out) = train(&samples, &options()).unwrap();
        assert!(report.validation_recall > 0.95, "{report:?}");
        assert!(report.validation_false_label <= 0.01, "{report:?}");
        let share = held_out.len() as f64 / samples.len() as f64;
        assert!((0.1..0.3).contains(&share), "held out {share}");
        let model = params.validate().unwrap();
        let spam = model_input(
            "WINNER! claim your cash prize, txt WIN to 80999",
            options().region,
        );
        let ham = model_input("see you at dinner, bring the kids", options().region);
        assert!(model.probability(&spam) >= model.threshold());
        assert!(model.probability(&ham) < model.threshold());
    }

    #[test]
    fn is_reproducible_and_reads_each_text_once() {
        let mut samples = corpus();
        samples.extend(corpus());
        let (a, report, held_out) = train(&samples, &options()).unwrap();
        let (b, _, _) = train(&samples, &options()).unwrap();
        assert_eq!(a, b);
        assert_eq!(report.duplicates_skipped, corpus().len());
        let distinct: HashSet<&str> = held_out.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(distinct.len(), held_out.len());
        let parts = report.trained.0 + report.trained.1 + report.validation.0 + report.validation.1;
        assert_eq!(parts + report.held_out, corpus().len());
    }

    #[test]
    fn caps_the_weights_and_refuses_one_class() {
        let mut o = options();
        o.max_weights = 50;
        let (params, report, _) = train(&corpus(), &o).unwrap();
        assert!(params.weights.len() <= 50 && report.weights == params.weights.len());
        let only_ham: Vec<Sample> = (0..50).map(|i| sample("ham", &format!("hi {i}"))).collect();
        assert!(matches!(train(&only_ham, &o), Err(Error::Train(_))));
        o.buckets = 1000;
        assert!(matches!(train(&corpus(), &o), Err(Error::Train(_))));
    }
}
