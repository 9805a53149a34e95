//! The optional statistical model: hashed features of the normalised text, one linear
//! layer and a logistic output, trained by the publisher (`signed-lists train-sms`) and
//! shipped signed in the list's SMS section.
//!
//! Phrase rules explain themselves but only see what their author thought of; the model
//! sees every character pair and word, but cannot say which category a message is in.
//! So the model has two heads over the same features, each a one-against-the-rest
//! logistic output, and the engine uses them for what each is good at (the rules are
//! [`decide`](crate::decide)'s):
//! - the *unwanted* head (spam or fraud against normal): a message it finds unwanted is
//!   labelled `spam` (reason `sms_model`), which the `sms-spam` setting allows by
//!   default, and a confident reading lifts a fraud category the phrase rules point to
//!   (with a fraud head, only when that head agrees);
//! - the optional *fraud* head (fraud against normal and advertising), whose threshold
//!   the trainer sets on a validation part so that normal messages and advertising stay
//!   within a false-positive budget: a message it finds fraud is warned about, under the
//!   category the phrase rules point to or, when they point to none, as
//!   `suspected_fraud`; and its agreement (more likely fraud than not) is needed for the
//!   unwanted head's lift.
//!
//! This module reads the model and gives its probabilities; it decides nothing.
//!
//! # Features
//! [`for_each_feature`] reads the normalised text (with the scan's markers appended),
//! folds every ASCII digit to `0` (a number's shape matters, not its value), collapses
//! white space, and emits, hashed into `buckets` with FNV-1a:
//! - every character bigram and trigram, which suit Chinese (no spaces) and catch
//!   misspellings in English;
//! - every word of two or more ASCII letters or digits.
//!
//! The input to the linear layer is each feature's count divided by the square root of
//! the number of features, so long and short messages score on one scale. The trainer
//! and the engine share this one function, so they can never disagree.
//!
//! # In the list
//! | key | value |
//! |---|---|
//! | `model:version` | [`FEATURES_VERSION`] |
//! | `model:buckets` | the hash space, a power of two ≤ [`MAX_BUCKETS`] |
//! | `model:scale` | weights are stored as integers × scale |
//! | `model:bias` | the bias, zigzag-coded |
//! | `model:threshold` | the probability (per mille) from which a message is unwanted |
//! | `model:w:NNNNNNN` | the weight of bucket N (7 digits), zigzag-coded |
//! | `model:fraud:bias`, `model:fraud:threshold`, `model:fraud:w:NNNNNNN` | the fraud head, coded alike (optional) |
//!
//! A list whose model is missing, of another features version, or inconsistent simply
//! has no model: the rules still work.

use callguard_format::{ModelKey, SmsKey, SmsKeyKind};

use super::phrases::SharedBytes;

/// The value coding of the model's signed entries, defined with the SMS keys.
pub use callguard_format::sms_key::{unzigzag, zigzag};

/// The version of [`for_each_feature`]. A model trained with another one is ignored.
pub const FEATURES_VERSION: u64 = 1;
/// The largest hash space a list may use (2 MB of weights on the phone).
pub const MAX_BUCKETS: u32 = 1 << 20;
/// The largest stored weight magnitude, so every weight fits an `i16` on the phone.
pub const MAX_STORED_WEIGHT: i64 = i16::MAX as i64;
/// Characters of a message the model reads; the rest adds nothing a model could use,
/// and the cap keeps the work per message bounded.
pub const MAX_MODEL_CHARS: usize = 4096;

/// A model read from a list, ready to score messages.
#[derive(Debug, Clone)]
pub struct SmsModel {
    mask: u32,
    scale: f32,
    unwanted: Head,
    fraud: Option<Head>,
}

/// One logistic output over the shared features.
#[derive(Debug, Clone)]
struct Head {
    bias: f32,
    threshold: f32,
    weights: Weights,
}

/// A head's dense weights: decoded from the list's entries, or read as they lie in the
/// SMS index file (little-endian `i16`s), which is what spares a cold process the
/// decoding of every `model:w:` key.
#[derive(Clone)]
enum Weights {
    Dense(Vec<i16>),
    LittleEndian(SharedBytes),
}

impl std::fmt::Debug for Weights {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Weights({})", self.len())
    }
}

impl Weights {
    fn len(&self) -> usize {
        match self {
            Weights::Dense(w) => w.len(),
            Weights::LittleEndian(b) => b.len() / 2,
        }
    }

    fn view(&self) -> WeightView<'_> {
        match self {
            Weights::Dense(w) => WeightView::Dense(w),
            Weights::LittleEndian(b) => WeightView::LittleEndian(b.as_ref()),
        }
    }
}

/// Borrowed [`Weights`], for the loop over a message's features.
#[derive(Clone, Copy)]
enum WeightView<'a> {
    Dense(&'a [i16]),
    LittleEndian(&'a [u8]),
}

impl WeightView<'_> {
    /// The weight of `slot`; 0 outside the table (which the mask rules out).
    #[inline]
    fn get(self, slot: usize) -> i16 {
        match self {
            WeightView::Dense(w) => w.get(slot).copied().unwrap_or(0),
            WeightView::LittleEndian(b) => b
                .get(slot * 2..slot * 2 + 2)
                .map_or(0, |p| i16::from_le_bytes([p[0], p[1]])),
        }
    }
}

/// What the model reads in one message: each head's probability and threshold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ModelReading {
    /// The probability that the message is unwanted (spam or fraud).
    pub unwanted: f32,
    /// The probability from which a message counts as unwanted.
    pub unwanted_threshold: f32,
    /// The fraud head's probability and threshold, when the model has one.
    pub fraud: Option<(f32, f32)>,
}

impl ModelReading {
    /// The unwanted head's probability when it finds the message unwanted.
    pub fn unwanted_found(&self) -> Option<f32> {
        Some(self.unwanted).filter(|p| *p >= self.unwanted_threshold)
    }

    /// The fraud head's probability when it finds the message fraud.
    pub fn fraud_found(&self) -> Option<f32> {
        self.fraud.filter(|(p, t)| p >= t).map(|(p, _)| p)
    }
}

/// Why a model's entries were not usable (a publisher-side check; the engine just
/// ignores such a model).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// A required `model:` entry is missing.
    #[error("the model has no {0} entry")]
    Missing(&'static str),
    /// The model was trained with another feature set.
    #[error("the model's features version {0} is not {FEATURES_VERSION}")]
    Version(u64),
    /// An entry's value is out of range; the text says which.
    #[error("the model is malformed: {0}")]
    Malformed(&'static str),
}

impl SmsModel {
    /// Reads a model from the SMS section's `model:` entries (other keys are ignored).
    pub fn from_entries<'a>(
        entries: impl Iterator<Item = (&'a [u8], u64)>,
    ) -> Result<SmsModel, ModelError> {
        let (mut version, mut buckets, mut scale, mut bias, mut threshold) =
            (None, None, None, None, None);
        let (mut fraud_bias, mut fraud_threshold) = (None, None);
        let mut weights = Vec::new();
        let mut fraud_weights = Vec::new();
        for (key, value) in entries {
            let model_key = match SmsKey::parse(key) {
                Ok(SmsKey::Model(model_key)) => model_key,
                Err(e) if e.kind == SmsKeyKind::Model => {
                    return Err(ModelError::Malformed("an unknown model key"))
                }
                _ => continue,
            };
            match model_key {
                ModelKey::Version => version = Some(value),
                ModelKey::Buckets => buckets = Some(value),
                ModelKey::Scale => scale = Some(value),
                ModelKey::Bias => bias = Some(unzigzag(value)),
                ModelKey::Threshold => threshold = Some(value),
                ModelKey::Weight(bucket) => weights.push((bucket, unzigzag(value))),
                ModelKey::FraudBias => fraud_bias = Some(unzigzag(value)),
                ModelKey::FraudThreshold => fraud_threshold = Some(value),
                ModelKey::FraudWeight(bucket) => fraud_weights.push((bucket, unzigzag(value))),
            }
        }
        let version = version.ok_or(ModelError::Missing("version"))?;
        if version != FEATURES_VERSION {
            return Err(ModelError::Version(version));
        }
        let buckets = buckets.ok_or(ModelError::Missing("buckets"))?;
        let buckets = u32::try_from(buckets)
            .ok()
            .filter(|b| b.is_power_of_two() && *b <= MAX_BUCKETS)
            .ok_or(ModelError::Malformed(
                "buckets must be a power of two up to 2^20",
            ))?;
        let scale = scale
            .filter(|s| (1..=1_000_000).contains(s))
            .ok_or(ModelError::Malformed("the scale must be 1 to 10^6"))?;
        let threshold = per_mille(threshold)?;
        let bias = bias.ok_or(ModelError::Missing("bias"))?;
        let unwanted = Head::new(bias, threshold, &weights, buckets, scale)?;
        let fraud = match (fraud_bias, fraud_threshold) {
            (None, None) if fraud_weights.is_empty() => None,
            (Some(bias), Some(threshold)) => Some(Head::new(
                bias,
                per_mille(Some(threshold))?,
                &fraud_weights,
                buckets,
                scale,
            )?),
            (None, _) => return Err(ModelError::Missing("fraud:bias")),
            (_, None) => return Err(ModelError::Missing("fraud:threshold")),
        };
        Ok(SmsModel {
            mask: buckets - 1,
            scale: scale as f32,
            unwanted,
            fraud,
        })
    }

    /// Both heads' readings of a message, from its normalised text, in one pass over
    /// its features.
    pub fn read(&self, normalized: &str) -> ModelReading {
        let (mut unwanted, mut fraud) = (0i64, 0i64);
        let mut count = 0u32;
        let unwanted_weights = self.unwanted.weights.view();
        let fraud_weights = self.fraud.as_ref().map(|head| head.weights.view());
        for_each_feature(normalized, self.mask + 1, |bucket| {
            let slot = (bucket & self.mask) as usize;
            unwanted += i64::from(unwanted_weights.get(slot));
            if let Some(weights) = fraud_weights {
                fraud += i64::from(weights.get(slot));
            }
            count += 1;
        });
        let norm = self.scale * (count.max(1) as f32).sqrt();
        let probability = |head: &Head, sum: i64| {
            let z = if count == 0 {
                head.bias
            } else {
                head.bias + sum as f32 / norm
            };
            sigmoid(z)
        };
        ModelReading {
            unwanted: probability(&self.unwanted, unwanted),
            unwanted_threshold: self.unwanted.threshold,
            fraud: self
                .fraud
                .as_ref()
                .map(|head| (probability(head, fraud), head.threshold)),
        }
    }

    /// The probability that a message is unwanted, from its normalised text.
    pub fn probability(&self, normalized: &str) -> f32 {
        self.read(normalized).unwanted
    }

    /// The probability from which a message counts as unwanted.
    pub fn threshold(&self) -> f32 {
        self.unwanted.threshold
    }

    /// Whether the model has a fraud head.
    pub fn has_fraud_head(&self) -> bool {
        self.fraud.is_some()
    }

    /// The number of non-zero weights of both heads (for `inspect` and the docs).
    pub fn nonzero_weights(&self) -> usize {
        let count = |head: &Head| {
            let view = head.weights.view();
            (0..head.weights.len())
                .filter(|s| view.get(*s) != 0)
                .count()
        };
        count(&self.unwanted) + self.fraud.as_ref().map_or(0, count)
    }

    /// The model as it is kept in the SMS index file: buckets, scale, and each head's
    /// bias and threshold exactly as read (`f32` bits), then its weights as
    /// little-endian `i16`s. [`from_bytes`](Self::from_bytes) reads it back unchanged.
    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        let buckets = self.mask as usize + 1;
        let mut out = Vec::with_capacity(28 + buckets * 4);
        out.extend_from_slice(&(self.mask + 1).to_le_bytes());
        out.extend_from_slice(&self.scale.to_bits().to_le_bytes());
        out.extend_from_slice(&u32::from(self.fraud.is_some()).to_le_bytes());
        for head in std::iter::once(&self.unwanted).chain(&self.fraud) {
            out.extend_from_slice(&head.bias.to_bits().to_le_bytes());
            out.extend_from_slice(&head.threshold.to_bits().to_le_bytes());
        }
        for head in std::iter::once(&self.unwanted).chain(&self.fraud) {
            let view = head.weights.view();
            for slot in 0..buckets {
                out.extend_from_slice(&view.get(slot).to_le_bytes());
            }
        }
        out
    }

    /// Reads a model written by [`to_bytes`](Self::to_bytes); its weights stay in
    /// `bytes`, unread until a message needs them.
    pub(crate) fn from_bytes(bytes: &SharedBytes) -> Result<SmsModel, ModelError> {
        let malformed = ModelError::Malformed("the stored model does not hold together");
        let data = bytes.as_ref();
        let word = |at: usize| -> Result<u32, ModelError> {
            data.get(at..at + 4)
                .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .ok_or(malformed.clone())
        };
        let buckets = word(0)?;
        if !buckets.is_power_of_two() || buckets > MAX_BUCKETS {
            return Err(malformed);
        }
        let scale = f32::from_bits(word(4)?);
        let heads = 1 + word(8)? as usize;
        if heads > 2 {
            return Err(malformed);
        }
        let table = buckets as usize * 2;
        let weights_at = 12 + heads * 8;
        if data.len() != weights_at + heads * table {
            return Err(malformed);
        }
        let head = |i: usize| -> Result<Head, ModelError> {
            Ok(Head {
                bias: f32::from_bits(word(12 + i * 8)?),
                threshold: f32::from_bits(word(16 + i * 8)?),
                weights: Weights::LittleEndian(
                    bytes
                        .slice(weights_at + i * table, table)
                        .ok_or(malformed.clone())?,
                ),
            })
        };
        Ok(SmsModel {
            mask: buckets - 1,
            scale,
            unwanted: head(0)?,
            fraud: if heads == 2 { Some(head(1)?) } else { None },
        })
    }
}

impl Head {
    fn new(
        bias: i64,
        threshold: u64,
        weights: &[(u32, i64)],
        buckets: u32,
        scale: u64,
    ) -> Result<Head, ModelError> {
        let mut dense = vec![0i16; buckets as usize];
        for (bucket, weight) in weights {
            let slot = dense
                .get_mut(*bucket as usize)
                .ok_or(ModelError::Malformed("a weight's bucket is out of range"))?;
            *slot = i16::try_from(*weight)
                .map_err(|_| ModelError::Malformed("a weight is out of range"))?;
        }
        Ok(Head {
            bias: bias as f32 / scale as f32,
            threshold: threshold as f32 / 1000.0,
            weights: Weights::Dense(dense),
        })
    }
}

fn per_mille(threshold: Option<u64>) -> Result<u64, ModelError> {
    threshold
        .filter(|t| (1..1000).contains(t))
        .ok_or(ModelError::Malformed(
            "the threshold must be 1 to 999 per mille",
        ))
}

/// A model as the publisher writes it: the source file `sms_model.tsv` that
/// `signed-lists train-sms` writes and `signed-lists build` reads.
///
/// ```text
/// # comments
/// version    1
/// buckets    262144
/// scale      1000
/// bias       -1234
/// threshold  873
/// w          12345   -532
/// fraud_bias       -2100
/// fraud_threshold  930
/// fw         12345   311
/// ```
///
/// The `fraud_` lines and `fw` weights are the optional fraud head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelParams {
    /// The hash space, a power of two ≤ [`MAX_BUCKETS`].
    pub buckets: u32,
    /// Weights and bias are stored as integers × scale.
    pub scale: u64,
    /// The bias × scale.
    pub bias: i64,
    /// The probability per mille from which a message is unwanted.
    pub threshold: u64,
    /// (bucket, weight × scale), non-zero weights only, ascending by bucket.
    pub weights: Vec<(u32, i64)>,
    /// The fraud head, if the model has one.
    pub fraud: Option<HeadParams>,
}

/// A head beyond the first, as the publisher writes it: it shares the model's buckets
/// and scale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeadParams {
    /// The bias × scale.
    pub bias: i64,
    /// The probability per mille from which the head's class is named.
    pub threshold: u64,
    /// (bucket, weight × scale), non-zero weights only, ascending by bucket.
    pub weights: Vec<(u32, i64)>,
}

impl ModelParams {
    /// The list entries (key, value) that carry this model, in key order.
    pub fn entries(&self) -> Vec<(String, u64)> {
        let setting = |key: ModelKey| SmsKey::Model(key).encode();
        let mut entries = vec![
            (setting(ModelKey::Bias), zigzag(self.bias)),
            (setting(ModelKey::Buckets), u64::from(self.buckets)),
            (setting(ModelKey::Scale), self.scale),
            (setting(ModelKey::Threshold), self.threshold),
            (setting(ModelKey::Version), FEATURES_VERSION),
        ];
        entries.extend(
            self.weights
                .iter()
                .map(|(b, w)| (weight_key(*b), zigzag(*w))),
        );
        if let Some(fraud) = &self.fraud {
            entries.push((setting(ModelKey::FraudBias), zigzag(fraud.bias)));
            entries.push((setting(ModelKey::FraudThreshold), fraud.threshold));
            entries.extend(fraud.weights.iter().map(|(b, w)| {
                (
                    SmsKey::Model(ModelKey::FraudWeight(*b)).encode(),
                    zigzag(*w),
                )
            }));
        }
        entries.sort();
        entries
    }

    /// Checks the model as the phone will read it.
    pub fn validate(&self) -> Result<SmsModel, ModelError> {
        let entries = self.entries();
        SmsModel::from_entries(entries.iter().map(|(k, v)| (k.as_bytes(), *v)))
    }

    /// Writes the source file.
    pub fn write_source(&self, out: &mut dyn std::io::Write, comment: &str) -> std::io::Result<()> {
        for line in comment.lines() {
            writeln!(out, "# {line}")?;
        }
        writeln!(out, "version\t{FEATURES_VERSION}")?;
        writeln!(out, "buckets\t{}", self.buckets)?;
        writeln!(out, "scale\t{}", self.scale)?;
        writeln!(out, "bias\t{}", self.bias)?;
        writeln!(out, "threshold\t{}", self.threshold)?;
        for (bucket, weight) in &self.weights {
            writeln!(out, "w\t{bucket}\t{weight}")?;
        }
        if let Some(fraud) = &self.fraud {
            writeln!(out, "fraud_bias\t{}", fraud.bias)?;
            writeln!(out, "fraud_threshold\t{}", fraud.threshold)?;
            for (bucket, weight) in &fraud.weights {
                writeln!(out, "fw\t{bucket}\t{weight}")?;
            }
        }
        Ok(())
    }

    /// Reads the source file; an error names the line (from 1) and what is wrong.
    pub fn parse_source(text: &str) -> Result<ModelParams, (u64, String)> {
        let mut params = ModelParams {
            buckets: 0,
            scale: 0,
            bias: 0,
            threshold: 0,
            weights: Vec::new(),
            fraud: None,
        };
        let (mut fraud_bias, mut fraud_threshold) = (None, None);
        let mut fraud_weights = Vec::new();
        let mut seen_version = false;
        let mut line_no = 0u64;
        for line in text.lines() {
            line_no += 1;
            let line = line.trim_start_matches('\u{feff}').trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let bad = |what: &str| (line_no, what.to_owned());
            let mut fields = line.split('\t').map(str::trim);
            let name = fields.next().unwrap_or_default();
            let first = fields
                .next()
                .ok_or_else(|| bad("expected name<TAB>value"))?;
            match name {
                "version" => {
                    let v: u64 = first.parse().map_err(|_| bad("the version is a number"))?;
                    if v != FEATURES_VERSION {
                        return Err(bad("this features version is not supported"));
                    }
                    seen_version = true;
                }
                "buckets" => {
                    params.buckets = first.parse().map_err(|_| bad("buckets is a number"))?
                }
                "scale" => params.scale = first.parse().map_err(|_| bad("scale is a number"))?,
                "bias" => params.bias = first.parse().map_err(|_| bad("bias is an integer"))?,
                "threshold" => {
                    params.threshold = first
                        .parse()
                        .map_err(|_| bad("threshold is a number per mille"))?
                }
                "w" | "fw" => {
                    let bucket: u32 = first.parse().map_err(|_| bad("a bucket is a number"))?;
                    let weight: i64 = fields
                        .next()
                        .and_then(|w| w.parse().ok())
                        .filter(|w: &i64| w.abs() <= MAX_STORED_WEIGHT)
                        .ok_or_else(|| bad("a weight is an integer within ±32767"))?;
                    if name == "w" {
                        params.weights.push((bucket, weight));
                    } else {
                        fraud_weights.push((bucket, weight));
                    }
                }
                "fraud_bias" => {
                    fraud_bias = Some(first.parse().map_err(|_| bad("fraud_bias is an integer"))?)
                }
                "fraud_threshold" => {
                    fraud_threshold = Some(
                        first
                            .parse()
                            .map_err(|_| bad("fraud_threshold is a number per mille"))?,
                    )
                }
                _ => return Err(bad("unknown model line")),
            }
        }
        if !seen_version {
            return Err((line_no, "the model has no version line".into()));
        }
        params.weights.sort_unstable();
        fraud_weights.sort_unstable();
        let repeated = |w: &[(u32, i64)]| w.windows(2).any(|w| w[0].0 == w[1].0);
        if repeated(&params.weights) || repeated(&fraud_weights) {
            return Err((line_no, "a bucket has two weights".into()));
        }
        params.fraud = match (fraud_bias, fraud_threshold) {
            (None, None) if fraud_weights.is_empty() => None,
            (Some(bias), Some(threshold)) => Some(HeadParams {
                bias,
                threshold,
                weights: fraud_weights,
            }),
            _ => {
                return Err((
                    line_no,
                    "the fraud head needs fraud_bias and fraud_threshold lines".into(),
                ))
            }
        };
        params.validate().map_err(|e| (line_no, e.to_string()))?;
        Ok(params)
    }
}

/// The logistic function.
pub fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

/// The key of bucket `bucket`'s weight.
pub fn weight_key(bucket: u32) -> String {
    SmsKey::Model(ModelKey::Weight(bucket)).encode()
}

const FNV_OFFSET: u32 = 0x811c_9dc5;
const FNV_PRIME: u32 = 0x0100_0193;

fn fnv(hash: u32, bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .fold(hash, |h, b| (h ^ u32::from(*b)).wrapping_mul(FNV_PRIME))
}

fn hash_chars(kind: u8, chars: &[char]) -> u32 {
    let mut hash = fnv(FNV_OFFSET, &[kind]);
    let mut buf = [0u8; 4];
    for c in chars {
        hash = fnv(hash, c.encode_utf8(&mut buf).as_bytes());
    }
    hash
}

/// Calls `emit` with the bucket of every feature of `normalized` (see the module docs).
/// `buckets` must be a power of two.
pub fn for_each_feature(normalized: &str, buckets: u32, mut emit: impl FnMut(u32)) {
    let mask = buckets.wrapping_sub(1);
    let mut chars: Vec<char> = Vec::with_capacity(normalized.len().min(MAX_MODEL_CHARS));
    for c in normalized.chars() {
        if chars.len() >= MAX_MODEL_CHARS {
            break;
        }
        let c = if c.is_ascii_digit() {
            '0'
        } else if c.is_whitespace() {
            ' '
        } else {
            c
        };
        if c == ' ' && chars.last().is_none_or(|last| *last == ' ') {
            continue;
        }
        chars.push(c);
    }
    for (n, kind) in [(2usize, 2u8), (3, 3)] {
        for gram in chars.windows(n) {
            if gram.iter().filter(|c| **c == ' ').count() * 2 >= n {
                continue; // mostly space: no information
            }
            emit(hash_chars(kind, gram) & mask);
        }
    }
    for word in chars.split(|c| !c.is_ascii_alphanumeric()) {
        if word.len() >= 2 {
            emit(hash_chars(1, word) & mask);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn features(text: &str) -> Vec<u32> {
        let mut out = Vec::new();
        for_each_feature(text, 1 << 16, |b| out.push(b));
        out
    }

    type Entries = Vec<(Vec<u8>, u64)>;

    fn model_entries(weights: &[(u32, i64)], bias: i64) -> Entries {
        let mut entries: Entries = vec![
            (b"model:version".to_vec(), FEATURES_VERSION),
            (b"model:buckets".to_vec(), 1 << 16),
            (b"model:scale".to_vec(), 1000),
            (b"model:bias".to_vec(), zigzag(bias)),
            (b"model:threshold".to_vec(), 500),
        ];
        entries.extend(
            weights
                .iter()
                .map(|(b, w)| (weight_key(*b).into_bytes(), zigzag(*w))),
        );
        entries
    }

    #[test]
    fn source_file_round_trips() {
        let params = ModelParams {
            buckets: 1 << 16,
            scale: 1000,
            bias: -1500,
            threshold: 870,
            weights: vec![(3, -40), (65535, 32767)],
            fraud: None,
        };
        let mut out = Vec::new();
        params.write_source(&mut out, "trained on nothing").unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("# trained on nothing\n"));
        assert_eq!(ModelParams::parse_source(&text).unwrap(), params);
        let model = params.validate().unwrap();
        assert_eq!(model.nonzero_weights(), 2);
        let bad = |t: &str| ModelParams::parse_source(t).unwrap_err();
        assert_eq!(bad(&text.replace("version\t1", "version\t2")).0, 2);
        assert_eq!(bad(&text.replace("w\t3\t-40", "w\t3\t-40000")).0, 7);
        assert!(bad(&text.replace("w\t3\t", "w\t65535\t"))
            .1
            .contains("two weights"));
        assert!(bad(&text.replace("buckets\t65536", "buckets\t1000"))
            .1
            .contains("power of two"));
        assert!(bad("buckets\t8\n").1.contains("no version"));
    }

    #[test]
    fn a_fraud_head_round_trips_and_reads_beside_the_first() {
        let text = "win cash now";
        let buckets = features(text);
        let mut weights: Vec<(u32, i64)> = buckets.iter().map(|b| (*b, 3000)).collect();
        weights.sort_unstable();
        weights.dedup_by_key(|w| w.0);
        let params = ModelParams {
            buckets: 1 << 16,
            scale: 1000,
            bias: -1000,
            threshold: 500,
            weights: weights.clone(),
            fraud: Some(HeadParams {
                bias: -500,
                threshold: 900,
                weights: weights.iter().map(|(b, w)| (*b, -w)).collect(),
            }),
        };
        let mut out = Vec::new();
        params.write_source(&mut out, "two heads").unwrap();
        let source = String::from_utf8(out).unwrap();
        assert_eq!(ModelParams::parse_source(&source).unwrap(), params);
        let model = params.validate().unwrap();
        assert!(model.has_fraud_head());
        assert_eq!(model.nonzero_weights(), 2 * weights.len());
        let reading = model.read(text);
        assert!(reading.unwanted > 0.99, "{reading:?}");
        let (fraud, threshold) = reading.fraud.unwrap();
        assert!(
            fraud < 0.01 && (threshold - 0.9).abs() < 1e-6,
            "{reading:?}"
        );
        assert_eq!(model.probability(text), reading.unwanted);

        // A head without its bias or threshold is refused, naming what is missing.
        let without = source.replace("fraud_threshold\t900\n", "");
        assert!(ModelParams::parse_source(&without)
            .unwrap_err()
            .1
            .contains("fraud_threshold"));
        let entries = params.entries();
        let missing = |key: &str| {
            SmsModel::from_entries(
                entries
                    .iter()
                    .filter(|(k, _)| k != key)
                    .map(|(k, v)| (k.as_bytes(), *v)),
            )
            .unwrap_err()
        };
        assert_eq!(
            missing("model:fraud:bias"),
            ModelError::Missing("fraud:bias")
        );
        assert_eq!(
            missing("model:fraud:threshold"),
            ModelError::Missing("fraud:threshold")
        );
    }

    #[test]
    fn digits_fold_and_spacing_does_not_matter() {
        assert_eq!(features("call 0906 170"), features("call  1234\n567"));
        assert_ne!(features("call 0906"), features("mail 0906"));
        assert!(features("").is_empty());
        assert!(features("   ").is_empty());
        // 4 chars: 3 bigrams + 2 trigrams; no ASCII word.
        assert_eq!(features("安全账户").len(), 5);
    }

    #[test]
    fn long_text_is_capped() {
        let long = "ab ".repeat(1_000_000);
        let n = features(&long).len();
        assert!(n < 3 * MAX_MODEL_CHARS, "{n} features");
    }

    #[test]
    fn scores_with_the_weights_it_was_given() {
        let text = "win cash now";
        let buckets = features(text);
        let weights: Vec<(u32, i64)> = buckets.iter().map(|b| (*b, 3000)).collect();
        let entries = model_entries(&weights, -1000);
        let model =
            SmsModel::from_entries(entries.iter().map(|(k, v)| (k.as_slice(), *v))).unwrap();
        assert!(model.probability(text) > 0.99);
        // Nothing known: the bias alone.
        assert!((model.probability("安全") - sigmoid(-1.0)).abs() < 1e-6);
        assert!((model.threshold() - 0.5).abs() < 1e-6);
    }

    #[test]
    fn rejects_inconsistent_models() {
        let bad = |mutate: &dyn Fn(&mut Entries)| {
            let mut entries = model_entries(&[(1, 5)], 0);
            mutate(&mut entries);
            SmsModel::from_entries(entries.iter().map(|(k, v)| (k.as_slice(), *v))).unwrap_err()
        };
        assert_eq!(
            bad(&|e| e.retain(|(k, _)| k != b"model:version")),
            ModelError::Missing("version")
        );
        assert_eq!(bad(&|e| e[0].1 = 2), ModelError::Version(2));
        assert!(matches!(bad(&|e| e[1].1 = 1000), ModelError::Malformed(_)));
        assert!(matches!(
            bad(&|e| e.push((weight_key(1 << 16).into_bytes(), 1))),
            ModelError::Malformed(_)
        ));
        assert!(matches!(
            bad(&|e| e.push((weight_key(7).into_bytes(), zigzag(40_000)))),
            ModelError::Malformed(_)
        ));
        assert!(matches!(
            bad(&|e| e.push((b"model:wat".to_vec(), 1))),
            ModelError::Malformed(_)
        ));
    }
}
