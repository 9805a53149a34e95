//! The command-line contract. Scripts and tests rely on these names; change with care.

use std::path::PathBuf;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Args, Parser, Subcommand, ValueEnum};

/// Parses the command line, or exits: with help or the version as asked, or with a
/// usage error (exit code 2) that does not quote the arguments, which may hold numbers.
pub fn parse() -> Cli {
    Cli::try_parse().unwrap_or_else(|err| match err.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => err.exit(),
        _ => {
            eprintln!(
                "error: {}\n\nFor more information, try '--help'.",
                usage_message(&err)
            );
            std::process::exit(2)
        }
    })
}

/// What a usage error says: its kind, and for the kinds where clap names the argument's
/// definition (never what was typed), that name and the possible values.
pub fn usage_message(err: &clap::Error) -> String {
    let mut message = err
        .kind()
        .as_str()
        .unwrap_or("invalid arguments")
        .to_owned();
    let names_definition = matches!(
        err.kind(),
        ErrorKind::InvalidValue
            | ErrorKind::ValueValidation
            | ErrorKind::MissingRequiredArgument
            | ErrorKind::ArgumentConflict
            | ErrorKind::NoEquals
            | ErrorKind::TooManyValues
            | ErrorKind::TooFewValues
            | ErrorKind::WrongNumberOfValues
    );
    if !names_definition {
        return message;
    }
    let text = |kind| match err.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(v)) => Some(v.join(", ")),
        _ => None,
    };
    if let Some(arg) = text(ContextKind::InvalidArg) {
        message.push_str(&format!(": {arg}"));
    }
    if let Some(values) = text(ContextKind::ValidValue) {
        message.push_str(&format!(" (possible values: {values})"));
    }
    message
}

/// Callguard: decide whether a call or SMS is allowed, warned about or blocked, offline.
#[derive(Debug, Parser)]
#[command(name = "callguard", version, about, long_about = None)]
pub struct Cli {
    /// Where settings, rules and history live [default: the platform data directory]
    #[arg(long, global = true, value_name = "DIR", env = "CALLGUARD_DATA_DIR")]
    pub data_dir: Option<PathBuf>,

    /// Home region for this run (two letters, e.g. CN); overrides the stored setting
    #[arg(long, global = true, value_name = "CC")]
    pub region: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Decide a call or an SMS
    #[command(subcommand)]
    Check(Check),
    /// Print a number in E.164, or normalise `input<TAB>region` lines from stdin
    Normalize(Normalize),
    /// Show or change settings
    #[command(subcommand)]
    Settings(SettingsCmd),
    /// Manage your own allow and block rules
    #[command(subcommand)]
    Rules(RulesCmd),
    /// Show recent decisions and why they were made
    History(History),
    /// Fetch, verify and install the newest signed list from a site
    Update(Update),
    /// Fold the installed list's numbers overlay (what deltas changed) into a new base
    Compact,
    /// Measure SMS decisions on labelled messages (TSV `label<TAB>text` or JSON lines)
    EvalSms(EvalSms),
    /// Show the lists in use, how fresh they are, the home region and the database
    Status(JsonFlag),
    /// Pause protection: everything rings until the time passes or you resume
    Pause(PauseArgs),
    /// Resume protection after a pause
    Resume,
    /// Report a number or SMS sender as fraud; the report stays on this device
    Report(ReportArgs),
    /// List your reports, export them for a list publisher, or clear them
    Reports(ReportsArgs),
}

#[derive(Debug, Args)]
pub struct PauseArgs {
    /// For how long: 30m, 1h, 2d (minutes, hours, days); without --for or --until, the
    /// pause lasts until `callguard resume`
    #[arg(long = "for", value_name = "DURATION", conflicts_with = "until")]
    pub duration: Option<String>,
    /// Until this time, Unix seconds
    #[arg(long, value_name = "UNIX_SECONDS")]
    pub until: Option<u64>,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The number (any form, read in the home region) or the SMS sender name
    pub number_or_sender: String,
    /// The kind of fraud, e.g. investment, fake_customer_service, loan_credit
    #[arg(long)]
    pub category: String,
    /// A short note of your own (one line, at most 200 characters are kept)
    #[arg(long, default_value = "")]
    pub note: String,
}

#[derive(Debug, Args)]
pub struct ReportsArgs {
    /// Print the reports as JSON
    #[arg(long, conflicts_with_all = ["export", "clear"])]
    pub json: bool,
    /// Write the reports in the publisher's numbers.csv format to FILE (`signed-lists
    /// build` reads it from its sources as reports*.csv)
    #[arg(long, value_name = "FILE", conflicts_with = "clear")]
    pub export: Option<PathBuf>,
    /// Delete every report
    #[arg(long)]
    pub clear: bool,
}

#[derive(Debug, Args)]
pub struct EvalSms {
    /// The labelled messages
    pub file: PathBuf,
    /// Also print every message it got wrong (label, decision, reasons, text)
    #[arg(long)]
    pub errors: bool,
    /// Print the figures as JSON
    #[arg(long)]
    pub json: bool,
    /// Decide with the phrase rules alone, ignoring the list's statistical model (to
    /// measure what the model adds)
    #[arg(long)]
    pub without_model: bool,
    /// Judge each message as if received in its sender's country (for files that mix
    /// countries); senders without one use the home region
    #[arg(long)]
    pub home_from_sender: bool,
}

#[derive(Debug, Args)]
pub struct Update {
    /// The site's base URL, e.g. https://lists.example.org/cn/ (omit with --files)
    #[arg(required_unless_present = "files", conflicts_with = "files")]
    pub url: Option<String>,
    /// Install from files already downloaded into DIR (the site's layout), no network
    #[arg(long, value_name = "DIR")]
    pub files: Option<PathBuf>,
    /// The publisher's root.json to pin (needed once; later roots are followed and stored)
    #[arg(long, value_name = "ROOT_JSON")]
    pub root: Option<PathBuf>,
    /// Print the report as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum Check {
    /// Decide an incoming call
    Call(CheckCall),
    /// Decide an incoming SMS
    Sms(CheckSms),
    /// Decide JSON lines from stdin, one decision per line, in order
    Batch,
}

#[derive(Debug, Args)]
pub struct CheckCall {
    /// The presented number, in any format
    pub number: String,
    /// The caller is in the address book
    #[arg(long)]
    pub contact: bool,
    /// STIR/SHAKEN result
    #[arg(long, value_enum, default_value_t = VerificationArg::Unverified)]
    pub verification: VerificationArg,
    /// How the number was presented
    #[arg(long, value_enum, default_value_t = PresentationArg::Allowed)]
    pub presentation: PresentationArg,
    /// Print the decision as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CheckSms {
    /// The sender: a number, a short code or a name
    #[arg(long = "from", value_name = "SENDER")]
    pub from: String,
    /// The message text
    pub text: String,
    /// Print the decision as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum VerificationArg {
    Passed,
    Failed,
    Unverified,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PresentationArg {
    Allowed,
    Restricted,
    Unknown,
    Payphone,
}

#[derive(Debug, Args)]
pub struct Normalize {
    /// The number to normalise (omit with --batch)
    #[arg(required_unless_present = "batch", conflicts_with = "batch")]
    pub number: Option<String>,
    /// Read `input<TAB>home_region` lines from stdin; write E.164 or `error: ...` per line
    #[arg(long)]
    pub batch: bool,
    /// Print the number's classification as JSON
    #[arg(long, conflicts_with = "batch")]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum SettingsCmd {
    /// Change a setting (KEY lists the keys). In allowed-countries a region code (US)
    /// means that region, a calling code (+1) every region that shares it (the US,
    /// Canada, Jamaica…).
    Set {
        /// The setting's key; the list comes from the engine's one list of settings.
        #[arg(help = format!(
            "The setting's key: {}",
            callguard_core::Settings::KEYS.join(", ")
        ))]
        key: String,
        /// The new value (allow|warn|block for policies; e.g. "KH,+63" for countries)
        value: String,
    },
    /// Show every setting
    Show(JsonFlag),
}

#[derive(Debug, Subcommand)]
pub enum RulesCmd {
    /// Add a rule. TARGET is a number, a prefix ending in * (+855*), or country:CC
    Add {
        /// allow or block
        #[arg(value_enum)]
        kind: RuleKindArg,
        /// Number, prefix or country
        target: String,
    },
    /// Remove the rules for a target: `rules remove [allow|block] TARGET`
    Remove {
        /// An optional kind, then the target
        #[arg(num_args = 1..=2, required = true, value_name = "[KIND] TARGET")]
        args: Vec<String>,
    },
    /// List your rules
    List(JsonFlag),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RuleKindArg {
    Allow,
    Block,
}

#[derive(Debug, Args)]
pub struct History {
    /// How many entries to show, newest first
    #[arg(long, default_value_t = 20)]
    pub limit: u32,
    /// Delete the history instead of showing it
    #[arg(long)]
    pub clear: bool,
    /// Print as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct JsonFlag {
    /// Print as JSON
    #[arg(long)]
    pub json: bool,
}
