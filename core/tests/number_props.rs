//! Normalisation is idempotent, and its E.164 output parses back to itself, in every home
//! region libphonenumber knows: whatever a number normalises to is the key a second
//! normalisation (by the publisher, by a rule, by a check of the E.164 form) gives too.
//! Inputs are every region's example numbers written in each of libphonenumber's formats
//! with some digits changed, and random digit strings in national and international form,
//! seen from any home region. The one exception is an output that libphonenumber refuses
//! outright when given back (`01272700000000` in CN gives `+861272700000000`); the test
//! counts those, and they must stay rare.

use std::sync::OnceLock;

use callguard_core::number;
use callguard_core::Region;
use proptest::prelude::*;
use rlibphonenumber::{PhoneNumberFormat, PhoneNumberType, PHONE_NUMBER_UTIL};

/// Every region's fixed-line and mobile example numbers, written in every format.
fn written_examples() -> &'static [String] {
    static WRITTEN: OnceLock<Vec<String>> = OnceLock::new();
    WRITTEN.get_or_init(|| {
        let mut written = Vec::new();
        for region in PHONE_NUMBER_UTIL.get_supported_regions() {
            for kind in [PhoneNumberType::FixedLine, PhoneNumberType::Mobile] {
                let Ok(n) = PHONE_NUMBER_UTIL.get_example_number_for_type_and_region(region, kind)
                else {
                    continue;
                };
                for format in [
                    PhoneNumberFormat::E164,
                    PhoneNumberFormat::International,
                    PhoneNumberFormat::National,
                    PhoneNumberFormat::RFC3966,
                ] {
                    written.push(PHONE_NUMBER_UTIL.format(&n, format).into_owned());
                }
            }
        }
        written
    })
}

/// What one input tells: `None` if it does not normalise; otherwise whether its output
/// is refused outright when given back (the exception), after checking the properties.
fn check(input: &str, home: Region) -> Result<Option<bool>, TestCaseError> {
    let Ok(first) = number::parse(input, home) else {
        return Ok(None);
    };
    let e164 = first.e164();
    let Ok(again) = number::parse(e164, home) else {
        return Ok(Some(true));
    };
    prop_assert_eq!(
        again.e164(),
        e164,
        "{:?} in {} is not a fixed point",
        input,
        home
    );
    prop_assert_eq!(number::normalize(e164, Some(home)), Ok(e164.to_owned()));
    prop_assert_eq!(number::normalize(e164, None), Ok(e164.to_owned()));
    prop_assert_eq!(again.calling_code(), first.calling_code());
    Ok(Some(false))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// Example numbers in every format with digits replaced, shortened or lengthened.
    #[test]
    fn written_numbers_normalise_to_a_fixed_point(
        pick in any::<prop::sample::Index>(),
        home_pick in any::<prop::sample::Index>(),
        keep in 0usize..5,
        tail in "[0-9]{0,6}",
    ) {
        let written = written_examples();
        let homes = Region::all();
        let example = &written[pick.index(written.len())];
        let home = homes[home_pick.index(homes.len())];
        let cut = example.len().saturating_sub(keep);
        let cut = (0..=cut).rev().find(|i| example.is_char_boundary(*i)).unwrap_or(0);
        let input = format!("{}{tail}", &example[..cut]);
        check(&input, home)?;
    }

    /// Random digits, written nationally, after `+`, after `00` and after a trunk `0`.
    #[test]
    fn random_digits_normalise_to_a_fixed_point(
        digits in "[0-9]{3,17}",
        prefix in prop::sample::select(vec!["", "+", "00", "0", "011", "8"]),
        home_pick in any::<prop::sample::Index>(),
    ) {
        let homes = Region::all();
        let home = homes[home_pick.index(homes.len())];
        check(&format!("{prefix}{digits}"), home)?;
    }
}

/// The exception stays an exception: of every example number seen from its own and a
/// few other regions, hardly any output is refused when given back.
#[test]
fn outputs_libphonenumber_refuses_when_given_back_are_rare() {
    let homes = Region::all();
    let (mut normalised, mut refused) = (0usize, 0usize);
    for (i, input) in written_examples().iter().enumerate() {
        for step in [0, 1, 37] {
            let home = homes[(i + step) % homes.len()];
            match check(input, home) {
                Ok(Some(was_refused)) => {
                    normalised += 1;
                    refused += usize::from(was_refused);
                }
                Ok(None) => {}
                Err(failure) => panic!("{failure}"),
            }
        }
    }
    assert!(normalised > 1000, "only {normalised} inputs normalised");
    assert!(
        refused * 1000 <= normalised,
        "{refused} of {normalised} outputs are refused when given back"
    );
}
