//! The `callguard` command-line contract, end to end through the built binary.

use std::path::PathBuf;

use assert_cmd::Command;
use serde_json::Value;

struct Cg {
    dir: tempfile::TempDir,
}

impl Cg {
    fn new() -> Cg {
        Cg {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    fn cmd(&self) -> Command {
        let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("callguard"));
        cmd.arg("--data-dir")
            .arg(self.dir.path())
            .env_remove("CALLGUARD_DATA_DIR");
        cmd
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).output().expect("run");
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 output")
    }

    fn decision(&self, args: &[&str]) -> Value {
        let mut all = vec!["check", "call"];
        all.extend_from_slice(args);
        all.push("--json");
        serde_json::from_str(&self.ok(&all)).expect("json decision")
    }

    /// `eval-sms FILE --json` with `args` before the command and `extra` after it.
    fn eval_sms(&self, args: &[&str], file: &std::path::Path, extra: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.extend(["eval-sms", file.to_str().expect("utf-8 path"), "--json"]);
        all.extend_from_slice(extra);
        serde_json::from_str(&self.ok(&all)).expect("json report")
    }

    fn stdin(&self, args: &[&str], input: impl Into<Vec<u8>>) -> String {
        let out = self
            .cmd()
            .args(args)
            .write_stdin(input)
            .output()
            .expect("run");
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 output")
    }
}

fn reason_codes(d: &Value) -> Vec<String> {
    d["reasons"]
        .as_array()
        .expect("reasons")
        .iter()
        .map(|r| r["code"].as_str().expect("code").to_owned())
        .collect()
}

#[test]
fn issue_examples_through_the_command_line() {
    let cg = Cg::new();
    cg.ok(&["settings", "set", "overseas-calls", "block"]);
    for number in ["+852 12110", "00 1 12389"] {
        let d = cg.decision(&[number]);
        assert_eq!(d["action"], "block", "{number}");
        assert_eq!(d["category"], "official_impersonation");
        assert_eq!(reason_codes(&d)[0], "spoofed_official");
    }
    let d = cg.decision(&["110", "--verification", "failed"]);
    assert_eq!(
        (d["action"].as_str(), reason_codes(&d)[0].as_str()),
        (Some("block"), "spoofed_official")
    );
    let d = cg.decision(&["110"]);
    assert_eq!(d["action"], "allow");
    assert_eq!(d["category"], Value::Null);

    let d = cg.decision(&["+855 12 345 678"]);
    assert_eq!(d["action"], "block");
    assert!(reason_codes(&d).contains(&"overseas_call".to_owned()));
    let d = cg.decision(&["+855 12 345 678", "--contact"]);
    assert_eq!(
        (d["action"].as_str(), reason_codes(&d)[0].as_str()),
        (Some("allow"), "contact")
    );
    cg.ok(&["rules", "add", "allow", "+85512345678"]);
    let d = cg.decision(&["+855 12 345 678"]);
    assert_eq!(
        (d["action"].as_str(), reason_codes(&d)[0].as_str()),
        (Some("allow"), "user_allow")
    );
    cg.ok(&["rules", "remove", "allow", "+85512345678"]);

    cg.ok(&["settings", "set", "allowed-countries", "KH"]);
    assert!(!reason_codes(&cg.decision(&["+855 99 345 678"])).contains(&"overseas_call".to_owned()));

    for number in ["138 0013 8000", "tel:+86-138-0013-8000"] {
        assert_eq!(cg.decision(&[number])["action"], "allow", "{number}");
    }
}

#[test]
fn decision_json_has_the_contract_shape() {
    let cg = Cg::new();
    let d = cg.decision(&["+8617003043548"]);
    let obj = d.as_object().expect("object");
    let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["action", "category", "label", "lists", "reasons"]);
    assert_eq!(d["category"], "investment");
    assert!(d["label"].as_str().is_some_and(|l| !l.is_empty()));
    assert_eq!(d["lists"]["default"], 1);
    assert!(d["reasons"][0]["detail"].as_str().is_some());
}

#[test]
fn human_output_is_short_and_says_why() {
    let cg = Cg::new();
    let text = cg.ok(&["check", "call", "+852 12110"]);
    let lines: Vec<&str> = text.lines().collect();
    assert!((1..=2).contains(&lines.len()), "{text}");
    assert!(lines[0].starts_with("BLOCK"));
    assert!(text.contains("spoofed_official"));
    assert_eq!(
        cg.ok(&["check", "call", "138 0013 8000"]).lines().count(),
        1
    );
}

#[test]
fn check_sms_has_its_shape() {
    let cg = Cg::new();
    let out = cg.ok(&[
        "check",
        "sms",
        "--from",
        "+852 12110",
        "police notice",
        "--json",
    ]);
    let d: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(d["action"], "block");
    let out = cg.ok(&["check", "sms", "--from", "ICBC", "your balance", "--json"]);
    let d: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(d["action"], "allow");
}

#[test]
fn batch_answers_every_line_in_order_and_survives_bad_lines() {
    let cg = Cg::new();
    let mut input = Vec::new();
    input.extend_from_slice(b"{\"kind\":\"call\",\"number\":\"+852 12110\"}\n");
    input.extend_from_slice(b"not json\n");
    input.extend_from_slice(b"{\"kind\":\"call\",\"number\":\"110\",\"contact\":false,\"verification\":\"failed\",\"presentation\":\"allowed\"}\n");
    input.extend_from_slice(b"\xff\xfe\xfd\n");
    input.extend_from_slice(b"{\"kind\":\"sms\",\"from\":\"10086\",\"text\":\"hello\"}\n");
    input.extend_from_slice(b"{\"kind\":\"call\",\"number\":\"hello\"}\n");
    input.extend_from_slice(b"{\"kind\":\"fax\",\"number\":\"1\"}\n");
    input.extend_from_slice(b"{\"kind\":\"call\"}\n");
    input.extend_from_slice(
        b"{\"kind\":\"call\",\"number\":\"138 0013 8000\",\"verification\":\"bogus\"}\n",
    );
    input.extend_from_slice(b"\n");
    input.extend_from_slice(b"{\"kind\":\"call\",\"number\":\"138 0013 8000\"}");
    let out = cg.stdin(&["check", "batch"], input);
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("every line is JSON"))
        .collect();
    assert_eq!(lines.len(), 11);
    assert_eq!(lines[0]["action"], "block");
    assert_eq!(lines[2]["reasons"][0]["code"], "spoofed_official");
    assert_eq!(lines[4]["action"], "allow");
    assert_eq!(lines[10]["action"], "allow");
    for bad in [1, 3, 5, 6, 7, 8, 9] {
        assert!(
            lines[bad]["error"].as_str().is_some_and(|e| !e.is_empty()),
            "line {bad}: {}",
            lines[bad]
        );
    }
    assert!(lines[3]["error"]
        .as_str()
        .is_some_and(|e| e.contains("UTF-8")));
}

fn shared_data(relative: &str) -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let base = std::env::var_os("CALLGUARD_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            manifest
                .ancestors()
                .map(|d| d.join("shared").join("data"))
                .find(|d| d.is_dir())
                .expect("shared/data not found beside the checkout; set CALLGUARD_SHARED_DATA")
        });
    base.join(relative)
}

/// The held-out check works this way: `input<TAB>region` lines in, E.164 out.
#[test]
fn normalize_batch_reproduces_the_shared_e164_cases() {
    let cg = Cg::new();
    let mut reader =
        csv::Reader::from_path(shared_data("phone/e164_cases_dev.csv")).expect("cases");
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    let input: String = rows
        .iter()
        .map(|r| format!("{}\t{}\n", &r[0], &r[1]))
        .collect();
    let out = cg.stdin(&["normalize", "--batch"], input);
    let got: Vec<&str> = out.lines().collect();
    assert_eq!(got.len(), rows.len());
    for (row, line) in rows.iter().zip(got) {
        assert_eq!(line, &row[2], "input {:?} in {}", &row[0], &row[1]);
    }
}

#[test]
fn normalize_batch_reports_errors_in_place() {
    let cg = Cg::new();
    let out = cg.stdin(
        &["normalize", "--batch"],
        b"+\tCN\n110\tXX\n\xff\tCN\n0032474123456\t\n13800138000\tCN\n".to_vec(),
    );
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 5);
    for line in &lines[..4] {
        assert!(line.starts_with("error: "), "{line}");
    }
    assert_eq!(lines[4], "+8613800138000");
    assert_eq!(
        cg.ok(&["normalize", "(202) 555-0143", "--region", "US"])
            .trim(),
        "+12025550143"
    );
}

#[test]
fn settings_rules_history_and_status() {
    let cg = Cg::new();
    let show: Value = serde_json::from_str(&cg.ok(&["settings", "show", "--json"])).expect("json");
    for key in [
        "home-region",
        "overseas-calls",
        "overseas-sms",
        "allowed-countries",
        "hidden-numbers",
        "verification-failed",
    ] {
        assert!(show.get(key).is_some(), "{key}");
    }
    cg.ok(&["settings", "set", "hidden-numbers", "warn"]);
    let d = cg.decision(&["", "--presentation", "restricted"]);
    assert_eq!(
        (d["action"].as_str(), reason_codes(&d)[0].as_str()),
        (Some("warn"), "hidden_number")
    );

    cg.ok(&["rules", "add", "block", "+86170*"]);
    cg.ok(&["rules", "add", "block", "country:MM"]);
    let rules: Value = serde_json::from_str(&cg.ok(&["rules", "list", "--json"])).expect("json");
    assert_eq!(rules.as_array().map(Vec::len), Some(2));
    assert_eq!(
        cg.decision(&["170 1234 5678"])["reasons"][0]["code"],
        "user_block"
    );
    cg.ok(&["rules", "remove", "+86170*"]);
    assert!(
        cg.cmd()
            .args(["rules", "remove", "+86170*"])
            .output()
            .expect("run")
            .status
            .code()
            == Some(1)
    );

    let history: Value = serde_json::from_str(&cg.ok(&["history", "--json"])).expect("json");
    assert!(history.as_array().is_some_and(|h| h.len() >= 2));
    assert!(cg.ok(&["history"]).contains("user_block"));
    let status: Value = serde_json::from_str(&cg.ok(&["status", "--json"])).expect("json");
    assert_eq!(status["home_region"], "CN");
    assert_eq!(status["lists"]["default"], 1);
    assert!(cg.ok(&["status"]).contains("default v1"));
    assert!(cg.ok(&["history", "--clear"]).starts_with("deleted"));
}

#[test]
fn region_flag_overrides_for_one_run_only() {
    let cg = Cg::new();
    let d = cg.decision(&["(202) 555-0143", "--region", "US"]);
    assert_eq!(d["action"], "allow");
    assert!(
        reason_codes(&d).is_empty(),
        "a US number is at home in the US: {d}"
    );
    let status: Value = serde_json::from_str(&cg.ok(&["status", "--json"])).expect("json");
    assert_eq!(status["home_region"], "CN");
}

#[test]
fn bad_arguments_get_clear_errors_without_echoing_numbers() {
    let cg = Cg::new();
    let long = "9".repeat(10 * 1024);
    for (args, code) in [
        (vec!["check", "call", ""], 1),
        (vec!["check", "call", " "], 1),
        (vec!["check", "call", "+"], 1),
        (vec!["check", "call", "00"], 1),
        (vec!["check", "call", "tel:junk"], 1),
        (vec!["check", "call", "😀😀😀"], 1),
        (vec!["check", "call", "\u{7}\u{1b}[2J"], 1),
        (vec!["check", "call", long.as_str()], 1),
        (vec!["check", "call", "110", "--verification", "maybe"], 2),
        (vec!["settings", "set", "overseas-calls", "sometimes"], 1),
        (vec!["settings", "set", "no-such-key", "block"], 1),
        (vec!["rules", "add", "block", "hello"], 1),
        (vec!["rules", "add", "maybe", "+855*"], 2),
        (vec!["--region", "XX", "status"], 1),
        (vec!["normalize", "12345678901234567890123456789"], 1),
    ] {
        let out = cg.cmd().args(&args).output().expect("run");
        assert_eq!(
            out.status.code(),
            Some(code),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.trim().is_empty(), "{args:?} explains itself");
        assert!(!stderr.contains("panicked"), "{args:?}");
        assert!(!stderr.contains("99999999"), "errors never echo a number");
    }
    // An empty number with the default presentation is treated as hidden, and decides.
    let d = cg.decision(&["", "--presentation", "unknown"]);
    assert_eq!(d["action"], "allow");
}

#[cfg(unix)]
#[test]
fn invalid_utf8_arguments_are_rejected_cleanly() {
    use std::os::unix::ffi::OsStrExt;
    let cg = Cg::new();
    let out = cg
        .cmd()
        .args(["check", "call"])
        .arg(std::ffi::OsStr::from_bytes(b"\xff\xfe110"))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("UTF-8"));
}

#[test]
fn a_corrupt_database_is_reported_and_kept() {
    let cg = Cg::new();
    let db = cg.dir.path().join("callguard.sqlite");
    std::fs::write(
        &db,
        b"garbage garbage garbage garbage garbage garbage garbage garbage garbage",
    )
    .expect("write");
    let out = cg.cmd().args(["status"]).output().expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("corrupt"));
    assert!(std::fs::read(&db).expect("read").starts_with(b"garbage"));
}

/// `eval-sms` on the shared UCI set with the embedded demo list: the figures come back
/// as JSON, and the demo's statistical model labels far more of the spam than the rules
/// alone, without warning about a single normal message more.
#[test]
fn eval_sms_measures_rules_with_and_without_the_model() {
    let cg = Cg::new();
    let file = shared_data("sms/uci_sms_spam.tsv");
    let run = |extra: &[&str]| cg.eval_sms(&["--region", "GB"], &file, extra);
    let rate = |r: &Value, key: &str| r[key].as_f64().expect(key);
    let rules = run(&["--without-model"]);
    let both = run(&[]);
    assert_eq!(rules["messages"], 5574);
    // The demo model is trained on every shared set (issue 12), with its threshold chosen
    // on all their normal messages: on UCI it adds 19 points (it added 34 when trained on
    // UCI and mudou alone).
    assert!(rate(&both, "spam_labelled_rate") > rate(&rules, "spam_labelled_rate") + 0.15);
    assert!(rate(&both, "spam_flagged_rate") >= rate(&rules, "spam_flagged_rate"));
    for r in [&rules, &both] {
        assert!(rate(r, "false_positive_rate") <= 0.01, "{r}");
        assert!(rate(r, "normal_labelled_rate") <= 0.01, "{r}");
    }
    let normal = &both["confusion"]["normal"];
    assert!(
        normal["warn"].is_null() && normal["block"].is_null(),
        "{normal}"
    );
}

/// Fraud labels that name a category get their own recall rows, consistent with the
/// overall fraud recall.
#[test]
fn eval_sms_reports_recall_per_labelled_category() {
    let cg = Cg::new();
    let file = cg.dir.path().join("labelled.jsonl");
    std::fs::write(
        &file,
        concat!(
            "{\"label\":\"prize\",\"from\":\"\",\"text\":\"恭喜您中奖，请点击 abc-prize.top 领取奖品\"}\n",
            "{\"label\":\"fraud:delivery\",\"text\":\"Your package is on hold, update your address at usps-redeliver.top\"}\n",
            "{\"label\":\"scam\",\"text\":\"hello there\"}\n",
            "{\"label\":\"normal\",\"text\":\"晚上一起吃饭\"}\n",
        ),
    )
    .unwrap();
    let r = cg.eval_sms(&[], &file, &[]);
    let rows = r["per_fraud_label"].as_object().expect("per_fraud_label");
    let names: Vec<&str> = rows.keys().map(String::as_str).collect();
    assert_eq!(names, ["delivery", "fraud", "prize"]);
    let (mut messages, mut flagged) = (0, 0);
    for row in rows.values() {
        let n = row["messages"].as_u64().unwrap();
        let f = row["flagged"].as_u64().unwrap();
        assert!(
            row["same_category"].as_u64().unwrap() <= f && f <= n,
            "{row}"
        );
        messages += n;
        flagged += f;
    }
    assert_eq!(messages, 3);
    let recall = r["fraud_recall"].as_f64().unwrap();
    assert!((recall - flagged as f64 / 3.0).abs() < 1e-9, "{r}");
    assert_eq!(rows["fraud"]["flagged"], 0, "a greeting is not fraud: {r}");
}

/// `status` says what the SMS section holds, apart from its raw entry count.
#[test]
fn status_describes_the_sms_section() {
    let cg = Cg::new();
    let s: Value = serde_json::from_str(&cg.ok(&["status", "--json"])).expect("status");
    let sms = &s["sms"];
    let rules = sms["phrase_rules"].as_u64().unwrap();
    let weights = sms["model_weights"]
        .as_u64()
        .expect("the demo list has a model");
    let entries = s["list_entries"]["sms_rules"].as_u64().unwrap();
    assert!(rules > 0 && weights > 0, "{sms}");
    assert!(rules + weights <= entries, "{s}");
    assert_eq!(sms["model_in_use"], true);
    assert!(cg.ok(&["status"]).contains("phrase rules"));
}

/// A file that mixes countries: at home in CN, an American's ordinary text from a +1
/// number is warned about by the overseas-SMS policy; `--home-from-sender` judges it in
/// its sender's country, and the report says which warnings came from the sender alone.
#[test]
fn eval_sms_can_judge_each_message_in_its_senders_country() {
    let cg = Cg::new();
    let file = cg.dir.path().join("mixed.jsonl");
    std::fs::write(
        &file,
        concat!(
            "{\"label\":\"normal\",\"from\":\"+1 202 555 0143\",\"text\":\"Running late, see you at 7\"}\n",
            "{\"label\":\"normal\",\"from\":\"+86 138 0013 8000\",\"text\":\"晚上一起吃饭\"}\n",
        ),
    )
    .unwrap();
    let at_home = cg.eval_sms(&[], &file, &[]);
    assert_eq!(at_home["flagged_by_sender_policy_only"], 1, "{at_home}");
    assert_eq!(at_home["false_positive_rate"], 0.5);
    let each = cg.eval_sms(&[], &file, &["--home-from-sender"]);
    assert_eq!(each["flagged_by_sender_policy_only"], 0, "{each}");
    assert_eq!(each["false_positive_rate"], 0.0);
    assert!(cg
        .ok(&["eval-sms", file.to_str().unwrap()])
        .contains("--home-from-sender"));
}

/// Issue 9 items 1 and 10: an accepted rule reads back as itself, later commands still
/// work, it blocks what was typed, and `rules remove` takes what `rules list` prints.
#[test]
fn accepted_rules_read_back_and_remove_by_their_printed_form() {
    let cg = Cg::new();
    for (home, typed) in [("CN", "01272700000000"), ("KH", "00252 12110")] {
        cg.ok(&["settings", "set", "home-region", home]);
        let added = cg.ok(&["rules", "add", "block", typed]);
        let printed = added
            .trim()
            .strip_prefix("added: block ")
            .expect("the printed rule")
            .to_owned();
        let list: Value = serde_json::from_str(&cg.ok(&["rules", "list", "--json"])).expect("json");
        assert_eq!(list[0]["target"], printed.as_str(), "{home}");
        assert_eq!(cg.decision(&[typed])["reasons"][0]["code"], "user_block");
        cg.ok(&["check", "call", "110"]);
        let status: Value = serde_json::from_str(&cg.ok(&["status", "--json"])).expect("json");
        assert_eq!(status["unreadable_rows"], 0);
        cg.ok(&["rules", "remove", &printed]);
        let list: Value = serde_json::from_str(&cg.ok(&["rules", "list", "--json"])).expect("json");
        assert_eq!(list.as_array().map(Vec::len), Some(0), "{home}");
    }
    assert!(cg.ok(&["status"]).contains("0 stored rows skipped"));
}

#[test]
fn pause_and_resume_protection() {
    let cg = Cg::new();
    assert_eq!(cg.decision(&["+852 12110"])["action"], "block");
    let said = cg.ok(&["pause", "--for", "1h"]);
    assert!(said.contains("paused until"), "{said}");
    let d = cg.decision(&["+852 12110"]);
    assert_eq!(d["action"], "allow", "{d}");
    assert_eq!(d["reasons"][0]["code"], "paused", "{d}");
    assert_eq!(d["reasons"][1]["code"], "spoofed_official", "{d}");
    let status: Value = serde_json::from_str(&cg.ok(&["status", "--json"])).unwrap();
    assert_eq!(status["paused"]["until"], "until", "{status}");
    assert!(status["paused"]["at"].as_u64().is_some(), "{status}");
    assert!(cg.ok(&["status"]).contains("PAUSED until"));

    cg.ok(&["resume"]);
    assert_eq!(cg.decision(&["+852 12110"])["action"], "block");
    let status: Value = serde_json::from_str(&cg.ok(&["status", "--json"])).unwrap();
    assert!(status["paused"].is_null(), "{status}");

    cg.ok(&["pause"]);
    assert!(cg.ok(&["status"]).contains("until you resume"));
    cg.ok(&["resume"]);
    // A pause that ended already is no pause at all.
    let past = cg
        .cmd()
        .args(["pause", "--until", "1000"])
        .output()
        .unwrap();
    assert!(!past.status.success());
    for bad in ["0m", "1x", "h", "999d"] {
        let out = cg.cmd().args(["pause", "--for", bad]).output().unwrap();
        assert!(!out.status.success(), "--for {bad}");
    }
}

#[test]
fn a_second_call_within_the_repeated_calls_window_rings() {
    let cg = Cg::new();
    let abroad = "+855 12 345 678";
    assert_eq!(cg.decision(&[abroad])["action"], "warn");
    assert_eq!(cg.decision(&[abroad])["action"], "warn", "off by default");
    assert_eq!(
        cg.ok(&["settings", "set", "repeated-calls", "5"]).trim(),
        "repeated-calls = 5"
    );
    let d = cg.decision(&[abroad]);
    assert_eq!(d["action"], "allow", "{d}");
    assert_eq!(d["reasons"][0]["code"], "repeated_call", "{d}");
    // A spoofed official number is never let through.
    cg.decision(&["+852 12110"]);
    assert_eq!(cg.decision(&["+852 12110"])["action"], "block");
    assert_eq!(
        cg.ok(&["settings", "set", "repeated-calls", "off"]).trim(),
        "repeated-calls = 0"
    );
    assert_eq!(cg.decision(&[abroad])["action"], "warn");
}

/// The help of `settings set` lists every key, from the engine's one list (it used to be
/// a hand-kept copy that had missed `repeated-calls`).
#[test]
fn settings_set_help_lists_every_key() {
    let cg = Cg::new();
    let help = cg.ok(&["settings", "set", "--help"]);
    for key in callguard_core::Settings::KEYS {
        assert!(help.contains(key), "{key} missing from: {help}");
    }
}
