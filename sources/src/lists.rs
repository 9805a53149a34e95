//! Reads list sources in the publisher's formats into a [`ListSetBuilder`], for
//! `signed-lists build` and the benchmarks. `signed-lists/FORMAT.md` specifies
//! each format; in short:
//!
//! | file            | kind                        | lines                                        |
//! |-----------------|-----------------------------|----------------------------------------------|
//! | `numbers.csv`   | [`SourceKind::Numbers`]     | `number,action,category,confidence,note`     |
//! | `prefixes.csv`  | [`SourceKind::Prefixes`]    | `number,action,category,confidence,note`     |
//! | `official.csv`  | [`SourceKind::Official`]    | `region,number,note`                         |
//! | `domains.csv`   | [`SourceKind::Domains`]     | `domain,action,category,confidence,note`     |
//! | `domains.txt`   | [`SourceKind::DomainList`]  | a domain, a hosts-file line or `\|\|domain^` |
//! | `sms_rules.tsv` | [`SourceKind::SmsRules`]    | `category<TAB>weight<TAB>phrase`             |
//! | `sms_model.tsv` | [`SourceKind::SmsModel`]    | a trained model ([`ModelParams`](callguard_core::sms::ModelParams)) |
//!
//! Every bad line is reported as `file:line: message`, all of them rather than the first,
//! so a publisher fixes a source in one pass. A message never repeats the line's text: a
//! phone number must not end up in a log.

use std::io::{BufRead, BufReader, Read};
use std::net::IpAddr;

use callguard_core::ListSetBuilder;
use callguard_core::{number, Error, Region, Result};
use callguard_format::domain;
use callguard_format::{sms_key, Action, Category, EntryMeta};

/// Which section a source file feeds, and how its lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// `numbers.csv`: exact numbers.
    Numbers,
    /// `prefixes.csv`: digit prefixes and `#` patterns.
    Prefixes,
    /// `official.csv`: the official numbers of a region.
    Official,
    /// `domains.csv`: domains with their own action, category and confidence.
    Domains,
    /// `domains.txt`: plain domain lists, hosts files and adblock `||domain^` rules, all
    /// given [`DOMAIN_LIST_META`].
    DomainList,
    /// `sms_rules.tsv`: weighted phrase rules per category.
    SmsRules,
    /// `sms_model.tsv`: the statistical model `signed-lists train-sms` writes; all of it
    /// or nothing.
    SmsModel,
}

impl SourceKind {
    /// Every kind, in the order a source directory is read.
    pub const ALL: [SourceKind; 7] = [
        SourceKind::Numbers,
        SourceKind::Prefixes,
        SourceKind::Official,
        SourceKind::Domains,
        SourceKind::DomainList,
        SourceKind::SmsRules,
        SourceKind::SmsModel,
    ];

    /// The file name this kind has in a source directory.
    pub fn file_name(self) -> &'static str {
        match self {
            SourceKind::Numbers => "numbers.csv",
            SourceKind::Prefixes => "prefixes.csv",
            SourceKind::Official => "official.csv",
            SourceKind::Domains => "domains.csv",
            SourceKind::DomainList => "domains.txt",
            SourceKind::SmsRules => "sms_rules.tsv",
            SourceKind::SmsModel => "sms_model.tsv",
        }
    }
}

/// What every entry of `domains.txt` says: those lists carry no metadata, and a domain
/// published as fraud or phishing is blocked with fairly high confidence.
pub const DOMAIN_LIST_META: EntryMeta = EntryMeta {
    action: Action::Block,
    category: Category::AccountPhishing,
    confidence: 80,
};

/// How sources are read.
#[derive(Debug, Clone, Copy, Default)]
pub struct SourceOptions {
    /// The region national numbers in `numbers.csv` are written in. `None`: every number
    /// must be E.164 (`+` and digits), as in the embedded default list.
    pub region: Option<Region>,
}

/// One bad source line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceProblem {
    /// The file name given to the reader.
    pub file: String,
    /// The line, from 1.
    pub line: u64,
    /// What is wrong; never the line's text.
    pub message: String,
}

impl std::fmt::Display for SourceProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

/// What reading one source did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceReport {
    /// Entries added (before duplicates are resolved).
    pub added: usize,
    /// Every bad line, in file order. Their good neighbours were added.
    pub problems: Vec<SourceProblem>,
}

impl SourceReport {
    fn problem(&mut self, file: &str, line: u64, message: impl Into<String>) {
        self.problems.push(SourceProblem {
            file: file.to_owned(),
            line,
            message: message.into(),
        });
    }
}

/// Adds every good line of a source to `builder` and reports every bad one; `name` is
/// the file name used in the reports. Only a failure to read is an error.
pub fn add_source(
    builder: &mut ListSetBuilder,
    kind: SourceKind,
    name: &str,
    reader: impl Read,
    options: &SourceOptions,
) -> Result<SourceReport> {
    let mut report = SourceReport::default();
    let mut target = Reader(builder);
    match kind {
        SourceKind::Numbers | SourceKind::Prefixes | SourceKind::Official | SourceKind::Domains => {
            target.read_csv(kind, name, reader, options, &mut report)?
        }
        SourceKind::DomainList | SourceKind::SmsRules => {
            target.read_lines(kind, name, reader, &mut report)?
        }
        SourceKind::SmsModel => target.read_model(name, reader, &mut report)?,
    }
    Ok(report)
}

/// Adds every row of a source whose numbers are E.164, failing with every bad line (one
/// per line of the message) if there is any: a half-read list is never built.
pub fn add_csv(
    builder: &mut ListSetBuilder,
    kind: SourceKind,
    name: &str,
    reader: impl Read,
) -> Result<usize> {
    let report = add_source(builder, kind, name, reader, &SourceOptions::default())?;
    if report.problems.is_empty() {
        return Ok(report.added);
    }
    let lines: Vec<String> = report.problems.iter().map(|p| p.to_string()).collect();
    Err(Error::InvalidList(lines.join("\n")))
}

/// A builder being read into.
struct Reader<'a>(&'a mut ListSetBuilder);

impl Reader<'_> {
    fn read_csv(
        &mut self,
        kind: SourceKind,
        name: &str,
        reader: impl Read,
        options: &SourceOptions,
        report: &mut SourceReport,
    ) -> Result<()> {
        let mut csv = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .flexible(true)
            .comment(Some(b'#'))
            .from_reader(reader);
        let expected: &[&str] = match kind {
            SourceKind::Numbers | SourceKind::Prefixes => {
                &["number", "action", "category", "confidence"]
            }
            SourceKind::Domains => &["domain", "action", "category", "confidence"],
            _ => &["region", "number"],
        };
        let header_ok = match csv.headers() {
            Ok(headers) => headers
                .iter()
                .take(expected.len())
                .eq(expected.iter().copied()),
            Err(e) => return csv_failure(e, name, report),
        };
        if !header_ok {
            report.problem(
                name,
                1,
                format!("the header must start with {}", expected.join(",")),
            );
            return Ok(());
        }
        for record in csv.records() {
            let record = match record {
                Ok(record) => record,
                Err(e) => {
                    csv_failure(e, name, report)?;
                    continue;
                }
            };
            let line = record.position().map_or(0, |p| p.line());
            let field = |i: usize| record.get(i).unwrap_or("");
            match self.add_row(kind, [field(0), field(1), field(2), field(3)], options) {
                Ok(()) => report.added += 1,
                Err(message) => report.problem(name, line, message),
            }
        }
        Ok(())
    }

    /// One CSV row; `fields` are the first four columns (missing ones empty).
    fn add_row(
        &mut self,
        kind: SourceKind,
        fields: [&str; 4],
        options: &SourceOptions,
    ) -> std::result::Result<(), String> {
        let [first, action, category, confidence] = fields;
        match kind {
            SourceKind::Official => {
                let region: Region = first.parse().map_err(message)?;
                self.0.add_official(region, action).map_err(message)
            }
            SourceKind::Numbers => {
                let meta = parse_meta(action, category, confidence)?;
                match options.region {
                    Some(region) => {
                        let parsed = number::parse(first, region).map_err(|e| e.to_string())?;
                        self.0.add_number(parsed.e164(), meta).map_err(message)
                    }
                    None => self.0.add_number(first, meta).map_err(message),
                }
            }
            SourceKind::Prefixes => {
                let meta = parse_meta(action, category, confidence)?;
                self.0.add_prefix(first, meta).map_err(message)
            }
            SourceKind::Domains | SourceKind::DomainList => {
                let meta = parse_meta(action, category, confidence)?;
                self.0.add_domain(first, meta).map_err(message)
            }
            SourceKind::SmsRules | SourceKind::SmsModel => {
                Err("SMS rules are not a CSV source".into())
            }
        }
    }

    fn read_lines(
        &mut self,
        kind: SourceKind,
        name: &str,
        reader: impl Read,
        report: &mut SourceReport,
    ) -> Result<()> {
        let mut reader = BufReader::new(reader);
        let mut buf = Vec::with_capacity(256);
        let mut line = 0u64;
        loop {
            buf.clear();
            if reader.read_until(b'\n', &mut buf)? == 0 {
                return Ok(());
            }
            line += 1;
            let Ok(text) = std::str::from_utf8(&buf) else {
                report.problem(name, line, "not valid UTF-8");
                continue;
            };
            let text = text.trim_end_matches(['\n', '\r']);
            let text = if line == 1 {
                text.trim_start_matches('\u{feff}')
            } else {
                text
            };
            let result = match kind {
                SourceKind::DomainList => self.add_domain_line(text),
                _ => self.add_sms_line(text, line == 1),
            };
            match result {
                Ok(added) => report.added += added,
                Err(message) => report.problem(name, line, message),
            }
        }
    }

    /// `sms_model.tsv`: the whole model or, on any bad line, nothing.
    fn read_model(
        &mut self,
        name: &str,
        reader: impl Read,
        report: &mut SourceReport,
    ) -> Result<()> {
        let mut text = String::new();
        if let Err(err) = BufReader::new(reader).read_to_string(&mut text) {
            if err.kind() != std::io::ErrorKind::InvalidData {
                return Err(err.into());
            }
            report.problem(name, 1, "not valid UTF-8");
            return Ok(());
        }
        match callguard_core::sms::ModelParams::parse_source(&text) {
            Ok(model) => report.added += self.0.add_sms_model(&model)?,
            Err((line, message)) => report.problem(name, line, message),
        }
        Ok(())
    }

    /// One line of `domains.txt`; adds nothing unless every domain on it is valid.
    fn add_domain_line(&mut self, line: &str) -> std::result::Result<usize, String> {
        let hosts = domain_line_hosts(line)?;
        for host in &hosts {
            domain::normalize(host).map_err(|e| e.to_string())?;
        }
        for host in &hosts {
            self.0.add_domain(host, DOMAIN_LIST_META).map_err(message)?;
        }
        Ok(hosts.len())
    }

    /// One line of `sms_rules.tsv`.
    fn add_sms_line(&mut self, line: &str, first: bool) -> std::result::Result<usize, String> {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            return Ok(0);
        }
        let mut parts = line.splitn(3, '\t');
        let (Some(category), Some(weight), Some(phrase)) =
            (parts.next(), parts.next(), parts.next())
        else {
            return Err("expected category<TAB>weight<TAB>phrase".into());
        };
        if first && (category.trim(), weight.trim(), phrase.trim()) == SMS_HEADER {
            return Ok(0);
        }
        if category.trim() == sms_key::BRAND {
            // `brand<TAB>0<TAB>icbc=icbc.com.cn`: a brand whose lookalike links are suspicious.
            let (name, domain) = phrase
                .trim()
                .split_once('=')
                .ok_or("a brand line is brand<TAB>0<TAB>name=domain")?;
            self.0.add_brand(name, domain).map_err(message)?;
            return Ok(1);
        }
        let weight: u8 = weight
            .trim()
            .parse()
            .ok()
            .filter(|w| *w <= 100)
            .ok_or("the weight must be 0 to 100")?;
        let phrases = expand_alternatives(phrase)?;
        if category.trim() == sms_key::ADVISORY {
            // `advisory<TAB>70<TAB>都是诈骗`: the wording of a warning about fraud.
            for phrase in &phrases {
                self.0
                    .add_sms_advisory(&normalize_phrase(phrase), weight)
                    .map_err(message)?;
            }
            return Ok(phrases.len());
        }
        let category: Category = category.parse().map_err(message)?;
        for phrase in &phrases {
            self.0
                .add_sms_rule(category, &normalize_phrase(phrase), weight)
                .map_err(message)?;
        }
        Ok(phrases.len())
    }
}

/// An optional first line of `sms_rules.tsv`.
const SMS_HEADER: (&str, &str, &str) = ("category", "weight", "phrase");

/// Names that every hosts file maps to itself; they are not fraud domains.
const HOSTS_BOILERPLATE: [&str; 13] = [
    "localhost",
    "localhost.localdomain",
    "local",
    "broadcasthost",
    "ip6-localhost",
    "ip6-loopback",
    "ip6-localnet",
    "ip6-mcastprefix",
    "ip6-allnodes",
    "ip6-allrouters",
    "ip6-allhosts",
    "0.0.0.0",
    "127.0.0.1",
];

/// The domains a line of `domains.txt` names: none for blank lines, comments and hosts
/// boilerplate; one for a plain domain, `*.domain` or `||domain^`; one or more for a
/// hosts-file line that maps them to 0.0.0.0, 127.0.0.1, `::` or `::1`.
fn domain_line_hosts(line: &str) -> std::result::Result<Vec<&str>, String> {
    let trimmed = line.trim();
    if trimmed.starts_with('!') || trimmed.starts_with('[') {
        return Ok(Vec::new()); // adblock comments and the `[Adblock Plus]` header
    }
    let line = trimmed.split('#').next().unwrap_or("").trim();
    if line.is_empty() {
        return Ok(Vec::new());
    }
    if line.starts_with("@@") {
        return Err("adblock exception rules (@@) are not supported".into());
    }
    if let Some(rule) = line.strip_prefix("||") {
        let host = rule
            .strip_suffix('^')
            .filter(|h| !h.contains(['^', '$', '/', '*', '|']))
            .ok_or("only adblock rules of the form ||domain^ are supported")?;
        return Ok(vec![host]);
    }
    let mut tokens = line.split_whitespace();
    let first = tokens.next().unwrap_or("");
    if let Ok(ip) = first.parse::<IpAddr>() {
        let hosts: Vec<&str> = tokens.filter(|t| !HOSTS_BOILERPLATE.contains(t)).collect();
        if hosts.is_empty() {
            return if line.split_whitespace().count() > 1 {
                Ok(hosts)
            } else {
                Err("an IP address is not a domain".into())
            };
        }
        if !(ip.is_unspecified() || ip.is_loopback()) {
            return Err("a hosts-file line must map to 0.0.0.0, 127.0.0.1, :: or ::1".into());
        }
        return Ok(hosts);
    }
    if tokens.next().is_some() {
        return Err("expected one domain per line".into());
    }
    Ok(vec![first.strip_prefix("*.").unwrap_or(first)])
}

/// The form phrases are stored in: the engine's own matching form
/// ([`callguard_core::sms::normalize`]), so what is published is what matches.
/// The most rules one source line may stand for.
pub const MAX_RULES_PER_LINE: usize = 10_000;

/// Expands a source phrase's alternatives into the rules it stands for: a part `a|b`
/// means "a or b", so `[link]&冻结|停用` is the two rules `[link]&冻结` and `[link]&停用`,
/// each with the line's weight (they add up like any two rules), and `x|y&u|v` is the
/// four pairs. A negated part `!a|b` means neither may appear. The signed list holds the
/// expanded rules, so the phone only ever sees plain `&` and `!` parts; this is how one
/// readable line carries a word list.
fn expand_alternatives(phrase: &str) -> std::result::Result<Vec<String>, String> {
    let mut rules: Vec<String> = vec![String::new()];
    for part in phrase.split('&') {
        let (negated, body) = match part.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, part),
        };
        let alternatives: Vec<&str> = body.split('|').collect();
        if alternatives.len() > 1 && alternatives.iter().any(|a| a.trim().is_empty()) {
            return Err("an alternative in a|b is empty".into());
        }
        // The parts keep their order, so a line without `|` is exactly one rule.
        let pieces: Vec<String> = if negated {
            vec![alternatives
                .iter()
                .map(|a| format!("!{a}"))
                .collect::<Vec<_>>()
                .join("&")]
        } else {
            alternatives.iter().map(|a| (*a).to_owned()).collect()
        };
        if rules.len().saturating_mul(pieces.len()) > MAX_RULES_PER_LINE {
            return Err(format!(
                "the line stands for more than {MAX_RULES_PER_LINE} rules"
            ));
        }
        rules = rules
            .iter()
            .flat_map(|prefix| {
                pieces.iter().map(move |piece| {
                    if prefix.is_empty() {
                        piece.clone()
                    } else {
                        format!("{prefix}&{piece}")
                    }
                })
            })
            .collect();
    }
    Ok(rules)
}

fn normalize_phrase(phrase: &str) -> String {
    callguard_core::sms::normalize(phrase)
}

/// A CSV error: a bad line is reported and reading goes on; a failed read is an error.
fn csv_failure(err: csv::Error, name: &str, report: &mut SourceReport) -> Result<()> {
    let line = err.position().map_or(1, |p| p.line());
    match err.into_kind() {
        csv::ErrorKind::Io(e) => Err(Error::Io(e)),
        csv::ErrorKind::Utf8 { .. } => {
            report.problem(name, line, "not valid UTF-8");
            Ok(())
        }
        other => {
            report.problem(name, line, format!("{:?}", other));
            Ok(())
        }
    }
}

/// A core error as a line message, without the `invalid list:` prefix.
fn message(err: impl Into<Error>) -> String {
    match err.into() {
        Error::InvalidList(text) | Error::InvalidInput(text) => text,
        other => other.to_string(),
    }
}

fn parse_meta(
    action: &str,
    category: &str,
    confidence: &str,
) -> std::result::Result<EntryMeta, String> {
    let action: Action = action.parse().map_err(message)?;
    if action == Action::Allow {
        return Err("action must be block or warn".into());
    }
    let category: Category = category.parse().map_err(message)?;
    let confidence: u8 = match confidence {
        "" => 50,
        text => text
            .parse()
            .ok()
            .filter(|c| *c <= 100)
            .ok_or("confidence must be 0 to 100")?,
    };
    Ok(EntryMeta::new(action, category, confidence))
}

#[cfg(test)]
mod tests {
    use super::*;
    use callguard_core::ListSet;

    fn read(kind: SourceKind, name: &str, text: &str, region: Option<&str>) -> SourceReport {
        let options = SourceOptions {
            region: region.map(|r| r.parse().unwrap()),
        };
        add_source(
            &mut ListSet::builder("t", 1),
            kind,
            name,
            text.as_bytes(),
            &options,
        )
        .unwrap()
    }

    fn lines(report: &SourceReport) -> Vec<u64> {
        report.problems.iter().map(|p| p.line).collect()
    }

    #[test]
    fn reads_rows_and_reports_bad_lines_with_position() {
        let mut b = ListSet::builder("t", 1);
        let good =
            "number,action,category,confidence,note\n+8613800000001,block,loan_credit,90,x\n";
        assert_eq!(
            add_csv(&mut b, SourceKind::Numbers, "numbers.csv", good.as_bytes()).unwrap(),
            1
        );
        let bad = "number,action,category,confidence,note\n+8613800000002,block,loan_credit,90,\n+86,block,nope,1,\n";
        let err = add_csv(&mut b, SourceKind::Numbers, "numbers.csv", bad.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(err.contains("numbers.csv:3:"), "{err}");
        let wrong_header = "a,b\n1,2\n";
        assert!(add_csv(
            &mut b,
            SourceKind::Official,
            "official.csv",
            wrong_header.as_bytes()
        )
        .is_err());
    }

    #[test]
    fn every_bad_line_is_reported_and_good_ones_kept() {
        let text = "number,action,category,confidence,note\n\
                    # a comment\n\
                    +8613800000001,block,loan_credit,90,ok\n\
                    +86,block,loan_credit,90,short\n\
                    +8613800000003,maybe,loan_credit,90,bad action\n\
                    +8613800000004,warn,loan_credit,900,bad confidence\n\
                    +8613800000005,warn,spam,,default confidence\n";
        let report = read(SourceKind::Numbers, "numbers.csv", text, None);
        assert_eq!(report.added, 2);
        assert_eq!(lines(&report), [4, 5, 6]);
        assert_eq!(
            report.problems[2].to_string(),
            "numbers.csv:6: confidence must be 0 to 100"
        );
    }

    #[test]
    fn national_numbers_are_read_in_the_given_region() {
        let text = "number,action,category,confidence\n138 0013 8000,block,spam,1\n";
        assert_eq!(read(SourceKind::Numbers, "n", text, Some("CN")).added, 1);
        assert_eq!(lines(&read(SourceKind::Numbers, "n", text, None)), [2]);
    }

    #[test]
    fn domain_lists_accept_plain_hosts_and_adblock_lines() {
        let text = "# comment\n! adblock comment\n\nexample.com\n*.wild.example\n\
                    0.0.0.0 a.example b.example # trailing\n127.0.0.1 localhost\n\
                    ||ad.example^\n||path.example/x^\n1.2.3.4 redirect.example\n\
                    192.168.0.1\nfoo bar\n@@||ok.example^\n";
        let report = read(SourceKind::DomainList, "domains.txt", text, None);
        assert_eq!(report.added, 5);
        assert_eq!(lines(&report), [9, 10, 11, 12, 13]);
    }

    #[test]
    fn alternatives_expand_into_the_rules_they_stand_for() {
        assert_eq!(expand_alternatives("安全账户").unwrap(), ["安全账户"]);
        assert_eq!(
            expand_alternatives("a&!b&c").unwrap(),
            ["a&!b&c"],
            "without `|` a line is its one rule, parts in order"
        );
        assert_eq!(
            expand_alternatives("[link]&冻结|停用&!谨防|反诈").unwrap(),
            ["[link]&冻结&!谨防&!反诈", "[link]&停用&!谨防&!反诈"]
        );
        assert_eq!(
            expand_alternatives("a|b&x|y").unwrap(),
            ["a&x", "a&y", "b&x", "b&y"]
        );
        assert!(expand_alternatives("a||b").is_err());
        let huge = ["a|b|c|d|e|f|g|h|i|j"; 5].join("&");
        assert!(expand_alternatives(&huge)
            .unwrap_err()
            .contains("more than"));
    }

    #[test]
    fn sms_rules_are_category_weight_phrase() {
        let text = "category\tweight\tphrase\n# c\nloan_credit\t60\t无抵押  贷款\n\
                    prize\t101\tx\nnope\t5\tx\nprize\t5\n";
        let mut b = ListSet::builder("t", 1);
        let report = add_source(
            &mut b,
            SourceKind::SmsRules,
            "sms_rules.tsv",
            text.as_bytes(),
            &SourceOptions::default(),
        )
        .unwrap();
        assert_eq!(report.added, 1);
        assert_eq!(lines(&report), [4, 5, 6]);
        let (_, _, sections) = b.into_sections().unwrap();
        let (key, weight) = sections[4].get(0).unwrap();
        assert_eq!(std::str::from_utf8(key).unwrap(), "loan_credit:无抵押贷款");
        assert_eq!(weight, 60);
    }

    #[test]
    fn phrases_are_normalised() {
        assert_eq!(
            normalize_phrase(" ＡＢＣ\u{3000}Refund  NOW "),
            "abc refund now"
        );
    }

    #[test]
    fn allow_entries_and_bad_confidence_are_rejected() {
        assert!(parse_meta("allow", "spam", "1").is_err());
        assert!(parse_meta("block", "spam", "101").is_err());
        assert!(parse_meta("block", "spam", "").is_ok());
    }
}
