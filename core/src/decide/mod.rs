//! The decision: inputs, the rules of DESIGN.md in order of strength, and the explained
//! result.
//!
//! | tier | rule | code |
//! |------|------|------|
//! | 1 | the user's allow rules | `user_allow` |
//! | 2 | the user's block rules | `user_block` |
//! | 3 | a spoofed official number | `spoofed_official` |
//! | 4 | a contact | `contact` |
//! | 5 | the list's numbers, then prefixes | `list_number`, `list_prefix` |
//! | 6 | failed verification, hidden number, overseas | `verification_failed`, `hidden_number`, `overseas_call`, `overseas_sms` |
//!
//! Tiers 1–4 are decisive: the first that matched sets the action. Tiers 5 and 6
//! combine, and the strongest action wins.
//!
//! Two things stand above the rules and only ever let a call through (`paused`,
//! `repeated_call`), keeping every matched rule in the reasons:
//! - while the user has paused protection, everything is allowed;
//! - a second call from the same number within the user's window (`repeated-calls`
//!   minutes) rings, unless a spoofed official number, a user block rule or a list entry
//!   whose action is block matched: it lifts policies and warnings only.

mod input;
pub(crate) mod number_rules;
pub(crate) mod rule_index;
mod sms_rules;
pub(crate) mod verdict;

use crate::error::Result;
use crate::number::{self, NumberError};
use crate::sms::{self, SmsIndex};
use crate::vocabulary::{Action, Decision, ReasonCode};

pub use input::{CallInput, Presentation, SmsInput, Verification};
// The SMS thresholds, for tests that hold the model's training to them (`testing`).
#[cfg_attr(not(feature = "testing"), allow(unused_imports))]
pub use sms_rules::{
    BLOCK_SCORE, BOOST_PROBABILITY, FRAUD_BOOST_PROBABILITY, MODEL_BOOST, MODEL_SUPPORT,
    SHORTENER_BOOST, WARN_SCORE,
};

use number_rules::Context;
use verdict::{Match, Tier, Verdict};

/// Decides a call. Fails only when a shown number is empty or cannot be read at all.
pub(crate) fn check_call(ctx: &Context<'_>, input: &CallInput) -> Result<Decision> {
    check_call_with_number(ctx, input).map(|(decision, _)| decision)
}

/// [`check_call`], also returning the normalised number (`None` when hidden), so that a
/// caller recording the call does not parse it again.
pub(crate) fn check_call_with_number(
    ctx: &Context<'_>,
    input: &CallInput,
) -> Result<(Decision, Option<number::PhoneNumber>)> {
    let mut verdict = Verdict::default();
    let shown = input
        .number
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    let failed = input.verification == Verification::Failed;
    let shown = match shown {
        Some(raw) if input.presentation == Presentation::Allowed => raw,
        // "Shown" but empty is inconsistent input, not a hidden number: say so, and let
        // the app fail open. Hidden callers arrive as restricted, unknown or payphone.
        None if input.presentation == Presentation::Allowed => {
            return Err(NumberError::Empty.into())
        }
        _ => {
            number_rules::policy_signal(
                &mut verdict,
                ctx.settings.hidden_numbers,
                ReasonCode::HiddenNumber,
                "the caller's number is hidden",
                "hidden number",
            );
            if failed {
                verification_failed(&mut verdict, ctx);
            }
            let mut decision = verdict.finish(ctx.lists);
            apply_pause(&mut decision, ctx);
            return Ok((decision, None));
        }
    };
    let number = number::parse(shown, ctx.settings.home_region)?;
    number_rules::user_rules(&mut verdict, ctx, &number);
    number_rules::spoofed_official(&mut verdict, ctx, &number, input.verification);
    if input.is_contact {
        verdict.add(Match {
            tier: Tier::Contact,
            action: Action::Allow,
            category: None,
            code: ReasonCode::Contact,
            detail: "the caller is in your contacts".into(),
            what: "in your contacts".into(),
        });
    }
    number_rules::list_entries(&mut verdict, ctx, &number);
    if failed {
        verification_failed(&mut verdict, ctx);
    }
    number_rules::overseas(
        &mut verdict,
        ctx,
        &number,
        ctx.settings.overseas_calls,
        ReasonCode::OverseasCall,
    );
    let firm = verdict.has_firm_block();
    let mut decision = verdict.finish(ctx.lists);
    if !firm
        && decision.action > Action::Allow
        && ctx
            .called_recently
            .is_some_and(|called| called(number.key()))
    {
        let minutes = ctx.settings.repeated_calls_minutes;
        verdict::let_through(
            &mut decision,
            ReasonCode::RepeatedCall,
            format!("the same number called within the last {minutes} minutes"),
            "a second call within minutes",
        );
    }
    apply_pause(&mut decision, ctx);
    Ok((decision, Some(number)))
}

/// While the user has paused protection, everything is let through, and says so.
fn apply_pause(decision: &mut Decision, ctx: &Context<'_>) {
    if ctx.paused {
        verdict::let_through(
            decision,
            ReasonCode::Paused,
            "protection is paused".into(),
            "protection is paused",
        );
    }
}

/// Decides an SMS from its sender and what [`crate::sms`] finds in its text (links,
/// written numbers, phrase scores, the model) with `index`, the list's compiled SMS
/// section; an alphanumeric sender simply skips the number rules.
pub(crate) fn check_sms(ctx: &Context<'_>, index: &SmsIndex, input: &SmsInput) -> Result<Decision> {
    let mut verdict = Verdict::default();
    let sender = input.sender.trim();
    // A sender with letters is a name ("ICBC", "Amazon"), not a vanity number.
    let is_name = sender.chars().any(char::is_alphabetic);
    if let Some(number) = (!is_name)
        .then(|| number::parse(sender, ctx.settings.home_region).ok())
        .flatten()
    {
        number_rules::user_rules(&mut verdict, ctx, &number);
        number_rules::spoofed_official(&mut verdict, ctx, &number, Verification::NotVerified);
        number_rules::list_entries(&mut verdict, ctx, &number);
        number_rules::overseas(
            &mut verdict,
            ctx,
            &number,
            ctx.settings.overseas_sms,
            ReasonCode::OverseasSms,
        );
    }
    let found = sms::find(
        sender,
        &input.text,
        ctx.settings.home_region,
        index,
        ctx.use_sms_model,
    );
    sms_rules::text_findings(&mut verdict, ctx, &found);
    let mut decision = verdict.finish(ctx.lists);
    apply_pause(&mut decision, ctx);
    Ok(decision)
}

fn verification_failed(verdict: &mut Verdict, ctx: &Context<'_>) {
    number_rules::policy_signal(
        verdict,
        ctx.settings.verification_failed,
        ReasonCode::VerificationFailed,
        "the network's caller ID check (STIR/SHAKEN) failed",
        "caller ID failed verification",
    );
}
