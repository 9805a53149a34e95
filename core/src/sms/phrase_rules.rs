//! The phrase rules of a list's SMS section, read into patterns and rules: what both
//! matchers are built from (the flat form of [`super::phrases`], and the Aho-Corasick
//! reference of `phrases_ac` under the `testing` feature), so the two can differ only in
//! how they find the patterns in a message.

use std::collections::HashMap;

use callguard_format::SmsKey;

use super::normalize::normalize;
use crate::vocabulary::Category;

/// One rule, with its parts as pattern ids.
pub(crate) struct ParsedRule {
    /// `None` for an advisory rule.
    pub category: Option<Category>,
    pub weight: u32,
    /// Rules of one category with the same required parts share a group and count once.
    pub group: usize,
    pub required: Vec<usize>,
    pub forbidden: Vec<usize>,
    /// What was found, for the explanation: the required parts joined by ` + `.
    pub text: String,
}

/// Every rule of a list, its distinct normalised parts, and which rules each part anchors.
pub(crate) struct ParsedRules {
    /// The distinct normalised parts, by pattern id.
    pub patterns: Vec<String>,
    pub rules: Vec<ParsedRule>,
    /// Pattern id → the rules it anchors. Each rule is anchored at the one of its
    /// required parts that the fewest rules need, so a common part (`[link]`, `账户`)
    /// does not make every message evaluate hundreds of rules, and no rule is evaluated
    /// twice.
    pub by_anchor: Vec<Vec<usize>>,
}

/// Reads rules given as (`category:phrase`, weight); unreadable rules are skipped (the
/// publisher validates them, so none are expected).
pub(crate) fn parse<'a>(entries: impl Iterator<Item = (&'a [u8], u64)>) -> ParsedRules {
    let mut patterns: Vec<String> = Vec::new();
    let mut pattern_ids: HashMap<String, usize> = HashMap::new();
    // Word lists expand into every combination, so one part is written in many rules:
    // normalise each written part once (NFKC, case, OpenCC), not once per rule.
    let mut written: HashMap<&'a str, Option<usize>> = HashMap::new();
    let mut rules: Vec<ParsedRule> = Vec::new();
    let mut groups: HashMap<(Option<Category>, Vec<usize>), usize> = HashMap::new();
    for (key, weight) in entries {
        let (category, phrase) = match SmsKey::parse(key) {
            Ok(SmsKey::Phrase { category, phrase }) => (Some(category), phrase),
            Ok(SmsKey::Advisory(phrase)) => (None, phrase),
            _ => continue,
        };
        let mut required = Vec::new();
        let mut forbidden = Vec::new();
        for part in phrase.split('&') {
            let (negated, raw) = match part.strip_prefix('!') {
                Some(rest) => (true, rest),
                None => (false, part),
            };
            let id = *written.entry(raw).or_insert_with(|| {
                let text = normalize(raw);
                if text.is_empty() {
                    return None;
                }
                let next = patterns.len();
                Some(*pattern_ids.entry(text.clone()).or_insert_with(|| {
                    patterns.push(text);
                    next
                }))
            });
            match (id, negated) {
                (Some(id), true) => forbidden.push(id),
                (Some(id), false) => required.push(id),
                (None, _) => {}
            }
        }
        // With Traditional folded to Simplified, a rule written in both scripts compiles
        // twice to the same required parts (perhaps with other exclusions): the two form
        // one group, which counts once, at its highest firing weight.
        required.sort_unstable();
        forbidden.sort_unstable();
        let weight = weight.min(100) as u32;
        let next_group = groups.len();
        let group = *groups
            .entry((category, required.clone()))
            .or_insert(next_group);
        if !required.is_empty() {
            rules.push(ParsedRule {
                group,
                category,
                weight,
                required,
                forbidden,
                // What was found, for the explanation; the absent parts say nothing.
                text: phrase
                    .split('&')
                    .filter(|p| !p.starts_with('!'))
                    .collect::<Vec<_>>()
                    .join(" + "),
            });
        }
    }
    let mut needed_by = vec![0usize; patterns.len()];
    for rule in &rules {
        for &id in &rule.required {
            needed_by[id] += 1;
        }
    }
    let mut by_anchor = vec![Vec::new(); patterns.len()];
    for (index, rule) in rules.iter().enumerate() {
        if let Some(&anchor) = rule.required.iter().min_by_key(|&&id| (needed_by[id], id)) {
            by_anchor[anchor].push(index);
        }
    }
    ParsedRules {
        patterns,
        rules,
        by_anchor,
    }
}

/// A set of pattern ids, one bit each: with 100k rules it is 12 kB to clear per message,
/// where a `Vec<bool>` would be 100 kB. An id past the end is never in it (ids read from
/// an index file are checked, but a set must not be what panics if one is not).
pub(crate) struct PatternSet(Vec<u64>);

impl PatternSet {
    /// An empty set for ids below `len`.
    pub fn new(len: usize) -> PatternSet {
        PatternSet(vec![0; len.div_ceil(64)])
    }

    /// Adds `id`; whether it was new (false for an id past the end).
    pub fn insert(&mut self, id: usize) -> bool {
        let bit = 1u64 << (id % 64);
        match self.0.get_mut(id / 64) {
            Some(word) => {
                let new = *word & bit == 0;
                *word |= bit;
                new
            }
            None => false,
        }
    }

    /// Whether `id` is in the set.
    pub fn contains(&self, id: usize) -> bool {
        self.0
            .get(id / 64)
            .is_some_and(|w| w & (1u64 << (id % 64)) != 0)
    }
}
