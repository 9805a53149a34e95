//! No error quotes the user's input: a distinctive number and a distinctive SMS text are
//! sent in every wrong place, and no error line on stdout, and nothing on stderr, holds
//! the number (nor any six-digit run of it) or the text.

use assert_cmd::Command;
use serde_json::Value;

const NUMBER: &str = "13800138000";
const TEXT: &str = "Zorblaxian parcel fee";

/// What must not leak: the number's every six-digit run, and a word of the text.
fn leaks(output: &str) -> Vec<String> {
    let mut secrets: Vec<&str> = (0..=NUMBER.len() - 6).map(|i| &NUMBER[i..i + 6]).collect();
    secrets.push("Zorblax");
    secrets
        .into_iter()
        .filter(|s| output.to_lowercase().contains(&s.to_lowercase()))
        .map(str::to_owned)
        .collect()
}

struct Cg {
    dir: tempfile::TempDir,
}

/// How one run ended: its exit code, its stderr, and its error lines on stdout.
struct Run {
    code: Option<i32>,
    stderr: String,
    error_lines: Vec<String>,
}

impl Cg {
    fn new() -> Cg {
        Cg {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    fn run(&self, args: &[&str], stdin: &[u8]) -> Run {
        let out = Command::new(assert_cmd::cargo::cargo_bin!("callguard"))
            .arg("--data-dir")
            .arg(self.dir.path())
            .env_remove("CALLGUARD_DATA_DIR")
            .args(args)
            .write_stdin(stdin.to_vec())
            .output()
            .expect("run");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let error_lines = stdout
            .lines()
            .filter_map(|line| {
                if line.starts_with("error") {
                    return Some(line.to_owned());
                }
                let value: Value = serde_json::from_str(line).ok()?;
                value.get("error").map(Value::to_string)
            })
            .collect();
        Run {
            code: out.status.code(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            error_lines,
        }
    }

    /// Runs a command that must fail, and checks its error quotes nothing.
    fn fails_quietly(&self, args: &[&str]) -> Vec<String> {
        let run = self.run(args, b"");
        let mut problems = Vec::new();
        if run.code == Some(0) || run.stderr.trim().is_empty() {
            problems.push(format!(
                "{args:?} did not fail with an error: {:?}",
                run.code
            ));
        }
        let found = leaks(&run.stderr);
        if !found.is_empty() || run.stderr.contains("panicked") {
            problems.push(format!("{args:?} quotes {found:?}: {}", run.stderr.trim()));
        }
        problems
    }

    /// Runs a line mode on `lines`; every line must be answered, errors quoting nothing.
    fn lines_quietly(&self, args: &[&str], lines: &[Vec<u8>]) -> Vec<String> {
        let input: Vec<u8> = lines
            .iter()
            .flat_map(|l| [l.as_slice(), b"\n"].concat())
            .collect();
        let run = self.run(args, &input);
        let mut problems = Vec::new();
        if run.code != Some(0) || !leaks(&run.stderr).is_empty() {
            problems.push(format!("{args:?}: {:?} {}", run.code, run.stderr));
        }
        if run.error_lines.len() != lines.len() {
            problems.push(format!(
                "{args:?}: {} error lines for {} bad lines: {:?}",
                run.error_lines.len(),
                lines.len(),
                run.error_lines
            ));
        }
        for line in &run.error_lines {
            let found = leaks(line);
            if !found.is_empty() {
                problems.push(format!("{args:?} quotes {found:?}: {line}"));
            }
        }
        problems
    }
}

fn assert_none(problems: Vec<String>) {
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn flags_and_arguments_are_not_quoted() {
    let cg = Cg::new();
    let escaped = format!("\u{7}{NUMBER}\u{1b}[2J");
    let long = NUMBER.repeat(100);
    let url = format!("http://127.0.0.1:1/{NUMBER}/{TEXT}/");
    let missing = format!("/nonexistent/{NUMBER}/{TEXT}.tsv");
    let flag = format!("--{NUMBER}");
    let mut problems = Vec::new();
    for args in [
        vec!["check", "call", "110", "--verification", NUMBER],
        vec!["check", "call", "110", "--presentation", TEXT],
        vec!["check", "call", "110", &flag],
        vec!["check", "call", NUMBER, NUMBER],
        vec!["check", "call", &escaped],
        vec!["check", "call", &long],
        vec!["check", "call", TEXT],
        vec!["check", "sms", NUMBER],
        vec!["check", "sms", "--from", NUMBER, TEXT, NUMBER],
        vec!["history", "--limit", NUMBER],
        vec!["history", "--limit", TEXT],
        vec![NUMBER],
        vec![TEXT],
        vec!["--region", NUMBER, "status"],
        vec!["--region", TEXT, "normalize", "110"],
        vec!["--region", &escaped, "check", "call", "110"],
        vec!["normalize", NUMBER, "--region", NUMBER],
        vec!["normalize", TEXT, "--region", "CN"],
        vec!["normalize", &escaped, "--region", "CN"],
        vec!["normalize", &long, "--region", "CN"],
        vec!["normalize", "CN", NUMBER],
        vec!["rules", "add", NUMBER, NUMBER],
        vec!["rules", "add", TEXT, "+855*"],
        vec!["rules", "remove", NUMBER, NUMBER],
        vec!["rules", "remove", TEXT, NUMBER],
        vec!["update", &url],
        vec!["eval-sms", &missing],
    ] {
        problems.extend(cg.fails_quietly(&args));
    }
    assert_none(problems);
}

/// The settings and rules parsers' own errors (in the core's store).
#[test]
fn settings_and_rule_values_are_not_quoted() {
    let cg = Cg::new();
    let countries = format!("KH,{NUMBER}");
    let target = format!("country:{NUMBER}");
    let escaped = format!("\u{1b}[2J{NUMBER}");
    let mut problems = Vec::new();
    for args in [
        vec!["settings", "set", "allowed-countries", &countries],
        vec!["settings", "set", "allowed-countries", TEXT],
        vec!["settings", "set", "home-region", NUMBER],
        vec!["settings", "set", "home-region", TEXT],
        vec!["settings", "set", "history-retention-days", NUMBER],
        vec!["settings", "set", "overseas-calls", NUMBER],
        vec!["settings", "set", "overseas-sms", TEXT],
        vec!["settings", "set", "hidden-numbers", &escaped],
        vec!["settings", "set", "verification-failed", NUMBER],
        vec!["settings", "set", "sms-spam", TEXT],
        vec!["settings", "set", NUMBER, "block"],
        vec!["settings", "set", TEXT, "block"],
        vec!["rules", "add", "block", &target],
        vec!["rules", "add", "block", "country:Zorblaxian"],
    ] {
        problems.extend(cg.fails_quietly(&args));
    }
    assert_none(problems);
}

#[test]
fn bad_batch_requests_are_not_quoted() {
    let cg = Cg::new();
    let n = NUMBER;
    let t = TEXT;
    let mut lines: Vec<Vec<u8>> = [
        format!(r#"{{"kind":"call","number":{n}}}"#),
        format!(r#"{{"kind":"call","number":-{n}.5e3}}"#),
        format!(r#"{{"kind":"call","number":["{n}"]}}"#),
        format!(r#"{{"kind":"call","number":{{"{n}":"{t}"}}}}"#),
        format!(r#"{{"kind":"call","number":"1","{n}":true}}"#),
        format!(r#"{{"kind":"call","{t}":"1"}}"#),
        format!(r#"{{"kind":"call","from":"{n}"}}"#),
        format!(r#"{{"kind":"call","text":"{t}","number":"110"}}"#),
        format!(r#"{{"kind":{n},"number":"110"}}"#),
        format!(r#"{{"kind":"{n}"}}"#),
        format!(r#"{{"kind":"{t}","text":"{t}"}}"#),
        format!(r#"{{"kind":"call","number":"110","verification":"{n}"}}"#),
        format!(r#"{{"kind":"call","number":"110","presentation":"{t}"}}"#),
        format!(r#"{{"kind":"call","number":"110","contact":{n}}}"#),
        format!(r#"{{"kind":"call","number":"110","contact":"{t}"}}"#),
        format!(r#"{{"kind":"call","number":"{n}\u0007\u001b[2J{t}"}}"#),
        format!(r#"{{"kind":"call","number":"{t}"}}"#),
        format!(r#"{{"kind":"call","number":"{}"}}"#, n.repeat(50)),
        format!(r#"{{"kind":"sms","from":{n},"text":"{t}"}}"#),
        format!(r#"{{"kind":"sms","from":"{n}","text":{n}}}"#),
        format!(r#"{{"kind":"sms","from":"{n}","text":"{t}","number":"{n}"}}"#),
        format!(r#"{{"kind":"sms","text":"{t} {n}"}}"#),
        format!(r#"["{n}","{t}"]"#),
        n.to_owned(),
        format!(r#""{t}""#),
        format!(r#"{{"kind":"call","number":"{n}""#),
        format!(r#"{{"kind":"sms","from":"{n}","text":"{t}" {n}}}"#),
        format!(r#"{{"kind":"sms","from":"{n}","text":"{t}\x"}}"#),
        format!("{t} {n}"),
    ]
    .into_iter()
    .map(String::into_bytes)
    .collect();
    lines.push([b"\xff\xfe".as_slice(), n.as_bytes(), t.as_bytes()].concat());
    lines.push(n.repeat(10_000).into_bytes());
    assert_none(cg.lines_quietly(&["check", "batch"], &lines));
}

#[test]
fn bad_normalize_lines_are_not_quoted() {
    let cg = Cg::new();
    let n = NUMBER;
    let t = TEXT;
    let mut lines: Vec<Vec<u8>> = [
        format!("CN\t{n}"),
        format!("{n}\t{n}"),
        format!("{n}\t{t}"),
        format!("{t}\tCN"),
        format!("{t}\t{n}"),
        format!("{n}\u{7}\u{1b}[2J\tCN"),
        format!("{n}\tC\u{1b}N"),
        format!("{}\tCN", n.repeat(5)),
    ]
    .into_iter()
    .map(String::into_bytes)
    .collect();
    lines.push([n.as_bytes(), b"\xff\tCN"].concat());
    lines.push([n.repeat(10_000).as_bytes(), b"\tCN"].concat());
    assert_none(cg.lines_quietly(&["normalize", "--batch"], &lines));
}

#[test]
fn bad_labelled_lines_are_counted_not_quoted() {
    let cg = Cg::new();
    let n = NUMBER;
    let t = TEXT;
    for content in [
        format!("{t} {n}\n{n}\n\u{1b}[2J{n}\nfraud\t{t} {n}\n"),
        format!("{{\"label\":\"fraud\",\"text\":\"{t} {n}\"}}\n{{\"label\":{n}}}\n{t} {n}\n{{\"text\":{n}}}\n"),
        format!("fraud\t{}\n", t.repeat(10_000)),
    ] {
        let file = cg.dir.path().join("labelled.txt");
        std::fs::write(&file, content.as_bytes()).expect("write");
        let run = cg.run(&["eval-sms", file.to_str().expect("utf-8 path")], b"");
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        assert!(leaks(&run.stderr).is_empty(), "{}", run.stderr);
    }
}
