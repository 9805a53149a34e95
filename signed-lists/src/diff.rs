//! `diff`: what changed in a list between two sequence numbers, read from their
//! snapshots on the site: so a publisher can review a publication entry by entry.

use std::cmp::Ordering;
use std::fmt;

use callguard_format::wire::{Section, SortedEntries};
use callguard_format::{ModelKey, SmsKey};

use crate::content::{self, describe_key, describe_value};
use crate::site::Site;
use crate::{Error, Result};

/// How an entry changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// Only in the newer version.
    Added,
    /// Only in the older version.
    Removed,
    /// In both, with another value.
    Changed,
}

/// One changed entry, described for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Added, removed or changed.
    pub kind: ChangeKind,
    /// Its section.
    pub section: Section,
    /// Its key ([`describe_key`]).
    pub key: String,
    /// Its old value ([`describe_value`]), unless added.
    pub old: Option<String>,
    /// Its new value, unless removed.
    pub new: Option<String>,
}

/// The changes between two sequence numbers of a list.
#[derive(Debug, Clone)]
pub struct ListDiff {
    /// The list's name.
    pub list: String,
    /// The older sequence number.
    pub from: u64,
    /// The newer sequence number.
    pub to: u64,
    /// Every change, section by section, in key order.
    pub changes: Vec<Change>,
}

impl ListDiff {
    /// How many changes are of `kind`.
    pub fn count(&self, kind: ChangeKind) -> usize {
        self.changes.iter().filter(|c| c.kind == kind).count()
    }
}

/// Compares seqs `from` and `to` of list `name` (by default the site's only list).
pub fn diff(site: &Site, name: Option<&str>, from: u64, to: u64) -> Result<ListDiff> {
    let name = match name {
        Some(name) => name.to_owned(),
        None => only_list(site)?,
    };
    let history = site.list_history(&name)?;
    let load = |seq: u64| {
        let on_site: Vec<String> = history.keys().map(u64::to_string).collect();
        let entry = history.get(&seq).ok_or_else(|| {
            site.error(format!(
                "seq {seq} of list {name:?} is not on the site: it was pruned or never \
                 published (seqs on the site: {})",
                on_site.join(", ")
            ))
        })?;
        if !site.exists(&entry.snapshot.path) {
            return Err(site.error(format!(
                "the snapshot of seq {seq} ({}) is no longer on the site",
                entry.snapshot.path
            )));
        }
        content::load_snapshot(site, entry)
    };
    let (old, new) = (load(from)?, load(to)?);
    let mut changes = Vec::new();
    for section in Section::ALL {
        compare(
            section,
            &old[section.index()],
            &new[section.index()],
            &mut changes,
        );
    }
    Ok(ListDiff {
        list: name,
        from,
        to,
        changes,
    })
}

/// The name of the only list of the current manifest.
fn only_list(site: &Site) -> Result<String> {
    let (_, manifest) = site
        .current_manifest()?
        .ok_or_else(|| site.error("nothing is published yet"))?;
    let mut names = manifest.lists.into_keys();
    match (names.next(), names.next()) {
        (Some(name), None) => Ok(name),
        (None, _) => Err(site.error("the current manifest lists no list")),
        (Some(_), Some(_)) => Err(Error::Usage(
            "the site publishes several lists; pass --name".into(),
        )),
    }
}

/// A merge walk over two sorted sections.
fn compare(section: Section, old: &SortedEntries, new: &SortedEntries, out: &mut Vec<Change>) {
    let change = |kind, key: &[u8], old: Option<u64>, new: Option<u64>| Change {
        kind,
        section,
        key: describe_key(section, key),
        old: old.map(|v| describe_value(section, key, v)),
        new: new.map(|v| describe_value(section, key, v)),
    };
    let (mut old, mut new) = (old.iter().peekable(), new.iter().peekable());
    loop {
        let order = match (old.peek(), new.peek()) {
            (None, None) => return,
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (Some((a, _)), Some((b, _))) => a.cmp(b),
        };
        match order {
            Ordering::Less => {
                if let Some((key, value)) = old.next() {
                    out.push(change(ChangeKind::Removed, key, Some(value), None));
                }
            }
            Ordering::Greater => {
                if let Some((key, value)) = new.next() {
                    out.push(change(ChangeKind::Added, key, None, Some(value)));
                }
            }
            Ordering::Equal => {
                if let (Some((key, a)), Some((_, b))) = (old.next(), new.next()) {
                    if a != b {
                        out.push(change(ChangeKind::Changed, key, Some(a), Some(b)));
                    }
                }
            }
        }
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = |v: &Option<String>| v.clone().unwrap_or_default();
        match self.kind {
            ChangeKind::Added => write!(
                f,
                "+ {:<9} {}  {}",
                self.section.name(),
                self.key,
                value(&self.new)
            ),
            ChangeKind::Removed => write!(
                f,
                "- {:<9} {}  {}",
                self.section.name(),
                self.key,
                value(&self.old)
            ),
            ChangeKind::Changed => write!(
                f,
                "~ {:<9} {}  {} -> {}",
                self.section.name(),
                self.key,
                value(&self.old),
                value(&self.new)
            ),
        }
    }
}

impl fmt::Display for ListDiff {
    /// One line per change, except the model's weights: a retrained model changes most
    /// of its tens of thousands of weights, which say nothing one by one, so they are
    /// counted on one line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (mut added, mut removed, mut changed) = (0, 0, 0);
        for change in &self.changes {
            if change.section == Section::SmsRules
                && matches!(
                    SmsKey::parse(change.key.as_bytes()),
                    Ok(SmsKey::Model(
                        ModelKey::Weight(_) | ModelKey::FraudWeight(_)
                    ))
                )
            {
                match change.kind {
                    ChangeKind::Added => added += 1,
                    ChangeKind::Removed => removed += 1,
                    ChangeKind::Changed => changed += 1,
                }
                continue;
            }
            writeln!(f, "{}", change.to_string().trim_end())?;
        }
        if added + removed + changed > 0 {
            writeln!(
                f,
                "~ sms_rules SMS model weights: {added} added, {removed} removed, {changed} changed"
            )?;
        }
        write!(
            f,
            "list {:?} seq {} -> seq {}: {} added, {} removed, {} changed",
            self.list,
            self.from,
            self.to,
            self.count(ChangeKind::Added),
            self.count(ChangeKind::Removed),
            self.count(ChangeKind::Changed)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(kind: ChangeKind, key: &str) -> Change {
        Change {
            kind,
            section: Section::SmsRules,
            key: key.into(),
            old: Some("1".into()),
            new: Some("2".into()),
        }
    }

    #[test]
    fn model_weights_are_counted_on_one_line() {
        let diff = ListDiff {
            list: "default".into(),
            from: 1,
            to: 2,
            changes: vec![
                change(ChangeKind::Changed, "model:w:0000001"),
                change(ChangeKind::Added, "model:w:0000002"),
                change(ChangeKind::Changed, "model:w:0000003"),
                change(ChangeKind::Added, "prize:you have won"),
            ],
        };
        let text = diff.to_string();
        assert_eq!(text.lines().count(), 3, "{text}");
        assert!(text.contains("prize:you have won"));
        assert!(text.contains("SMS model weights: 1 added, 0 removed, 2 changed"));
        assert!(text.ends_with("2 added, 0 removed, 2 changed"), "{text}");
    }
}
