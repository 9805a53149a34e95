//! The contract vocabulary: the words every layer of the engine, the bindings and the apps
//! share (actions, policies, categories, reason codes) and the decision record that
//! carries them. Codes and categories are a contract: tests, bindings and apps match on
//! their snake_case names, so they are only ever added to.
//!
//! This module is the bottom of the crate: it imports nothing of it, so any module may
//! use it without creating a cycle.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// Actions and categories are the list format's words too (an entry packs them), so
/// they are defined with the format and re-exported here.
pub use callguard_format::{Action, Category, UnknownName};

/// A user policy for a class of calls or messages: allow, warn or block.
pub type Policy = Action;

/// Why a rule matched: one stable code per rule of DESIGN.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)] // each variant is documented by its snake_case name in DESIGN.md
pub enum ReasonCode {
    UserAllow,
    UserBlock,
    Contact,
    SpoofedOfficial,
    ListNumber,
    ListPrefix,
    VerificationFailed,
    HiddenNumber,
    OverseasCall,
    OverseasSms,
    SmsDomain,
    SmsLinkSuspicious,
    SmsNumber,
    SmsPhrase,
    SmsModel,
    Paused,
    RepeatedCall,
}

impl ReasonCode {
    /// The stable snake_case code, as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ReasonCode::UserAllow => "user_allow",
            ReasonCode::UserBlock => "user_block",
            ReasonCode::Contact => "contact",
            ReasonCode::SpoofedOfficial => "spoofed_official",
            ReasonCode::ListNumber => "list_number",
            ReasonCode::ListPrefix => "list_prefix",
            ReasonCode::VerificationFailed => "verification_failed",
            ReasonCode::HiddenNumber => "hidden_number",
            ReasonCode::OverseasCall => "overseas_call",
            ReasonCode::OverseasSms => "overseas_sms",
            ReasonCode::SmsDomain => "sms_domain",
            ReasonCode::SmsLinkSuspicious => "sms_link_suspicious",
            ReasonCode::SmsNumber => "sms_number",
            ReasonCode::SmsPhrase => "sms_phrase",
            ReasonCode::SmsModel => "sms_model",
            ReasonCode::Paused => "paused",
            ReasonCode::RepeatedCall => "repeated_call",
        }
    }
}

impl fmt::Display for ReasonCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One rule that matched, with a detail for people. Details never hold the full number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    /// The stable code.
    pub code: ReasonCode,
    /// A short explanation, e.g. "calling code +852 in front of the official number 12110".
    pub detail: String,
}

/// The engine's answer, with everything needed to explain it ("why was this blocked?").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// What to do.
    pub action: Action,
    /// The kind of fraud, where one is known.
    pub category: Option<Category>,
    /// One short line for people.
    pub label: String,
    /// Every rule that matched; the deciding one first.
    pub reasons: Vec<Reason>,
    /// Name → version of the lists that were consulted.
    pub lists: BTreeMap<String, u64>,
}

impl Decision {
    /// Whether any reason has this code.
    pub fn has_reason(&self, code: ReasonCode) -> bool {
        self.reasons.iter().any(|r| r.code == code)
    }
}
