//! The SMS rules: what the findings of [`crate::sms`] mean for a decision.
//!
//! | finding | reason code | action |
//! |---|---|---|
//! | a link to a listed domain (suffix match) | `sms_domain` | the entry's |
//! | an IP host, a brand lookalike, mixed-script punycode | `sms_link_suspicious` | warn |
//! | a listed number written in the text | `sms_number` | the entry's |
//! | phrase rules of a fraud category scoring ≥ [`WARN_SCORE`] / [`BLOCK_SCORE`] | `sms_phrase` | warn / block |
//! | phrase rules of `spam` or `telemarketing` | `sms_phrase` | the `sms-spam` setting (allow by default) |
//! | the model's fraud head at or above its threshold | `sms_model` | warn, under the rules' leading fraud category or `suspected_fraud` |
//! | the model's probability at or above the list's threshold | `sms_model` | the `sms-spam` setting, labelled `spam` |
//!
//! A shortened link adds [`SHORTENER_BOOST`] to the leading fraud category, and a model
//! sure the message is unwanted ([`BOOST_PROBABILITY`]) and, if it has a fraud head, that
//! finds it more likely fraud than not ([`FRAUD_BOOST_PROBABILITY`]) adds [`MODEL_BOOST`] to
//! one the rules already point to ([`MODEL_SUPPORT`]). The fraud head warns on its own, never blocks: its
//! threshold was set by the publisher on messages it did not train on, so that normal
//! messages and advertising stay within a false-positive budget, but a statistical
//! reading is not a reason to file a message away unseen.

use crate::decide::number_rules::Context;
use crate::decide::verdict::{Match, Tier, Verdict};
use crate::sms::{CategoryScore, LinkFinding, ModelReading, SmsFindings, Suspicion};
use crate::vocabulary::{Action, Category, ReasonCode};

/// A fraud category scoring this much warns.
pub const WARN_SCORE: u32 = 50;
/// A fraud category scoring this much blocks (files the message as junk).
pub const BLOCK_SCORE: u32 = 100;
/// Added to the leading fraud category when the message also hides a link behind a
/// shortener, whose destination cannot be checked offline.
pub const SHORTENER_BOOST: u32 = 10;
/// Points a confident model adds to a fraud category that the rules already point to.
pub const MODEL_BOOST: u32 = 25;
/// The probability the model's *unwanted* head needs before it lifts a fraud category, for
/// a model without a fraud head: higher than the labelling threshold, because a lift can
/// turn a message from allowed to warned.
pub const BOOST_PROBABILITY: f32 = 0.9;
/// The probability the model's *fraud* head needs, beside a sure unwanted head
/// ([`BOOST_PROBABILITY`]), before it lifts a fraud category the rules point to: more
/// likely fraud than not. The unwanted head alone cannot tell advertising from fraud, and
/// lifting on it turned loan, stock and shop adverts with one fraud word into fraud
/// warnings; the fraud head alone, in a place whose ordinary messages it has not seen, is
/// overconfident (trained without mudou, it lifted 1.5% of mudou's normal messages to a
/// warning). Both together do neither.
pub const FRAUD_BOOST_PROBABILITY: f32 = 0.5;
/// The rule score a fraud category needs before the model may lift it: the model never
/// invents a fraud category on its own.
pub const MODEL_SUPPORT: u32 = 20;

fn is_marketing(category: Category) -> bool {
    matches!(category, Category::Spam | Category::Telemarketing)
}

/// Adds every match the findings of a message's text make to the verdict.
pub(crate) fn text_findings(verdict: &mut Verdict, ctx: &Context<'_>, found: &SmsFindings) {
    link_signals(verdict, ctx, &found.links);
    number_signals(verdict, ctx, found);
    text_signals(verdict, ctx, found);
}

/// `sms_domain` for links to listed domains, `sms_link_suspicious` for IP hosts,
/// mixed-script punycode and brand lookalikes.
fn link_signals(verdict: &mut Verdict, ctx: &Context<'_>, found: &[LinkFinding]) {
    let name = ctx.lists.name();
    for LinkFinding { link, suspicion } in found {
        if let Some((domain, meta)) = (!link.is_ip)
            .then(|| ctx.lists.domain(&link.host))
            .flatten()
        {
            verdict.add(Match {
                tier: Tier::List,
                action: meta.action,
                category: Some(meta.category),
                code: ReasonCode::SmsDomain,
                detail: format!("link to {domain}, on list {name} as {}", meta.category),
                what: format!("link to a {} site", meta.category.describe()).into(),
            });
            continue;
        }
        let detail = match suspicion {
            None => continue,
            Some(Suspicion::IpAddress) => format!("link to the IP address {}", link.host),
            Some(Suspicion::MixedScripts) => {
                format!("link to {} mixes alphabets (a lookalike domain)", link.host)
            }
            Some(Suspicion::Imitates { registrable, brand }) => {
                format!("link to {registrable} imitates {brand}")
            }
        };
        verdict.add(Match {
            tier: Tier::List,
            action: Action::Warn,
            category: Some(Category::AccountPhishing),
            code: ReasonCode::SmsLinkSuspicious,
            detail,
            what: "suspicious link".into(),
        });
    }
}

/// `sms_number` for listed numbers written in the text.
fn number_signals(verdict: &mut Verdict, ctx: &Context<'_>, found: &SmsFindings) {
    let name = ctx.lists.name();
    for number in &found.numbers {
        let hit = ctx
            .lists
            .number(number.key())
            .or_else(|| ctx.lists.prefix(number.key()));
        if let Some(hit) = hit {
            verdict.add(Match {
                tier: Tier::List,
                action: hit.meta.action,
                category: Some(hit.meta.category),
                code: ReasonCode::SmsNumber,
                detail: format!(
                    "the text gives a number on list {name} as {}",
                    hit.meta.category
                ),
                what: format!("number of a {}", hit.meta.category.describe()).into(),
            });
        }
    }
}

/// `sms_phrase` and `sms_model`: the phrase rules' leading fraud category (lifted by a
/// confident model), advertising, and the model's own `spam` label.
fn text_signals(verdict: &mut Verdict, ctx: &Context<'_>, found: &SmsFindings) {
    let unwanted = found.model.and_then(|m| m.unwanted_found());
    let lift = found.model.and_then(|m| lift_evidence(&m));
    let scores = &found.scores;
    let fraud = scores.iter().find(|s| !is_marketing(s.category));
    let mut flagged = fraud.is_some_and(|top| fraud_signal(verdict, top, found.shortened, lift));
    let advert = scores
        .iter()
        .find(|s| is_marketing(s.category) && s.score >= WARN_SCORE);
    if let (false, None, Some(p)) = (flagged, advert, found.model.and_then(|m| m.fraud_found())) {
        model_fraud(verdict, fraud.map(|top| top.category), p);
        flagged = true;
    }
    match (advert, unwanted) {
        (Some(ad), _) => verdict.add(Match {
            tier: Tier::List,
            action: ctx.settings.sms_spam,
            category: Some(ad.category),
            code: ReasonCode::SmsPhrase,
            detail: format!(
                "advertising phrases (score {}): {}",
                ad.score,
                ad.phrases.join(", ")
            ),
            what: ad.category.describe().into(),
        }),
        (None, Some(p)) if !flagged => verdict.add(Match {
            tier: Tier::List,
            action: ctx.settings.sms_spam,
            category: Some(Category::Spam),
            code: ReasonCode::SmsModel,
            detail: format!(
                "the publisher's model finds the text unwanted ({:.0}%)",
                p * 100.0
            ),
            what: Category::Spam.describe().into(),
        }),
        _ => {}
    }
}

/// What may lift a fraud category the rules point to: the unwanted head at
/// [`BOOST_PROBABILITY`] and, when the model has a fraud head, that head at
/// [`FRAUD_BOOST_PROBABILITY`] too; with the probability and the word that explain it.
fn lift_evidence(model: &ModelReading) -> Option<(f32, &'static str)> {
    let sure_unwanted = model.unwanted >= BOOST_PROBABILITY;
    match model.fraud {
        Some((p, _)) => (sure_unwanted && p >= FRAUD_BOOST_PROBABILITY).then_some((p, "fraud")),
        None => sure_unwanted.then_some((model.unwanted, "unwanted")),
    }
}

/// Warns for the model's fraud head: under the category the rules lean to, if any.
fn model_fraud(verdict: &mut Verdict, leaning: Option<Category>, probability: f32) {
    let category = leaning.unwrap_or(Category::SuspectedFraud);
    verdict.add(Match {
        tier: Tier::List,
        action: Action::Warn,
        category: Some(category),
        code: ReasonCode::SmsModel,
        detail: format!(
            "the publisher's model finds the text fraud ({:.0}%)",
            probability * 100.0
        ),
        what: category.describe().into(),
    });
}

/// Warns or blocks for the leading fraud category when its score (with the shortener
/// boost and a confident model's lift) reaches the thresholds; whether it did.
fn fraud_signal(
    verdict: &mut Verdict,
    top: &CategoryScore,
    shortened: bool,
    evidence: Option<(f32, &'static str)>,
) -> bool {
    let rules_score = top.score + if shortened { SHORTENER_BOOST } else { 0 };
    // The model lifts a fraud category the rules already point to, never one alone.
    let lift = match evidence {
        Some(_) if (MODEL_SUPPORT..BLOCK_SCORE).contains(&rules_score) => MODEL_BOOST,
        _ => 0,
    };
    let score = rules_score + lift;
    let action = if score >= BLOCK_SCORE {
        Action::Block
    } else if score >= WARN_SCORE {
        Action::Warn
    } else {
        return false;
    };
    let via = if shortened {
        ", with a shortened link"
    } else {
        ""
    };
    verdict.add(Match {
        tier: Tier::List,
        action,
        category: Some(top.category),
        code: ReasonCode::SmsPhrase,
        detail: format!(
            "phrases of {} (score {rules_score}{via}): {}",
            top.category.describe(),
            top.phrases.join(", ")
        ),
        what: top.category.describe().into(),
    });
    if let (Some((p, head)), true) = (evidence, lift > 0) {
        verdict.add(Match {
            tier: Tier::List,
            action,
            category: Some(top.category),
            code: ReasonCode::SmsModel,
            detail: format!(
                "the publisher's model finds the text {head} ({:.0}%), adding {lift} to the score",
                p * 100.0
            ),
            what: top.category.describe().into(),
        });
    }
    true
}
