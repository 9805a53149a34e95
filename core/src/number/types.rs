//! libphonenumber's number-type patterns of a region, matched in one pass.
//!
//! `is_valid_number_for_region` and, for a calling code that several regions share
//! (+1, +7, +44), `get_region_for_number` try a region's type patterns one regex at a
//! time: the general pattern, eight special types, fixed line, mobile, each a separate
//! search (up to eleven per region). That was most of what the fast path's parse had
//! left. Here the same pattern strings, read from the same metadata, are compiled into
//! one [`RegexSet`] per region, the first time a number of that region is checked, and
//! libphonenumber's own rules (each type's possible lengths, the order of the types,
//! the shared fixed-line and mobile pattern) are applied to the set's one answer.
//!
//! The answer is libphonenumber's by construction: the set is built with the regex crate
//! that libphonenumber itself uses (one pinned version in the lock file), from the exact
//! strings its own regexes are compiled from, and a regex's `is_match` is what the set
//! reports for it. The one difference is that the set is compiled without Unicode, which
//! changes nothing for a haystack of ASCII digits (the only kind it is given) and makes
//! it a tenth as costly to build. Anything this module cannot build (no metadata, a
//! non-geographic code, a pattern the set refuses) is answered by libphonenumber's own
//! functions.
//! `core/tests/fast_parse.rs` compares both over every region's numbers.

use std::sync::OnceLock;

use regex::bytes::{RegexSet, RegexSetBuilder, SetMatches};
use rlibphonenumber::interfaces::AsOriginal;
use rlibphonenumber::{PhoneNumber as LibraryNumber, Region as LibraryRegion, PHONE_NUMBER_UTIL};

/// The descriptions `get_number_type_helper` reads, in its order.
const GENERAL: usize = 0;
const FIXED_LINE: usize = 9;
const MOBILE: usize = 10;
const DESCS: usize = 11;

/// The shortest wrapped pattern, `^(?:)$`: libphonenumber compiles anything shorter as
/// the empty pattern (`RegexTriplets`), and so does this module.
const MIN_WRAPPED: usize = 6;

/// One number description: where its pattern sits in the set, and its possible lengths.
#[derive(Debug, Default)]
struct Desc {
    /// Index in the set; `None` when the description has no pattern (never matches).
    slot: Option<usize>,
    /// Possible lengths of the national number; empty means any (the general one holds).
    lengths: Box<[i32]>,
}

/// A region's type patterns and leading-digits pattern, compiled as one set.
#[derive(Debug)]
struct RegionPatterns {
    set: RegexSet,
    descs: [Desc; DESCS],
    /// The leading-digits pattern, anchored at the start only, as libphonenumber uses it
    /// to pick a region within a shared calling code.
    leading_digits: Option<usize>,
    same_mobile_and_fixed_line: bool,
}

/// What one set search found, with the national number's length.
struct Found<'a> {
    patterns: &'a RegionPatterns,
    /// `None` when the set did not run: nothing it could report would count.
    matched: Option<SetMatches>,
    length: i32,
}

impl Found<'_> {
    fn matched(&self, slot: Option<usize>) -> bool {
        match (&self.matched, slot) {
            (Some(matched), Some(slot)) => matched.matched(slot),
            _ => false,
        }
    }

    /// libphonenumber's `is_number_matching_desc`.
    fn matches(&self, desc: usize) -> bool {
        let desc = &self.patterns.descs[desc];
        (desc.lengths.is_empty() || desc.lengths.contains(&self.length)) && self.matched(desc.slot)
    }

    /// libphonenumber's `get_number_type_helper(..) != Unknown`.
    fn is_valid(&self) -> bool {
        if !self.matches(GENERAL) {
            return false;
        }
        (GENERAL + 1..=FIXED_LINE).any(|desc| self.matches(desc))
            || (!self.patterns.same_mobile_and_fixed_line && self.matches(MOBILE))
    }

    fn leading_digits_match(&self) -> bool {
        self.matched(self.patterns.leading_digits)
    }
}

impl RegionPatterns {
    /// Compiles `region`'s patterns, or `None` when libphonenumber must answer.
    fn build(region: LibraryRegion) -> Option<RegionPatterns> {
        let metadata = PHONE_NUMBER_UTIL
            .as_original()
            .get_metadata_for_region(region)?;
        let descs = [
            &metadata.general_desc,
            &metadata.premium_rate,
            &metadata.toll_free,
            &metadata.shared_cost,
            &metadata.voip,
            &metadata.personal_number,
            &metadata.pager,
            &metadata.uan,
            &metadata.voicemail,
            &metadata.fixed_line,
            &metadata.mobile,
        ];
        let mut patterns: Vec<String> = Vec::with_capacity(DESCS + 1);
        let mut built: [Desc; DESCS] = Default::default();
        for (desc, out) in descs.iter().zip(built.iter_mut()) {
            out.slot = desc
                .national_number_pattern()
                .pattern_base
                .as_deref()
                .map(|base| push(&mut patterns, anchored_full(base)));
            out.lengths = desc.original.possible_length.clone().into_boxed_slice();
        }
        let leading_digits = match metadata.leading_digits().pattern_base.as_deref() {
            Some(base) => Some(push(&mut patterns, anchored_start(base)?)),
            None => None,
        };
        // Unicode off: the patterns are digits, classes and repetitions, and the haystack is
        // only ever ASCII digits (checked in `region_and_validity`), where `\d` and `[0-9]`
        // match the same bytes. Unicode `\d` would make CN's set take about 10 ms to build,
        // which a cold process pays on its first call.
        let set = RegexSetBuilder::new(&patterns)
            .unicode(false)
            .build()
            .ok()?;
        Some(RegionPatterns {
            set,
            descs: built,
            leading_digits,
            same_mobile_and_fixed_line: metadata.original.same_mobile_and_fixed_line_pattern(),
        })
    }

    /// Searches `national` once. The set runs only when its answer can count: when the
    /// general description's lengths fit (no type can match without it), or when
    /// `leading_digits` are asked for too.
    fn search(&self, national: &str, leading_digits: bool) -> Found<'_> {
        let length = i32::try_from(national.len()).unwrap_or(i32::MAX);
        let general = &self.descs[GENERAL];
        let fits = general.lengths.is_empty() || general.lengths.contains(&length);
        let matched = (fits || (leading_digits && self.leading_digits.is_some()))
            .then(|| self.set.matches(national.as_bytes()));
        Found {
            patterns: self,
            matched,
            length,
        }
    }
}

fn push(patterns: &mut Vec<String>, pattern: &str) -> usize {
    patterns.push(pattern.to_owned());
    patterns.len() - 1
}

/// The pattern libphonenumber's `anchor_full` compiles from a stored pattern.
fn anchored_full(base: &str) -> &str {
    if base.len() >= MIN_WRAPPED {
        base
    } else {
        ""
    }
}

/// The pattern libphonenumber's `anchor_start` compiles: the stored one less its `$`.
fn anchored_start(base: &str) -> Option<&str> {
    if base.len() >= MIN_WRAPPED {
        base.get(..base.len() - 1)
    } else {
        Some("")
    }
}

/// Slots for regions by their two letters (`AA`..`ZZ`).
const SLOTS: usize = 26 * 26;

/// The compiled patterns of `region`, built at its first use in the process.
fn patterns_for(region: LibraryRegion) -> Option<&'static RegionPatterns> {
    static PATTERNS: [OnceLock<Option<RegionPatterns>>; SLOTS] = [const { OnceLock::new() }; SLOTS];
    let [high, low] = (region as u16).to_be_bytes();
    if !high.is_ascii_uppercase() || !low.is_ascii_uppercase() {
        return None;
    }
    let slot = usize::from(high - b'A') * 26 + usize::from(low - b'A');
    PATTERNS
        .get(slot)?
        .get_or_init(|| RegionPatterns::build(region))
        .as_ref()
}

/// libphonenumber's `get_region_for_number` and, for that region,
/// `is_valid_number_for_region`: the pair its `is_valid_number` is made of.
/// `national` is the number's national significant number.
pub(super) fn region_and_validity(
    parsed: &LibraryNumber,
    national: &str,
) -> (Option<LibraryRegion>, bool) {
    if national.is_empty() || !national.bytes().all(|b| b.is_ascii_digit()) {
        return library(parsed);
    }
    fast_region_and_validity(parsed, national).unwrap_or_else(|| library(parsed))
}

/// libphonenumber's own answer.
pub(super) fn library(parsed: &LibraryNumber) -> (Option<LibraryRegion>, bool) {
    let region = PHONE_NUMBER_UTIL.get_region_for_number(parsed);
    let valid = region.is_some_and(|r| PHONE_NUMBER_UTIL.is_valid_number_for_region(parsed, r));
    (region, valid)
}

fn fast_region_and_validity(
    parsed: &LibraryNumber,
    national: &str,
) -> Option<(Option<LibraryRegion>, bool)> {
    let mut regions = PHONE_NUMBER_UTIL
        .as_original()
        .get_regions_for_country_calling_code(parsed.country_code)?;
    if regions.len() == 1 {
        let region = regions.next()?;
        let found = patterns_for(region)?.search(national, false);
        return Some((Some(region), found.is_valid()));
    }
    for region in regions {
        let found = patterns_for(region)?.search(national, true);
        let valid = found.is_valid();
        if valid || found.leading_digits_match() {
            return Some((Some(region), valid));
        }
    }
    Some((None, false))
}
