//! What the platform hands the engine. Plain data: the app translates platform types
//! (Android `Call.Details`, iOS `ILMessageFilterQueryRequest`) into these and nothing more.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// How the network presented the caller's number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Presentation {
    /// The number is shown.
    #[default]
    Allowed,
    /// The caller withheld it.
    Restricted,
    /// The network does not know it.
    Unknown,
    /// A payphone.
    Payphone,
}

/// The STIR/SHAKEN caller-ID verification result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verification {
    /// The network vouches for the number.
    Passed,
    /// The network says the number is probably spoofed.
    Failed,
    /// No verification took place (most calls, most countries).
    #[default]
    #[serde(alias = "unverified")]
    NotVerified,
}

/// An incoming call.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CallInput {
    /// The presented number in any format; `None` or empty when hidden.
    pub number: Option<String>,
    /// How the number was presented.
    #[serde(default)]
    pub presentation: Presentation,
    /// STIR/SHAKEN status.
    #[serde(default)]
    pub verification: Verification,
    /// Whether the app found the number in the address book. The engine never sees
    /// contacts; the app looks the number up and passes only this flag.
    #[serde(default)]
    pub is_contact: bool,
}

impl CallInput {
    /// A call from `number`, shown normally, unverified, not a contact.
    pub fn number(number: impl Into<String>) -> Self {
        CallInput {
            number: Some(number.into()),
            ..CallInput::default()
        }
    }

    /// Sets the STIR/SHAKEN status.
    pub fn with_verification(mut self, verification: Verification) -> Self {
        self.verification = verification;
        self
    }

    /// Sets the presentation.
    pub fn with_presentation(mut self, presentation: Presentation) -> Self {
        self.presentation = presentation;
        self
    }

    /// Marks the caller as a contact.
    pub fn with_contact(mut self, is_contact: bool) -> Self {
        self.is_contact = is_contact;
        self
    }
}

/// An incoming SMS.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SmsInput {
    /// A number, a short code, or an alphanumeric sender name.
    pub sender: String,
    /// The message text.
    pub text: String,
}

impl SmsInput {
    /// An SMS from `sender` with `text`.
    pub fn new(sender: impl Into<String>, text: impl Into<String>) -> Self {
        SmsInput {
            sender: sender.into(),
            text: text.into(),
        }
    }
}

impl FromStr for Presentation {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "allowed" => Ok(Presentation::Allowed),
            "restricted" => Ok(Presentation::Restricted),
            "unknown" => Ok(Presentation::Unknown),
            "payphone" => Ok(Presentation::Payphone),
            _ => Err(Error::InvalidInput(
                "presentation must be allowed, restricted, unknown or payphone".into(),
            )),
        }
    }
}

impl FromStr for Verification {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "passed" => Ok(Verification::Passed),
            "failed" => Ok(Verification::Failed),
            "unverified" | "not_verified" => Ok(Verification::NotVerified),
            _ => Err(Error::InvalidInput(
                "verification must be passed, failed or unverified".into(),
            )),
        }
    }
}
