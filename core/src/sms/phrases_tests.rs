//! The phrase rules' behaviour, held for the flat form; every score is also compared
//! with the Aho-Corasick reference's.

use super::*;
use crate::sms::normalize::normalize;
use crate::sms::phrases_ac::AhoCorasickMatcher;

/// The flat form and the reference, compiled from the same rules.
struct Both(PhraseMatcher, AhoCorasickMatcher);

impl Both {
    fn score(&self, text: &str) -> Vec<CategoryScore> {
        let scores = self.0.score(text);
        assert_eq!(
            scores,
            self.1.score(text),
            "the two forms differ on {text:?}"
        );
        scores
    }

    fn len(&self) -> usize {
        assert_eq!(self.0.len(), self.1.len());
        self.0.len()
    }

    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn matcher(rules: &[(&str, u64)]) -> Both {
    let entries = || rules.iter().map(|(k, w)| (k.as_bytes(), *w));
    Both(
        PhraseMatcher::new(entries()),
        AhoCorasickMatcher::new(entries()),
    )
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

#[test]
fn the_flat_form_reads_back_and_refuses_cut_bytes() {
    let rules = [
        ("prize:中奖&[link]", 60u64),
        ("advisory:都是诈骗", 70),
        ("spam:退订", 40),
    ];
    let bytes = PhraseMatcher::compile(rules.iter().map(|(k, w)| (k.as_bytes(), *w)));
    let read = PhraseMatcher::from_bytes(SharedBytes::new(bytes.clone())).expect("reads");
    assert_eq!(read.len(), 3);
    assert_eq!(read.score(&normalize("恭喜中奖 [link] 退订"))[0].score, 60);
    for cut in [0, 5, 12, bytes.len() / 2, bytes.len() - 1] {
        assert!(
            PhraseMatcher::from_bytes(SharedBytes::new(bytes[..cut].to_vec())).is_err(),
            "cut at {cut}"
        );
    }
    let mut longer = bytes;
    longer.push(0);
    assert!(PhraseMatcher::from_bytes(SharedBytes::new(longer)).is_err());
}

#[test]
fn walks_find_overlapping_and_nested_patterns() {
    let m = matcher(&[
        ("prize:中奖", 10),
        ("prize:奖金", 20),
        ("prize:中奖金额", 30),
        ("task_scam:a", 1),
        ("task_scam:ab", 2),
        ("task_scam:b", 4),
    ]);
    assert_eq!(m.score("中奖金额")[0].score, 60);
    assert_eq!(m.score("x ab")[0].score, 3, "b is inside the word ab");
    assert_eq!(m.score("a-b")[0].score, 5);
}
