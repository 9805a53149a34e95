use super::*;

fn region(code: &str) -> Region {
    code.parse().expect("test region")
}

fn e164(input: &str, home: &str) -> String {
    parse(input, region(home))
        .map(|n| n.e164().to_owned())
        .unwrap_or_else(|e| format!("error: {e}"))
}

#[test]
fn issue_examples_normalise_to_e164() {
    for input in [
        "+86 138 0013 8000",
        "008613800138000",
        "13800138000",
        "＋８６ １３８ ００１３ ８０００",
        "tel:+86-138-0013-8000",
    ] {
        assert_eq!(e164(input, "CN"), "+8613800138000", "input {input:?}");
    }
    assert_eq!(e164("010-1234 5678", "CN"), "+861012345678");
    assert_eq!(e164("(202) 555-0143", "US"), "+12025550143");
    assert_eq!(e164("011 44 20 7946 0000", "US"), "+442079460000");
}

#[test]
fn home_numbers_are_home_and_valid() {
    let n = parse("138 0013 8000", region("CN")).unwrap();
    assert_eq!(n.kind(), NumberKind::Home);
    assert!(n.is_valid());
    assert_eq!(n.form(), WrittenForm::National);
    assert_eq!(n.key(), "8613800138000");
}

#[test]
fn short_and_service_numbers_of_home() {
    for input in ["110", "12110", "95588", "10086", "12389"] {
        let n = parse(input, region("CN")).unwrap();
        assert_eq!(n.kind(), NumberKind::ShortOrService, "{input}");
        assert_eq!(n.national(), input);
        assert_eq!(n.form(), WrittenForm::National);
    }
    assert_eq!(
        parse("911", region("US")).unwrap().kind(),
        NumberKind::ShortOrService
    );
}

#[test]
fn foreign_numbers_report_their_region() {
    let n = parse("+855 12 345 678", region("CN")).unwrap();
    assert_eq!(n.kind(), NumberKind::Foreign);
    assert_eq!(n.region().unwrap().as_str(), "KH");
    assert_eq!(n.form(), WrittenForm::International);

    let spoof = parse("+852 12110", region("CN")).unwrap();
    assert_eq!(spoof.kind(), NumberKind::Foreign);
    assert_eq!(spoof.national(), "12110");

    let nanp = parse("00 1 12389", region("CN")).unwrap();
    assert_eq!(nanp.calling_code(), 1);
    assert_eq!(nanp.national(), "12389");
}

#[test]
fn shared_calling_code_uses_the_numbers_region() {
    // Jamaica shares +1 with the US: an overseas call for a US user.
    let n = parse("+1 876 927 1234", region("US")).unwrap();
    assert_eq!(n.kind(), NumberKind::Foreign);
    assert_eq!(n.region().unwrap().as_str(), "JM");
    assert_eq!(
        parse("+1 202 555 0143", region("US")).unwrap().kind(),
        NumberKind::Home
    );
}

#[test]
fn home_short_number_in_international_form_is_flagged_as_international() {
    let n = parse("+86 110", region("CN")).unwrap();
    assert_eq!(n.kind(), NumberKind::ShortOrService);
    assert_eq!(n.form(), WrittenForm::International);
}

#[test]
fn garbage_gets_a_clear_error() {
    let cn = region("CN");
    assert_eq!(parse("", cn), Err(NumberError::Empty));
    assert_eq!(parse("   \t", cn), Err(NumberError::Empty));
    assert_eq!(parse(&"1".repeat(10_000), cn), Err(NumberError::TooLong));
    for junk in [
        "+",
        "00",
        "tel:",
        "tel:junk",
        "hello",
        "😀😀😀",
        "\u{0}\u{7}",
        "+-+-",
    ] {
        assert!(parse(junk, cn).is_err(), "{junk:?} should fail");
    }
}

#[test]
fn errors_never_echo_the_number() {
    let err = parse("+999 1234567", region("CN")).unwrap_err();
    assert!(!err.to_string().contains("1234567"));
}
