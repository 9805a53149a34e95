//! The decision history the app shows ("why was this blocked?").
//!
//! It keeps the subject (the E.164 number or the SMS sender) and the decision, never the
//! message text. Retention is enforced on every insert: entries older than the retention
//! period go, and at most [`MAX_ENTRIES`] are kept whatever the period.

use serde::Serialize;

use crate::vocabulary::Decision;

/// A hard cap on stored entries, so a flood of calls cannot fill the disk.
pub const MAX_ENTRIES: i64 = 10_000;

/// Whether an entry was a call or an SMS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// A phone call.
    Call,
    /// A text message.
    Sms,
}

impl Channel {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Channel::Call => "call",
            Channel::Sms => "sms",
        }
    }
}

/// One remembered decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryEntry {
    /// Row id.
    pub id: i64,
    /// When, in Unix milliseconds.
    pub at_ms: i64,
    /// Call or SMS.
    pub channel: Channel,
    /// The caller's E.164 number, the SMS sender, or `hidden`.
    pub subject: String,
    /// What was decided and why.
    pub decision: Decision,
}
