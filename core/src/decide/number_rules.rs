//! The rules about a sender's number, shared by calls and SMS: user rules, spoofed
//! official numbers, list entries and the overseas policy.

use crate::decide::verdict::{self, Match, Tier, Verdict};
use crate::decide::Verification;
use crate::lists::ListSet;
use crate::number::{NumberKind, PhoneNumber, WrittenForm};
use crate::store::{RuleKind, Settings};
use crate::vocabulary::Policy;
use crate::vocabulary::{Action, Category, ReasonCode};

use super::rule_index::RuleIndex;

/// What the number rules read: one consistent snapshot.
pub(crate) struct Context<'a> {
    pub settings: &'a Settings,
    pub rules: &'a RuleIndex,
    pub lists: &'a ListSet,
    /// Whether the SMS analysis may use the list's statistical model.
    pub use_sms_model: bool,
    /// The user paused protection, and the pause is in effect now: everything rings.
    pub paused: bool,
    /// Whether this caller (E.164 digits) called within the repeated-calls window;
    /// `None` when the setting is off.
    pub called_recently: Option<&'a dyn Fn(&str) -> bool>,
}

/// Rules 1 and 2: the first allow rule and the first block rule that cover the number.
pub(crate) fn user_rules(verdict: &mut Verdict, ctx: &Context<'_>, number: &PhoneNumber) {
    for (kind, tier, action, code) in [
        (
            RuleKind::Allow,
            Tier::UserAllow,
            Action::Allow,
            ReasonCode::UserAllow,
        ),
        (
            RuleKind::Block,
            Tier::UserBlock,
            Action::Block,
            ReasonCode::UserBlock,
        ),
    ] {
        let hit = ctx.rules.first_match(kind, number.key(), number.region());
        if let Some(rule) = hit {
            verdict.add(Match {
                tier,
                action,
                category: None,
                code,
                detail: format!("your rule: {} {}", kind.as_str(), rule.target),
                what: format!("your {} rule", kind.as_str()).into(),
            });
        }
    }
}

/// Rule 3: a home official number that arrives from abroad, in international form, or
/// with a failed STIR/SHAKEN check.
pub(crate) fn spoofed_official(
    verdict: &mut Verdict,
    ctx: &Context<'_>,
    number: &PhoneNumber,
    verification: Verification,
) {
    let home = ctx.settings.home_region;
    let national = number.national();
    if !ctx.lists.is_official(home, national) {
        return;
    }
    let detail = match number.kind() {
        NumberKind::Foreign => {
            format!(
                "calling code +{} in front of {home} official number {national}",
                number.calling_code()
            )
        }
        // A full-length official number (a police station's landline) is often shown in
        // E.164 by the network, so only short ones are suspicious in international form.
        NumberKind::ShortOrService if number.form() == WrittenForm::International => {
            format!("{home} official number {national} arrived in international form")
        }
        _ if verification == Verification::Failed => {
            format!("caller ID verification failed for {home} official number {national}")
        }
        _ => return,
    };
    verdict.add(Match {
        tier: Tier::Spoof,
        action: Action::Block,
        category: Some(Category::OfficialImpersonation),
        code: ReasonCode::SpoofedOfficial,
        detail,
        what: "fake official number (police or government impersonation)".into(),
    });
}

/// Rule 5: the list's exact numbers, then its prefix ranges.
pub(crate) fn list_entries(verdict: &mut Verdict, ctx: &Context<'_>, number: &PhoneNumber) {
    let name = ctx.lists.name();
    if let Some(meta) = ctx.lists.number_meta(number.key()) {
        verdict.add(Match {
            tier: Tier::List,
            action: meta.action,
            category: Some(meta.category),
            code: ReasonCode::ListNumber,
            detail: format!(
                "number on list {name} as {} (confidence {})",
                meta.category, meta.confidence
            ),
            what: verdict::list_entry_what(meta).into(),
        });
    }
    if let Some(hit) = ctx.lists.prefix(number.key()) {
        verdict.add(Match {
            tier: Tier::List,
            action: hit.meta.action,
            category: Some(hit.meta.category),
            code: ReasonCode::ListPrefix,
            detail: format!(
                "range +{} on list {name} as {} (confidence {})",
                hit.key, hit.meta.category, hit.meta.confidence
            ),
            what: verdict::list_entry_what(hit.meta).into(),
        });
    }
}

/// Rule 6, overseas part: a foreign number follows `policy` unless its region is allowed.
pub(crate) fn overseas(
    verdict: &mut Verdict,
    ctx: &Context<'_>,
    number: &PhoneNumber,
    policy: Policy,
    code: ReasonCode,
) {
    if number.kind() != NumberKind::Foreign || policy == Action::Allow {
        return;
    }
    if ctx
        .settings
        .is_allowed_country(number.region(), number.calling_code())
    {
        return;
    }
    let from = match number.region() {
        Some(region) => format!("{region} (+{})", number.calling_code()),
        None => format!("+{}", number.calling_code()),
    };
    let kind = if code == ReasonCode::OverseasSms {
        "SMS"
    } else {
        "call"
    };
    verdict.add(Match {
        tier: Tier::Policy,
        action: policy,
        category: None,
        code,
        detail: format!("overseas {kind} from {from}; your setting is {policy}"),
        what: format!("overseas {kind} from {from}").into(),
    });
}

/// Rule 6, a policy that applies to a signal (hidden number, failed verification).
pub(crate) fn policy_signal(
    verdict: &mut Verdict,
    policy: Policy,
    code: ReasonCode,
    detail: &str,
    what: &'static str,
) {
    if policy == Action::Allow {
        return;
    }
    verdict.add(Match {
        tier: Tier::Policy,
        action: policy,
        category: None,
        code,
        detail: format!("{detail}; your setting is {policy}"),
        what: what.into(),
    });
}
