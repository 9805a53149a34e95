//! Collects the rules that matched and turns them into a [`Decision`].
//!
//! Precedence (DESIGN.md): user allow, user block, spoofed official number and contact
//! are decisive in that order: the first of them that matched sets the action. Below
//! them, list entries and the user's policies combine, and the strongest action wins.
//! Every match is reported; the deciding one comes first.

use std::borrow::Cow;

use crate::lists::{self, EntryMeta, ListSet};
use crate::vocabulary::{Action, Category, Decision, Reason, ReasonCode};

/// Rule tiers, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Tier {
    UserAllow,
    UserBlock,
    Spoof,
    Contact,
    List,
    Policy,
}

impl Tier {
    fn is_decisive(self) -> bool {
        self <= Tier::Contact
    }
}

/// One matched rule.
#[derive(Debug)]
pub(crate) struct Match {
    pub tier: Tier,
    pub action: Action,
    pub category: Option<Category>,
    pub code: ReasonCode,
    pub detail: String,
    /// A few words for the label: "overseas call from KH". Most are fixed words
    /// (a category's description), borrowed rather than copied on every call.
    pub what: Cow<'static, str>,
}

#[derive(Debug, Default)]
pub(crate) struct Verdict {
    matches: Vec<Match>,
}

impl Verdict {
    pub fn add(&mut self, m: Match) {
        self.matches.push(m);
    }

    /// Whether a rule that a repeated call must never lift matched: a spoofed official
    /// number, the user's block rule, or a list entry whose action is block.
    pub fn has_firm_block(&self) -> bool {
        self.matches.iter().any(|m| match m.tier {
            Tier::UserBlock | Tier::Spoof => true,
            Tier::List => m.action == Action::Block,
            _ => false,
        })
    }

    pub fn finish(mut self, lists: &ListSet) -> Decision {
        // Stable: matches of one tier keep the order the rules ran in.
        self.matches.sort_by_key(|m| m.tier);
        let decisive = match self.matches.iter().position(|m| m.tier.is_decisive()) {
            Some(index) => Some(index),
            None => self
                .matches
                .iter()
                .enumerate()
                .filter(|(_, m)| m.action > Action::Allow)
                // max_by_key returns the last maximum; reverse to keep the first.
                .rev()
                .max_by_key(|(_, m)| m.action)
                .map(|(index, _)| index),
        };
        // Nothing warns or blocks: an allowed match that still names a category (marketing
        // allowed by the `sms-spam` setting) explains the decision.
        let decisive = decisive.or_else(|| self.matches.iter().position(|m| m.category.is_some()));
        let first = decisive.map(|index| self.matches.remove(index));
        let action = first.as_ref().map_or(Action::Allow, |m| m.action);
        let category = match &first {
            Some(m) if m.tier.is_decisive() || m.action == Action::Allow => m.category,
            Some(m) => m.category.or_else(|| {
                self.matches
                    .iter()
                    .filter(|o| o.action > Action::Allow)
                    .find_map(|o| o.category)
            }),
            None => None,
        };
        let label = match &first {
            Some(m) => label(action, &m.what),
            None => "Allowed: no known risk".to_owned(),
        };
        let reasons = first
            .into_iter()
            .chain(self.matches)
            .map(|m| Reason {
                code: m.code,
                detail: m.detail,
            })
            .collect();
        Decision {
            action,
            category,
            label,
            reasons,
            lists: lists::versions(lists),
        }
    }
}

/// A decision's label: "Blocked: …", "Warning: …". The one place its form is written.
pub(crate) fn label(action: Action, what: &str) -> String {
    format!("{}: {what}", verb(action))
}

/// What a list entry is, in a label: the words of its category.
pub(crate) fn list_entry_what(meta: EntryMeta) -> &'static str {
    meta.category.describe()
}

/// The label of a decision made by this list entry alone: what the iOS export shows
/// beside a warned number, since CallKit cannot ask the engine when the call comes.
pub(crate) fn list_entry_label(meta: EntryMeta) -> String {
    label(meta.action, list_entry_what(meta))
}

fn verb(action: Action) -> &'static str {
    match action {
        Action::Allow => "Allowed",
        Action::Warn => "Warning",
        Action::Block => "Blocked",
    }
}

/// Lets a decision through for a reason above the rules (a pause, a repeated call): the
/// action becomes allow, the reason comes first, and every rule that matched stays
/// listed, so "why did this ring?" still shows what would have happened.
pub(crate) fn let_through(decision: &mut Decision, code: ReasonCode, detail: String, why: &str) {
    if decision.action > Action::Allow {
        decision.label = format!(
            "Allowed: {why} (would have been {}: {})",
            match decision.action {
                Action::Block => "blocked",
                _ => "a warning",
            },
            decision
                .label
                .split_once(": ")
                .map_or(decision.label.as_str(), |(_, what)| what)
        );
    } else {
        decision.label = format!("Allowed: {why}");
    }
    decision.action = Action::Allow;
    decision.reasons.insert(0, Reason { code, detail });
}
