//! The user's settings: home region and the policies of DESIGN.md rule 6.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::decide::Action;
use crate::error::{Error, Result};
use crate::region::Region;

/// A user policy for a class of calls or messages: allow, warn or block.
pub type Policy = Action;

/// Every setting the engine reads. Held in memory as one immutable snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Settings {
    /// The region whose numbering plan national numbers follow.
    pub home_region: Region,
    /// What to do with calls from other regions.
    pub overseas_calls: Policy,
    /// What to do with SMS from other regions.
    pub overseas_sms: Policy,
    /// Regions exempt from the overseas policies (family abroad, a work partner).
    pub allowed_countries: BTreeSet<Region>,
    /// What to do with withheld, unknown and payphone numbers.
    pub hidden_numbers: Policy,
    /// What to do when STIR/SHAKEN verification failed.
    pub verification_failed: Policy,
    /// Days of decision history to keep; 0 keeps none.
    pub history_retention_days: u32,
    /// What to do with advertising SMS (marketing is not fraud): allow by default.
    pub sms_spam: Policy,
    /// Calling codes exempt from the overseas policies as a whole: `+1` covers every
    /// NANP region (US, Canada, Jamaica…), where `US` covers the US alone. Written in
    /// `allowed-countries` as `+1`.
    pub allowed_calling_codes: BTreeSet<u16>,
    /// Minutes within which a second call from the same number rings (someone who calls
    /// back at once usually needs you); 0 is off, the default.
    pub repeated_calls_minutes: u32,
}

impl Settings {
    /// The settings keys, as used by `callguard settings set KEY VALUE`.
    pub const KEYS: [&'static str; 9] = [
        "home-region",
        "overseas-calls",
        "overseas-sms",
        "allowed-countries",
        "hidden-numbers",
        "verification-failed",
        "history-retention-days",
        "sms-spam",
        "repeated-calls",
    ];

    /// Protective defaults: overseas calls and SMS warn, failed verification warns,
    /// hidden numbers ring, 30 days of history.
    pub fn defaults(home_region: Region) -> Settings {
        Settings {
            home_region,
            overseas_calls: Action::Warn,
            overseas_sms: Action::Warn,
            allowed_countries: BTreeSet::new(),
            hidden_numbers: Action::Allow,
            verification_failed: Action::Warn,
            history_retention_days: 30,
            sms_spam: Action::Allow,
            repeated_calls_minutes: 0,
            allowed_calling_codes: BTreeSet::new(),
        }
    }

    /// Changes one setting from its text form; the settings are unchanged on error.
    pub fn set(&mut self, key: &str, value: &str) -> Result<()> {
        let value = value.trim();
        match key {
            "home-region" => {
                self.home_region = value.parse().map_err(|_| {
                    Error::InvalidSetting(
                        "home-region must be a two-letter region code such as CN or US".into(),
                    )
                })?
            }
            "overseas-calls" => self.overseas_calls = parse_policy(key, value)?,
            "overseas-sms" => self.overseas_sms = parse_policy(key, value)?,
            "allowed-countries" => {
                (self.allowed_countries, self.allowed_calling_codes) = parse_countries(value)?
            }
            "hidden-numbers" => self.hidden_numbers = parse_policy(key, value)?,
            "verification-failed" => self.verification_failed = parse_policy(key, value)?,
            "sms-spam" => self.sms_spam = parse_policy(key, value)?,
            "repeated-calls" => {
                self.repeated_calls_minutes = match value {
                    "off" => 0,
                    minutes => minutes.parse().ok().filter(|m| *m <= 60).ok_or_else(|| {
                        Error::InvalidSetting(format!(
                            "{key} must be a number of minutes from 0 to 60, or off"
                        ))
                    })?,
                }
            }
            "history-retention-days" => {
                self.history_retention_days =
                    value.parse().ok().filter(|d| *d <= 3650).ok_or_else(|| {
                        Error::InvalidSetting(format!(
                            "{key} must be a number of days from 0 to 3650"
                        ))
                    })?
            }
            _ => {
                // The key is not echoed: it is the user's text, and could be anything.
                return Err(Error::InvalidSetting(format!(
                    "unknown key; keys are {}",
                    Settings::KEYS.join(", ")
                )));
            }
        }
        Ok(())
    }

    /// One setting's text form, as `settings show` prints it; `None` for an unknown key.
    pub fn get(&self, key: &str) -> Option<String> {
        self.entries()
            .into_iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v)
    }

    /// Every setting as (key, text value), in [`KEYS`](Self::KEYS) order.
    pub fn entries(&self) -> Vec<(&'static str, String)> {
        let countries: Vec<String> = self
            .allowed_countries
            .iter()
            .map(Region::to_string)
            .chain(self.allowed_calling_codes.iter().map(|c| format!("+{c}")))
            .collect();
        vec![
            ("home-region", self.home_region.to_string()),
            ("overseas-calls", self.overseas_calls.to_string()),
            ("overseas-sms", self.overseas_sms.to_string()),
            ("allowed-countries", countries.join(",")),
            ("hidden-numbers", self.hidden_numbers.to_string()),
            ("verification-failed", self.verification_failed.to_string()),
            (
                "history-retention-days",
                self.history_retention_days.to_string(),
            ),
            ("sms-spam", self.sms_spam.to_string()),
            ("repeated-calls", self.repeated_calls_minutes.to_string()),
        ]
    }
}

fn parse_policy(key: &str, value: &str) -> Result<Policy> {
    value
        .parse()
        .map_err(|_| Error::InvalidSetting(format!("{key} must be allow, warn or block")))
}

/// Accepts region codes and calling codes, separated by commas, semicolons or spaces:
/// `KH, +63, MM`. A region code means that region; a calling code means every region
/// that shares it (`+1`: the US, Canada, Jamaica and the rest of the NANP). An empty
/// value or `none` clears the list. Errors name the item's position, never its text.
fn parse_countries(value: &str) -> Result<(BTreeSet<Region>, BTreeSet<u16>)> {
    let mut regions = BTreeSet::new();
    let mut codes = BTreeSet::new();
    if value.eq_ignore_ascii_case("none") {
        return Ok((regions, codes));
    }
    for (position, item) in value
        .split([',', ' ', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .enumerate()
    {
        let position = position + 1;
        match item.strip_prefix('+') {
            Some(code) => {
                let code = code
                    .parse::<u16>()
                    .ok()
                    .filter(|c| Region::for_calling_code(*c).is_some())
                    .ok_or_else(|| {
                        Error::InvalidSetting(format!(
                            "item {position} of allowed-countries is not a known calling code"
                        ))
                    })?;
                codes.insert(code);
            }
            None => {
                let region = item.parse().map_err(|_| {
                    Error::InvalidSetting(format!(
                        "item {position} of allowed-countries is not a region code; use two letters such as KH, or a calling code such as +855"
                    ))
                })?;
                regions.insert(region);
            }
        }
    }
    Ok((regions, codes))
}

impl Settings {
    /// Whether a number of `region` with `calling_code` is exempt from the overseas
    /// policies: its region is allowed, or its whole calling code is.
    pub fn is_allowed_country(&self, region: Option<Region>, calling_code: u16) -> bool {
        region.is_some_and(|r| self.allowed_countries.contains(&r))
            || self.allowed_calling_codes.contains(&calling_code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cn() -> Settings {
        Settings::defaults("CN".parse().unwrap())
    }

    #[test]
    fn every_key_round_trips_through_its_text_form() {
        let mut s = cn();
        s.set("overseas-calls", "block").unwrap();
        s.set("allowed-countries", "+855, mm").unwrap();
        s.set("history-retention-days", "7").unwrap();
        let mut copy = cn();
        for (key, value) in s.entries() {
            copy.set(key, &value).unwrap();
        }
        assert_eq!(copy, s);
        assert_eq!(s.entries()[3].1, "MM,+855");
    }

    #[test]
    fn bad_values_leave_settings_unchanged() {
        let mut s = cn();
        let before = s.clone();
        for (key, value) in [
            ("overseas-calls", "maybe"),
            ("home-region", "XX"),
            ("allowed-countries", "KH,+999"),
            ("history-retention-days", "-1"),
            ("no-such-key", "1"),
        ] {
            assert!(s.set(key, value).is_err(), "{key}={value}");
        }
        assert_eq!(s, before);
    }

    #[test]
    fn errors_never_echo_the_value() {
        let mut s = cn();
        for (key, value, says) in [
            ("allowed-countries", "KH,+8613800138000", "item 2"),
            ("allowed-countries", "13800138000", "item 1"),
            ("allowed-countries", "KH MM 8613800138000zz", "item 3"),
            ("home-region", "13800138000", "home-region"),
            ("overseas-calls", "13800138000", "overseas-calls"),
            (
                "history-retention-days",
                "13800138000",
                "history-retention-days",
            ),
            ("13800138000", "1", "unknown key"),
        ] {
            let message = s.set(key, value).unwrap_err().to_string();
            assert!(message.contains(says), "{message}");
            assert!(!message.contains("138"), "{message}");
        }
    }

    #[test]
    fn calling_codes_are_kept_as_calling_codes() {
        let mut s = cn();
        s.set("allowed-countries", "+1, us, +44").unwrap();
        assert_eq!(s.get("allowed-countries").unwrap(), "US,+1,+44");
        let jm: Region = "JM".parse().unwrap();
        assert!(s.is_allowed_country(Some(jm), 1));
        // A value stored before calling codes were kept reads as regions.
        s.set("allowed-countries", "GB,US").unwrap();
        assert!(!s.is_allowed_country(Some(jm), 1));
        assert!(s.is_allowed_country(Some("US".parse().unwrap()), 1));
    }
}
