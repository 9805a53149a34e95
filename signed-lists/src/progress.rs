//! A progress bar for long builds, shown only on a terminal and only when the build is
//! large; otherwise every call does nothing.

use std::io::Read;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

/// Sources of at least this many bytes (about 100k numbers) make a build "large".
pub(crate) const LARGE_BUILD_BYTES: u64 = 4 * 1024 * 1024;

/// One bar reused through the phases of a build.
pub(crate) struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// Draws nothing.
    pub fn hidden() -> Progress {
        Progress {
            bar: ProgressBar::hidden(),
        }
    }

    /// Draws on stderr when `visible`.
    pub fn new(visible: bool) -> Progress {
        if !visible {
            return Progress::hidden();
        }
        Progress {
            bar: ProgressBar::new(0),
        }
    }

    /// A phase measured in bytes.
    pub fn bytes(&self, message: &'static str, total: u64) {
        self.phase(
            message,
            total,
            "{msg} [{wide_bar}] {bytes}/{total_bytes} ({eta})",
        );
    }

    /// A phase measured in steps.
    pub fn steps(&self, message: &'static str, total: u64) {
        self.phase(message, total, "{msg} [{wide_bar}] {pos}/{len}");
    }

    /// A phase of unknown length.
    pub fn spinner(&self, message: &'static str) {
        self.bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        self.bar.set_message(message);
        self.tick();
    }

    fn phase(&self, message: &'static str, total: u64, template: &str) {
        // Length first: a style change redraws, and must not show the last phase's counts.
        self.bar.set_length(total);
        self.bar.set_position(0);
        self.bar.set_message(message);
        self.bar.set_style(
            ProgressStyle::with_template(template)
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        self.tick();
    }

    /// Redraws on a timer from the first phase on (not before: an empty bar would flash).
    fn tick(&self) {
        self.bar.enable_steady_tick(Duration::from_millis(120));
    }

    /// Advances a phase measured in steps.
    pub fn step(&self) {
        self.bar.inc(1);
    }

    /// A reader that advances a phase measured in bytes.
    pub fn reader<R: Read>(&self, inner: R) -> impl Read {
        self.bar.wrap_read(inner)
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
