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

/// A category's score and the phrases that made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryScore {
    /// The category.
    pub category: Category,
    /// Sum of the weights of its matched rules.
    pub score: u32,
    /// The matched phrases, strongest first (at most a few, for the explanation).
    pub phrases: Vec<String>,
}

/// A category's score while tallying, with the rules that fired as (weight, index).
type Fired = (Category, u32, Vec<(u32, usize)>);

/// A rule that fired in a message: what [`tally`] needs of it.
pub(crate) struct Firing {
    pub group: usize,
    pub weight: u32,
    /// The rule's index, for its text.
    pub index: usize,
    /// `None` for an advisory rule.
    pub category: Option<Category>,
}

/// Sums the rules that fired into scores per category, strongest category first. Only the
/// strongest rule of each group counts (a rule written in both scripts, or twice with other
/// exclusions, counts once); advisories take their weight off every fraud category, not
/// off advertising; each category names its three strongest rules (`text` gives a rule's
/// text by index). Both matchers score through here, so they can differ only in which
/// rules they find firing.
pub(crate) fn tally(
    firings: impl IntoIterator<Item = Firing>,
    text: impl Fn(usize) -> Option<String>,
) -> Vec<CategoryScore> {
    let mut best: Vec<Firing> = Vec::new();
    for firing in firings {
        match best.iter_mut().find(|b| b.group == firing.group) {
            Some(b) if b.weight >= firing.weight => {}
            Some(b) => *b = firing,
            None => best.push(firing),
        }
    }
    let mut fired: Vec<Fired> = Vec::new();
    let mut advisory = 0;
    for Firing {
        weight,
        index,
        category,
        ..
    } in best
    {
        let Some(category) = category else {
            advisory += weight;
            continue;
        };
        match fired.iter_mut().find(|(c, _, _)| *c == category) {
            Some((_, score, rules)) => {
                *score += weight;
                rules.push((weight, index));
            }
            None => fired.push((category, weight, vec![(weight, index)])),
        }
    }
    if advisory > 0 {
        for (category, score, _) in &mut fired {
            if !matches!(category, Category::Spam | Category::Telemarketing) {
                *score = score.saturating_sub(advisory);
            }
        }
        fired.retain(|(_, score, _)| *score > 0);
    }
    let mut scores: Vec<CategoryScore> = fired
        .into_iter()
        .map(|(category, score, mut rules)| {
            rules.sort_by_key(|(weight, i)| (std::cmp::Reverse(*weight), *i));
            CategoryScore {
                category,
                score,
                phrases: rules.iter().take(3).filter_map(|(_, i)| text(*i)).collect(),
            }
        })
        .collect();
    scores.sort_by(|a, b| b.score.cmp(&a.score).then(a.category.cmp(&b.category)));
    scores
}
