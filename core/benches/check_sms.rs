//! `Engine::check_sms` on a 160-character message with 100k phrase rules, 1M domains and
//! a statistical model of 60k weights loaded (DESIGN.md's budget: median ≤ 20 µs), beside
//! the same list with the model switched off and an empty list, measured in the same run,
//! so the cost of the list's size and of the model shows as ratios.
//!
//! Run: `cargo bench -p callguard-core --bench check_sms`.

#[allow(dead_code)]
mod common;
use common::big_sms::{big_sms_list, random_weights};
use common::demo_sources::{demo_list, section_entries};

use std::hint::black_box;

use callguard_core::sms::{HeadParams, ModelParams};
use callguard_core::{Engine, EngineConfig, ListSet, SmsInput};
use criterion::{criterion_group, criterion_main, Criterion};
use rand::rngs::StdRng;
use rand::SeedableRng;

/// 100k phrase rules (half Chinese, half English), 1M domains and a model, all random
/// ([`big_sms_list`]); `use_model` switches the model on or off in the engine.
fn big_engine(use_model: bool) -> Engine {
    let mut config = EngineConfig::new("CN".parse().expect("region"));
    config.sms_model = use_model;
    let engine = Engine::open_in_memory(config).expect("engine");
    engine.replace_lists(big_sms_list());
    engine
}

fn message() -> SmsInput {
    let text = "【通知】您的银行账户涉嫌异常交易已被临时冻结，请于今日内点击 https://www.icbc-secure-check.top/verify 完成身份核验，或将资金转入安全账户。客服电话 400-123-4567，逾期将影响征信。";
    let text: String = text.chars().take(160).collect();
    SmsInput::new("+852 6123 4567", text)
}

/// The same message in Traditional Chinese, which OpenCC's `t2s` converts before matching.
fn traditional_message() -> SmsInput {
    let text = "【通知】您的銀行賬戶涉嫌異常交易已被臨時凍結，請於今日內點擊 https://www.icbc-secure-check.top/verify 完成身份核驗，或將資金轉入安全賬戶。客服電話 400-123-4567，逾期將影響征信。";
    let text: String = text.chars().take(160).collect();
    SmsInput::new("+852 6123 4567", text)
}

/// Resident memory of this process in kB (Linux), to show what loading OpenCC's
/// dictionaries costs; `None` elsewhere.
fn resident_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn bench(c: &mut Criterion) {
    // Printed once: what the first Chinese message costs in memory (OpenCC's t2s data).
    let before = resident_kb();
    black_box(callguard_core::sms::normalize("請轉入安全賬戶"));
    if let (Some(before), Some(after)) = (before, resident_kb()) {
        eprintln!(
            "OpenCC t2s loaded on first use: resident memory +{} kB",
            after.saturating_sub(before)
        );
    }
    let small =
        Engine::open_in_memory(EngineConfig::new("CN".parse().expect("region"))).expect("engine");
    let big = big_engine(true);
    let rules_only = big_engine(false);
    let input = message();
    let traditional = traditional_message();
    // Build the phrase automaton and load the model before timing.
    big.check_sms(&input).expect("decision");
    rules_only.check_sms(&input).expect("decision");
    let mut group = c.benchmark_group("check_sms_160_chars");
    group.sample_size(50);
    group.bench_function("100k_rules_1M_domains_model", |b| {
        b.iter(|| big.check_sms(black_box(&input)))
    });
    group.bench_function("100k_rules_1M_domains_model_off", |b| {
        b.iter(|| rules_only.check_sms(black_box(&input)))
    });
    group.bench_function("empty_list", |b| {
        b.iter(|| small.check_sms(black_box(&input)))
    });
    group.bench_function("100k_rules_1M_domains_model_traditional", |b| {
        b.iter(|| big.check_sms(black_box(&traditional)))
    });
    // The normalisation alone (NFKC, case, t2s, fillers), of which t2s is a part.
    // Round 5's structure markers alone (card number, risky link host, mobile and
    // foreign numbers), on the same message, beside the whole decision above.
    let structure =
        callguard_core::testing::structure_markers(&input.text, "CN".parse().expect("region"));
    assert_eq!(structure(), 1, "the risky link host");
    group.bench_function("structure_markers_only", |b| {
        b.iter(|| black_box(structure()))
    });
    group.bench_function("normalize_only_simplified", |b| {
        b.iter(|| callguard_core::sms::normalize(black_box(&input.text)))
    });
    group.bench_function("normalize_only_traditional", |b| {
        b.iter(|| callguard_core::sms::normalize(black_box(&traditional.text)))
    });
    group.finish();
}

/// The time grows linearly with the message: 1 KB to 1 MB of mixed text with links,
/// numbers and emoji, each 10× longer than the last.
fn scaling(c: &mut Criterion) {
    let engine = big_engine(true);
    let unit = "安全账户 example.com 😀 call 400-123-4567 ｆｕｌｌ　ｗｉｄｔｈ \u{200b}";
    let mut group = c.benchmark_group("check_sms_length");
    group.sample_size(10);
    for kb in [1usize, 10, 100, 1000] {
        let mut text = String::new();
        while text.len() < kb * 1024 {
            text.push_str(unit);
        }
        let input = SmsInput::new("", text);
        group.throughput(criterion::Throughput::Bytes((kb * 1024) as u64));
        group.bench_function(format!("{kb}KB"), |b| {
            b.iter(|| engine.check_sms(black_box(&input)))
        });
    }
    group.finish();
}

/// The demo list's SMS section compiled from scratch (about 1,900 rules and brands and a
/// 60k-weight model): what the first SMS after the list is loaded pays, once, beside one
/// warm `check_sms` on the same list.
fn index_build(c: &mut Criterion) {
    use callguard_core::testing::SmsIndex;
    use callguard_core::Section;
    let lists = demo_lists();
    let engine =
        Engine::open_in_memory(EngineConfig::new("CN".parse().expect("region"))).expect("engine");
    let input = message();
    let mut group = c.benchmark_group("sms_index_demo_list");
    group.sample_size(20);
    group.bench_function("compile_rules_and_model", |b| {
        b.iter(|| SmsIndex::build(&mut *black_box(&lists).cursor(Section::SmsRules)))
    });
    engine.replace_lists(lists);
    engine.check_sms(&input).expect("decision");
    group.bench_function("warm_check_sms", |b| {
        b.iter(|| engine.check_sms(black_box(&input)))
    });
    group.finish();
}

/// The model alone on a 160-character message, read by the phone's code: the unwanted
/// head only, against both heads (the fraud head is read in the same pass over the
/// features), so the fraud head's cost shows as a ratio.
fn model_heads(c: &mut Criterion) {
    let mut rng = StdRng::seed_from_u64(11);
    let buckets = 1u32 << 18;
    let weights = random_weights(&mut rng, buckets);
    let one = ModelParams {
        buckets,
        scale: 1000,
        bias: 0,
        threshold: 500,
        weights: weights.clone(),
        fraud: None,
    };
    let two = ModelParams {
        fraud: Some(HeadParams {
            bias: -1000,
            threshold: 900,
            weights: weights.iter().map(|(b, w)| (*b, -w)).collect(),
        }),
        ..one.clone()
    };
    let text = callguard_core::sms::model_input(&message().text, "CN".parse().expect("region"));
    let (one, two) = (
        one.validate().expect("one head"),
        two.validate().expect("two heads"),
    );
    let mut group = c.benchmark_group("sms_model_read_160_chars");
    group.bench_function("unwanted_head_only", |b| {
        b.iter(|| black_box(one.read(black_box(&text))))
    });
    group.bench_function("unwanted_and_fraud_heads", |b| {
        b.iter(|| black_box(two.read(black_box(&text))))
    });
    group.finish();
}

/// The phrase rules alone on the 160-character message (normalised, with the link and
/// number markers the scan adds): the flat form walked through its FST, which the engine
/// uses, against the Aho-Corasick automaton it replaced, on the 100k rules and on the
/// demo list's, in the same run.
fn phrase_forms(c: &mut Criterion) {
    use callguard_core::sms::phrases_ac::AhoCorasickMatcher;
    use callguard_core::sms::{normalize, PhraseMatcher};
    use callguard_core::Section;
    let entries = |lists: &ListSet| section_entries(lists, Section::SmsRules);
    let text = format!("{} [link] [number]", normalize(&message().text));
    let mut group = c.benchmark_group("sms_phrases_160_chars");
    for (name, lists) in [("100k_rules", big_sms_list()), ("demo_list", demo_lists())] {
        let entries = entries(&lists);
        let rules = || entries.iter().map(|(k, v)| (k.as_slice(), *v));
        let flat = PhraseMatcher::new(rules());
        let reference = AhoCorasickMatcher::new(rules());
        assert_eq!(
            flat.score(&text),
            reference.score(&text),
            "{name}: the forms agree"
        );
        group.bench_function(format!("{name}_flat_fst_walk"), |b| {
            b.iter(|| black_box(flat.score(black_box(&text))))
        });
        group.bench_function(format!("{name}_aho_corasick"), |b| {
            b.iter(|| black_box(reference.score(black_box(&text))))
        });
    }
    group.finish();
}

/// The demo list's SMS section (rules and model), from the publisher's sources.
fn demo_lists() -> ListSet {
    use callguard_sources::lists::SourceKind;
    demo_list(&[SourceKind::SmsRules, SourceKind::SmsModel])
}

criterion_group!(
    benches,
    bench,
    scaling,
    index_build,
    model_heads,
    phrase_forms
);
criterion_main!(benches);
