//! The contract vocabulary the list format encodes: what to do with an entry ([`Action`])
//! and what kind of fraud it is ([`Category`]). Their names are a contract (tests,
//! bindings and apps match on the snake_case names) and the category's position in
//! [`Category::ALL`] is the list format's category byte, so both are only ever added to.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A name that is not one of the vocabulary's. The text never repeats the input: it may
/// be a number typed in the wrong place.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UnknownName {
    /// Not a category name.
    #[error("unknown category; expected one of {}", category_names())]
    Category,
    /// Not an action name.
    #[error("unknown action: expected allow, warn or block")]
    Action,
}

fn category_names() -> String {
    let names: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
    names.join(", ")
}

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
    SuspectedFraud,
}

impl Category {
    /// Every category, in contract order. The index is the list format's category byte.
    pub const ALL: [Category; 15] = [
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
        Category::SuspectedFraud,
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
            Category::SuspectedFraud => "suspected_fraud",
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
            Category::SuspectedFraud => "suspected fraud",
        }
    }

    /// The list format's category byte: the position in [`Category::ALL`].
    pub(crate) fn index(self) -> u8 {
        Category::ALL.iter().position(|c| *c == self).unwrap_or(0) as u8
    }

    /// The inverse of [`index`](Self::index); `None` for a byte no list writes.
    pub(crate) fn from_index(index: u8) -> Option<Category> {
        Category::ALL.get(usize::from(index)).copied()
    }
}

impl FromStr for Category {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim();
        Category::ALL
            .iter()
            .copied()
            .find(|c| c.as_str() == wanted)
            .ok_or(UnknownName::Category)
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

impl FromStr for Action {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "allow" => Ok(Action::Allow),
            "warn" => Ok(Action::Warn),
            "block" => Ok(Action::Block),
            _ => Err(UnknownName::Action),
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
