//! `number::parse` has a fast path for strict E.164 input; it must give exactly what the
//! full parser gives (`number::parse_full`): the same E.164 key, calling code, national
//! number, region, kind, written form and validity, or the same error. Checked over every
//! case in ../shared/data/phone (as written, and rewritten as strict E.164 and seen from
//! several home regions), over every region's example numbers, and over random valid and
//! invalid numbers of every region.
//!
//! `number::parse` also finds a number's region and validity with each region's type
//! patterns compiled as one set (`number::types`), on both its paths; `parse_full` uses
//! libphonenumber's own functions, so these tests compare that too, for strict E.164 and
//! for every other form (national, spaced, `00`).

mod common;

use callguard_core::number;
use callguard_core::Region;
use common::{csv_rows, region};
use std::sync::OnceLock;

use proptest::prelude::*;
use rlibphonenumber::{PhoneNumberFormat, PhoneNumberType, PHONE_NUMBER_UTIL};

/// The number types libphonenumber holds example numbers for.
const TYPES: [PhoneNumberType; 10] = [
    PhoneNumberType::FixedLine,
    PhoneNumberType::Mobile,
    PhoneNumberType::TollFree,
    PhoneNumberType::PremiumRate,
    PhoneNumberType::SharedCost,
    PhoneNumberType::VoIP,
    PhoneNumberType::PersonalNumber,
    PhoneNumberType::Pager,
    PhoneNumberType::UAN,
    PhoneNumberType::VoiceMail,
];

/// Every example number of every region and non-geographic code, in E.164.
fn example_numbers() -> &'static [String] {
    static NUMBERS: OnceLock<Vec<String>> = OnceLock::new();
    NUMBERS.get_or_init(load_example_numbers)
}

fn load_example_numbers() -> Vec<String> {
    let mut numbers = Vec::new();
    for region in PHONE_NUMBER_UTIL.get_supported_regions() {
        for kind in TYPES {
            if let Ok(n) = PHONE_NUMBER_UTIL.get_example_number_for_type_and_region(region, kind) {
                numbers.push(
                    PHONE_NUMBER_UTIL
                        .format(&n, PhoneNumberFormat::E164)
                        .into_owned(),
                );
            }
        }
    }
    for code in PHONE_NUMBER_UTIL.get_supported_global_network_calling_codes() {
        if let Ok(n) = PHONE_NUMBER_UTIL.get_example_number_for_non_geo_entity(code) {
            numbers.push(
                PHONE_NUMBER_UTIL
                    .format(&n, PhoneNumberFormat::E164)
                    .into_owned(),
            );
        }
    }
    numbers.sort();
    numbers.dedup();
    numbers
}

fn is_strict_e164(input: &str) -> bool {
    input
        .strip_prefix('+')
        .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
}

/// The first difference between the two paths, if any.
fn difference(input: &str, home: Region) -> Option<String> {
    let fast = number::parse(input, home);
    let full = number::parse_full(input, home);
    (fast != full).then(|| format!("{input:?} in {home}: fast {fast:?}, full {full:?}"))
}

fn assert_same(inputs: &[(String, Region)]) {
    let failures: Vec<String> = inputs
        .iter()
        .filter_map(|(input, home)| difference(input, *home))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} inputs differ:\n{}",
        failures.len(),
        inputs.len(),
        failures.join("\n")
    );
}

#[test]
fn every_shared_phone_case_gives_the_same_answer_through_both_paths() {
    let homes: Vec<Region> = ["CN", "US", "GB", "DE", "IT", "FR", "JP", "BR", "NZ"]
        .iter()
        .map(|r| region(r))
        .collect();
    let mut inputs = Vec::new();
    for row in csv_rows("phone/e164_cases_dev.csv") {
        inputs.push((row[0].clone(), region(&row[1])));
        for home in &homes {
            inputs.push((row[2].clone(), *home));
        }
    }
    for row in csv_rows("phone/rust_phonenumber_parser_cases.csv") {
        let home = if row[1].is_empty() {
            region("US")
        } else {
            region(&row[1])
        };
        inputs.push((row[0].clone(), home));
        if row[6].starts_with('+') {
            inputs.push((row[6].clone(), home));
        }
    }
    for row in csv_rows("phone/cn_short_number_metadata.csv") {
        let home = region(&row[0]);
        inputs.push((row[3].clone(), home));
        for code in ["86", "1", "852", "44"] {
            inputs.push((format!("+{code}{}", row[3]), home));
        }
    }
    let strict = inputs.iter().filter(|(i, _)| is_strict_e164(i)).count();
    assert!(
        strict >= 2000,
        "only {strict} strict E.164 inputs: the fast path is barely exercised"
    );
    assert_same(&inputs);
}

#[test]
fn every_example_number_of_every_region_gives_the_same_answer() {
    let homes = Region::all();
    assert!(
        homes.len() >= 200,
        "libphonenumber lists {} regions",
        homes.len()
    );
    let examples = example_numbers();
    assert!(
        examples.len() >= 1000,
        "only {} example numbers",
        examples.len()
    );
    let mut inputs = Vec::new();
    for (i, example) in examples.iter().enumerate() {
        // Each example seen from its own region's side and from a few others.
        for step in [0, 1, 37, 101] {
            inputs.push((example.clone(), homes[(i + step) % homes.len()]));
        }
    }
    assert_same(&inputs);
}

/// A small deterministic generator: the same numbers on every run, no seed to keep.
struct Digits(u64);

impl Digits {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn digits(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| char::from(b'0' + (self.next() % 10) as u8))
            .collect()
    }
}

#[test]
fn random_numbers_of_every_length_of_every_region_give_the_same_answer() {
    let homes = Region::all();
    let mut rng = Digits(0xCA11_0003);
    let mut inputs = Vec::new();
    for (i, region) in homes.iter().enumerate() {
        let code = region.calling_code();
        let other = homes[(i * 7 + 3) % homes.len()];
        // Keep each region's own leading digits (from its example numbers) for half the
        // inputs, so that many are valid; the other half are random, mostly invalid.
        let prefix: String = example_numbers()
            .iter()
            .filter(|e| e.starts_with(&format!("+{code}")))
            .nth(i % 3)
            .map(|e| e[1 + code.to_string().len()..].chars().take(3).collect())
            .unwrap_or_default();
        for len in 4usize..=13 {
            for lead in [prefix.as_str(), ""] {
                let rest = len.saturating_sub(lead.len());
                let national = format!("{lead}{}", rng.digits(rest));
                let e164 = format!("+{code}{national}");
                inputs.push((e164.clone(), *region));
                inputs.push((e164, other));
                // National and spaced forms take the full parser, with the sets too.
                inputs.push((national.clone(), *region));
                inputs.push((format!("0{national}"), *region));
                inputs.push((format!("+{code} {national}"), other));
            }
        }
    }
    assert!(inputs.len() >= 20_000, "only {} inputs", inputs.len());
    assert_same(&inputs);
}

/// The set path was built for regions that share a calling code too: +1 (25 regions),
/// +7, +44, +47, +61, +262, +590: valid numbers of each such region must get their
/// own region, as libphonenumber's region-by-region search gives.
#[test]
fn shared_calling_codes_give_each_number_its_own_region() {
    let home = region("CN");
    let mut checked = 0;
    for example in example_numbers() {
        let parsed = number::parse(example, home).expect("an example number parses");
        let full = number::parse_full(example, home).expect("an example number parses");
        assert_eq!(parsed, full, "{example}");
        let shared = PHONE_NUMBER_UTIL
            .get_regions_for_country_calling_code(i32::from(parsed.calling_code()))
            .is_some_and(|regions| regions.len() > 1);
        if shared && parsed.is_valid() {
            checked += 1;
        }
    }
    assert!(
        checked >= 100,
        "only {checked} valid numbers of shared codes"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    /// Example numbers with their last digits replaced, shortened or lengthened: valid and
    /// invalid numbers of every region, seen from any home region.
    #[test]
    fn mutated_example_numbers_give_the_same_answer(
        pick in any::<prop::sample::Index>(),
        home_pick in any::<prop::sample::Index>(),
        keep in 0usize..6,
        tail in "[0-9]{0,8}",
    ) {
        let examples = example_numbers();
        let homes = Region::all();
        let example = &examples[pick.index(examples.len())];
        let home = homes[home_pick.index(homes.len())];
        let cut = example.len().saturating_sub(keep).max(2);
        let input = format!("{}{tail}", &example[..cut]);
        prop_assert_eq!(number::parse(&input, home), number::parse_full(&input, home), "{:?} in {}", input, home);
    }

    /// Random digit strings after a `+`: unknown codes, leading zeros, every length.
    #[test]
    fn random_plus_digits_give_the_same_answer(
        digits in "[0-9]{0,18}",
        home_pick in any::<prop::sample::Index>(),
    ) {
        let homes = Region::all();
        let home = homes[home_pick.index(homes.len())];
        let input = format!("+{digits}");
        prop_assert_eq!(number::parse(&input, home), number::parse_full(&input, home), "{:?} in {}", input, home);
    }
}
