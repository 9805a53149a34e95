//! The demo list's SMS rules on messages of the kinds issue 12 names, through the built
//! binary and its embedded demo list: intent (who is claimed, what is asked, how) warns,
//! Traditional Chinese reads as Simplified, and the kinds of real notices that earlier
//! drafts of those rules warned about (found in the shared normal sets, paraphrased
//! here) stay allowed.

use assert_cmd::Command;
use serde_json::Value;

/// The decision's action for `text` from `from`, read in `region`.
fn action(region: &str, from: &str, text: &str) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = Command::new(assert_cmd::cargo::cargo_bin!("callguard"))
        .arg("--data-dir")
        .arg(dir.path())
        .args([
            "--region", region, "check", "sms", "--from", from, text, "--json",
        ])
        .env_remove("CALLGUARD_DATA_DIR")
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let decision: Value = serde_json::from_slice(&out.stdout).expect("json decision");
    decision["action"].as_str().expect("an action").to_owned()
}

fn flagged(region: &str, text: &str) -> bool {
    action(region, "+10000", text) != "allow"
}

#[test]
fn intent_warns_in_every_language_of_the_shared_sets() {
    for (region, text) in [
        ("CN", "我换号了，这是我新号，急用钱，先转账五千到这张卡上"),
        ("US", "Hi mom, I changed my number. Can you send money to my bank for an urgent bill?"),
        ("US", "Your account is locked due to unusual activity. Unlock it now: http://secure-check.top/a"),
        ("KR", "엄마 나 폰 액정이 깨져서 수리 맡겼어. 급하게 계좌 비밀번호 좀 보내줘"),
        ("ID", "Mama ini nomor baru aku, tolong kirim pulsa dulu ya"),
        ("TH", "สล็อตเว็บตรง เครดิตฟรี สมัครใหม่ http://example-bet.xyz/a"),
    ] {
        assert!(flagged(region, text), "not flagged in {region}: {text}");
    }
}

#[test]
fn traditional_chinese_is_judged_as_simplified() {
    let simplified = "您的账户涉嫌洗钱，已被冻结，请立即转入安全账户配合调查";
    let traditional = "您的帳戶涉嫌洗錢，已被凍結，請立即轉入安全賬戶配合調查";
    assert_ne!(action("CN", "+10000", simplified), "allow");
    assert_eq!(
        action("TW", "+10000", traditional),
        action("TW", "+10000", simplified)
    );
}

#[test]
fn real_kinds_of_notices_stay_clean() {
    for (region, text) in [
        // A courier's "delivered" notice with its tracking link.
        (
            "TH",
            "พัสดุ123456789 จัดส่งสำเร็จแล้ว ตรวจสอบ https://track.example.co/s?b=x",
        ),
        // A bank's card-spending notice with a short link to its app.
        (
            "CN",
            "您尾号1234的信用卡12日10:03消费人民币410.00元。马上点 t.cn/abcd 免费升级至笔笔提醒",
        ),
        // A carrier's thank-you for a bill paid.
        ("TH", "ขอบคุณที่ชำระค่าบริการ หมายเลข 0800000000 วันที่ 25/02/65"),
        // A friend asking for a number.
        ("GB", "Send me the new number when you get a chance"),
        // A bank raising a card's limit.
        (
            "CN",
            "尊敬的客户，您的信用卡额度已经上调至50000元，回复#ED随时查询可用额度",
        ),
    ] {
        assert_eq!(
            action(region, "10086", text),
            "allow",
            "flagged in {region}: {text}"
        );
    }
}
