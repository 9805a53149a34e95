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

/// A name that is not one of the vocabulary's: the text says what was expected and
/// never repeats the input (it may be a number typed in the wrong place). The crate's
/// The crate's `Error` takes it as `InvalidInput`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct UnknownName(pub(crate) String);

/// A user policy for a class of calls or messages: allow, warn or block.
pub type Policy = Action;

/// What the app should do. Ordered: `Allow < Warn < Block`, so the strongest is the max.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Let it through silently.
    Allow,
    /// Let it through, but show the label to the user.
    Warn,
    /// Reject the call, or file the SMS as junk.
    Block,
}

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

/// What kind of fraud or nuisance a decision is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)] // the names are the contract; `Category::describe` gives the prose
pub enum Category {
    OfficialImpersonation,
    FakeCustomerService,
    LoanCredit,
    Investment,
    AcquaintanceImpersonation,
    TaskScam,
    Prize,
    Delivery,
    AccountPhishing,
    Romance,
    GamingTrade,
    Telemarketing,
    Spam,
    ReportedFraud,
}

impl Category {
    /// Every category, in contract order. The index is the list format's category byte.
    pub const ALL: [Category; 14] = [
        Category::OfficialImpersonation,
        Category::FakeCustomerService,
        Category::LoanCredit,
        Category::Investment,
        Category::AcquaintanceImpersonation,
        Category::TaskScam,
        Category::Prize,
        Category::Delivery,
        Category::AccountPhishing,
        Category::Romance,
        Category::GamingTrade,
        Category::Telemarketing,
        Category::Spam,
        Category::ReportedFraud,
    ];

    /// The stable snake_case name, as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::OfficialImpersonation => "official_impersonation",
            Category::FakeCustomerService => "fake_customer_service",
            Category::LoanCredit => "loan_credit",
            Category::Investment => "investment",
            Category::AcquaintanceImpersonation => "acquaintance_impersonation",
            Category::TaskScam => "task_scam",
            Category::Prize => "prize",
            Category::Delivery => "delivery",
            Category::AccountPhishing => "account_phishing",
            Category::Romance => "romance",
            Category::GamingTrade => "gaming_trade",
            Category::Telemarketing => "telemarketing",
            Category::Spam => "spam",
            Category::ReportedFraud => "reported_fraud",
        }
    }

    /// A few words for people, used in labels.
    pub fn describe(self) -> &'static str {
        match self {
            Category::OfficialImpersonation => "fake police or government official",
            Category::FakeCustomerService => "fake customer service",
            Category::LoanCredit => "loan or credit scam",
            Category::Investment => "investment scam",
            Category::AcquaintanceImpersonation => "fake boss or acquaintance",
            Category::TaskScam => "click-farming task scam",
            Category::Prize => "prize scam",
            Category::Delivery => "parcel or delivery scam",
            Category::AccountPhishing => "account phishing",
            Category::Romance => "romance scam",
            Category::GamingTrade => "gaming trade scam",
            Category::Telemarketing => "telemarketing",
            Category::Spam => "spam",
            Category::ReportedFraud => "reported fraud",
        }
    }

    pub(crate) fn index(self) -> u8 {
        Category::ALL.iter().position(|c| *c == self).unwrap_or(0) as u8
    }

    pub(crate) fn from_index(index: u8) -> Option<Category> {
        Category::ALL.get(usize::from(index)).copied()
    }
}

impl Category {
    /// Reads a stable snake_case name (white space around it is ignored). The crate's
    /// `FromStr` for `Category` is this, failing with the crate's error.
    pub fn from_name(s: &str) -> Result<Category, UnknownName> {
        let wanted = s.trim();
        Category::ALL
            .iter()
            .copied()
            .find(|c| c.as_str() == wanted)
            .ok_or_else(|| {
                // The text is not repeated: it may be a number typed in the wrong place.
                let names: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
                UnknownName(format!(
                    "unknown category; expected one of {}",
                    names.join(", ")
                ))
            })
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Action {
    /// The stable lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Allow => "allow",
            Action::Warn => "warn",
            Action::Block => "block",
        }
    }
}

impl Action {
    /// Reads a stable lower-case name (white space around it is ignored). The crate's
    /// `FromStr` for `Action` is this, failing with the crate's error.
    pub fn from_name(s: &str) -> Result<Action, UnknownName> {
        match s.trim() {
            "allow" => Ok(Action::Allow),
            "warn" => Ok(Action::Warn),
            "block" => Ok(Action::Block),
            _ => Err(UnknownName(
                "unknown action: expected allow, warn or block".into(),
            )),
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
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
