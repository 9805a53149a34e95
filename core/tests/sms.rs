//! SMS analysis through the engine: links, written numbers, phrase rules, verification
//! codes, marketing, and bad input.

mod common;

use callguard_core::{
    Action, Category, Engine, EngineConfig, EntryMeta, ListSet, ListSetBuilder, ReasonCode,
    SmsInput,
};
use common::region;

fn engine() -> Engine {
    engine_with("CN", |b| {
        b.add_domain(
            "icbc-refund.top",
            EntryMeta::new(Action::Block, Category::FakeCustomerService, 90),
        )
        .unwrap();
        b.add_number(
            "+8617000000200",
            EntryMeta::new(Action::Block, Category::LoanCredit, 90),
        )
        .unwrap();
        b.add_sms_rule(Category::OfficialImpersonation, "安全账户", 70)
            .unwrap();
        b.add_sms_rule(Category::OfficialImpersonation, "冻结", 40)
            .unwrap();
        b.add_sms_rule(
            Category::AccountPhishing,
            "验证码&告诉&!勿告诉&!不要告诉",
            80,
        )
        .unwrap();
        b.add_sms_rule(Category::Prize, "you have won", 60).unwrap();
        b.add_sms_rule(Category::Spam, "退订", 30).unwrap();
        b.add_sms_rule(Category::Spam, "优惠", 30).unwrap();
        b.add_brand("icbc", "icbc.com.cn").unwrap();
    })
}

/// An engine at home in `home` with a list of only what `fill` adds.
fn engine_with(home: &str, fill: impl FnOnce(&mut ListSetBuilder)) -> Engine {
    let engine = Engine::open_in_memory(EngineConfig::new(region(home))).unwrap();
    let mut b = ListSet::builder("sms-case", 1);
    fill(&mut b);
    engine.replace_lists(b.build().unwrap());
    engine
}

fn sms(engine: &Engine, text: &str) -> callguard_core::Decision {
    engine.check_sms(&SmsInput::new("10690000", text)).unwrap()
}

#[test]
fn listed_domains_match_by_suffix_however_written() {
    let e = engine();
    for text in [
        "退款请点击 https://www.icbc-refund.top/a",
        "退款请点击icbc-refund[.]top",
        "退款请点击 ｉｃｂｃ－ｒｅｆｕｎｄ．ｔｏｐ",
        "退款请点击 icbc-refund\u{200b}.top",
        "退款请点击 http://%69cbc-refund.top/a",
        "退款请点击 www.%69%43BC-refund.%74op/a",
    ] {
        let d = sms(&e, text);
        assert_eq!(d.action, Action::Block, "{text}: {d:?}");
        assert_eq!(d.reasons[0].code, ReasonCode::SmsDomain);
        assert_eq!(d.category, Some(Category::FakeCustomerService));
    }
}

#[test]
fn suspicious_links_warn() {
    let e = engine();
    for text in [
        "login at http://103.22.4.5/icbc",
        "verify at icbc-secure.xyz now",
        "visit xn--pple-43d.com",
        "login at http://0x7f000001/icbc",
        "login at http://2130706433/icbc",
        "login at http://127.1/icbc",
        "login at http://[::1]/icbc",
    ] {
        let d = sms(&e, text);
        assert_eq!(d.action, Action::Warn, "{text}: {d:?}");
        assert!(d.has_reason(ReasonCode::SmsLinkSuspicious), "{text}");
    }
    assert_eq!(
        sms(&e, "login at https://www.icbc.com.cn").action,
        Action::Allow,
        "the brand's own domain"
    );
}

#[test]
fn numbers_written_in_the_text_are_checked() {
    let e = engine();
    let d = sms(&e, "急用钱？请联系 170-0000-0200");
    assert_eq!(
        (d.action, d.reasons[0].code),
        (Action::Block, ReasonCode::SmsNumber)
    );
}

#[test]
fn phrases_score_by_category_even_when_obfuscated() {
    let e = engine();
    let d = sms(&e, "您的账户涉嫌违法已被冻结，请将资金转入安 全 账 户");
    assert_eq!(d.action, Action::Block, "{d:?}");
    assert_eq!(d.category, Some(Category::OfficialImpersonation));
    assert_eq!(d.reasons[0].code, ReasonCode::SmsPhrase);
    assert_eq!(sms(&e, "YOU HAVE WON a prize").action, Action::Warn);
}

#[test]
fn verification_codes_alone_are_fine_but_asking_for_them_is_not() {
    let e = engine();
    assert_eq!(
        sms(&e, "【工商银行】您的验证码为 482913，请勿告诉他人。").action,
        Action::Allow
    );
    assert_eq!(sms(&e, "验证码 482913，5 分钟内有效").action, Action::Allow);
    let d = sms(&e, "我是客服，请把刚收到的验证码告诉我");
    assert_eq!(
        (d.action, d.category),
        (Action::Warn, Some(Category::AccountPhishing))
    );
}

#[test]
fn marketing_is_labelled_spam_and_allowed_unless_the_setting_says_otherwise() {
    let e = engine();
    let d = sms(&e, "双十一优惠，全场五折，回复退订");
    assert_eq!(
        (d.action, d.category),
        (Action::Allow, Some(Category::Spam))
    );
    e.set_setting("sms-spam", "warn").unwrap();
    assert_eq!(
        sms(&e, "双十一优惠，全场五折，回复退订").action,
        Action::Warn
    );
}

#[test]
fn bad_input_gets_a_decision() {
    let e = engine();
    let huge = "安全".repeat(250_000); // 1.5 MB
    let links = (0..10_000)
        .map(|i| format!("http://a{i}.example.com "))
        .collect::<String>();
    for text in [
        "",
        "😀".repeat(1000).as_str(),
        "Привет مرحبا 你好 ｈｅｌｌｏ",
        "http://[::1 http://% http://.com ...",
        &huge,
        &links,
    ] {
        let d = e.check_sms(&SmsInput::new("", text)).unwrap();
        assert!(!d.label.is_empty());
    }
}

#[test]
fn a_bank_short_code_in_international_form_is_a_spoof() {
    let engine = engine_with("CN", |b| b.add_official(region("CN"), "95588").unwrap());
    let real = engine
        .check_sms(&SmsInput::new("95588", "您的账户支出 100 元"))
        .unwrap();
    assert_eq!(
        real.action,
        Action::Allow,
        "the real bank short code: {real:?}"
    );
    for sender in ["+86 95588", "+852 95588"] {
        let d = engine
            .check_sms(&SmsInput::new(sender, "您的账户支出 100 元"))
            .unwrap();
        assert_eq!(d.action, Action::Block, "{sender}: {d:?}");
        assert_eq!(d.reasons[0].code, ReasonCode::SpoofedOfficial);
    }
}

#[test]
fn rules_can_require_a_link_or_a_number() {
    let engine = engine_with("CN", |b| {
        b.add_sms_rule(Category::Delivery, "[link]&包裹", 60)
            .unwrap();
        b.add_sms_rule(Category::Prize, "[number]&claim", 60)
            .unwrap();
    });
    let check = |text: &str| engine.check_sms(&SmsInput::new("", text)).unwrap();
    assert_eq!(
        check("您的包裹异常，请点击 sf-kuaidi.top/a 处理").action,
        Action::Warn
    );
    assert_eq!(
        check("您的包裹已到驿站，请凭取件码 1234 领取").action,
        Action::Allow,
        "no link"
    );
    assert_eq!(check("To claim call 09061701461 now").action, Action::Warn);
    assert_eq!(
        check("claim your seat at the front desk").action,
        Action::Allow,
        "no number"
    );
}

#[test]
fn premium_rate_numbers_in_the_text_are_a_marker_rules_can_use() {
    let engine = engine_with("GB", |b| {
        b.add_sms_rule(Category::Prize, "[premium]&won", 60)
            .unwrap();
    });
    let check = |text: &str| engine.check_sms(&SmsInput::new("", text)).unwrap();
    // 0906 is a UK premium-rate range; 020 is London, 07 a mobile.
    assert_eq!(
        check("You have won! Call 09061701461 to collect").action,
        Action::Warn
    );
    assert_eq!(
        check("You have won! Call 020 7946 0018 to collect").action,
        Action::Allow
    );
    assert_eq!(
        check("You have won! Call 07700 900123 to collect").action,
        Action::Allow
    );
    assert_eq!(
        check("Call 09061701461 about the meeting").action,
        Action::Allow,
        "premium number but no prize"
    );
}

#[test]
fn a_link_to_a_brands_own_domain_is_not_a_link_for_the_rules() {
    let engine = engine_with("GB", |b| {
        b.add_sms_rule(Category::Delivery, "[link]&parcel", 60)
            .unwrap();
        b.add_brand("royalmail", "royalmail.com").unwrap();
    });
    let check = |text: &str| engine.check_sms(&SmsInput::new("", text)).unwrap();
    assert_eq!(
        check("Your parcel is held, rebook at royalmail.com/redelivery").action,
        Action::Allow
    );
    assert_eq!(
        check("Your parcel is held, rebook at royalmail-redelivery.top/x").action,
        Action::Warn,
        "a lookalike is still a link, and suspicious"
    );
    assert_eq!(
        check("Your parcel is held, rebook at parcel-help.top/x").action,
        Action::Warn
    );
}
