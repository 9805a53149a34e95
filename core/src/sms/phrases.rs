//! Weighted phrase rules, matched in one pass by one Aho-Corasick automaton.
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

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use callguard_format::SmsKey;

use super::normalize::normalize;
use crate::vocabulary::Category;

/// One rule, with its parts as pattern ids.
struct Rule {
    /// `None` for an advisory rule.
    category: Option<Category>,
    weight: u32,
    /// Rules of one category with the same required parts share a group and count once.
    group: usize,
    required: Vec<usize>,
    forbidden: Vec<usize>,
    text: String,
}

/// All rules of a list, compiled.
pub struct PhraseMatcher {
    automaton: Option<AhoCorasick>,
    rules: Vec<Rule>,
    /// Pattern id → the rules it anchors. Each rule is anchored at the one of its
    /// required parts that the fewest rules need, so a common part (`[link]`, `账户`)
    /// does not make every message evaluate hundreds of rules, and no rule is evaluated
    /// twice.
    by_anchor: Vec<Vec<usize>>,
    /// Pattern id → whether it starts with a Latin letter (and so must start a word).
    word_start: Vec<bool>,
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

impl PhraseMatcher {
    /// Compiles rules given as (`category:phrase`, weight); unreadable rules are skipped
    /// (the publisher validates them, so none are expected).
    pub fn new<'a>(entries: impl Iterator<Item = (&'a [u8], u64)>) -> PhraseMatcher {
        let mut patterns: Vec<String> = Vec::new();
        let mut ids: HashMap<String, usize> = HashMap::new();
        let mut rules: Vec<Rule> = Vec::new();
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
                let (negated, text) = match part.strip_prefix('!') {
                    Some(rest) => (true, rest),
                    None => (false, part),
                };
                let text = normalize(text);
                if text.is_empty() {
                    continue;
                }
                let next = patterns.len();
                let id = *ids.entry(text.clone()).or_insert_with(|| {
                    patterns.push(text);
                    next
                });
                if negated {
                    forbidden.push(id);
                } else {
                    required.push(id);
                }
            }
            // With Traditional folded to Simplified, a rule written in both scripts
            // compiles twice to the same required parts (perhaps with other exclusions):
            // the two form one group, which counts once, at its highest firing weight.
            required.sort_unstable();
            forbidden.sort_unstable();
            let weight = weight.min(100) as u32;
            let next_group = groups.len();
            let group = *groups
                .entry((category, required.clone()))
                .or_insert(next_group);
            if !required.is_empty() {
                rules.push(Rule {
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
        PhraseMatcher {
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
        // Category → (score, the rules that fired).
        let mut fired: Vec<(Category, u32, Vec<usize>)> = Vec::new();
        let mut advisory = 0;
        // The strongest firing rule of each group; the rest of a group adds nothing.
        let mut best: Vec<usize> = Vec::new();
        for index in candidates {
            let rule = &self.rules[index];
            let fires = rule.required.iter().all(|&id| matched.contains(id))
                && !rule.forbidden.iter().any(|&id| matched.contains(id));
            if !fires {
                continue;
            }
            match best
                .iter_mut()
                .find(|b| self.rules[**b].group == rule.group)
            {
                Some(b) if self.rules[*b].weight >= rule.weight => {}
                Some(b) => *b = index,
                None => best.push(index),
            }
        }
        for index in best {
            let rule = &self.rules[index];
            let Some(category) = rule.category else {
                advisory += rule.weight;
                continue;
            };
            match fired.iter_mut().find(|(c, _, _)| *c == category) {
                Some((_, score, rules)) => {
                    *score += rule.weight;
                    rules.push(index);
                }
                None => fired.push((category, rule.weight, vec![index])),
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
                rules.sort_by_key(|i| (std::cmp::Reverse(self.rules[*i].weight), *i));
                CategoryScore {
                    category,
                    score,
                    phrases: rules
                        .iter()
                        .take(3)
                        .map(|i| self.rules[*i].text.clone())
                        .collect(),
                }
            })
            .collect();
        scores.sort_by(|a, b| b.score.cmp(&a.score).then(a.category.cmp(&b.category)));
        scores
    }
}

/// A set of pattern ids, one bit each.
struct PatternSet(Vec<u64>);

impl PatternSet {
    fn new(len: usize) -> PatternSet {
        PatternSet(vec![0; len.div_ceil(64)])
    }

    /// Adds `id`; whether it was new.
    fn insert(&mut self, id: usize) -> bool {
        let (word, bit) = (id / 64, 1u64 << (id % 64));
        let new = self.0[word] & bit == 0;
        self.0[word] |= bit;
        new
    }

    fn contains(&self, id: usize) -> bool {
        self.0[id / 64] & (1u64 << (id % 64)) != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher(rules: &[(&str, u64)]) -> PhraseMatcher {
        PhraseMatcher::new(rules.iter().map(|(k, w)| (k.as_bytes(), *w)))
    }

    #[test]
    fn sums_weights_per_category_and_explains() {
        let m = matcher(&[
            ("official_impersonation:安全账户", 70),
            ("official_impersonation:冻结", 40),
            ("loan_credit:贷款", 30),
        ]);
        let scores = m.score(&normalize("您的资金已被冻结，请转入安全 账 户"));
        assert_eq!(scores[0].category, Category::OfficialImpersonation);
        assert_eq!(scores[0].score, 110);
        assert_eq!(scores[0].phrases, ["安全账户", "冻结"], "strongest first");
        let m = matcher(&[("account_phishing:验证码&告诉&!请勿告诉", 80)]);
        assert_eq!(
            m.score(&normalize("验证码告诉我"))[0].phrases,
            ["验证码 + 告诉"],
            "explained by what was found"
        );
        assert_eq!(scores.len(), 1);
    }

    #[test]
    fn conjunctions_and_exclusions() {
        let m = matcher(&[("account_phishing:验证码&告诉&!请勿告诉&!不要告诉", 80)]);
        assert!(
            m.score(&normalize("您的验证码是 123456，请勿告诉他人"))
                .is_empty(),
            "a bank notice stays clean"
        );
        assert!(
            m.score(&normalize("验证码 123456")).is_empty(),
            "a code alone stays clean"
        );
        assert_eq!(m.score(&normalize("把收到的验证码告诉我一下"))[0].score, 80);
    }

    #[test]
    fn latin_parts_match_at_word_starts_only() {
        let m = matcher(&[("prize:etc&[link]", 60), ("prize:win", 50)]);
        assert!(m
            .score(&normalize("Book at oakvetclinic.com [link]"))
            .is_empty());
        assert!(m.score(&normalize("a twin room")).is_empty());
        assert_eq!(m.score(&normalize("ETC认证失效 [link]"))[0].score, 60);
        assert_eq!(m.score(&normalize("you win! and twin"))[0].score, 50);
        assert_eq!(
            m.score(&normalize("winners all"))[0].score,
            50,
            "endings are free"
        );
    }

    #[test]
    fn advisories_take_weight_off_fraud_but_not_off_advertising() {
        let m = matcher(&[
            ("fake_customer_service:冒充客服", 60),
            ("fake_customer_service:退款", 30),
            ("spam:退订", 60),
            ("advisory:都是诈骗", 70),
        ]);
        let scores = m.score(&normalize("冒充客服退款的都是诈骗！退订回T"));
        let got: Vec<(Category, u32)> = scores.iter().map(|s| (s.category, s.score)).collect();
        assert_eq!(
            got,
            [
                (Category::Spam, 60),
                (Category::FakeCustomerService, 90 - 70)
            ]
        );
        let scores = m.score(&normalize("我是客服，冒充客服退款请加微信"));
        assert_eq!(scores[0].score, 90);
    }

    #[test]
    fn a_rule_in_both_scripts_counts_once() {
        let m = matcher(&[
            ("official_impersonation:安全账户", 60),
            ("official_impersonation:安全賬戶", 70),
            ("official_impersonation:涉嫌洗錢", 40),
            ("loan_credit:额度&!上调", 30),
            ("loan_credit:額度&!調整", 25),
        ]);
        assert_eq!(m.len(), 5);
        let scores = m.score(&normalize("你涉嫌洗钱，请转入安全账户"));
        assert_eq!(
            scores[0].score, 110,
            "the higher weight, once, plus the other rule"
        );
        assert_eq!(m.score(&normalize("請轉入安全賬戶"))[0].score, 70);
        let loan = |t: &str| m.score(&normalize(t)).first().map(|s| s.score);
        assert_eq!(loan("额度"), Some(30), "both fire: the group counts once");
        assert_eq!(
            loan("额度上调"),
            Some(25),
            "the other exclusion still fires"
        );
        assert_eq!(loan("額度上調並調整"), None, "both excluded");
    }

    #[test]
    fn empty_and_malformed_rules_are_harmless() {
        let m = matcher(&[("nonsense", 50), ("no_such_category:x", 50), ("spam:", 50)]);
        assert!(m.is_empty());
        assert!(m.score("anything").is_empty());
    }
}
