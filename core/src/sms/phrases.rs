//! Weighted phrase rules, compiled into one flat byte form that is matched as it lies:
//! built once at install time into the list's SMS index file ([`super::index_file`]) and
//! read back without compiling anything, or built in memory when that file is missing.
//!
//! A rule comes from the list's SMS section: key `category:phrase`, value = weight
//! (0–100). A phrase may combine parts: `验证码&发给` needs both parts, and a part starting
//! with `!` must be absent (`验证码&告诉&!请勿告诉`), which is how a bank's "never tell
//! anyone this code" stays clean while "tell me the code" does not.
//!
//! A message's score in a category is the sum of the weights of the distinct rules that
//! matched; the matched phrases are kept for the explanation.
//!
//! Two refinements keep everyday text clean:
//! - a part that starts with a Latin letter only matches at the start of a word, so
//!   `etc` (China's toll tags) does not fire inside `vetclinic.com`, nor `win` inside
//!   `twin`; endings stay free, so `prize` still matches `prizes`;
//! - **advisory** rules (key `advisory:phrase`) recognise warnings *about* fraud ("冒充客服
//!   …都是诈骗", "we will never ask for your code"): their weight is taken off every fraud
//!   category, because a bank's or the police's warning uses the very words of the scams
//!   it describes.
//!
//! # Matching
//! The distinct normalised parts ("patterns") are the keys of an FST whose values are the
//! pattern ids. A message is matched by walking the FST from every character boundary:
//! each final state reached is a pattern that occurs there. That finds exactly the
//! occurrences an Aho-Corasick automaton over the same patterns reports (every pattern
//! at every place it occurs), with nothing to build but the FST, which is data. Walks
//! that start inside a Latin word are skipped: a pattern found there starts with a Latin
//! letter, so it would be discarded by the word-start rule anyway. So are walks that
//! cannot reach a pattern: two bitmaps, of the one-character patterns and of the first
//! two characters of the longer ones (hashed, so two may share a bit, which only costs a
//! walk), tell in two lookups, where the FST would take several steps per character.
//!
//! # The flat form
//! Little-endian `u32`s unless noted:
//!
//! | part | content |
//! |---|---|
//! | header | pattern count, rule count, FST length |
//! | starts | 2^16 bits, bit `c mod 2^16` set for a one-character pattern `c`; then 2^18 bits, bit [`pair_bit`]`(c, d)` set for a pattern starting with `c` then `d` |
//! | FST | normalised pattern → pattern id |
//! | anchor offsets | pattern count + 1 offsets into the anchor list |
//! | anchor list | rule indices, grouped by the pattern that anchors them |
//! | rule offsets | rule count + 1 byte offsets into the rule data |
//! | rule data | per rule: category (`u8`, its position in `Category::ALL`, the list format's category byte; 255 for an advisory), weight (`u8`), two zero bytes, the required count, the forbidden count, the text's length, the group, the required ids, the forbidden ids, the text (UTF-8) |
//!
//! Reading never panics on bytes that do not hold together: [`PhraseMatcher::from_bytes`]
//! checks the layout, and a rule that does not decode is skipped. (The index file is
//! also checked whole by its hash before it is read.)

use std::sync::Arc;

use fst::raw::Fst;

pub use super::phrase_rules::CategoryScore;
use super::phrase_rules::{self, Firing, ParsedRule, PatternSet};
use crate::vocabulary::Category;

/// A shared byte buffer, or a part of one: what the compiled forms are read from.
#[derive(Clone)]
pub struct SharedBytes {
    bytes: Arc<Vec<u8>>,
    start: usize,
    end: usize,
}

impl SharedBytes {
    /// All of `bytes`.
    pub fn new(bytes: Vec<u8>) -> SharedBytes {
        let end = bytes.len();
        SharedBytes {
            bytes: Arc::new(bytes),
            start: 0,
            end,
        }
    }

    /// The part `range` of these bytes (relative to their start), if it lies inside them.
    pub fn slice(&self, start: usize, len: usize) -> Option<SharedBytes> {
        let end = start.checked_add(len)?;
        (end <= self.len()).then(|| SharedBytes {
            bytes: self.bytes.clone(),
            start: self.start + start,
            end: self.start + end,
        })
    }

    /// The length in bytes.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// Whether there are no bytes.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl AsRef<[u8]> for SharedBytes {
    fn as_ref(&self) -> &[u8] {
        &self.bytes[self.start..self.end]
    }
}

/// The category byte of an advisory rule.
const ADVISORY: u8 = u8::MAX;
/// Header: pattern count, rule count, FST length.
const HEADER: usize = 12;
/// The one-character patterns' bitmap, in bytes.
const SINGLES: usize = (1 << 16) / 8;
/// The first-two-characters bitmap, in bytes.
const PAIRS: usize = (1 << 18) / 8;
/// Where the FST starts.
const FST_AT: usize = HEADER + SINGLES + PAIRS;

/// The bit of the character pair (`c`, `d`) in the pairs bitmap: a multiplicative hash
/// to 18 bits.
fn pair_bit(c: char, d: char) -> usize {
    let h = (c as u32).wrapping_mul(0x9e37_79b1) ^ (d as u32);
    (h.wrapping_mul(0x85eb_ca77) >> 14) as usize
}

fn bit_set(bits: &[u8], bit: usize) -> bool {
    bits.get(bit / 8).is_some_and(|b| b & (1 << (bit % 8)) != 0)
}

fn set_bit(bits: &mut [u8], bit: usize) {
    if let Some(b) = bits.get_mut(bit / 8) {
        *b |= 1 << (bit % 8);
    }
}
/// A rule record's fixed part: category, weight, two spare bytes, then the required,
/// forbidden and text lengths and the group.
const RULE_FIXED: usize = 20;

/// All rules of a list, compiled into the flat form.
pub struct PhraseMatcher {
    bytes: SharedBytes,
    patterns: Option<Fst<SharedBytes>>,
    pattern_count: usize,
    rule_count: usize,
    anchor_offsets: usize,
    anchor_list: usize,
    rule_offsets: usize,
    rule_data: usize,
}

/// Why compiled phrase bytes could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PhraseBytesError {
    /// The parts do not fit in the bytes, or overlap.
    #[error("the compiled phrase rules are truncated or malformed")]
    Layout,
    /// The pattern FST does not read.
    #[error("the compiled phrase rules' pattern index does not read: {0}")]
    Patterns(String),
}

/// A rule as read from the flat form.
struct RuleView<'a> {
    category: Option<Category>,
    weight: u32,
    group: u32,
    required: &'a [u8],
    forbidden: &'a [u8],
    text: &'a [u8],
}

fn read_u32(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// The `u32`s packed in `ids`.
fn ids(ids: &[u8]) -> impl Iterator<Item = usize> + '_ {
    ids.chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]) as usize)
}

fn category_byte(category: Option<Category>) -> u8 {
    category
        .and_then(|c| Category::ALL.iter().position(|a| *a == c))
        .map_or(ADVISORY, |p| p as u8)
}

impl PhraseMatcher {
    /// Compiles rules given as (`category:phrase`, weight); unreadable rules are skipped
    /// (the publisher validates them, so none are expected).
    pub fn new<'a>(entries: impl Iterator<Item = (&'a [u8], u64)>) -> PhraseMatcher {
        let bytes = compile(entries);
        // The bytes were just written by `encode`, which the tests hold to `from_bytes`.
        PhraseMatcher::from_bytes(SharedBytes::new(bytes)).unwrap_or_else(|_| PhraseMatcher {
            bytes: SharedBytes::new(Vec::new()),
            patterns: None,
            pattern_count: 0,
            rule_count: 0,
            anchor_offsets: 0,
            anchor_list: 0,
            rule_offsets: 0,
            rule_data: 0,
        })
    }

    /// Compiles rules into the flat form, for the SMS index file.
    pub(crate) fn compile<'a>(entries: impl Iterator<Item = (&'a [u8], u64)>) -> Vec<u8> {
        compile(entries)
    }

    /// Reads rules compiled by [`compile`](Self::compile), checking that every part lies
    /// inside the bytes.
    pub fn from_bytes(bytes: SharedBytes) -> Result<PhraseMatcher, PhraseBytesError> {
        let layout = PhraseBytesError::Layout;
        let data = bytes.as_ref();
        let pattern_count = read_u32(data, 0).ok_or(layout.clone())? as usize;
        let rule_count = read_u32(data, 4).ok_or(layout.clone())? as usize;
        let fst_len = read_u32(data, 8).ok_or(layout.clone())? as usize;
        let anchor_offsets = FST_AT.checked_add(fst_len).ok_or(layout.clone())?;
        // Where a table of `entries` u32s starting at `start` ends (`None` on overflow).
        let table_end =
            |start: usize, entries: Option<usize>| entries?.checked_mul(4)?.checked_add(start);
        let anchor_list =
            table_end(anchor_offsets, pattern_count.checked_add(1)).ok_or(layout.clone())?;
        let anchors = read_u32(data, anchor_list - 4).ok_or(layout.clone())?;
        let rule_offsets = table_end(anchor_list, Some(anchors as usize)).ok_or(layout.clone())?;
        let rule_data = table_end(rule_offsets, rule_count.checked_add(1)).ok_or(layout.clone())?;
        let data_len = read_u32(data, rule_data - 4).ok_or(layout.clone())?;
        if rule_data.checked_add(data_len as usize) != Some(data.len()) {
            return Err(layout);
        }
        let patterns = if pattern_count == 0 {
            None
        } else {
            let fst_bytes = bytes.slice(FST_AT, fst_len).ok_or(layout)?;
            Some(Fst::new(fst_bytes).map_err(|e| PhraseBytesError::Patterns(e.to_string()))?)
        };
        Ok(PhraseMatcher {
            bytes,
            patterns,
            pattern_count,
            rule_count,
            anchor_offsets,
            anchor_list,
            rule_offsets,
            rule_data,
        })
    }

    /// The number of compiled rules.
    pub fn len(&self) -> usize {
        self.rule_count
    }

    /// Whether there are no rules.
    pub fn is_empty(&self) -> bool {
        self.rule_count == 0
    }

    /// Calls `found(pattern id, start)` for every occurrence of every pattern in `text`
    /// that is not inside a Latin word (see the module's notes on matching).
    fn occurrences(&self, fst: &Fst<SharedBytes>, text: &str, mut found: impl FnMut(usize)) {
        let bytes = text.as_bytes();
        let data = self.bytes.as_ref();
        let singles = data.get(HEADER..HEADER + SINGLES).unwrap_or(&[]);
        let pairs = data.get(HEADER + SINGLES..FST_AT).unwrap_or(&[]);
        let root = fst.root();
        let mut chars = text.char_indices().peekable();
        while let Some((start, c)) = chars.next() {
            let first = bytes[start];
            if first.is_ascii_alphabetic() && start > 0 && bytes[start - 1].is_ascii_alphabetic() {
                continue;
            }
            let single = bit_set(singles, c as usize & 0xffff);
            let pair = chars
                .peek()
                .is_some_and(|(_, d)| bit_set(pairs, pair_bit(c, *d)));
            if !single && !pair {
                continue;
            }
            let mut node = root;
            let mut output = 0u64;
            for &byte in &bytes[start..] {
                let Some(index) = node.find_input(byte) else {
                    break;
                };
                let transition = node.transition(index);
                output = output.wrapping_add(transition.out.value());
                node = fst.node(transition.addr);
                if node.is_final() {
                    found(output.wrapping_add(node.final_output().value()) as usize);
                }
            }
        }
    }

    /// The rules anchored at pattern `id`.
    fn anchored(&self, id: usize) -> impl Iterator<Item = usize> + '_ {
        let data = self.bytes.as_ref();
        let list = (|| {
            let at = self.anchor_offsets.checked_add(id.checked_mul(4)?)?;
            let from = read_u32(data, at)? as usize;
            let to = read_u32(data, at.checked_add(4)?)? as usize;
            let start = self.anchor_list.checked_add(from.checked_mul(4)?)?;
            let end = self.anchor_list.checked_add(to.checked_mul(4)?)?;
            data.get(start..end)
        })();
        ids(list.unwrap_or(&[]))
    }

    /// Rule `index`, if it decodes.
    fn rule(&self, index: usize) -> Option<RuleView<'_>> {
        let data = self.bytes.as_ref();
        let at = self.rule_offsets.checked_add(index.checked_mul(4)?)?;
        let from = self.rule_data.checked_add(read_u32(data, at)? as usize)?;
        let to = self
            .rule_data
            .checked_add(read_u32(data, at.checked_add(4)?)? as usize)?;
        let record = data.get(from..to)?;
        let category = match *record.first()? {
            ADVISORY => None,
            byte => Some(*Category::ALL.get(usize::from(byte))?),
        };
        let weight = u32::from(*record.get(1)?);
        let required = (read_u32(record, 4)? as usize).checked_mul(4)?;
        let forbidden = (read_u32(record, 8)? as usize).checked_mul(4)?;
        let text = read_u32(record, 12)? as usize;
        let group = read_u32(record, 16)?;
        let forbidden_at = RULE_FIXED.checked_add(required)?;
        let text_at = forbidden_at.checked_add(forbidden)?;
        Some(RuleView {
            category,
            weight,
            group,
            required: record.get(RULE_FIXED..forbidden_at)?,
            forbidden: record.get(forbidden_at..text_at)?,
            text: record.get(text_at..text_at.checked_add(text)?)?,
        })
    }

    /// Scores normalised text per category, strongest category first.
    pub fn score(&self, normalized: &str) -> Vec<CategoryScore> {
        let Some(fst) = &self.patterns else {
            return Vec::new();
        };
        // One bit per pattern: with 100k rules a bitset is 12 kB to clear per message,
        // where a `Vec<bool>` would be 100 kB.
        let mut matched = PatternSet::new(self.pattern_count);
        let mut found_ids = Vec::new();
        self.occurrences(fst, normalized, |id| {
            if id < self.pattern_count && matched.insert(id) {
                found_ids.push(id);
            }
        });
        // A rule can only fire if its anchor was found; it is evaluated once, there.
        let mut firings = Vec::new();
        for &id in &found_ids {
            for index in self.anchored(id) {
                let Some(rule) = self.rule(index) else {
                    continue;
                };
                let fires = ids(rule.required).all(|id| matched.contains(id))
                    && !ids(rule.forbidden).any(|id| matched.contains(id));
                if fires {
                    firings.push(Firing {
                        group: rule.group as usize,
                        weight: rule.weight,
                        index,
                        category: rule.category,
                    });
                }
            }
        }
        phrase_rules::tally(firings, |index| {
            self.rule(index)
                .map(|r| String::from_utf8_lossy(r.text).into_owned())
        })
    }
}

/// Parses, normalises, groups and anchors the rules, and writes the flat form.
fn compile<'a>(entries: impl Iterator<Item = (&'a [u8], u64)>) -> Vec<u8> {
    let parsed = phrase_rules::parse(entries);
    encode(&parsed.patterns, &parsed.rules, &parsed.by_anchor)
}

fn push_u32(out: &mut Vec<u8>, value: usize) {
    out.extend_from_slice(&(value as u32).to_le_bytes());
}

/// Writes the flat form (see the module's table).
fn encode(patterns: &[String], rules: &[ParsedRule], by_anchor: &[Vec<usize>]) -> Vec<u8> {
    let mut sorted: Vec<(&str, usize)> = patterns
        .iter()
        .enumerate()
        .map(|(id, p)| (p.as_str(), id))
        .collect();
    sorted.sort_unstable();
    let mut builder = fst::MapBuilder::memory();
    for (pattern, id) in &sorted {
        // Distinct, sorted keys: the builder cannot refuse them.
        let _ = builder.insert(pattern, *id as u64);
    }
    let fst_bytes = builder.into_inner().unwrap_or_default();
    let mut out = Vec::new();
    push_u32(&mut out, patterns.len());
    push_u32(&mut out, rules.len());
    push_u32(&mut out, fst_bytes.len());
    let (mut singles, mut pairs) = (vec![0u8; SINGLES], vec![0u8; PAIRS]);
    for pattern in patterns {
        let mut chars = pattern.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => set_bit(&mut singles, c as usize & 0xffff),
            (Some(c), Some(d)) => set_bit(&mut pairs, pair_bit(c, d)),
            (None, _) => {}
        }
    }
    out.extend_from_slice(&singles);
    out.extend_from_slice(&pairs);
    out.extend_from_slice(&fst_bytes);
    let mut offset = 0;
    for list in by_anchor {
        push_u32(&mut out, offset);
        offset += list.len();
    }
    push_u32(&mut out, offset);
    for index in by_anchor.iter().flatten() {
        push_u32(&mut out, *index);
    }
    let mut data = Vec::new();
    let mut offsets = Vec::with_capacity(rules.len() + 1);
    for rule in rules {
        offsets.push(data.len());
        let text = rule.text.as_bytes();
        data.push(category_byte(rule.category));
        data.push(rule.weight.min(100) as u8);
        data.extend_from_slice(&[0, 0]);
        push_u32(&mut data, rule.required.len());
        push_u32(&mut data, rule.forbidden.len());
        push_u32(&mut data, text.len());
        push_u32(&mut data, rule.group);
        for id in rule.required.iter().chain(&rule.forbidden) {
            push_u32(&mut data, *id);
        }
        data.extend_from_slice(text);
    }
    offsets.push(data.len());
    for offset in offsets {
        push_u32(&mut out, offset);
    }
    out.extend_from_slice(&data);
    out
}

#[cfg(test)]
#[path = "phrases_tests.rs"]
mod tests;
