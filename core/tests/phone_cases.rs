//! Every case in ../shared/data/phone, through the public API.

mod common;

use callguard_core::number::{self, NumberKind};
use common::{csv_rows, region};

#[test]
fn e164_dev_cases_match_libphonenumber() {
    let rows = csv_rows("phone/e164_cases_dev.csv");
    assert!(rows.len() >= 200, "expected the full dev set");
    let mut failures = Vec::new();
    for row in &rows {
        let (input, home, expected, number_region) = (&row[0], &row[1], &row[2], &row[3]);
        match number::parse(input, region(home)) {
            Ok(n) => {
                if n.e164() != expected {
                    failures.push(format!(
                        "{input:?} in {home}: got {} want {expected}",
                        n.e164()
                    ));
                }
                let want_kind = if number_region == home {
                    NumberKind::Home
                } else {
                    NumberKind::Foreign
                };
                if n.kind() != want_kind {
                    failures.push(format!(
                        "{input:?} in {home}: kind {:?} want {want_kind:?}",
                        n.kind()
                    ));
                }
                if n.region().map(|r| r.to_string()).as_deref() != Some(number_region.as_str()) {
                    failures.push(format!(
                        "{input:?} in {home}: region {:?} want {number_region}",
                        n.region()
                    ));
                }
            }
            Err(e) => failures.push(format!("{input:?} in {home}: error {e}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}

/// The `phonenumber` crate's own parser tests. Where the crate's expectation and
/// libphonenumber's (the last column) differ, Callguard follows libphonenumber, because
/// the held-out cases and every platform's native parser do. The two differing rows:
/// - `64(0)64123456` in NZ: the `(0)` is a trunk prefix, so `+6464123456`;
/// - `0032474123456` with no region: `00` is not an international prefix without a
///   region, so it fails rather than guessing.
#[test]
fn rust_parser_cases_follow_libphonenumber() {
    let rows = csv_rows("phone/rust_phonenumber_parser_cases.csv");
    let mut disagreements = 0;
    for row in &rows {
        let (input, home, crate_expected, libphonenumber) = (&row[0], &row[1], &row[2], &row[6]);
        let home = (!home.is_empty()).then(|| region(home));
        let got = number::normalize(input, home);
        if libphonenumber == "ERROR" {
            assert!(got.is_err(), "{input:?} must fail, got {got:?}");
        } else {
            assert_eq!(got.as_deref(), Ok(libphonenumber.as_str()), "{input:?}");
        }
        if crate_expected != libphonenumber {
            disagreements += 1;
        }
    }
    assert_eq!(
        disagreements, 2,
        "the data set documents exactly two disagreements"
    );
}

#[test]
fn short_number_examples_are_short_or_service_numbers_of_their_region() {
    for row in csv_rows("phone/cn_short_number_metadata.csv") {
        let (home, category, example) = (&row[0], &row[1], &row[3]);
        let n = number::parse(example, region(home))
            .unwrap_or_else(|e| panic!("{example} in {home}: {e}"));
        assert_eq!(
            n.kind(),
            NumberKind::ShortOrService,
            "{example} ({category}) in {home}"
        );
        assert_eq!(n.national(), example);
    }
}

#[test]
fn short_numbers_abroad_are_foreign() {
    // The same short numbers, dialled with another region's calling code, are foreign.
    for row in csv_rows("phone/cn_short_number_metadata.csv") {
        let (home, example) = (&row[0], &row[3]);
        let other = if home == "US" { "CN" } else { "US" };
        let code = region(other).calling_code();
        let n = number::parse(&format!("+{code} {example}"), region(home)).expect("parse");
        assert_eq!(
            n.kind(),
            NumberKind::Foreign,
            "+{code} {example} seen from {home}"
        );
    }
}
