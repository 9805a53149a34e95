//! The user's settings: home region and the policies of DESIGN.md rule 6.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::region::Region;
use crate::vocabulary::{Action, Policy};

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
    /// The most entries the iOS Call Directory export holds. CallKit publishes no limit,
    /// but an extension loads in a small memory and time budget; past the cap the least
    /// certain entries are left out (confidence, then category), and the export says how
    /// many. Unused on Android, which decides each call.
    pub call_directory_cap: u32,
}

/// One setting, by name. [`SettingKey::ALL`] is the one list of settings: the text keys,
/// [`Settings::set`] and [`Settings::entries`] are all derived from it, and adding a
/// variant fails to compile until its parse and print are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SettingKey {
    /// `home-region`: [`Settings::home_region`].
    HomeRegion,
    /// `overseas-calls`: [`Settings::overseas_calls`].
    OverseasCalls,
    /// `overseas-sms`: [`Settings::overseas_sms`].
    OverseasSms,
    /// `allowed-countries`: [`Settings::allowed_countries`] and
    /// [`Settings::allowed_calling_codes`], written together as `KH,+1`.
    AllowedCountries,
    /// `hidden-numbers`: [`Settings::hidden_numbers`].
    HiddenNumbers,
    /// `verification-failed`: [`Settings::verification_failed`].
    VerificationFailed,
    /// `history-retention-days`: [`Settings::history_retention_days`].
    HistoryRetentionDays,
    /// `sms-spam`: [`Settings::sms_spam`].
    SmsSpam,
    /// `repeated-calls`: [`Settings::repeated_calls_minutes`] (`off` or 0 is off).
    RepeatedCalls,
    /// `call-directory-cap`: [`Settings::call_directory_cap`].
    CallDirectoryCap,
}

impl SettingKey {
    /// Every setting, in the order `settings show` prints them.
    pub const ALL: [SettingKey; 10] = [
        SettingKey::HomeRegion,
        SettingKey::OverseasCalls,
        SettingKey::OverseasSms,
        SettingKey::AllowedCountries,
        SettingKey::HiddenNumbers,
        SettingKey::VerificationFailed,
        SettingKey::HistoryRetentionDays,
        SettingKey::SmsSpam,
        SettingKey::RepeatedCalls,
        SettingKey::CallDirectoryCap,
    ];

    /// The text key, as used by `callguard settings set KEY VALUE` and in the database.
    pub const fn as_str(self) -> &'static str {
        match self {
            SettingKey::HomeRegion => "home-region",
            SettingKey::OverseasCalls => "overseas-calls",
            SettingKey::OverseasSms => "overseas-sms",
            SettingKey::AllowedCountries => "allowed-countries",
            SettingKey::HiddenNumbers => "hidden-numbers",
            SettingKey::VerificationFailed => "verification-failed",
            SettingKey::HistoryRetentionDays => "history-retention-days",
            SettingKey::SmsSpam => "sms-spam",
            SettingKey::RepeatedCalls => "repeated-calls",
            SettingKey::CallDirectoryCap => "call-directory-cap",
        }
    }

    /// The key named `text`, if there is one.
    pub fn parse(text: &str) -> Option<SettingKey> {
        SettingKey::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

impl std::fmt::Display for SettingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text keys of [`SettingKey::ALL`], in order.
const fn key_names() -> [&'static str; SettingKey::ALL.len()] {
    let mut names = [""; SettingKey::ALL.len()];
    let mut i = 0;
    while i < names.len() {
        names[i] = SettingKey::ALL[i].as_str();
        i += 1;
    }
    names
}

/// The largest `history-retention-days`: ten years.
pub const MAX_RETENTION_DAYS: u32 = 3650;
/// The largest `repeated-calls` window, in minutes.
pub const MAX_REPEATED_CALLS_MINUTES: u32 = 60;
/// The default `call-directory-cap`: two million entries, which call-blocker developers
/// report loading reliably, where larger loads are interrupted (README: the cap).
pub const DEFAULT_CALL_DIRECTORY_CAP: u32 = 2_000_000;
/// The largest `call-directory-cap`: beyond what any phone is reported to load.
pub const MAX_CALL_DIRECTORY_CAP: u32 = 50_000_000;

impl Settings {
    /// The settings keys, as used by `callguard settings set KEY VALUE` (derived from
    /// [`SettingKey::ALL`]).
    pub const KEYS: [&'static str; SettingKey::ALL.len()] = key_names();

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
            call_directory_cap: DEFAULT_CALL_DIRECTORY_CAP,
        }
    }

    /// Changes one setting from its text form; the settings are unchanged on error.
    pub fn set(&mut self, key: &str, value: &str) -> Result<()> {
        // The key is not echoed: it is the user's text, and could be anything.
        let key = SettingKey::parse(key).ok_or_else(|| {
            Error::InvalidSetting(format!(
                "unknown key; keys are {}",
                Settings::KEYS.join(", ")
            ))
        })?;
        self.set_key(key, value)
    }

    /// Changes one setting, named by its [`SettingKey`], from its text form.
    pub fn set_key(&mut self, key: SettingKey, value: &str) -> Result<()> {
        let value = value.trim();
        let name = key.as_str();
        match key {
            SettingKey::HomeRegion => {
                self.home_region = value.parse().map_err(|_| {
                    Error::InvalidSetting(
                        "home-region must be a two-letter region code such as CN or US".into(),
                    )
                })?
            }
            SettingKey::OverseasCalls => self.overseas_calls = parse_policy(name, value)?,
            SettingKey::OverseasSms => self.overseas_sms = parse_policy(name, value)?,
            SettingKey::AllowedCountries => {
                (self.allowed_countries, self.allowed_calling_codes) = parse_countries(value)?
            }
            SettingKey::HiddenNumbers => self.hidden_numbers = parse_policy(name, value)?,
            SettingKey::VerificationFailed => {
                self.verification_failed = parse_policy(name, value)?
            }
            SettingKey::SmsSpam => self.sms_spam = parse_policy(name, value)?,
            SettingKey::RepeatedCalls => {
                self.repeated_calls_minutes = match value {
                    "off" => 0,
                    minutes => number_in(minutes, 0..=MAX_REPEATED_CALLS_MINUTES).ok_or_else(|| {
                            Error::InvalidSetting(format!(
                                "{name} must be a number of minutes from 0 to {MAX_REPEATED_CALLS_MINUTES}, or off"
                            ))
                        })?,
                }
            }
            SettingKey::CallDirectoryCap => {
                self.call_directory_cap = number_in(value, 1..=MAX_CALL_DIRECTORY_CAP)
                    .ok_or_else(|| {
                        Error::InvalidSetting(format!(
                            "{name} must be a number of entries from 1 to {MAX_CALL_DIRECTORY_CAP}"
                        ))
                    })?
            }
            SettingKey::HistoryRetentionDays => {
                self.history_retention_days = number_in(value, 0..=MAX_RETENTION_DAYS)
                    .ok_or_else(|| {
                        Error::InvalidSetting(format!(
                            "{name} must be a number of days from 0 to {MAX_RETENTION_DAYS}"
                        ))
                    })?
            }
        }
        Ok(())
    }

    /// One setting's text form, as `settings show` prints it; `None` for an unknown key.
    pub fn get(&self, key: &str) -> Option<String> {
        SettingKey::parse(key).map(|k| self.text(k))
    }

    /// One setting's text form: what is stored, and what [`set_key`](Self::set_key)
    /// reads back to the same value.
    pub fn text(&self, key: SettingKey) -> String {
        match key {
            SettingKey::HomeRegion => self.home_region.to_string(),
            SettingKey::OverseasCalls => self.overseas_calls.to_string(),
            SettingKey::OverseasSms => self.overseas_sms.to_string(),
            SettingKey::AllowedCountries => {
                let countries: Vec<String> = self
                    .allowed_countries
                    .iter()
                    .map(Region::to_string)
                    .chain(self.allowed_calling_codes.iter().map(|c| format!("+{c}")))
                    .collect();
                countries.join(",")
            }
            SettingKey::HiddenNumbers => self.hidden_numbers.to_string(),
            SettingKey::VerificationFailed => self.verification_failed.to_string(),
            SettingKey::HistoryRetentionDays => self.history_retention_days.to_string(),
            SettingKey::SmsSpam => self.sms_spam.to_string(),
            SettingKey::RepeatedCalls => self.repeated_calls_minutes.to_string(),
            SettingKey::CallDirectoryCap => self.call_directory_cap.to_string(),
        }
    }

    /// Every setting as (key, text value), in [`SettingKey::ALL`] order.
    pub fn entries(&self) -> Vec<(&'static str, String)> {
        SettingKey::ALL
            .into_iter()
            .map(|k| (k.as_str(), self.text(k)))
            .collect()
    }

    /// Checks what the types alone do not: every calling code is a known one, the
    /// retention and the repeated-calls window are in range. It reads each setting back
    /// through its stored text form, so whatever passes is stored and reloaded as itself.
    pub fn validate(&self) -> Result<()> {
        let mut check = Settings::defaults(self.home_region);
        for key in SettingKey::ALL {
            check.set_key(key, &self.text(key))?;
        }
        if check == *self {
            Ok(())
        } else {
            // Unreachable while every text form reads back as itself (a test checks it).
            Err(Error::InvalidSetting(
                "the settings do not survive being stored".into(),
            ))
        }
    }

    /// The keys whose values differ between `self` and `other`.
    pub fn changed_keys(&self, other: &Settings) -> Vec<SettingKey> {
        SettingKey::ALL
            .into_iter()
            .filter(|k| self.text(*k) != other.text(*k))
            .collect()
    }
}

/// `value` as a whole number within `range`, if it is one.
fn number_in(value: &str, range: std::ops::RangeInclusive<u32>) -> Option<u32> {
    value.parse().ok().filter(|n| range.contains(n))
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
            ("call-directory-cap", "0"),
            ("call-directory-cap", "50000001"),
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

    #[test]
    fn the_keys_come_from_one_list() {
        let names: BTreeSet<&str> = SettingKey::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(names.len(), SettingKey::ALL.len(), "distinct names");
        assert_eq!(Settings::KEYS.to_vec(), names_in_order());
        let entries: Vec<&str> = cn().entries().into_iter().map(|(k, _)| k).collect();
        assert_eq!(entries, names_in_order());
        for key in SettingKey::ALL {
            assert_eq!(SettingKey::parse(key.as_str()), Some(key));
            assert_eq!(cn().get(key.as_str()), Some(cn().text(key)));
        }
        assert_eq!(SettingKey::parse("Overseas-Calls"), None);
    }

    fn names_in_order() -> Vec<&'static str> {
        SettingKey::ALL.iter().map(|k| k.as_str()).collect()
    }

    #[test]
    fn validate_refuses_what_the_types_allow_but_the_engine_does_not() {
        assert!(cn().validate().is_ok());
        let mut bad = cn();
        bad.allowed_calling_codes.insert(999);
        let mut long = cn();
        long.history_retention_days = MAX_RETENTION_DAYS + 1;
        let mut window = cn();
        window.repeated_calls_minutes = MAX_REPEATED_CALLS_MINUTES + 1;
        for settings in [bad, long, window] {
            assert!(
                matches!(settings.validate(), Err(Error::InvalidSetting(_))),
                "{settings:?}"
            );
        }
    }

    fn any_settings() -> impl proptest::strategy::Strategy<Value = Settings> {
        use proptest::prelude::*;
        let region = || {
            prop::sample::select(vec!["CN", "KH", "US", "GB", "JM", "DE", "MM", "PH", "SO"])
                .prop_map(|r| r.parse::<Region>().unwrap())
        };
        let policy = || prop::sample::select(vec![Action::Allow, Action::Warn, Action::Block]);
        (
            (region(), policy(), policy(), policy(), policy(), policy()),
            prop::collection::btree_set(region(), 0..4),
            prop::collection::btree_set(prop::sample::select(vec![1u16, 44, 63, 855, 95]), 0..3),
            0..=MAX_RETENTION_DAYS,
            0..=MAX_REPEATED_CALLS_MINUTES,
            1..=MAX_CALL_DIRECTORY_CAP,
        )
            .prop_map(
                |((home, a, b, c, d, e), countries, codes, days, minutes, cap)| Settings {
                    home_region: home,
                    overseas_calls: a,
                    overseas_sms: b,
                    allowed_countries: countries,
                    hidden_numbers: c,
                    verification_failed: d,
                    history_retention_days: days,
                    sms_spam: e,
                    allowed_calling_codes: codes,
                    repeated_calls_minutes: minutes,
                    call_directory_cap: cap,
                },
            )
    }

    proptest::proptest! {
        /// Any valid typed settings pass `validate`, and every key's text form reads back
        /// as itself: what `update_settings` stores is what the next open loads.
        #[test]
        fn typed_settings_survive_their_text_form(settings in any_settings()) {
            proptest::prop_assert!(settings.validate().is_ok());
            let mut copy = Settings::defaults("CN".parse().unwrap());
            for (key, value) in settings.entries() {
                copy.set(key, &value).unwrap();
            }
            proptest::prop_assert_eq!(&copy, &settings);
            proptest::prop_assert!(copy.changed_keys(&settings).is_empty());
        }
    }
}
