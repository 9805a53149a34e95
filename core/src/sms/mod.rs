//! SMS text analysis: links, numbers written in the text, and weighted phrase rules.
//!
//! Everything the analysis knows ships in the signed list: domains, numbers, phrase
//! rules and brands. The text is never stored or logged; only the decision is.
//!
//! | signal | reason code | action |
//! |---|---|---|
//! | a link to a listed domain (suffix match) | `sms_domain` | the entry's |
//! | an IP host, a brand lookalike, mixed-script punycode | `sms_link_suspicious` | warn |
//! | a listed number written in the text | `sms_number` | the entry's |
//! | phrase rules of a fraud category scoring ≥ [`WARN_SCORE`] / [`BLOCK_SCORE`] | `sms_phrase` | warn / block |
//! | phrase rules of `spam` or `telemarketing` | `sms_phrase` | the `sms-spam` setting (allow by default) |
//!
//! Phrase rules can also require what the scan found: the markers [`MARKER_LINK`],
//! [`MARKER_SHORT_LINK`], [`MARKER_IP_LINK`], [`MARKER_NUMBER`] and [`MARKER_PREMIUM`]
//! are appended to the normalised text, so `[link]&点击&领取` needs a link and both words.

pub mod brands;
pub mod labelled;
pub mod links;
pub mod model;
pub mod normalize;
pub mod phrases;
pub mod text_numbers;

use crate::decide::number_rules::Context;
use crate::decide::verdict::{Match, Tier, Verdict};
use crate::lists::ListSet;
use crate::number::{self, PhoneNumber};
use crate::vocabulary::{Action, Category, ReasonCode};
use crate::wire::Section;

pub use model::SmsModel;
pub use phrases::{CategoryScore, PhraseMatcher};

/// A fraud category scoring this much warns.
pub const WARN_SCORE: u32 = 50;
/// A fraud category scoring this much blocks (files the message as junk).
pub const BLOCK_SCORE: u32 = 100;
/// Added to the leading fraud category when the message also hides a link behind a
/// shortener, whose destination cannot be checked offline.
const SHORTENER_BOOST: u32 = 10;

/// Appended to the normalised text when the message has a link to somewhere other than a
/// listed brand's own domain, so that a rule such as `[link]&点击` can require one. (A sender who types `[link]` only satisfies the marker
/// part; the rule's words must still be there.)
pub const MARKER_LINK: &str = "[link]";
/// Appended when a link goes through a known shortener.
pub const MARKER_SHORT_LINK: &str = "[shortlink]";
/// Appended when a link's host is an IP address.
pub const MARKER_IP_LINK: &str = "[iplink]";
/// Appended when the text gives a phone number (7 digits or more).
pub const MARKER_NUMBER: &str = "[number]";
/// Appended when a number in the text is premium-rate in its region (UK `09…`, US
/// `1-900…`), the number prize and subscription scams want called or texted.
pub const MARKER_PREMIUM: &str = "[premium]";

/// What the analysis needs from a list, built once per list.
pub struct SmsIndex {
    /// The phrase rules.
    pub phrases: PhraseMatcher,
    /// The brands whose lookalikes are suspicious.
    pub brands: Vec<brands::Brand>,
    /// The publisher's statistical model, if the list carries a usable one.
    pub model: Option<SmsModel>,
}

impl SmsIndex {
    /// Compiles the list's SMS section.
    pub fn build(lists: &ListSet) -> SmsIndex {
        let mut rules = Vec::new();
        let mut brand_keys = Vec::new();
        let mut model_entries = Vec::new();
        let mut cursor = lists.cursor(Section::SmsRules);
        while let Some((key, value)) = cursor.next_entry() {
            if key.starts_with(b"brand:") {
                brand_keys.push(key.to_vec());
            } else if key.starts_with(model::KEY_PREFIX.as_bytes()) {
                model_entries.push((key.to_vec(), value));
            } else {
                rules.push((key.to_vec(), value));
            }
        }
        // The publisher checks the model when it builds the list; one that still does
        // not read (a newer features version) leaves the rules to work alone.
        let model = (!model_entries.is_empty())
            .then(|| SmsModel::from_entries(model_entries.iter().map(|(k, v)| (k.as_slice(), *v))))
            .and_then(|m| m.ok());
        SmsIndex {
            phrases: PhraseMatcher::new(rules.iter().map(|(k, v)| (k.as_slice(), *v))),
            brands: brands::from_entries(brand_keys.iter().map(Vec::as_slice)),
            model,
        }
    }
}

/// What the scan of links and numbers found, as the markers rules and the model read.
struct Scan {
    /// A link to somewhere other than a listed brand's own domain.
    unverified_link: bool,
    /// Any link at all.
    any_link: bool,
    shortened: bool,
    ip_link: bool,
    number: bool,
    premium: bool,
}

impl Scan {
    fn new(found: &[links::Link], written: &[PhoneNumber], brands: &[brands::Brand]) -> Scan {
        Scan {
            unverified_link: found.iter().any(|l| !brands::is_own_domain(brands, l)),
            any_link: !found.is_empty(),
            shortened: found
                .iter()
                .any(|l| l.registrable.as_deref().is_some_and(links::is_shortener)),
            ip_link: found.iter().any(|l| l.is_ip),
            number: !written.is_empty(),
            premium: written.iter().any(number::is_premium_rate),
        }
    }

    /// `text` with the markers appended. For the rules, `[link]` means a link that is not
    /// a listed brand's own domain (a courier's real tracking link is not a scam signal);
    /// for the model, any link, since the trainer has no brand list.
    fn mark(&self, mut text: String, for_rules: bool) -> String {
        let link = if for_rules {
            self.unverified_link
        } else {
            self.any_link
        };
        for (present, marker) in [
            (link, MARKER_LINK),
            (self.shortened, MARKER_SHORT_LINK),
            (self.ip_link, MARKER_IP_LINK),
            (self.number, MARKER_NUMBER),
            (self.premium, MARKER_PREMIUM),
        ] {
            if present {
                text.push(' ');
                text.push_str(marker);
            }
        }
        text
    }
}

/// What the model reads for `text` in `home`: exactly what [`crate::Engine::check_sms`]
/// gives it, for the publisher's trainer.
pub fn model_input(text: &str, home: crate::Region) -> String {
    let found = links::extract(text);
    let written = text_numbers::extract(text, home);
    Scan::new(&found, &written, &[]).mark(normalize::normalize(text), false)
}

fn is_marketing(category: Category) -> bool {
    matches!(category, Category::Spam | Category::Telemarketing)
}

/// Adds every signal of `text` to the verdict.
pub(crate) fn analyze(verdict: &mut Verdict, ctx: &Context<'_>, text: &str) {
    let index = ctx.lists.sms_index();
    let found = links::extract(text);
    link_signals(verdict, ctx, index, &found);
    let written = text_numbers::extract(text, ctx.settings.home_region);
    number_signals(verdict, ctx, &written);
    let scan = Scan::new(&found, &written, &index.brands);
    text_signals(verdict, ctx, index, &scan, text);
}

/// `sms_domain` for links to listed domains, `sms_link_suspicious` for IP hosts,
/// mixed-script punycode and brand lookalikes.
fn link_signals(verdict: &mut Verdict, ctx: &Context<'_>, index: &SmsIndex, found: &[links::Link]) {
    let name = ctx.lists.name();
    for link in found {
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
                what: format!("link to a {} site", meta.category.describe()),
            });
            continue;
        }
        let suspicious = if link.is_ip {
            Some(format!("link to the IP address {}", link.host))
        } else if links::mixes_scripts(&link.host) {
            Some(format!(
                "link to {} mixes alphabets (a lookalike domain)",
                link.host
            ))
        } else {
            link.registrable.as_deref().and_then(|r| {
                brands::imitated(&index.brands, r)
                    .map(|b| format!("link to {r} imitates {}", b.name))
            })
        };
        if let Some(detail) = suspicious {
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
}

/// `sms_number` for listed numbers written in the text.
fn number_signals(verdict: &mut Verdict, ctx: &Context<'_>, written: &[PhoneNumber]) {
    let name = ctx.lists.name();
    for number in written {
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
                what: format!("number of a {}", hit.meta.category.describe()),
            });
        }
    }
}

/// `sms_phrase` and `sms_model`: the phrase rules' leading fraud category (lifted by a
/// confident model), advertising, and the model's own `spam` label.
fn text_signals(
    verdict: &mut Verdict,
    ctx: &Context<'_>,
    index: &SmsIndex,
    scan: &Scan,
    text: &str,
) {
    let normalized = normalize::normalize(text);
    let unwanted = index
        .model
        .as_ref()
        .filter(|_| ctx.use_sms_model)
        .map(|m| {
            let p = m.probability(&scan.mark(normalized.clone(), false));
            (p, m.threshold())
        })
        .filter(|(p, threshold)| p >= threshold)
        .map(|(p, _)| p);
    let scores = index.phrases.score(&scan.mark(normalized, true));
    let fraud = scores.iter().find(|s| !is_marketing(s.category));
    let flagged = fraud.is_some_and(|top| fraud_signal(verdict, top, scan.shortened, unwanted));
    let advert = scores
        .iter()
        .find(|s| is_marketing(s.category) && s.score >= WARN_SCORE);
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

/// Warns or blocks for the leading fraud category when its score (with the shortener
/// boost and a confident model's lift) reaches the thresholds; whether it did.
fn fraud_signal(
    verdict: &mut Verdict,
    top: &CategoryScore,
    shortened: bool,
    unwanted: Option<f32>,
) -> bool {
    let rules_score = top.score + if shortened { SHORTENER_BOOST } else { 0 };
    // The model lifts a fraud category the rules already point to, never one alone.
    let lift = match unwanted {
        Some(p)
            if p >= model::BOOST_PROBABILITY
                && (model::MODEL_SUPPORT..BLOCK_SCORE).contains(&rules_score) =>
        {
            model::MODEL_BOOST
        }
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
            "phrases of a {} (score {rules_score}{via}): {}",
            top.category.describe(),
            top.phrases.join(", ")
        ),
        what: top.category.describe().into(),
    });
    if let (Some(p), true) = (unwanted, lift > 0) {
        verdict.add(Match {
            tier: Tier::List,
            action,
            category: Some(top.category),
            code: ReasonCode::SmsModel,
            detail: format!(
                "the publisher's model finds the text unwanted ({:.0}%), adding {lift} to the score",
                p * 100.0
            ),
            what: top.category.describe().into(),
        });
    }
    true
}
