//! `signed-lists`: the Callguard list publisher's command line. A thin layer over the
//! library: parse options, call one function, print its report. Exit status 0 on
//! success, 1 on any failure, 2 on a usage error.

use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;

use callguard_core::Region;
use clap::{Parser, Subcommand};
use signed_lists::keys::{self, KeygenOptions, RotateOptions};
use signed_lists::publish::{self, BuildOptions};
use signed_lists::serve::Server;
use signed_lists::site::Site;
use signed_lists::train::{self, TrainOptions};
use signed_lists::verify::{self, VerifyOptions};
use signed_lists::{diff, inspect, Error, Result};

/// Prints a line on stdout. Unlike `println!`, a closed pipe (`| head`) does not panic.
macro_rules! say {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// Prints a line on stderr, ignoring a closed pipe likewise.
macro_rules! tell {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// Build, sign, delta, verify and serve Callguard blocklists as a static site.
#[derive(Parser)]
#[command(name = "signed-lists", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a key directory: root, timestamp and manifest keys, and the version 1 root.
    Keygen {
        /// The key directory to create.
        #[arg(long, value_name = "KEYDIR")]
        out: PathBuf,
        /// Root keys to create.
        #[arg(long, default_value_t = 1, value_name = "N")]
        root_keys: usize,
        /// Root signatures required.
        #[arg(long, default_value_t = 1, value_name = "T")]
        threshold: u32,
        /// The publisher's name, shown to people.
        #[arg(long, default_value = "Callguard list publisher", value_name = "NAME")]
        publisher: String,
        /// Days until the root expires.
        #[arg(long, default_value_t = 3650, value_name = "D")]
        root_expires_days: u64,
        /// The time expiries count from (Unix seconds; default now).
        #[arg(long, value_name = "UNIX_SECONDS")]
        now: Option<u64>,
    },
    /// Replace keys: writes root version + 1, signed by the old and the new root keys.
    Rotate {
        /// The key directory.
        #[arg(long, value_name = "KEYDIR")]
        keys: PathBuf,
        /// The site directory (receives the new root).
        #[arg(long, value_name = "SITEDIR")]
        site: PathBuf,
        /// Replace all root keys with this many new ones.
        #[arg(long, value_name = "N")]
        root_keys: Option<usize>,
        /// The new root threshold.
        #[arg(long, value_name = "T")]
        threshold: Option<u32>,
        /// Replace the timestamp key.
        #[arg(long)]
        timestamp: bool,
        /// Replace the manifest key.
        #[arg(long)]
        manifest: bool,
        /// Days until the new root expires.
        #[arg(long, default_value_t = 3650, value_name = "D")]
        root_expires_days: u64,
        /// The time expiries count from (Unix seconds; default now).
        #[arg(long, value_name = "UNIX_SECONDS")]
        now: Option<u64>,
    },
    /// Publish the next version of the list from a source directory.
    Build {
        /// The source directory (numbers.csv, prefixes.csv, official.csv, domains.csv,
        /// domains.txt, sms_rules.tsv, sms_model.tsv, and users' exported reports*.csv;
        /// each optional).
        #[arg(long, value_name = "SRCDIR")]
        sources: PathBuf,
        /// The key directory.
        #[arg(long, value_name = "KEYDIR")]
        keys: PathBuf,
        /// The site directory.
        #[arg(long, value_name = "SITEDIR")]
        site: PathBuf,
        /// The list's name.
        #[arg(long, default_value = publish::DEFAULT_LIST, value_name = "LIST")]
        name: String,
        /// Make deltas from up to this many earlier sequence numbers.
        #[arg(long, default_value_t = publish::DEFAULT_DELTAS, value_name = "K")]
        deltas: usize,
        /// Days until the manifest expires.
        #[arg(long, default_value_t = publish::DEFAULT_MANIFEST_DAYS, value_name = "D")]
        manifest_expires_days: u64,
        /// Hours until the timestamp expires.
        #[arg(long, default_value_t = publish::DEFAULT_TIMESTAMP_HOURS, value_name = "H")]
        timestamp_expires_hours: u64,
        /// The publication time (Unix seconds; default now).
        #[arg(long, value_name = "UNIX_SECONDS")]
        now: Option<u64>,
        /// The zstd level.
        #[arg(long, default_value_t = publish::DEFAULT_LEVEL, value_name = "ZSTD_LEVEL", allow_negative_numbers = true)]
        level: i32,
        /// Publish without the bad source lines (they are listed) instead of failing.
        #[arg(long)]
        skip_invalid: bool,
        /// The region national numbers are written in.
        #[arg(long, default_value = publish::DEFAULT_REGION, value_name = "CC")]
        region: String,
    },
    /// Check a site as a phone would, from a pinned root.
    Verify {
        /// The site directory.
        #[arg(long, value_name = "SITEDIR")]
        site: PathBuf,
        /// The pinned root file.
        #[arg(long, value_name = "ROOT_JSON")]
        root: PathBuf,
        /// The time of the check (Unix seconds; default now).
        #[arg(long, value_name = "UNIX")]
        now: Option<u64>,
    },
    /// Show what a site publishes: versions, expiries, the list, sizes.
    Inspect {
        /// The site directory.
        #[arg(long, value_name = "SITEDIR")]
        site: PathBuf,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Show the entries added, removed and changed between two seqs of the list.
    Diff {
        /// The site directory.
        #[arg(long, value_name = "SITEDIR")]
        site: PathBuf,
        /// The list's name (default: the site's only list).
        #[arg(long, value_name = "LIST")]
        name: Option<String>,
        /// The older seq.
        from_seq: u64,
        /// The newer seq.
        to_seq: u64,
    },
    /// Train the statistical SMS model from labelled messages into a source file
    /// (sms_model.tsv) that `build` signs into the list.
    TrainSms {
        /// Labelled messages: TSV (label<TAB>text) or JSON lines ({"label","from","text"}).
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// The model source to write, e.g. SRCDIR/sms_model.tsv.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Write the held-out messages (never trained on) here, for `callguard eval-sms`.
        #[arg(long, value_name = "FILE")]
        holdout_out: Option<PathBuf>,
        /// Percent of messages held out, chosen by a hash of the text.
        #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u8).range(0..=50))]
        holdout_percent: u8,
        /// Percent of messages that choose the threshold.
        #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u8).range(1..=40))]
        validation_percent: u8,
        /// The largest share of normal validation messages labelled unwanted, in percent.
        /// Strict by default: messages on phones come from other times and places than
        /// the training data, and labelling drifts upwards there.
        #[arg(long, default_value_t = 0.25)]
        max_false_label_percent: f64,
        /// The largest share of normal validation messages the fraud head may find fraud,
        /// in percent: a fraud reading warns, so this is the model's false-positive budget.
        #[arg(long, default_value_t = 0.2)]
        max_false_fraud_percent: f64,
        /// The largest share of advertising validation messages the fraud head may find
        /// fraud, in percent.
        #[arg(long, default_value_t = 1.0)]
        max_spam_fraud_percent: f64,
        /// The hash space (a power of two up to 1048576).
        #[arg(long, default_value_t = 1 << 18)]
        buckets: u32,
        /// Weights kept, strongest first.
        #[arg(long, default_value_t = 60_000)]
        max_weights: usize,
        /// Passes over the training messages.
        #[arg(long, default_value_t = 8)]
        epochs: u32,
        /// The region phone numbers in the texts are read in.
        #[arg(long, default_value = "CN", value_name = "CC")]
        region: String,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Serve a site over HTTP for development and tests (GET and HEAD only).
    Serve {
        /// The site directory.
        #[arg(long, value_name = "SITEDIR")]
        site: PathBuf,
        /// The address to bind; port 0 picks a free port (printed on stdout).
        #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
        addr: String,
        /// Append one JSON line per request to this file.
        #[arg(long, value_name = "FILE")]
        request_log: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Error::InvalidSources(problems)) => {
            for problem in &problems {
                tell!("{problem}");
            }
            tell!("error: {}", Error::InvalidSources(problems));
            ExitCode::FAILURE
        }
        Err(e) => {
            tell!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> Result<()> {
    let now = |given: Option<u64>| given.unwrap_or_else(signed_lists::unix_now);
    match command {
        Command::Keygen {
            out,
            root_keys,
            threshold,
            publisher,
            root_expires_days,
            now: at,
        } => {
            let options = KeygenOptions {
                root_keys,
                threshold,
                publisher,
                root_expires_days,
                now: now(at),
            };
            let root = keys::keygen(&out, &options)?;
            say!(
                "created {}: {root_keys} root key(s) (threshold {threshold}), a timestamp key, a manifest key",
                out.display()
            );
            say!(
                "root version 1 expires {}; pin {}",
                signed_lists::format_time(root.expires),
                out.join(keys::ROOT_FILE).display()
            );
        }
        Command::Rotate {
            keys: dir,
            site,
            root_keys,
            threshold,
            timestamp,
            manifest,
            root_expires_days,
            now: at,
        } => {
            let options = RotateOptions {
                root_keys,
                threshold,
                timestamp,
                manifest,
                root_expires_days,
                now: now(at),
            };
            let rotation = keys::rotate(&dir, &Site::new(site), &options)?;
            say!(
                "root version {} -> {}",
                rotation.old_version,
                rotation.root.version
            );
            for (name, kept) in &rotation.retired {
                say!("  {name} replaced; the old key is kept as {kept}");
            }
            say!("run build now: the published timestamp and manifest were signed before the rotation");
        }
        Command::Build {
            sources,
            keys: dir,
            site,
            name,
            deltas,
            manifest_expires_days,
            timestamp_expires_hours,
            now: at,
            level,
            skip_invalid,
            region,
        } => {
            let options = BuildOptions {
                name,
                deltas,
                manifest_expires_days,
                timestamp_expires_hours,
                now: now(at),
                level,
                skip_invalid,
                region: region
                    .parse()
                    .map_err(|e| Error::Usage(format!("--region: {e}")))?,
                progress: std::io::stderr().is_terminal(),
                ..BuildOptions::new(sources, dir, site)?
            };
            let report = publish::build(&options)?;
            if !report.skipped.is_empty() {
                for problem in &report.skipped {
                    tell!("skipped {problem}");
                }
                tell!("skipped {} bad source line(s)", report.skipped.len());
            }
            say!("{report}");
        }
        Command::Verify {
            site,
            root,
            now: at,
        } => {
            let options = VerifyOptions {
                site,
                root,
                now: now(at),
            };
            say!("{}", verify::verify(&options)?);
        }
        Command::Inspect { site, json } => {
            let info = inspect::inspect(&Site::new(site))?;
            if json {
                let text = serde_json::to_string_pretty(&info)
                    .map_err(|e| Error::Usage(format!("cannot print JSON: {e}")))?;
                say!("{text}");
            } else {
                say!("{info}");
            }
        }
        Command::Diff {
            site,
            name,
            from_seq,
            to_seq,
        } => {
            let changes = diff::diff(&Site::new(site), name.as_deref(), from_seq, to_seq)?;
            say!("{changes}");
        }
        Command::TrainSms {
            files,
            out,
            holdout_out,
            holdout_percent,
            validation_percent,
            max_false_label_percent,
            max_false_fraud_percent,
            max_spam_fraud_percent,
            buckets,
            max_weights,
            epochs,
            region,
            json,
        } => {
            let region: Region = region
                .parse()
                .map_err(|_| Error::Train(format!("unknown region {region}")))?;
            let mut options = TrainOptions::new(region);
            options.holdout_percent = holdout_percent;
            options.validation_percent = validation_percent;
            options.max_false_label = max_false_label_percent / 100.0;
            options.max_false_fraud = max_false_fraud_percent / 100.0;
            options.max_spam_fraud = max_spam_fraud_percent / 100.0;
            options.buckets = buckets;
            options.max_weights = max_weights;
            options.epochs = epochs;
            let report = train::train_files(&files, &out, holdout_out.as_deref(), &options)?;
            if json {
                say!(
                    "{}",
                    serde_json::to_string_pretty(&report).unwrap_or_default()
                );
            } else {
                say!(
                    "trained on {} normal + {} unwanted distinct messages ({} repeats skipped, {} held out, {} unknown labels)",
                    report.trained.0,
                    report.trained.1,
                    report.duplicates_skipped,
                    report.held_out,
                    report.unknown_labels
                );
                say!(
                    "validation ({} normal, {} unwanted): threshold {}‰ labels {:.1}% of unwanted, {:.2}% of normal",
                    report.validation.0,
                    report.validation.1,
                    report.threshold_per_mille,
                    report.validation_recall * 100.0,
                    report.validation_false_label * 100.0
                );
                if let Some(f) = &report.fraud {
                    say!(
                        "fraud head ({} fraud trained; validation {} normal, {} advertising, {} fraud): threshold {}‰ finds {:.1}% of fraud, {:.2}% of normal, {:.2}% of advertising; {} weights",
                        f.trained,
                        f.validation.0,
                        f.validation.1,
                        f.validation.2,
                        f.threshold_per_mille,
                        f.validation_recall * 100.0,
                        f.validation_false_fraud * 100.0,
                        f.validation_spam_fraud * 100.0,
                        f.weights
                    );
                }
                say!("{} weights kept; wrote {}", report.weights, out.display());
            }
        }
        Command::Serve {
            site,
            addr,
            request_log,
        } => {
            let server = Server::bind(&site, &addr, request_log.as_deref())?;
            // The address is the only line on stdout, for tests that pass port 0. A
            // reader that stops listening must not stop the server, so write errors
            // are ignored rather than panicking as println! would.
            let mut stdout = std::io::stdout();
            let _ = writeln!(stdout, "{}", server.addr()).and_then(|()| stdout.flush());
            let _ = writeln!(
                std::io::stderr(),
                "serving {} on http://{}/ (GET and HEAD only)",
                site.display(),
                server.addr()
            );
            server.run()?;
        }
    }
    Ok(())
}
