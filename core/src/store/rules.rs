//! The user's own allow and block rules (DESIGN.md rules 1 and 2).
//!
//! A target is written as:
//! - a number in any form (`+855 12 345 678`, `138 0013 8000`), normalised with the home
//!   region and matched exactly;
//! - a prefix ending in `*` in international form (`+855*`, `+86 170*`);
//! - a country as `country:KH` (or `country:+855`).

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::number;
use crate::region::Region;

/// The most digits a stored number or prefix may have: more than any parse yields, so
/// that everything [`RuleTarget::parse`] accepts is read back by
/// [`RuleTarget::from_canonical`].
const MAX_KEY_DIGITS: usize = 32;
/// The most digits a prefix may have: an E.164 number has at most 15.
const MAX_PREFIX_DIGITS: usize = 15;

/// Allow or block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// Always let it through (rule 1, the strongest).
    Allow,
    /// Always block it (rule 2).
    Block,
}

impl RuleKind {
    /// `allow` or `block`.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleKind::Allow => "allow",
            RuleKind::Block => "block",
        }
    }
}

impl FromStr for RuleKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim() {
            "allow" => Ok(RuleKind::Allow),
            "block" => Ok(RuleKind::Block),
            _ => Err(Error::InvalidRule("the kind must be allow or block".into())),
        }
    }
}

/// What a rule matches.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RuleTarget {
    /// One number, as E.164 digits without `+`.
    Number(String),
    /// Every number whose E.164 digits start with these.
    Prefix(String),
    /// Every number of a region.
    Country(Region),
}

impl RuleTarget {
    /// Parses the user's text; national numbers are read in `home`.
    pub fn parse(text: &str, home: Region) -> Result<RuleTarget> {
        let text = text.trim();
        if let Some(country) = text.strip_prefix("country:") {
            return parse_country(country.trim()).map(RuleTarget::Country);
        }
        if let Some(prefix) = text.strip_suffix('*') {
            let digits: String = prefix
                .chars()
                .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.'))
                .collect();
            let body = digits.strip_prefix('+').ok_or_else(|| {
                Error::InvalidRule(
                    "a prefix must be in international form, e.g. +855* or +86170*".into(),
                )
            })?;
            if body.is_empty()
                || body.len() > MAX_PREFIX_DIGITS
                || !body.bytes().all(|b| b.is_ascii_digit())
                || body.starts_with('0')
            {
                return Err(Error::InvalidRule(
                    "a prefix must be + then 1 to 15 digits, then *".into(),
                ));
            }
            return Ok(RuleTarget::Prefix(body.to_owned()));
        }
        // The same parse as the decision's, so the rule's key is the key a check of the
        // same typed text computes in the same home region.
        let parsed = number::parse(text, home).map_err(|e| Error::InvalidRule(format!("{e}")))?;
        let key = parsed.key();
        if key.is_empty() || key.len() > MAX_KEY_DIGITS || !key.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(Error::InvalidRule("the number is too long".into()));
        }
        Ok(RuleTarget::Number(key.to_owned()))
    }

    /// Reads a target back from its canonical text (what [`Display`](fmt::Display)
    /// prints and the database stores), without parsing a number again: a number's
    /// digits are exactly the key [`crate::decide`] computes for the typed text, and a
    /// second trip through libphonenumber can change or refuse them (`+855025212110`).
    /// `None` if the text is not a canonical form.
    pub fn from_canonical(text: &str) -> Option<RuleTarget> {
        if let Some(country) = text.strip_prefix("country:") {
            return parse_country(country).ok().map(RuleTarget::Country);
        }
        let (body, prefix) = match text.strip_prefix('+')?.strip_suffix('*') {
            Some(body) => (body, true),
            None => (text.strip_prefix('+')?, false),
        };
        let longest = if prefix {
            MAX_PREFIX_DIGITS
        } else {
            MAX_KEY_DIGITS
        };
        if body.is_empty() || body.len() > longest || !body.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(if prefix {
            RuleTarget::Prefix(body.to_owned())
        } else {
            RuleTarget::Number(body.to_owned())
        })
    }

    /// Whether this target covers a number with these E.164 digits and region.
    pub fn matches(&self, key: &str, region: Option<Region>) -> bool {
        match self {
            RuleTarget::Number(n) => n == key,
            RuleTarget::Prefix(p) => key.starts_with(p.as_str()),
            RuleTarget::Country(c) => region == Some(*c),
        }
    }
}

fn parse_country(text: &str) -> Result<Region> {
    match text.strip_prefix('+') {
        Some(code) => code
            .parse::<u16>()
            .ok()
            .and_then(Region::for_calling_code)
            .ok_or_else(|| Error::InvalidRule("unknown calling code".into())),
        None => text
            .parse()
            .map_err(|_| Error::InvalidRule("unknown region; use two letters such as KH".into())),
    }
}

impl fmt::Display for RuleTarget {
    /// The canonical text form, stored in the database and read back unchanged by
    /// [`RuleTarget::from_canonical`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RuleTarget::Number(n) => write!(f, "+{n}"),
            RuleTarget::Prefix(p) => write!(f, "+{p}*"),
            RuleTarget::Country(c) => write!(f, "country:{c}"),
        }
    }
}

impl Serialize for RuleTarget {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A stored rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserRule {
    /// Row id, stable for the rule's life.
    pub id: i64,
    /// Allow or block.
    pub kind: RuleKind,
    /// What it matches.
    pub target: RuleTarget,
    /// Creation time, Unix seconds.
    pub created_at: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cn() -> Region {
        "CN".parse().unwrap()
    }

    #[test]
    fn targets_parse_and_print_canonically() {
        for (input, canonical) in [
            ("+85512345678", "+85512345678"),
            ("138 0013 8000", "+8613800138000"),
            ("+855*", "+855*"),
            ("+86 170*", "+86170*"),
            ("country:kh", "country:KH"),
            ("country:+855", "country:KH"),
        ] {
            let target = RuleTarget::parse(input, cn()).unwrap();
            assert_eq!(target.to_string(), canonical, "{input}");
            assert_eq!(
                RuleTarget::parse(canonical, "US".parse().unwrap()).unwrap(),
                target
            );
        }
    }

    #[test]
    fn bad_targets_are_rejected() {
        for bad in [
            "",
            "*",
            "0138*",
            "+*",
            "+12a*",
            "country:",
            "country:XX",
            "hello",
            "+0*",
        ] {
            assert!(RuleTarget::parse(bad, cn()).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn matching() {
        let kh: Region = "KH".parse().unwrap();
        assert!(RuleTarget::Prefix("855".into()).matches("85512345678", None));
        assert!(!RuleTarget::Prefix("856".into()).matches("85512345678", None));
        assert!(RuleTarget::Country(kh).matches("85512345678", Some(kh)));
        assert!(RuleTarget::Number("85512345678".into()).matches("85512345678", None));
    }

    #[test]
    fn errors_never_echo_the_text() {
        for bad in [
            "13800138000000000000000000",
            "+013800138*",
            "138001*",
            "+1380013800000000000*",
            "country:13800138",
            "country:+13800",
            "+999 138 0013 8000",
        ] {
            let message = RuleTarget::parse(bad, cn()).unwrap_err().to_string();
            assert!(!message.contains("138"), "{message}");
        }
    }

    #[test]
    fn canonical_forms_read_back_without_a_parse() {
        // `+855025212110` is not what libphonenumber makes of that text, but it is what a
        // check of `00252 12110` in KH computes, so it must read back as itself.
        for canonical in ["+855025212110", "+8601272700000000", "+855*", "country:KH"] {
            let target = RuleTarget::from_canonical(canonical).unwrap();
            assert_eq!(target.to_string(), canonical);
        }
        for not_canonical in [
            "",
            "+",
            "+*",
            "855",
            "+85 5",
            "+12a",
            "country:",
            "country:XX",
        ] {
            assert_eq!(
                RuleTarget::from_canonical(not_canonical),
                None,
                "{not_canonical:?}"
            );
        }
        let kh: Region = "KH".parse().unwrap();
        let typed = RuleTarget::parse("00252 12110", kh).unwrap();
        assert_eq!(RuleTarget::from_canonical(&typed.to_string()), Some(typed));
    }
}
