//! Over-long input lines are skipped in bounded memory, answered in place, and the lines
//! after them are still answered.

use assert_cmd::Command;
use serde_json::Value;

/// Bigger than any cap, smaller than memory: the point is what comes after it.
const HUGE: usize = 20 << 20;

fn callguard(dir: &tempfile::TempDir) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("callguard"));
    cmd.arg("--data-dir")
        .arg(dir.path())
        .env_remove("CALLGUARD_DATA_DIR");
    cmd
}

fn run(dir: &tempfile::TempDir, args: &[&str], input: Vec<u8>) -> String {
    let out = callguard(dir)
        .args(args)
        .write_stdin(input)
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn check_batch_answers_the_line_after_a_huge_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut input = br#"{"kind":"sms","from":"10086","text":""#.to_vec();
    input.resize(HUGE, b'x');
    input.extend_from_slice(b"\"}\n{\"kind\":\"call\",\"number\":\"+852 12110\"}\n");
    input.resize(input.len() + HUGE, b'7');
    let out = run(&dir, &["check", "batch"], input);
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("every line is JSON"))
        .collect();
    assert_eq!(lines.len(), 3, "{out:.300}");
    for at in [0, 2] {
        let error = lines[at]["error"].as_str().expect("an error object");
        assert!(error.contains("longer than"), "{error}");
        assert!(!error.contains("xxx") && !error.contains("777"), "{error}");
    }
    assert_eq!(lines[1]["action"], "block");
}

#[test]
fn normalize_batch_answers_the_line_after_a_huge_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut input = vec![b'1'; HUGE];
    input.extend_from_slice(b"\tCN\n13800138000\tCN\n");
    let out = run(&dir, &["normalize", "--batch"], input);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out:.300}");
    assert!(lines[0].starts_with("error: ") && lines[0].contains("longer than"));
    assert!(!lines[0].contains("1111"), "{}", lines[0]);
    assert_eq!(lines[1], "+8613800138000");
}

#[test]
fn eval_sms_skips_a_huge_line_and_reads_the_rest() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut text = b"fraud\t".to_vec();
    text.resize(HUGE, b'x');
    text.extend_from_slice(
        "\nham\t您的验证码是 123456\nfraud\t您的账户涉嫌洗钱，请转入安全账户\n".as_bytes(),
    );
    let file = dir.path().join("labelled.tsv");
    std::fs::write(&file, text).expect("write");
    let out = run(
        &dir,
        &["eval-sms", file.to_str().expect("utf-8 path"), "--json"],
        Vec::new(),
    );
    let report: Value = serde_json::from_str(&out).expect("json report");
    assert_eq!(report["messages"], 2, "{report}");
    assert_eq!(report["skipped_lines"], 1, "{report}");
}
