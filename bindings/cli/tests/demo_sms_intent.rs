//! The demo list's SMS rules on messages of the kinds issue 12 names, through the built
//! binary and its embedded demo list: intent (who is claimed, what is asked, how) warns,
//! Traditional Chinese reads as Simplified, and the kinds of real notices that earlier
//! drafts of those rules warned about (found in the shared normal sets, paraphrased
//! here) stay allowed.

use assert_cmd::Command;
use serde_json::Value;

/// Runs `callguard --data-dir DATA_DIR --region REGION ARGS…` with the embedded demo list
/// and returns its standard output; fails the test if it does not succeed.
fn run(data_dir: &std::path::Path, region: &str, args: &[&std::ffi::OsStr]) -> Vec<u8> {
    let out = Command::new(assert_cmd::cargo::cargo_bin!("callguard"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(["--region", region])
        .args(args)
        .env_remove("CALLGUARD_DATA_DIR")
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// The decision's action for `text` from `from`, read in `region`.
fn action(region: &str, from: &str, text: &str) -> String {
    decision(region, from, text).0
}

/// Judges every case of one region in a single `eval-sms` run (one process compiles the
/// list once) and returns the messages it got wrong: `fraud` cases that were allowed, `ham`
/// cases that were warned about or blocked. It fails if any case was skipped.
fn misjudged(region: &str, label: &str, from: &str, texts: &[&str]) -> Vec<String> {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("cases.jsonl");
    let lines: Vec<String> = texts
        .iter()
        .map(|text| serde_json::json!({"label": label, "from": from, "text": text}).to_string())
        .collect();
    std::fs::write(&file, lines.join("\n")).expect("write cases");
    let args = ["eval-sms", "--json", "--errors"]
        .map(std::ffi::OsStr::new)
        .into_iter()
        .chain([file.as_os_str()])
        .collect::<Vec<_>>();
    let stdout = run(&dir.path().join("data"), region, &args);
    let stdout = String::from_utf8_lossy(&stdout);
    let (summary, errors) = stdout.split_once('\n').expect("a summary line");
    let summary: Value = serde_json::from_str(summary).expect("json summary");
    assert_eq!(summary["messages"], texts.len(), "every case is judged");
    assert_eq!(summary["skipped_lines"], 0);
    errors
        .lines()
        .filter(|line| line.starts_with(&format!("{label}\t")))
        .map(str::to_owned)
        .collect()
}

/// Groups (region, text) cases by region and judges each group in one run.
fn misjudged_by_region(label: &str, from: &str, cases: &[(&str, &str)]) -> Vec<String> {
    let mut regions: Vec<&str> = cases.iter().map(|(region, _)| *region).collect();
    regions.sort_unstable();
    regions.dedup();
    regions
        .into_iter()
        .flat_map(|region| {
            let texts: Vec<&str> = cases
                .iter()
                .filter(|(r, _)| *r == region)
                .map(|(_, text)| *text)
                .collect();
            misjudged(region, label, from, &texts)
                .into_iter()
                .map(move |line| format!("{region}: {line}"))
        })
        .collect()
}

#[test]
fn intent_warns_in_every_language_of_the_shared_sets() {
    let cases = [
        ("CN", "我换号了，这是我新号，急用钱，先转账五千到这张卡上"),
        ("US", "Hi mom, I changed my number. Can you send money to my bank for an urgent bill?"),
        ("US", "Your account is locked due to unusual activity. Unlock it now: http://secure-check.top/a"),
        ("KR", "엄마 나 폰 액정이 깨져서 수리 맡겼어. 급하게 계좌 비밀번호 좀 보내줘"),
        ("ID", "Mama ini nomor baru aku, tolong kirim pulsa dulu ya"),
        ("TH", "สล็อตเว็บตรง เครดิตฟรี สมัครใหม่ http://example-bet.xyz/a"),
        // Round 3: the ask behind the claim.
        ("CN", "这个月房租打到我爱人卡上，原来那张卡挂失了"),
        ("CN", "我是银保监会工作人员，你的贷款资料有误，需要配合核查，按要求分三笔转账"),
        ("CN", "您在平台的订单异常，需要办理退款，请联系客服处理"),
        ("US", "Send the rent to my wife's account this time, my usual account is frozen"),
        ("US", "Your card has been locked. Update your security details at http://card-verify.top/u"),
        ("US", "E-ZPass: you have an unpaid toll of $4.15. Avoid a late fee: http://ezpass-pay.top/x"),
        ("GB", "HMRC: you are due a tax refund of 264.50. Claim here http://hmrc-refund.top/c"),
        // Round 4: the same moves in more of the words people use.
        ("CN", "爸，我手机坏了借朋友的手机发的，先给我转三千，别跟妈说"),
        ("CN", "你好，这里是公安局刑警队，你的身份信息涉嫌一起洗钱案，请加微信配合做笔录"),
        ("CN", "闲鱼平台：您的店铺未缴纳保证金，资金已冻结，暂时无法提现"),
        ("CN", "网贷逾期可申请停息挂账，减免利息，专业律师协助，回1了解"),
        ("CN", "请把您刚收到的验证码回复给我，用于核对身份"),
        ("US", "Your computer is infected with a virus. Call our support technician at 888-555-0199 now"),
        ("US", "We will mail you a check; deposit it, keep $300 and buy gift cards with the rest"),
        ("US", "DMV final notice: your driver's license will be suspended. Pay at http://dmv-pay.top/n"),
    ];
    let missed = misjudged_by_region("fraud", "+10000", &cases);
    assert!(missed.is_empty(), "not flagged:\n{}", missed.join("\n"));
}

/// The decision for `text` from `from` in `region`: its action and its reasons' details.
fn decision(region: &str, from: &str, text: &str) -> (String, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let args = ["check", "sms", "--from", from, text, "--json"].map(std::ffi::OsStr::new);
    let decision: Value = serde_json::from_slice(&run(dir.path(), region, &args)).expect("json");
    let details = decision["reasons"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["detail"].as_str())
        .collect::<Vec<_>>()
        .join("; ");
    (
        decision["action"].as_str().expect("an action").to_owned(),
        details,
    )
}

#[test]
fn structure_turns_an_errand_into_a_warning() {
    // Round 5: (region, marker, the message, the same errand without that structure).
    let pairs = [
        (
            "CN",
            "[cardnumber]",
            "下个月起学费交到 6222 0000 0000 0000 004，户名王芳",
            "下个月起学费交到尾号0004的卡，户名王芳",
        ),
        (
            "CN",
            "[mobilenumber]",
            "售后专员 139 1234 5678 为您办理退款",
            "售后专员 400 123 4567 为您办理退款",
        ),
        (
            "US",
            "[risklink]",
            "Your parcel status: https://parcelstatus.xyz/a",
            "Your parcel status: https://parcelstatus.com/a",
        ),
        (
            "GB",
            "[foreignnumber]",
            "Your parcel is held at customs, call +1 212 555 0123",
            "Your parcel is held at customs, call 020 7946 0000",
        ),
    ];
    // The brands of round 5: a lookalike of one warns on its own; its own domain does not.
    let (action, why) = decision(
        "US",
        "10690000",
        "Your statement is ready: https://chase-statements.com/v",
    );
    assert_ne!(action, "allow");
    assert!(why.contains("imitates chase"), "{why}");
    let (action, why) = decision(
        "US",
        "10690000",
        "Your statement is ready: https://chase.com/v",
    );
    assert_eq!(action, "allow", "{why}");
    for (region, marker, with, without) in pairs {
        let (action, why) = decision(region, "10690000", with);
        assert_ne!(action, "allow", "{with}");
        assert!(why.contains(marker), "{with}: {why}");
        assert_eq!(
            decision(region, "10690000", without).0,
            "allow",
            "{without}"
        );
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
    let cases = [
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
        // Found while writing the payee-change, regulator and customer-service rules:
        // a video site confirming a membership bought, with its service number;
        (
            "CN",
            "【某视频】您已成功开通高级VIP会员包年服务，如有问题请拨打客服电话4000000000",
        ),
        // a travel site's change of flight handled by its agent;
        (
            "CN",
            "【某旅行】您的机票订单已申请改签，代理商将为您操作改签，如有疑问请致电客服",
        ),
        // a bank relaying the central bank's notice of a clearing-system pause;
        (
            "CN",
            "尊敬的客户：根据中国人民银行通知，国庆期间将停止运行跨行清算系统，届时暂停办理跨行转账业务",
        ),
        // a friend's new number, to be saved;
        ("CN", "这是我新号，存一下哈"),
        // an exchange's verification code;
        ("TH", "Your Crypto.com verification code is: 123456"),
        // a chat that happens to ask "is this the ...".
        ("GB", "Is this the first time you use these words?"),
        // Found while writing round 4: an insurer paying a claim to the reader's own account;
        (
            "CN",
            "【某保险】您的理赔申请已审核通过，理赔款将转入您尾号8888的账户",
        ),
        // an insurer's claim notice that names the police and its WeChat account;
        (
            "CN",
            "【某保险】您的车险报案已受理，理赔需提供派出所证明，可添加微信公众号查询进度",
        ),
        // a colleague's request to come to the office;
        ("CN", "明天上午来我办公室一趟，带上合同"),
        // an anti-fraud warning that names the scam's moves;
        (
            "CN",
            "【反诈中心】提醒：冒充客服要求注销账户的都是骗局，请勿转账，有疑问拨打96110",
        ),
        // a bank's purchase alert that points to the number on the card.
        (
            "US",
            "Bank: a $52.10 purchase at GROCER was approved. Not you? Call the number on the back of your card.",
        ),
        // Round 5's structure beside the notices that carry it: a bank's transfer code
        // that quotes the payee's whole card;
        (
            "CN",
            "转账验证码：123456。收款人张三(6222000000000000004)，金额5000.00元。请保密并确认本人操作【某银行】",
        ),
        // a shop's membership card number, to show at the till;
        (
            "CN",
            "【某家居】您的会员卡号是6228480012345678903，请于结账时出示卡号以享受会员优惠",
        ),
        // a courier who gives his own mobile;
        (
            "CN",
            "您的包裹已放驿站，取件码3-2-1001，快递员电话 139 1234 5678",
        ),
        // an insurer's tax certificate on a .live domain;
        (
            "US",
            "Your 2021 premium tax certificate is ready to download at https://insurer.live/taxcert",
        ),
        // an insurer's anti-fraud reminder whose domain is one letter from a bank's short
        // name (a first draft listed that bank);
        (
            "CN",
            "【某保险】温馨提醒您：警惕非法集资、保险欺诈等违法行为，详见 http://cigna-cmc.com/notice",
        ),
        // a hotel abroad confirming a booking with its own number.
        (
            "GB",
            "Your booking is confirmed for 12 May. Questions? Call the hotel on +1 212 555 0123",
        ),
    ];
    let flagged = misjudged_by_region("ham", "10086", &cases);
    assert!(flagged.is_empty(), "flagged:\n{}", flagged.join("\n"));
}
