//! `callguard`: the Callguard engine on a desktop, for people, tests and benchmarks.
//!
//! Every decision is made by `callguard-core`; this binary only parses arguments, opens
//! the engine with the embedded default list, and prints. Exit codes: 0 success, 1 an
//! error (printed on stderr), 2 a usage error.

mod args;
mod batch;
mod demo;
mod eval;
mod output;

use std::collections::hash_map::{Entry, HashMap};
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use args::{
    Check, Cli, Command, PresentationArg, RuleKindArg, RulesCmd, SettingsCmd, VerificationArg,
};
use callguard_cli::request;
use callguard_core::update::FileMap;
use callguard_core::{
    number, CallInput, Engine, EngineConfig, Presentation, Region, RuleKind, SmsInput, Verification,
};

/// The home region until the user sets one: the examples and the default list are CN's.
const DEFAULT_REGION: &str = "CN";

/// What can fail in a command, printed as one `error: ...` line.
#[derive(Debug, thiserror::Error)]
enum CliError {
    #[error(transparent)]
    Engine(#[from] callguard_core::Error),
    #[error("{0}")]
    Io(#[from] io::Error),
    #[error("{0}")]
    Usage(String),
}

/// A bad region is an engine input error, printed as the engine prints it.
impl From<callguard_core::InvalidRegion> for CliError {
    fn from(err: callguard_core::InvalidRegion) -> Self {
        CliError::Engine(err.into())
    }
}

fn main() -> ExitCode {
    let cli = args::parse();
    let stdout = io::stdout();
    let mut out = stdout.lock();
    match run(cli, &mut out) {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`callguard history | head`) is not an error.
        Err(CliError::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(err) => {
            let _ = out.flush();
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli, out: &mut dyn Write) -> Result<(), CliError> {
    let region_override = cli
        .region
        .as_deref()
        .map(str::parse::<Region>)
        .transpose()?;
    let mut opener = Opener {
        data_dir: cli.data_dir,
        region_override,
        pinned_root: None,
        sms_model: true,
    };
    match cli.command {
        Command::Check(Check::Call(c)) => {
            let engine = opener.open()?;
            let input = CallInput {
                number: Some(c.number),
                presentation: presentation(c.presentation),
                verification: verification(c.verification),
                is_contact: c.contact,
            };
            let decision = engine.screen_call(&input)?;
            print_decision(out, &decision, c.json)?;
        }
        Command::Check(Check::Sms(s)) => {
            let engine = opener.open()?;
            let decision = engine.screen_sms(&SmsInput::new(s.from, s.text))?;
            print_decision(out, &decision, s.json)?;
        }
        Command::Check(Check::Batch) => {
            let engine = opener.open()?;
            batch::check(&engine, io::stdin().lock(), out)?;
        }
        Command::Normalize(n) if n.batch => {
            batch::normalize(opener.region()?, io::stdin().lock(), out)?;
        }
        Command::Normalize(n) => {
            let text = n
                .number
                .ok_or_else(|| CliError::Usage("a number is required".into()))?;
            let region = opener
                .region()?
                .ok_or_else(|| CliError::Usage("no home region".into()))?;
            let parsed = number::parse(&text, region).map_err(callguard_core::Error::from)?;
            if n.json {
                output::json(out, &parsed)?;
            } else {
                writeln!(out, "{}", parsed.e164())?;
            }
        }
        Command::Settings(SettingsCmd::Set { key, value }) => {
            let settings = opener.open()?.set_setting(&key, &value)?;
            let shown = settings.get(&key).unwrap_or_default();
            writeln!(out, "{key} = {shown}")?;
        }
        Command::Settings(SettingsCmd::Show(f)) => {
            let settings = opener.open()?.settings();
            if f.json {
                let map: serde_json::Map<String, serde_json::Value> = settings
                    .entries()
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v.into()))
                    .collect();
                output::json(out, &map)?;
            } else {
                output::settings(out, &settings)?;
            }
        }
        Command::Rules(RulesCmd::Add { kind, target }) => {
            let rule = opener.open()?.add_rule(rule_kind(kind), &target)?;
            writeln!(out, "added: {} {}", rule.kind.as_str(), rule.target)?;
        }
        Command::Rules(RulesCmd::Remove { args }) => {
            let (kind, target) = match args.as_slice() {
                [target] => (None, target),
                [kind, target] => (Some(kind.parse::<RuleKind>()?), target),
                _ => {
                    return Err(CliError::Usage(
                        "usage: rules remove [allow|block] TARGET".into(),
                    ))
                }
            };
            let removed = opener.open()?.remove_rule(kind, target)?;
            if removed == 0 {
                return Err(CliError::Usage("no such rule".into()));
            }
            writeln!(
                out,
                "removed {removed} rule{}",
                if removed == 1 { "" } else { "s" }
            )?;
        }
        Command::Rules(RulesCmd::List(f)) => {
            let rules = opener.open()?.rules();
            if f.json {
                output::json(out, &rules)?;
            } else {
                output::rules(out, &rules)?;
            }
        }
        Command::History(h) => {
            let engine = opener.open()?;
            if h.clear {
                writeln!(out, "deleted {} entries", engine.clear_history()?)?;
            } else if h.json {
                output::json(out, &engine.history(h.limit)?)?;
            } else {
                output::history(out, &engine.history(h.limit)?)?;
            }
        }
        Command::Update(u) => {
            let mut opener = opener;
            if let Some(root) = &u.root {
                opener.pinned_root = Some(std::fs::read(root)?);
            }
            let engine = opener.open()?;
            let report = match (&u.url, &u.files) {
                (_, Some(dir)) => engine.install_update(&FileMap::from_dir(dir)?)?,
                (Some(url), None) => engine.update(url)?,
                (None, None) => return Err(CliError::Usage("give a URL or --files DIR".into())),
            };
            if u.json {
                output::json(out, &report)?;
            } else {
                output::update_report(out, &report)?;
            }
        }
        Command::Compact => {
            let engine = opener.open()?;
            if engine.compact_lists()? {
                writeln!(out, "compacted the installed list")?;
            } else {
                writeln!(out, "nothing to compact")?;
            }
        }
        Command::EvalSms(e) => {
            opener.sms_model = !e.without_model;
            eval_sms(&opener, &e, out)?;
        }
        Command::Pause(p) => {
            let engine = opener.open()?;
            let until = match (&p.duration, p.until) {
                (Some(text), _) => {
                    let secs = parse_duration(text).ok_or_else(|| {
                        CliError::Usage("--for takes minutes, hours or days: 30m, 1h, 2d".into())
                    })?;
                    Some(now_secs().saturating_add(secs))
                }
                (None, until) => until,
            };
            engine.pause(until)?;
            match until {
                Some(at) => writeln!(
                    out,
                    "protection paused until {}; it resumes by itself",
                    callguard_core::format_utc(at)
                )?,
                None => writeln!(out, "protection paused until you run `callguard resume`")?,
            }
        }
        Command::Resume => {
            opener.open()?.resume()?;
            writeln!(out, "protection resumed")?;
        }
        Command::Report(r) => {
            let category = r
                .category
                .parse::<callguard_core::Category>()
                .map_err(callguard_core::Error::from)?;
            let report = opener
                .open()?
                .report(&r.number_or_sender, category, &r.note)?;
            writeln!(
                out,
                "reported {} as {}; it stays on this device until you export it",
                report.subject, report.category
            )?;
        }
        Command::Reports(r) => {
            let engine = opener.open()?;
            if r.clear {
                writeln!(out, "deleted {} reports", engine.clear_reports()?)?;
            } else if let Some(file) = &r.export {
                let bytes = engine.export_reports()?;
                std::fs::write(file, &bytes)?;
                let count = engine.reports()?.len();
                writeln!(out, "exported {count} reports to {}", file.display())?;
            } else if r.json {
                output::json(out, &engine.reports()?)?;
            } else {
                output::reports(out, &engine.reports()?)?;
            }
        }
        Command::Status(f) => {
            let status = opener.open()?.status()?;
            if f.json {
                output::json(out, &status)?;
            } else {
                output::status(out, &status)?;
            }
        }
    }
    Ok(())
}

fn print_decision(
    out: &mut dyn Write,
    decision: &callguard_core::Decision,
    json: bool,
) -> io::Result<()> {
    if json {
        output::json(out, decision)
    } else {
        output::decision(out, decision)
    }
}

/// `eval-sms`: decides every labelled message and prints the figures.
fn eval_sms(opener: &Opener, e: &args::EvalSms, out: &mut dyn Write) -> Result<(), CliError> {
    let engine = opener.open()?;
    let file = std::fs::File::open(&e.file)?;
    let (samples, skipped) =
        callguard_sources::labelled::read_samples(std::io::BufReader::new(file))?;
    let mut errors = Vec::new();
    // With --home-from-sender, one engine per sender country, opened on first use.
    let home = engine.settings().home_region;
    let mut by_region: HashMap<Region, Engine> = HashMap::new();
    let mut decide =
        |sample: &callguard_sources::labelled::Sample| -> io::Result<callguard_core::Decision> {
            let region = e
                .home_from_sender
                .then(|| callguard_core::number::parse(&sample.from, home).ok())
                .flatten()
                .and_then(|n| n.region())
                .filter(|r| *r != home);
            let Some(region) = region else {
                return eval::check(&engine, sample);
            };
            let regional = match by_region.entry(region) {
                Entry::Occupied(found) => found.into_mut(),
                Entry::Vacant(slot) => {
                    let mut regional = opener.clone();
                    regional.region_override = Some(region);
                    slot.insert(
                        regional
                            .open()
                            .map_err(|e| io::Error::other(e.to_string()))?,
                    )
                }
            };
            eval::check(regional, sample)
        };
    let mut report = eval::evaluate(
        &mut decide,
        &samples,
        e.errors.then_some(&mut errors as &mut dyn Write),
    )?;
    report.skipped_lines = skipped;
    if e.json {
        output::json(out, &report)?;
    } else {
        eval::print(out, &report)?;
    }
    if e.errors {
        writeln!(out, "\nerrors (label, decision, reasons, text):")?;
        out.write_all(&errors)?;
    }
    Ok(())
}

/// Opens the engine only for commands that need it (`normalize --batch` does not).
#[derive(Clone)]
struct Opener {
    data_dir: Option<PathBuf>,
    region_override: Option<Region>,
    pinned_root: Option<Vec<u8>>,
    /// Whether SMS decisions may use the list's statistical model.
    sms_model: bool,
}

impl Opener {
    fn open(&self) -> Result<Engine, CliError> {
        let dir = match &self.data_dir {
            Some(dir) => dir.clone(),
            None => directories::ProjectDirs::from("org", "Callguard", "callguard")
                .map(|dirs| dirs.data_dir().to_path_buf())
                .ok_or_else(|| CliError::Usage("no home directory; pass --data-dir".into()))?,
        };
        let mut config = EngineConfig::new(DEFAULT_REGION.parse()?);
        config.region_override = self.region_override;
        config.sms_model = self.sms_model;
        config.pinned_root = Some(
            self.pinned_root
                .clone()
                .unwrap_or_else(|| demo::root().to_vec()),
        );
        let engine = Engine::open(&dir, config)?;
        if !engine.has_installed_list()? {
            // Until a signed list is installed, decide on the embedded, verified demo list.
            engine.load_bundled(&demo::files(), demo::root())?;
        }
        Ok(engine)
    }

    /// The home region: `--region`, else the stored setting, else the default.
    fn region(&self) -> Result<Option<Region>, CliError> {
        match self.region_override {
            Some(region) => Ok(Some(region)),
            None => Ok(Some(self.open()?.settings().home_region)),
        }
    }
}

/// `30m`, `1h`, `2d` as seconds; at most a year.
fn parse_duration(text: &str) -> Option<u64> {
    let text = text.trim();
    let (number, unit) = text.split_at(text.len().checked_sub(1)?);
    let count: u64 = number.parse().ok().filter(|n| *n > 0)?;
    let secs = match unit {
        "m" => count.checked_mul(60)?,
        "h" => count.checked_mul(3_600)?,
        "d" => count.checked_mul(86_400)?,
        _ => return None,
    };
    (secs <= 366 * 86_400).then_some(secs)
}

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn presentation(arg: PresentationArg) -> Presentation {
    match arg {
        PresentationArg::Allowed => Presentation::Allowed,
        PresentationArg::Restricted => Presentation::Restricted,
        PresentationArg::Unknown => Presentation::Unknown,
        PresentationArg::Payphone => Presentation::Payphone,
    }
}

fn verification(arg: VerificationArg) -> Verification {
    match arg {
        VerificationArg::Passed => Verification::Passed,
        VerificationArg::Failed => Verification::Failed,
        VerificationArg::Unverified => Verification::NotVerified,
    }
}

fn rule_kind(arg: RuleKindArg) -> RuleKind {
    match arg {
        RuleKindArg::Allow => RuleKind::Allow,
        RuleKindArg::Block => RuleKind::Block,
    }
}
