//! The publisher's statistical SMS model through the engine: its unwanted head labels
//! advertising and lifts a fraud category the rules already point to; its fraud head
//! warns on its own, under the rules' category or `suspected_fraud`, never blocks; and it
//! can be switched off.

mod common;

use callguard_core::sms::model_input;
use callguard_core::sms::{for_each_feature, HeadParams, ModelParams};
use callguard_core::{
    Action, Category, Decision, Engine, EngineConfig, ListSet, ReasonCode, SmsInput,
};
use common::region;

const BUCKETS: u32 = 1 << 16;

/// A model that gives every feature of `unwanted` the weight `weight` (× 1000) and has
/// a bias of -2, so text it has never seen is normal.
fn model_for(unwanted: &str, weight: i64) -> ModelParams {
    ModelParams {
        buckets: BUCKETS,
        scale: 1000,
        bias: -2000,
        threshold: 600,
        weights: weights_for(unwanted, weight),
        fraud: None,
    }
}

/// Every feature bucket of `text`, with the weight `weight` (× 1000).
fn weights_for(text: &str, weight: i64) -> Vec<(u32, i64)> {
    let mut buckets = Vec::new();
    for_each_feature(&model_input(text, region("CN")), BUCKETS, |b| {
        buckets.push(b)
    });
    buckets.sort_unstable();
    buckets.dedup();
    buckets.into_iter().map(|b| (b, weight)).collect()
}

/// A model whose unwanted head knows `unwanted` and whose fraud head knows `fraud`
/// (threshold 0.8).
fn model_with_fraud_head(unwanted: &str, fraud: &str) -> ModelParams {
    ModelParams {
        fraud: Some(HeadParams {
            bias: -2000,
            threshold: 800,
            weights: weights_for(fraud, 4000),
        }),
        ..model_for(unwanted, 4000)
    }
}

fn engine_with(model: &ModelParams, use_model: bool) -> Engine {
    let mut config = EngineConfig::new(region("CN"));
    config.sms_model = use_model;
    let engine = Engine::open_in_memory(config).unwrap();
    let mut b = ListSet::builder("model-test", 1);
    b.add_sms_rule(Category::Prize, "lucky draw", 30).unwrap();
    b.add_sms_rule(Category::Spam, "unsubscribe", 60).unwrap();
    b.add_sms_model(model).unwrap();
    engine.replace_lists(b.build().unwrap());
    engine
}

fn sms(engine: &Engine, text: &str) -> Decision {
    engine.check_sms(&SmsInput::new("10690000", text)).unwrap()
}

fn codes(d: &Decision) -> Vec<ReasonCode> {
    d.reasons.iter().map(|r| r.code).collect()
}

const AD: &str = "Big sale this weekend, 50% off every sofa, visit our store";

#[test]
fn labels_what_it_finds_unwanted_as_spam_and_allows_it_by_default() {
    let engine = engine_with(&model_for(AD, 4000), true);
    let d = sms(&engine, AD);
    assert_eq!(d.action, Action::Allow, "{d:?}");
    assert_eq!(d.category, Some(Category::Spam));
    assert_eq!(codes(&d), [ReasonCode::SmsModel]);
    assert!(d.reasons[0].detail.contains("model"), "{d:?}");

    engine.set_setting("sms-spam", "warn").unwrap();
    assert_eq!(sms(&engine, AD).action, Action::Warn);

    // A text that shares nothing with it stays unlabelled.
    let d = sms(&engine, "晚上一起吃饭吗");
    assert_eq!((d.action, d.category), (Action::Allow, None), "{d:?}");
}

#[test]
fn lifts_a_fraud_category_the_rules_point_to_but_never_invents_one() {
    let text = "You are in our lucky draw, claim the prize at our office";
    let with = engine_with(&model_for(text, 4000), true);
    let without = engine_with(&model_for(text, 4000), false);

    // The rule alone scores 30, under the warn score: nothing.
    let d = sms(&without, text);
    assert_eq!((d.action, d.category), (Action::Allow, None), "{d:?}");
    assert!(codes(&d).is_empty());

    // With the model agreeing, 30 + MODEL_BOOST reaches warn, and both reasons show.
    let d = sms(&with, text);
    const { assert!(30 + callguard_core::testing::MODEL_BOOST >= 50) };
    assert_eq!(d.action, Action::Warn, "{d:?}");
    assert_eq!(d.category, Some(Category::Prize));
    assert_eq!(codes(&d), [ReasonCode::SmsPhrase, ReasonCode::SmsModel]);

    // The same model on a text with no fraud rule only labels it spam.
    let alone = "claim the prize at our office";
    let d = sms(&with, alone);
    assert_eq!(
        (d.action, d.category),
        (Action::Allow, Some(Category::Spam)),
        "{d:?}"
    );
}

#[test]
fn a_lukewarm_model_labels_but_does_not_lift() {
    let text = "You are in our lucky draw, claim the prize at our office";
    // Weights chosen so the probability sits between the threshold (0.6) and the
    // lifting probability (0.9).
    let params = model_for(text, 250);
    let engine = engine_with(&params, true);
    let p = params
        .validate()
        .unwrap()
        .probability(&model_input(text, region("CN")));
    assert!(
        (0.6..callguard_core::testing::BOOST_PROBABILITY).contains(&p),
        "probability {p}"
    );
    let d = sms(&engine, text);
    assert_eq!(d.action, Action::Allow, "{d:?}");
    assert_eq!(d.category, Some(Category::Spam));
}

#[test]
fn advertising_rules_keep_their_own_explanation() {
    let text = "Big sale this weekend, reply STOP to unsubscribe";
    let engine = engine_with(&model_for(text, 4000), true);
    let d = sms(&engine, text);
    assert_eq!(d.category, Some(Category::Spam));
    assert_eq!(codes(&d), [ReasonCode::SmsPhrase], "{d:?}");
}

#[test]
fn switched_off_it_is_not_consulted() {
    let engine = engine_with(&model_for(AD, 4000), false);
    let d = sms(&engine, AD);
    assert_eq!((d.action, d.category), (Action::Allow, None), "{d:?}");
}

#[test]
fn a_model_that_does_not_read_is_refused_by_the_publisher() {
    let mut params = model_for(AD, 4000);
    params.buckets = 1000;
    let mut b = ListSet::builder("bad-model", 1);
    assert!(b.add_sms_model(&params).is_err());
    params.buckets = BUCKETS;
    params.threshold = 1000;
    assert!(b.add_sms_model(&params).is_err());
}

const SCAM: &str = "您的账户已被冻结，请立即联系专员处理";

#[test]
fn the_fraud_head_warns_alone_as_suspected_fraud_and_never_blocks() {
    let engine = engine_with(&model_with_fraud_head(AD, SCAM), true);
    let d = sms(&engine, SCAM);
    assert_eq!(d.action, Action::Warn, "{d:?}");
    assert_eq!(d.category, Some(Category::SuspectedFraud));
    assert_eq!(codes(&d), [ReasonCode::SmsModel]);
    assert!(d.reasons[0].detail.contains("fraud"), "{d:?}");

    // What the fraud head does not know, it leaves to the unwanted head: labelled spam.
    let d = sms(&engine, AD);
    assert_eq!(
        (d.action, d.category),
        (Action::Allow, Some(Category::Spam)),
        "{d:?}"
    );
    // Switched off, neither head speaks.
    let off = engine_with(&model_with_fraud_head(AD, SCAM), false);
    let d = sms(&off, SCAM);
    assert_eq!((d.action, d.category), (Action::Allow, None), "{d:?}");
}

#[test]
fn the_fraud_head_names_the_category_the_rules_lean_to() {
    // "lucky draw" scores 30 for prize: under the warn score alone.
    let text = "You are in our lucky draw, confirm your details with our agent today";
    let engine = engine_with(&model_with_fraud_head(AD, text), true);
    let d = sms(&engine, text);
    assert_eq!(d.action, Action::Warn, "{d:?}");
    assert_eq!(d.category, Some(Category::Prize), "{d:?}");
    assert!(codes(&d).contains(&ReasonCode::SmsModel), "{d:?}");
}

#[test]
fn the_fraud_head_does_not_override_advertising_rules() {
    let text = "Big sale this weekend, reply STOP to unsubscribe";
    let engine = engine_with(&model_with_fraud_head(AD, text), true);
    let d = sms(&engine, text);
    assert_eq!(
        (d.action, d.category),
        (Action::Allow, Some(Category::Spam)),
        "{d:?}"
    );
}

#[test]
fn a_fraud_head_without_its_threshold_is_refused_by_the_publisher() {
    let mut params = model_with_fraud_head(AD, SCAM);
    if let Some(head) = params.fraud.as_mut() {
        head.threshold = 0;
    }
    let mut b = ListSet::builder("bad-head", 1);
    assert!(b.add_sms_model(&params).is_err());
}

#[test]
fn with_a_fraud_head_the_lift_needs_both_heads() {
    let text = "You are in our lucky draw, claim the prize at our office";
    // The unwanted head is sure of the text, the fraud head knows nothing of it: the
    // rule's 30 stays under the warn score and the text is only labelled.
    let engine = engine_with(&model_with_fraud_head(text, "晚上一起吃饭吗"), true);
    let d = sms(&engine, text);
    assert_eq!(
        (d.action, d.category),
        (Action::Allow, Some(Category::Spam)),
        "{d:?}"
    );

    // A fraud head that finds it more likely fraud than not, though under its own warn
    // threshold (0.8), lifts the rule to warn: the smallest per-feature weight that
    // reaches the lifting probability.
    let head = |weight| {
        let mut params = model_for(text, 4000);
        params.fraud = Some(HeadParams {
            bias: -2000,
            threshold: 800,
            weights: weights_for(text, weight),
        });
        let reading = params
            .validate()
            .unwrap()
            .read(&model_input(text, region("CN")));
        (params, reading.fraud.expect("a fraud head").0)
    };
    let (params, p) = (1..4000)
        .map(head)
        .find(|(_, p)| *p >= callguard_core::testing::FRAUD_BOOST_PROBABILITY)
        .expect("a weight that lifts");
    assert!(p < 0.8, "fraud probability {p}");
    // The fraud head's agreement alone does not lift: the unwanted head must be sure too.
    let mut unsure = model_for(text, 250);
    unsure.fraud = params.fraud.clone();
    let d = sms(&engine_with(&unsure, true), text);
    assert_eq!(d.action, Action::Allow, "{d:?}");
    let d = sms(&engine_with(&params, true), text);
    assert_eq!(
        (d.action, d.category),
        (Action::Warn, Some(Category::Prize)),
        "{d:?}"
    );
    assert_eq!(codes(&d), [ReasonCode::SmsPhrase, ReasonCode::SmsModel]);
    assert!(
        d.reasons[1].detail.contains("finds the text fraud"),
        "{d:?}"
    );
}
