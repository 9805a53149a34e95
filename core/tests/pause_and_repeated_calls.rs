//! Pause (with auto-resume) and the repeated-calls window, on a clock the test moves.
//! Both only ever let a call through, and keep every rule that matched in the reasons.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use callguard_core::Clock;
use callguard_core::Pause;
use callguard_core::{
    Action, CallInput, Category, Engine, EngineConfig, EntryMeta, ListSet, ReasonCode, RuleKind,
    SmsInput, Verification,
};

const T: u64 = 1_795_000_000_000; // Unix ms

struct Phone {
    engine: Engine,
    now_ms: Arc<AtomicU64>,
    _dir: tempfile::TempDir,
}

impl Phone {
    fn new() -> Phone {
        let dir = tempfile::tempdir().unwrap();
        let now_ms = Arc::new(AtomicU64::new(T));
        let clock_ms = now_ms.clone();
        let mut config = EngineConfig::new("CN".parse().unwrap());
        config.clock = Clock::from_fn(move || clock_ms.load(Ordering::SeqCst));
        let engine = Engine::open(dir.path(), config).unwrap();
        let mut lists = ListSet::builder("t", 1);
        lists.add_official("CN".parse().unwrap(), "110").unwrap();
        lists
            .add_number(
                "+8613900000001",
                EntryMeta::new(Action::Block, Category::ReportedFraud, 90),
            )
            .unwrap();
        lists
            .add_number(
                "+8613900000002",
                EntryMeta::new(Action::Warn, Category::LoanCredit, 60),
            )
            .unwrap();
        engine.replace_lists(lists.build().unwrap());
        Phone {
            engine,
            now_ms,
            _dir: dir,
        }
    }

    fn advance_secs(&self, secs: u64) {
        self.now_ms.fetch_add(secs * 1000, Ordering::SeqCst);
    }

    fn now_secs(&self) -> u64 {
        self.now_ms.load(Ordering::SeqCst) / 1000
    }

    fn screen(&self, number: &str) -> callguard_core::Decision {
        self.engine.screen_call(&CallInput::number(number)).unwrap()
    }
}

#[test]
fn a_timed_pause_allows_everything_then_resumes_by_itself() {
    let phone = Phone::new();
    assert_eq!(phone.screen("+852 110").action, Action::Block);
    phone.engine.pause(Some(phone.now_secs() + 3_600)).unwrap();
    assert_eq!(
        phone.engine.status().unwrap().paused,
        Some(Pause::Until(phone.now_secs() + 3_600))
    );

    for number in ["+852 110", "+8613900000001", "+855 12 345 678"] {
        let d = phone.screen(number);
        assert_eq!(d.action, Action::Allow, "{number}");
        assert_eq!(d.reasons[0].code, ReasonCode::Paused, "{number}: {d:?}");
        assert!(
            d.reasons.len() > 1,
            "{number}: what would have happened stays listed"
        );
        assert!(d.label.contains("paused"), "{}", d.label);
    }
    let sms = phone
        .engine
        .check_sms(&SmsInput::new("+8613900000001", "hello"))
        .unwrap();
    assert_eq!(
        (sms.action, sms.reasons[0].code),
        (Action::Allow, ReasonCode::Paused)
    );

    // One second before the end: still paused; at the end: protected again, untouched.
    phone.advance_secs(3_599);
    assert_eq!(phone.screen("+852 110").action, Action::Allow);
    phone.advance_secs(1);
    assert_eq!(phone.engine.pause_state(), None);
    assert_eq!(phone.engine.status().unwrap().paused, None);
    let d = phone.screen("+852 110");
    assert_eq!(d.action, Action::Block);
    assert!(!d.has_reason(ReasonCode::Paused));
}

#[test]
fn a_pause_until_resumed_lasts_until_resume_and_survives_a_restart() {
    let phone = Phone::new();
    phone.engine.pause(None).unwrap();
    phone.advance_secs(30 * 86_400);
    assert_eq!(phone.engine.pause_state(), Some(Pause::UntilResumed));
    assert_eq!(phone.screen("+8613900000001").action, Action::Allow);
    phone.engine.resume().unwrap();
    assert_eq!(phone.screen("+8613900000001").action, Action::Block);
    // A pause in the past is refused with a clear error.
    assert!(phone.engine.pause(Some(phone.now_secs() - 1)).is_err());
}

#[test]
fn a_second_call_within_the_window_lifts_policies_and_warnings_only() {
    let phone = Phone::new();
    // Off by default: the second call is warned like the first.
    phone.screen("+855 12 345 678");
    assert_eq!(phone.screen("+855 12 345 678").action, Action::Warn);

    phone.engine.set_setting("repeated-calls", "5").unwrap();
    let overseas = "+855 12 345 679";
    assert_eq!(
        phone.screen(overseas).action,
        Action::Warn,
        "the first call"
    );
    phone.advance_secs(4 * 60);
    let second = phone.screen(overseas);
    assert_eq!(second.action, Action::Allow, "{second:?}");
    assert_eq!(second.reasons[0].code, ReasonCode::RepeatedCall);
    assert!(
        second.has_reason(ReasonCode::OverseasCall),
        "the lifted rule stays listed"
    );
    // Outside the window (from the last call): warned again.
    phone.advance_secs(5 * 60 + 1);
    assert_eq!(phone.screen(overseas).action, Action::Warn);

    // A list warning and a failed verification are lifted too.
    phone.screen("+8613900000002");
    assert_eq!(phone.screen("+8613900000002").action, Action::Allow);
    let failed = CallInput {
        verification: Verification::Failed,
        ..CallInput::number("+8613800138000")
    };
    phone.engine.screen_call(&failed).unwrap();
    let again = phone.engine.screen_call(&failed).unwrap();
    assert_eq!(again.action, Action::Allow, "{again:?}");

    // Never a spoof, a list block or the user's own block rule.
    for number in ["+852 110", "+8613900000001"] {
        phone.screen(number);
        let d = phone.screen(number);
        assert_eq!(d.action, Action::Block, "{number}");
        assert!(!d.has_reason(ReasonCode::RepeatedCall), "{number}");
    }
    phone
        .engine
        .add_rule(RuleKind::Block, "+8613800138001")
        .unwrap();
    phone.screen("+8613800138001");
    assert_eq!(phone.screen("+8613800138001").action, Action::Block);

    // A pure check reads the history too, and records nothing.
    let checked = phone
        .engine
        .check_call(&CallInput::number(overseas))
        .unwrap();
    assert_eq!(checked.action, Action::Allow);
}

#[test]
fn repeated_calls_accepts_minutes_and_off() {
    let phone = Phone::new();
    assert_eq!(
        phone
            .engine
            .set_setting("repeated-calls", "off")
            .unwrap()
            .repeated_calls_minutes,
        0
    );
    assert_eq!(
        phone
            .engine
            .set_setting("repeated-calls", "60")
            .unwrap()
            .repeated_calls_minutes,
        60
    );
    for bad in ["61", "-1", "five", ""] {
        assert!(
            phone.engine.set_setting("repeated-calls", bad).is_err(),
            "{bad:?}"
        );
    }
}

#[test]
fn a_rule_is_dated_by_the_engines_clock() {
    let phone = Phone::new();
    phone.advance_secs(3_600);
    let rule = phone
        .engine
        .add_rule(RuleKind::Block, "+85512345678")
        .unwrap();
    assert_eq!(rule.created_at, phone.now_secs() as i64);
}
