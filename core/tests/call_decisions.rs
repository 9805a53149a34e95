//! The call-decision examples of the engine issue, and decisions over real list data.

mod common;

use callguard_core::{
    Action, CallInput, Category, Engine, EngineConfig, EntryMeta, ListSet, Presentation,
    ReasonCode, RuleKind, SmsInput, Verification,
};
use common::{cn_engine, csv_rows, region, shared_data};

fn overseas_blocking_engine() -> Engine {
    let engine = cn_engine();
    engine.set_setting("overseas-calls", "block").unwrap();
    engine
}

#[test]
fn foreign_code_in_front_of_a_home_official_number_is_a_spoof() {
    let engine = overseas_blocking_engine();
    for input in ["+852 12110", "00 1 12389"] {
        let d = engine.check_call(&CallInput::number(input)).unwrap();
        assert_eq!(d.action, Action::Block, "{input}");
        assert_eq!(
            d.reasons[0].code,
            ReasonCode::SpoofedOfficial,
            "{input}: {d:?}"
        );
        assert_eq!(d.category, Some(Category::OfficialImpersonation), "{input}");
    }
}

#[test]
fn police_number_with_failed_verification_is_a_spoof() {
    let engine = overseas_blocking_engine();
    let d = engine
        .check_call(&CallInput::number("110").with_verification(Verification::Failed))
        .unwrap();
    assert_eq!(d.action, Action::Block);
    assert_eq!(d.reasons[0].code, ReasonCode::SpoofedOfficial);
    assert!(
        d.has_reason(ReasonCode::VerificationFailed),
        "the failed check is listed too: {d:?}"
    );
}

#[test]
fn the_real_police_is_never_blocked() {
    let engine = overseas_blocking_engine();
    for verification in [Verification::NotVerified, Verification::Passed] {
        let d = engine
            .check_call(&CallInput::number("110").with_verification(verification))
            .unwrap();
        assert_eq!(d.action, Action::Allow, "{d:?}");
        assert!(d.reasons.is_empty(), "{d:?}");
    }
}

#[test]
fn police_number_in_international_form_is_a_spoof() {
    let engine = overseas_blocking_engine();
    let d = engine.check_call(&CallInput::number("+86 110")).unwrap();
    assert_eq!(d.action, Action::Block);
    assert_eq!(d.reasons[0].code, ReasonCode::SpoofedOfficial);
}

#[test]
fn overseas_call_follows_the_setting_with_its_exceptions() {
    let engine = overseas_blocking_engine();
    let call = CallInput::number("+855 12 345 678");

    let d = engine.check_call(&call).unwrap();
    assert_eq!(d.action, Action::Block);
    assert_eq!(d.reasons[0].code, ReasonCode::OverseasCall);

    let d = engine.check_call(&call.clone().with_contact(true)).unwrap();
    assert_eq!(d.action, Action::Allow);
    assert_eq!(d.reasons[0].code, ReasonCode::Contact);

    engine.set_setting("allowed-countries", "+855").unwrap();
    let d = engine.check_call(&call).unwrap();
    assert_eq!(d.action, Action::Allow, "{d:?}");
    assert!(!d.has_reason(ReasonCode::OverseasCall));
    engine.set_setting("allowed-countries", "").unwrap();

    engine.add_rule(RuleKind::Allow, "+85512345678").unwrap();
    let d = engine.check_call(&call).unwrap();
    assert_eq!(d.action, Action::Allow);
    assert_eq!(d.reasons[0].code, ReasonCode::UserAllow);
    assert!(
        d.has_reason(ReasonCode::OverseasCall),
        "every matching rule is listed: {d:?}"
    );
}

#[test]
fn ordinary_home_numbers_are_allowed() {
    let engine = overseas_blocking_engine();
    for input in ["138 0013 8000", "tel:+86-138-0013-8000"] {
        let d = engine.check_call(&CallInput::number(input)).unwrap();
        assert_eq!(d.action, Action::Allow, "{input}");
        assert!(d.reasons.is_empty(), "{input}: {d:?}");
        assert_eq!(d.lists.get("test"), Some(&1));
    }
}

#[test]
fn user_block_rules_beat_lists_and_user_allow_beats_everything() {
    let engine = cn_engine();
    engine.add_rule(RuleKind::Block, "+86 170*").unwrap();
    let d = engine
        .check_call(&CallInput::number("170 1234 5678"))
        .unwrap();
    assert_eq!(
        (d.action, d.reasons[0].code),
        (Action::Block, ReasonCode::UserBlock)
    );
    engine.add_rule(RuleKind::Allow, "170 1234 5678").unwrap();
    let d = engine
        .check_call(&CallInput::number("170 1234 5678"))
        .unwrap();
    assert_eq!(
        (d.action, d.reasons[0].code),
        (Action::Allow, ReasonCode::UserAllow)
    );
    assert!(d.has_reason(ReasonCode::UserBlock));
    assert_eq!(engine.remove_rule(None, "170 1234 5678").unwrap(), 1);
    let d = engine
        .check_call(&CallInput::number("170 1234 5678"))
        .unwrap();
    assert_eq!(d.action, Action::Block);
}

#[test]
fn country_rules_cover_every_number_of_the_region() {
    let engine = cn_engine();
    engine.add_rule(RuleKind::Block, "country:MM").unwrap();
    let d = engine
        .check_call(&CallInput::number("+95 9 123 456 789"))
        .unwrap();
    assert_eq!(
        (d.action, d.reasons[0].code),
        (Action::Block, ReasonCode::UserBlock)
    );
}

#[test]
fn hidden_numbers_and_failed_verification_follow_their_settings() {
    let engine = cn_engine();
    let hidden = CallInput {
        number: None,
        presentation: Presentation::Restricted,
        ..CallInput::default()
    };
    assert_eq!(engine.check_call(&hidden).unwrap().action, Action::Allow);
    engine.set_setting("hidden-numbers", "block").unwrap();
    let d = engine.check_call(&hidden).unwrap();
    assert_eq!(
        (d.action, d.reasons[0].code),
        (Action::Block, ReasonCode::HiddenNumber)
    );
    // A payphone with a number shown is still a hidden presentation.
    let payphone = CallInput::number("13800138000").with_presentation(Presentation::Payphone);
    assert_eq!(engine.check_call(&payphone).unwrap().action, Action::Block);

    let unverified = CallInput::number("13800138000").with_verification(Verification::Failed);
    let d = engine.check_call(&unverified).unwrap();
    assert_eq!(
        (d.action, d.reasons[0].code),
        (Action::Warn, ReasonCode::VerificationFailed)
    );
    engine.set_setting("verification-failed", "allow").unwrap();
    assert_eq!(
        engine.check_call(&unverified).unwrap().action,
        Action::Allow
    );
}

#[test]
fn strongest_action_wins_between_list_and_policy() {
    let engine = cn_engine();
    let mut lists = ListSet::builder("mixed", 7);
    lists
        .add_prefix(
            "+855",
            EntryMeta::new(Action::Warn, Category::ReportedFraud, 40),
        )
        .unwrap();
    lists
        .add_number(
            "+85512345678",
            EntryMeta::new(Action::Block, Category::Investment, 95),
        )
        .unwrap();
    engine.replace_lists(lists.build().unwrap());
    engine.set_setting("overseas-calls", "warn").unwrap();

    let d = engine
        .check_call(&CallInput::number("+855 12 345 678"))
        .unwrap();
    assert_eq!(d.action, Action::Block);
    assert_eq!(d.category, Some(Category::Investment));
    assert_eq!(d.reasons[0].code, ReasonCode::ListNumber);
    for code in [ReasonCode::ListPrefix, ReasonCode::OverseasCall] {
        assert!(d.has_reason(code), "{code} listed: {d:?}");
    }
    assert_eq!(d.lists.get("mixed"), Some(&7));

    let d = engine
        .check_call(&CallInput::number("+855 99 345 678"))
        .unwrap();
    assert_eq!(d.action, Action::Warn);
    assert_eq!(d.category, Some(Category::ReportedFraud));
}

/// The FTC Do-Not-Call complaint numbers as a block list, seen from the US.
#[test]
fn ftc_complaint_numbers_are_found_in_any_written_form() {
    let rows = csv_rows("numbers/ftc_dnc_unique.csv");
    let mut lists = ListSet::builder("ftc", 1);
    for row in &rows {
        lists
            .add_number(
                &row[0],
                EntryMeta::new(Action::Block, Category::Telemarketing, 60),
            )
            .unwrap();
    }
    let set = lists.build().unwrap();
    assert_eq!(
        set.counts()[0],
        rows.len() as u64,
        "the file holds unique numbers"
    );
    let engine = Engine::open_in_memory(EngineConfig::new(region("US"))).unwrap();
    engine.replace_lists(set);
    for row in rows.iter().step_by(997) {
        let national = &row[1];
        let written = format!(
            "({}) {}-{}",
            &national[0..3],
            &national[3..6],
            &national[6..]
        );
        for input in [
            row[0].clone(),
            national.clone(),
            written,
            format!("tel:{}", row[0]),
        ] {
            let d = engine
                .check_call(&CallInput::number(input.as_str()))
                .unwrap();
            assert_eq!(d.action, Action::Block, "{input}: {d:?}");
            assert!(d.has_reason(ReasonCode::ListNumber), "{input}");
        }
    }
    let d = engine
        .check_call(&CallInput::number("+1 202 555 0143"))
        .unwrap();
    assert_eq!(d.action, Action::Allow);
}

/// The French telemarketing and VoIP ranges, as `#` patterns, seen from France.
#[test]
fn french_range_patterns_match_numbers_in_their_range_only() {
    let text = std::fs::read_to_string(shared_data("numbers/fr_blocked_patterns.json")).unwrap();
    let patterns: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    let mut lists = ListSet::builder("fr", 1);
    for p in &patterns {
        lists
            .add_prefix(
                p["pattern"].as_str().unwrap(),
                EntryMeta::new(Action::Warn, Category::Telemarketing, 80),
            )
            .unwrap();
    }
    let engine = Engine::open_in_memory(EngineConfig::new(region("FR"))).unwrap();
    engine.replace_lists(lists.build().unwrap());
    let mut checked = 0;
    for p in patterns
        .iter()
        .filter(|p| p["start"].as_str().is_some_and(|s| s.len() == 11))
    {
        let start = p["start"].as_str().unwrap();
        let end = p["end"].as_str().unwrap();
        for number in [start, end] {
            let national = format!("0{}", &number[2..]);
            let d = engine
                .check_call(&CallInput::number(national.as_str()))
                .unwrap();
            assert_eq!(d.action, Action::Warn, "{national} in {}", p["pattern"]);
            assert_eq!(d.reasons[0].code, ReasonCode::ListPrefix);
        }
        checked += 1;
    }
    assert!(checked > 800);
    // A Paris number outside every range.
    assert_eq!(
        engine
            .check_call(&CallInput::number("01 42 68 53 00"))
            .unwrap()
            .action,
        Action::Allow
    );
}

#[test]
fn sms_senders_follow_the_number_rules() {
    let engine = overseas_blocking_engine();
    engine.set_setting("overseas-sms", "block").unwrap();
    let d = engine
        .check_sms(&SmsInput::new("+855 12 345 678", "hello"))
        .unwrap();
    assert_eq!(
        (d.action, d.reasons[0].code),
        (Action::Block, ReasonCode::OverseasSms)
    );
    let d = engine
        .check_sms(&SmsInput::new("+852 12110", "police notice"))
        .unwrap();
    assert_eq!(d.reasons[0].code, ReasonCode::SpoofedOfficial);
    // An alphanumeric sender is a name, not a number.
    let d = engine.check_sms(&SmsInput::new("ICBC", "balance")).unwrap();
    assert_eq!(d.action, Action::Allow);
    assert_eq!(
        engine.check_sms(&SmsInput::new("", "")).unwrap().action,
        Action::Allow
    );
}

#[test]
fn screening_records_history_without_message_text() {
    let engine = overseas_blocking_engine();
    engine
        .screen_call(&CallInput::number("+855 12 345 678"))
        .unwrap();
    engine
        .screen_sms(&SmsInput::new("10086", "secret text 123456"))
        .unwrap();
    let history = engine.history(10).unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[1].subject, "+85512345678");
    assert_eq!(history[1].decision.action, Action::Block);
    let json = serde_json::to_string(&history).unwrap();
    assert!(
        !json.contains("secret text"),
        "history never stores message text"
    );
}

#[test]
fn settings_rules_and_history_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    {
        let engine = Engine::open(dir.path(), EngineConfig::new(region("GB"))).unwrap();
        assert_eq!(
            engine.settings().home_region,
            region("GB"),
            "the default applies until a region is set"
        );
        engine.set_setting("home-region", "CN").unwrap();
        engine.set_setting("overseas-calls", "block").unwrap();
        engine.add_rule(RuleKind::Allow, "+855*").unwrap();
        engine
            .screen_call(&CallInput::number("+855 12 345 678"))
            .unwrap();
    }
    let engine = Engine::open(dir.path(), EngineConfig::new(region("US"))).unwrap();
    assert_eq!(
        engine.settings().home_region,
        region("CN"),
        "a stored region beats the default"
    );
    assert_eq!(engine.settings().overseas_calls, Action::Block);
    assert_eq!(engine.rules().len(), 1);
    assert_eq!(engine.history(5).unwrap().len(), 1);
    assert_eq!(
        engine
            .check_call(&CallInput::number("+855 12 345 678"))
            .unwrap()
            .action,
        Action::Allow
    );
}
