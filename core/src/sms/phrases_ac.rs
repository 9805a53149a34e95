//! The phrase rules matched by an Aho-Corasick automaton compiled at the first SMS: how
//! every list was matched before the flat form of [`super::phrases`]. Kept, for tests and
//! benchmarks only (the `testing` feature), as the reference that the flat form must
//! agree with message for message, and as the alternative its cold start is measured
//! against. The phone's build does not contain it.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::phrase_rules::{self, CategoryScore, Firing, ParsedRule, ParsedRules, PatternSet};

/// All rules of a list, compiled into an Aho-Corasick automaton.
pub struct AhoCorasickMatcher {
    automaton: Option<AhoCorasick>,
    rules: Vec<ParsedRule>,
    /// Pattern id → the rules it anchors. Each rule is anchored at the one of its
    /// required parts that the fewest rules need, so a common part (`[link]`, `账户`)
    /// does not make every message evaluate hundreds of rules, and no rule is evaluated
    /// twice.
    by_anchor: Vec<Vec<usize>>,
    /// Pattern id → whether it starts with a Latin letter (and so must start a word).
    word_start: Vec<bool>,
}

impl AhoCorasickMatcher {
    /// Compiles rules given as (`category:phrase`, weight); unreadable rules are skipped
    /// (the publisher validates them, so none are expected).
    pub fn new<'a>(entries: impl Iterator<Item = (&'a [u8], u64)>) -> AhoCorasickMatcher {
        let ParsedRules {
            patterns,
            rules,
            by_anchor,
        } = phrase_rules::parse(entries);
        let word_start = patterns
            .iter()
            .map(|p| p.starts_with(|c: char| c.is_ascii_alphabetic()))
            .collect();
        let automaton = (!patterns.is_empty())
            .then(|| {
                AhoCorasickBuilder::new()
                    .match_kind(MatchKind::Standard)
                    .build(&patterns)
                    .ok()
            })
            .flatten();
        AhoCorasickMatcher {
            automaton,
            rules,
            by_anchor,
            word_start,
        }
    }

    /// The number of compiled rules.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether there are no rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Scores normalised text per category, strongest category first.
    pub fn score(&self, normalized: &str) -> Vec<CategoryScore> {
        let Some(automaton) = &self.automaton else {
            return Vec::new();
        };
        // One bit per pattern: with 100k rules a bitset is 12 kB to clear per message,
        // where a `Vec<bool>` would be 100 kB.
        let mut matched = PatternSet::new(self.by_anchor.len());
        let mut found_ids = Vec::new();
        let bytes = normalized.as_bytes();
        for found in automaton.find_overlapping_iter(normalized) {
            let id = found.pattern().as_usize();
            let inside_word = self.word_start[id]
                && found.start() > 0
                && bytes[found.start() - 1].is_ascii_alphabetic();
            if !inside_word && matched.insert(id) {
                found_ids.push(id);
            }
        }
        // A rule can only fire if its anchor was found; it is evaluated once, there.
        let candidates = found_ids
            .iter()
            .flat_map(|id| self.by_anchor[*id].iter().copied());
        let firings = candidates.filter_map(|index| {
            let rule = &self.rules[index];
            let fires = rule.required.iter().all(|&id| matched.contains(id))
                && !rule.forbidden.iter().any(|&id| matched.contains(id));
            fires.then_some(Firing {
                group: rule.group,
                weight: rule.weight,
                index,
                category: rule.category,
            })
        });
        phrase_rules::tally(firings, |index| {
            self.rules.get(index).map(|r| r.text.clone())
        })
    }
}
