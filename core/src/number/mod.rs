//! Phone number normalisation: any presented form in, E.164 and a classification out.
//!
//! Parsing is delegated to [`rlibphonenumber`], a port of Google's libphonenumber with
//! its metadata (v9.0.42). The `phonenumber` crate was measured first and rejected: it
//! disagreed with libphonenumber on 15 of the 215 shared E.164 cases (for example
//! `+44 121 234 5678` became `+4445678`) and on 8 of its own 33 parser cases; see
//! `docs/decisions/0001-phone-number-library.md`.
//!
//! On top of the parse, this module decides what the engine needs to know:
//! - is the number of the home region, a short or service number of the home region, or
//!   of another region (and which)?
//! - was it written in international form (`+`, `00`, `011`)? A home short number that
//!   arrives in international form is a spoofing signal.

mod classify;
mod fast;
mod types;

use std::fmt;

use rlibphonenumber::{ParseError, PhoneNumberFormat, PHONE_NUMBER_UTIL};
use serde::Serialize;

use crate::region::Region;

pub use classify::NumberKind;

/// Longest input accepted, in bytes. libphonenumber itself stops at 250 characters; the
/// early check keeps a 10 KB string from being scanned at all.
pub const MAX_INPUT_BYTES: usize = 1024;

/// Why a presented number could not be normalised. Never carries the number itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NumberError {
    /// Nothing but white space.
    #[error("the number is empty")]
    Empty,
    /// Longer than [`MAX_INPUT_BYTES`], or a national part longer than any numbering plan.
    #[error("the number is too long")]
    TooLong,
    /// No digits in a usable position: letters, emoji, a lone `+`, `tel:` junk.
    #[error("not a phone number")]
    NotANumber,
    /// A `+` or an international prefix followed by a code that no country uses.
    #[error("unknown country calling code")]
    UnknownCountryCode,
    /// Too few digits after the country code or the international prefix.
    #[error("the number is too short")]
    TooShort,
}

/// How the number was written: this is what tells a spoofed short number apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WrittenForm {
    /// Without a country code, e.g. `010 1234 5678` or `110`.
    National,
    /// With `+`, with an international prefix (`00`, `011`), or with a bare country code.
    International,
}

/// A normalised number: the E.164 form used as the list key, plus what the rules need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PhoneNumber {
    e164: String,
    calling_code: u16,
    national: String,
    region: Option<Region>,
    kind: NumberKind,
    form: WrittenForm,
    valid: bool,
}

impl PhoneNumber {
    /// The E.164 form, e.g. `+8613800138000`. Short numbers follow libphonenumber: `+86110`.
    pub fn e164(&self) -> &str {
        &self.e164
    }

    /// The E.164 digits without `+`: the key used in every list index.
    pub fn key(&self) -> &str {
        &self.e164[1..]
    }

    /// The country calling code.
    pub fn calling_code(&self) -> u16 {
        self.calling_code
    }

    /// The national significant number (no country code, no trunk prefix).
    pub fn national(&self) -> &str {
        &self.national
    }

    /// The region the number belongs to, where the metadata can tell.
    pub fn region(&self) -> Option<Region> {
        self.region
    }

    /// Home, short/service of home, or foreign.
    pub fn kind(&self) -> NumberKind {
        self.kind
    }

    /// National or international writing.
    pub fn form(&self) -> WrittenForm {
        self.form
    }

    /// Whether libphonenumber's metadata holds it to be a valid number of its region.
    pub fn is_valid(&self) -> bool {
        self.valid
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.e164)
    }
}

/// Normalises `input` as dialled or displayed in `home`.
///
/// Accepts E.164, national forms, `00`/`011` and other international prefixes of the home
/// region, full-width digits, `tel:` URIs and common separators.
///
/// Strict E.164 input (`+8613800138000`) takes a fast path that skips libphonenumber's
/// generic front end and gives the same answer; everything else goes to the full parser.
pub fn parse(input: &str, home: Region) -> Result<PhoneNumber, NumberError> {
    match fast::parse_strict_e164(input) {
        // Strict E.164 that the fast path takes is its own E.164 form: a calling code and
        // a national number without a leading zero, which is what libphonenumber formats.
        Some(parsed) => classify_parsed(&parsed, home, types::region_and_validity, Some(input)),
        None => parse_with_full_parser(input, home, types::region_and_validity),
    }
}

/// [`parse`] without the fast paths: libphonenumber's full parser for every input, and
/// its own region and validity functions, one regex per number type. The equivalence
/// tests and the benchmarks compare the two.
#[cfg(any(test, feature = "testing", feature = "fuzzing"))]
pub fn parse_full(input: &str, home: Region) -> Result<PhoneNumber, NumberError> {
    parse_with_full_parser(input, home, |parsed, _| types::library(parsed))
}

/// How a parsed number's region and validity are found: [`types::region_and_validity`],
/// or libphonenumber's own functions ([`types::library`]) for the reference path.
type Validity = fn(&rlibphonenumber::PhoneNumber, &str) -> (Option<rlibphonenumber::Region>, bool);

fn parse_with_full_parser(
    input: &str,
    home: Region,
    validity: Validity,
) -> Result<PhoneNumber, NumberError> {
    if input.len() > MAX_INPUT_BYTES {
        return Err(NumberError::TooLong);
    }
    if input.trim().is_empty() {
        return Err(NumberError::Empty);
    }
    let library_region = home.to_library().ok_or(NumberError::NotANumber)?;
    let parsed = PHONE_NUMBER_UTIL
        .parse_and_keep_raw_input(input, Some(library_region))
        .map_err(map_parse_error)?;
    let number = classify_parsed(&parsed, home, validity, None)?;
    settle(number, &parsed, home, validity)
}

/// Most re-parses [`settle`] makes. Each one that changes the number strips at least a
/// digit, so 17 digits settle within 17; a run of leading zeros (`00 000000000100` in DZ)
/// takes several, most numbers none.
const MAX_SETTLE_STEPS: usize = 17;

/// Makes the E.164 output a fixed point: the number its own E.164 form parses to.
///
/// libphonenumber's answer is not always one. In KH, `002 3435 678` keeps its national
/// `0` as a leading zero (`+855023435678`), whose own parse strips it (`+85523435678`,
/// the key of `023 435 678`): found by the `number_normalize` fuzz target. A list key
/// must not depend on how often a number was normalised, so the E.164 form is parsed
/// again until it stays put; the written form stays the input's. Strict E.164 that the
/// fast path takes is a fixed point by construction (its output is its input), so the
/// check is the fast path's own, and only when that cannot confirm does the full parser
/// run again (short numbers, leading zeros, national prefixes).
fn settle(
    mut number: PhoneNumber,
    parsed: &rlibphonenumber::PhoneNumber,
    home: Region,
    validity: Validity,
) -> Result<PhoneNumber, NumberError> {
    if let Some(again) = fast::parse_strict_e164(&number.e164) {
        if again.country_code == parsed.country_code
            && again.national_number == parsed.national_number
        {
            return Ok(number);
        }
    }
    let library_region = home.to_library().ok_or(NumberError::NotANumber)?;
    for _ in 0..MAX_SETTLE_STEPS {
        // libphonenumber accepts some national inputs whose E.164 form it then refuses
        // (`01272700000000` in CN gives `+861272700000000`, "not a number"); such a
        // number stays as it is, accepted as before.
        let Ok(again) = PHONE_NUMBER_UTIL
            .parse_and_keep_raw_input(&number.e164, Some(library_region))
            .map_err(map_parse_error)
            .and_then(|parsed| classify_parsed(&parsed, home, validity, None))
        else {
            break;
        };
        if again.e164 == number.e164 {
            break;
        }
        number = PhoneNumber {
            form: number.form,
            ..again
        };
    }
    Ok(number)
}

/// What the engine needs from libphonenumber's parsed number, whichever path parsed it.
fn classify_parsed(
    parsed: &rlibphonenumber::PhoneNumber,
    home: Region,
    validity: Validity,
    e164: Option<&str>,
) -> Result<PhoneNumber, NumberError> {
    let calling_code =
        u16::try_from(parsed.country_code).map_err(|_| NumberError::UnknownCountryCode)?;
    let form = match parsed.country_code_source {
        Some(source) if source == rlibphonenumber::CountryCodeSource::FromDefaultCountry as i32 => {
            WrittenForm::National
        }
        _ => WrittenForm::International,
    };
    let e164 = match e164 {
        Some(e164) => e164.to_owned(),
        None => e164_of(parsed)?,
    };
    let national = rlibphonenumber::get_national_significant_number_owned(parsed);
    // libphonenumber's is_valid_number is exactly this pair (get_region_for_number, then
    // is_valid_number_for_region), with each region's type patterns matched in one pass.
    let (library_region, valid) = validity(parsed, &national);
    let number_region =
        library_region.and_then(|r| Region::from_library_with_code(r, calling_code));
    let (kind, region) = classify::classify(home, calling_code, number_region, valid);
    Ok(PhoneNumber {
        e164,
        calling_code,
        national,
        region,
        kind,
        form,
        valid,
    })
}

/// Whether `number` is a premium-rate number of its region (UK `09…`, US `1-900…`), as
/// libphonenumber's metadata says. Prize and subscription scams ask people to call or
/// text such numbers, so a premium-rate number written in an SMS is a signal; parsing
/// it again costs a microsecond and is only done for numbers found in a text.
pub fn is_premium_rate(number: &PhoneNumber) -> bool {
    number_use(number).premium_rate
}

/// What libphonenumber's metadata says a number written in a text is for, read once: the
/// SMS scan asks both whether it is premium-rate and whether it is a mobile.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct NumberUse {
    /// Premium-rate in its region ([`is_premium_rate`]).
    pub premium_rate: bool,
    /// A mobile number, in plans that tell mobiles apart (not the US's): a bank's or a
    /// platform's desk gives its hotline, a fake desk a personal phone.
    pub mobile: bool,
}

/// The [`NumberUse`] of `number`, from one parse of its E.164 form.
pub(crate) fn number_use(number: &PhoneNumber) -> NumberUse {
    use rlibphonenumber::PhoneNumberType;
    let kind = number_type(number);
    NumberUse {
        premium_rate: kind == Some(PhoneNumberType::PremiumRate),
        mobile: kind == Some(PhoneNumberType::Mobile),
    }
}

/// libphonenumber's type of a number already parsed, read again from its E.164 form.
fn number_type(number: &PhoneNumber) -> Option<rlibphonenumber::PhoneNumberType> {
    PHONE_NUMBER_UTIL
        .parse(number.e164(), None)
        .ok()
        .map(|parsed| PHONE_NUMBER_UTIL.get_number_type(&parsed))
}

/// The E.164 form of `input`, with `home` for national numbers or without a home region
/// (then only international forms such as `+33 1 42 68 53 00` are understood). This is
/// libphonenumber's parse-then-format, with no classification; `callguard normalize` uses it.
pub fn normalize(input: &str, home: Option<Region>) -> Result<String, NumberError> {
    if let Some(home) = home {
        return parse(input, home).map(|n| n.e164);
    }
    if input.len() > MAX_INPUT_BYTES {
        return Err(NumberError::TooLong);
    }
    if input.trim().is_empty() {
        return Err(NumberError::Empty);
    }
    let parsed = PHONE_NUMBER_UTIL
        .parse(input, None)
        .map_err(map_parse_error)?;
    e164_of(&parsed)
}

/// Formats as E.164. A national number of zero (`0000000`) has no E.164 form;
/// libphonenumber would echo the raw input, which must never become a list key.
fn e164_of(parsed: &rlibphonenumber::PhoneNumber) -> Result<String, NumberError> {
    if parsed.national_number == 0 {
        return Err(NumberError::NotANumber);
    }
    let e164 = PHONE_NUMBER_UTIL
        .format(parsed, PhoneNumberFormat::E164)
        .into_owned();
    if e164.len() < 2 || !e164.starts_with('+') {
        return Err(NumberError::NotANumber);
    }
    Ok(e164)
}

fn map_parse_error(err: ParseError) -> NumberError {
    match err {
        ParseError::InvalidCountryCode => NumberError::UnknownCountryCode,
        ParseError::NotANumber(_) => NumberError::NotANumber,
        ParseError::TooShortAfterIdd | ParseError::TooShortNsn => NumberError::TooShort,
        ParseError::TooLongNsn => NumberError::TooLong,
    }
}

#[cfg(test)]
mod tests;
