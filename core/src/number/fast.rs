//! The fast front end of [`parse`](super::parse) for the form phones present most:
//! strict E.164, a `+` and nothing but 7 to 15 ASCII digits.
//!
//! libphonenumber's generic front end (the `tel:` and viability checks, the extension
//! pattern, the international-prefix pattern) is about 40% of `check_call` and has nothing
//! to do for such input. This path skips only that front end: it calls libphonenumber's own
//! steps for the rest (country code extraction, the region's national-prefix rule), so the
//! answer is the full parser's by construction. Wherever the full parser would do more than
//! this path does (a leading zero kept for Italy, a national prefix or carrier code to
//! strip, a calling code without metadata), it returns `None` and the full parser runs.
//!
//! libphonenumber's steps are reached through `AsOriginal`, which the crate makes public
//! for its matcher and mask utilities; the crate is pinned exactly, and the tests compare
//! both paths over the shared cases and random numbers of every region.

use std::borrow::Cow;

use rlibphonenumber::interfaces::AsOriginal;
use rlibphonenumber::{CountryCodeSource, PhoneNumber as LibraryNumber, PHONE_NUMBER_UTIL};

/// Shortest and longest digit run accepted after the `+`. E.164 allows at most 15 digits;
/// 7 keeps every too-short or short-number edge case on the full parser.
const DIGITS: std::ops::RangeInclusive<usize> = 7..=15;

/// The parsed number for strict E.164 input, exactly as
/// `parse_and_keep_raw_input` would give it (without `raw_input`, which nothing here
/// reads), or `None` when the full parser must decide.
pub(super) fn parse_strict_e164(input: &str) -> Option<LibraryNumber> {
    let digits = input.strip_prefix('+')?;
    if !DIGITS.contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let util = PHONE_NUMBER_UTIL.as_original();
    let (national, calling_code) = util.extract_country_code(Cow::Borrowed(digits))?;
    // A leading zero is kept as Italy's leading zero; the full parser sets those fields.
    if national.starts_with('0') {
        return None;
    }
    let region = util.get_region_for_country_code(calling_code)?;
    let metadata = util.get_metadata_for_region_or_calling_code(calling_code, region)?;
    // libphonenumber's strip step changes nothing unless the region's national-prefix
    // pattern matches at the start (it reads that match's groups): one match decides
    // the common case, and only a match runs the step itself.
    let prefix = metadata.national_prefix_for_parsing().anchor_start().ok()?;
    if prefix.is_some_and(|prefix| prefix.is_match(&national)) {
        let (stripped, carrier) = util
            .maybe_strip_national_prefix_and_carrier_code(metadata, &national)
            .ok()?;
        // Something to strip: whether the full parser keeps the stripped form depends on
        // possible lengths, and it may record a carrier code. Leave that to it.
        if stripped != national || carrier.is_some() {
            return None;
        }
    }
    let national_number = national.parse::<u64>().ok()?;
    Some(LibraryNumber {
        country_code: calling_code,
        national_number,
        country_code_source: Some(CountryCodeSource::FromNumberWithPlusSign as i32),
        ..LibraryNumber::default()
    })
}

#[cfg(test)]
mod tests {
    use rlibphonenumber::{Region, PHONE_NUMBER_UTIL};

    use super::parse_strict_e164;

    /// libphonenumber's own parse, less the raw input this path does not keep.
    fn full(input: &str, home: Region) -> Option<rlibphonenumber::PhoneNumber> {
        let mut parsed = PHONE_NUMBER_UTIL
            .parse_and_keep_raw_input(input, Some(home))
            .ok()?;
        parsed.raw_input = None;
        Some(parsed)
    }

    #[test]
    fn strict_e164_gives_libphonenumbers_own_parsed_number() {
        for input in [
            "+8613812345678",
            "+12025550143",
            "+442071838750",
            "+85512345678",
        ] {
            let fast = parse_strict_e164(input);
            assert!(fast.is_some(), "{input} takes the fast path");
            assert_eq!(fast, full(input, Region::CN), "{input}");
        }
    }

    #[test]
    fn anything_the_fast_path_cannot_be_sure_of_goes_to_the_full_parser() {
        for input in [
            "+86 13812345678",  // a separator
            "8613812345678",    // no plus
            "+8612",            // too short for the fast path
            "+39061234567",     // Italy's leading zero
            "+0123456789",      // a leading zero where the calling code goes
            "+9991234567",      // no such calling code
            "+８６13812345678", // full-width digits
        ] {
            assert_eq!(parse_strict_e164(input), None, "{input}");
        }
    }
}
