//! How decisions and state are printed: JSON for programs, one or two lines for people.

use std::io::{self, Write};

use callguard_core::{Decision, HistoryEntry, Settings, Status, UserRule};
use serde::Serialize;

/// Prints a value as one line of JSON.
pub fn json<T: Serialize>(out: &mut dyn Write, value: &T) -> io::Result<()> {
    serde_json::to_writer(&mut *out, value).map_err(io::Error::other)?;
    writeln!(out)
}

/// `BLOCK  Blocked: fake official number … [official_impersonation]`, then `why: …`.
pub fn decision(out: &mut dyn Write, d: &Decision) -> io::Result<()> {
    let category = d.category.map(|c| format!(" [{c}]")).unwrap_or_default();
    writeln!(
        out,
        "{:<5}  {}{}",
        d.action.as_str().to_uppercase(),
        d.label,
        category
    )?;
    if !d.reasons.is_empty() {
        let why: Vec<String> = d
            .reasons
            .iter()
            .map(|r| format!("{} ({})", r.code, r.detail))
            .collect();
        writeln!(out, "       why: {}", why.join("; "))?;
    }
    Ok(())
}

pub fn settings(out: &mut dyn Write, s: &Settings) -> io::Result<()> {
    for (key, value) in s.entries() {
        let value = if value.is_empty() {
            "(none)".to_owned()
        } else {
            value
        };
        writeln!(out, "{key:<24} {value}")?;
    }
    Ok(())
}

pub fn rules(out: &mut dyn Write, rules: &[UserRule]) -> io::Result<()> {
    if rules.is_empty() {
        return writeln!(out, "no rules");
    }
    for rule in rules {
        writeln!(out, "{:<5}  {}", rule.kind.as_str(), rule.target)?;
    }
    Ok(())
}

pub fn history(out: &mut dyn Write, entries: &[HistoryEntry]) -> io::Result<()> {
    if entries.is_empty() {
        return writeln!(out, "no history");
    }
    for e in entries {
        let why: Vec<&str> = e.decision.reasons.iter().map(|r| r.code.as_str()).collect();
        let channel = if matches!(e.channel, callguard_core::Channel::Sms) {
            "sms"
        } else {
            "call"
        };
        writeln!(
            out,
            "{}  {:<4} {:<18} {:<5} {}{}",
            format_time(e.at_ms),
            channel,
            e.subject,
            e.decision.action,
            e.decision.label,
            if why.is_empty() {
                String::new()
            } else {
                format!(" ({})", why.join(", "))
            }
        )?;
    }
    Ok(())
}

pub fn status(out: &mut dyn Write, s: &Status) -> io::Result<()> {
    let lists: Vec<String> = s
        .lists
        .iter()
        .map(|(name, v)| format!("{name} v{v}"))
        .collect();
    writeln!(out, "home region    {}", s.home_region)?;
    writeln!(out, "lists          {}", lists.join(", "))?;
    let entries: Vec<String> = s
        .list_entries
        .iter()
        .map(|(section, n)| format!("{n} {section}"))
        .collect();
    writeln!(out, "entries        {}", entries.join(", "))?;
    let model = match (s.sms.model_weights, s.sms.model_in_use) {
        (Some(n), true) => format!("a model of {n} weights"),
        (Some(n), false) => format!("a model of {n} weights, switched off"),
        (None, _) => "no model".to_owned(),
    };
    writeln!(
        out,
        "sms            {} phrase rules, {} brands, {model}",
        s.sms.phrase_rules, s.sms.brands
    )?;
    match s.paused {
        Some(callguard_core::Pause::Until(at)) => writeln!(
            out,
            "protection     PAUSED until {} (resumes by itself)",
            callguard_core::format_utc(at)
        )?,
        Some(callguard_core::Pause::UntilResumed) => writeln!(
            out,
            "protection     PAUSED until you resume it (`callguard resume`)"
        )?,
        None => writeln!(out, "protection     on")?,
    }
    writeln!(out, "rules          {}", s.rules)?;
    writeln!(out, "history        {} entries", s.history_entries)?;
    writeln!(
        out,
        "unreadable     {} stored rows skipped; {} history records dropped",
        s.unreadable_rows, s.history_dropped
    )?;
    match &s.database {
        Some(path) => writeln!(
            out,
            "database       {} (schema {})",
            path.display(),
            s.schema_version
        )?,
        None => writeln!(out, "database       in memory")?,
    }
    update_status(out, &s.update)
}

fn update_status(out: &mut dyn Write, u: &callguard_core::UpdateStatus) -> io::Result<()> {
    use callguard_format::trust::printable;
    match &u.installed {
        Some(list) => writeln!(
            out,
            "signed list    {} seq {} ({} entries, manifest {})",
            printable(&list.name),
            list.seq,
            list.count,
            u.manifest_version.unwrap_or(0)
        )?,
        None => writeln!(
            out,
            "signed list    none installed (using the embedded default list)"
        )?,
    }
    if let Some(problem) = &u.list_problem {
        writeln!(out, "LIST PROBLEM   {problem}")?;
    }
    if let Some(age) = u.seconds_since_success {
        let stale = if u.stale { "STALE: " } else { "" };
        writeln!(
            out,
            "freshness      {stale}last successful update {} ago",
            human_duration(age)
        )?;
    }
    if let Some(attempt) = &u.last_attempt {
        let result = if attempt.ok { "ok" } else { "FAILED" };
        writeln!(
            out,
            "last attempt   {} {result}: {}",
            // Seconds as stored: `at * 1000` overflows for a clock far ahead.
            callguard_core::format_utc(attempt.at),
            // Escaped again: a log written by an older engine may hold raw server text.
            printable(&attempt.message)
        )?;
    }
    Ok(())
}

fn human_duration(secs: u64) -> String {
    match secs {
        0..=119 => format!("{secs} s"),
        120..=7199 => format!("{} min", secs / 60),
        7200..=172_799 => format!("{} h", secs / 3600),
        _ => format!("{} days", secs / 86_400),
    }
}

/// One line on what an update did.
pub fn update_report(
    out: &mut dyn Write,
    r: &callguard_core::update::UpdateReport,
) -> io::Result<()> {
    use callguard_core::update::Via;
    use callguard_format::trust::printable;
    let list = printable(&r.list);
    match r.installed {
        None => writeln!(
            out,
            "{list} seq {} is current (manifest {})",
            r.seq, r.manifest_version
        )?,
        Some(via) => {
            let how = match via {
                Via::Snapshot => "the full snapshot".to_owned(),
                Via::Delta { from } => format!("a delta from seq {from}"),
            };
            let fallback = if r.fell_back_to_snapshot {
                " after a delta failed"
            } else {
                ""
            };
            writeln!(
                out,
                "installed {list} seq {} from {how}{fallback}: {} bytes downloaded (manifest {})",
                r.seq, r.downloaded_bytes, r.manifest_version
            )?
        }
    }
    if let Some(why) = &r.ignored_root {
        writeln!(out, "root kept: {}", printable(why))?;
    }
    Ok(())
}

/// `YYYY-MM-DD HH:MM:SS UTC`, from milliseconds.
fn format_time(at_ms: i64) -> String {
    callguard_core::format_utc(u64::try_from(at_ms.div_euclid(1000)).unwrap_or(0))
}

/// The report queue, oldest first.
pub fn reports(out: &mut dyn Write, reports: &[callguard_core::Report]) -> io::Result<()> {
    if reports.is_empty() {
        return writeln!(out, "no reports");
    }
    for r in reports {
        writeln!(
            out,
            "{}  {:<16} {:<26} {}",
            callguard_core::format_utc(r.at),
            r.subject.to_string(),
            r.category.as_str(),
            r.note
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn status_shows_server_text_escaped_and_any_attempt_time() {
        let status = callguard_core::UpdateStatus {
            installed: None,
            manifest_version: None,
            manifest_expires: None,
            last_success_at: None,
            seconds_since_success: None,
            stale: false,
            last_attempt: Some(callguard_core::UpdateLogEntry {
                at: u64::MAX,
                ok: false,
                // As an older engine logged it, raw.
                message: "unknown field `\u{1b}[2J\nlast attempt   ok`".into(),
            }),
            list_problem: None,
        };
        let mut out = Vec::new();
        super::update_status(&mut out, &status).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains('\u{1b}'), "{text:?}");
        assert_eq!(text.matches("last attempt").count(), 2, "{text:?}");
        assert_eq!(
            text.lines()
                .filter(|l| l.starts_with("last attempt"))
                .count(),
            1
        );
    }

    #[test]
    fn formats_utc_times() {
        assert_eq!(super::format_time(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(
            super::format_time(1_795_000_000_000),
            "2026-11-18 11:06:40 UTC"
        );
    }
}
