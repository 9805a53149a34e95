//! The list content as a phone sees it: snapshots decoded and checked against their
//! manifest entry, deltas applied and checked, entries described for people. `build`
//! uses this to read earlier versions, `verify` to check them, `diff` to compare them.

use callguard_format::sms_key::unzigzag;
use callguard_format::trust::{self, DeltaRef, ListEntry};
use callguard_format::wire::{
    delta, snapshot, EntrySink, LtHash16, Section, SortedEntries, WireError,
};
use callguard_format::{EntryMeta, SmsKey, SmsKeyKind};

use crate::site::Site;
use crate::{Error, Result};

/// The five sections of a list, in [`Section::ALL`] order.
pub type Sections = [SortedEntries; 5];

/// Collects decoded entries into sections.
#[derive(Default)]
struct Collect(Sections);

impl EntrySink for Collect {
    fn entry(&mut self, section: Section, key: &[u8], value: u64) -> Result<(), WireError> {
        self.0[section.index()].push(key, value)
    }
}

/// Drops entries: when only the digest of a result matters.
struct Discard;

impl EntrySink for Discard {
    fn entry(&mut self, _: Section, _: &[u8], _: u64) -> Result<(), WireError> {
        Ok(())
    }

    fn unstreamed(&mut self, _: Section, _: u64) -> Result<(), WireError> {
        Ok(())
    }
}

/// Fails unless `bytes` has exactly the signed length and SHA-256.
pub fn check_blob(bytes: &[u8], length: u64, sha256: &str, path: &str) -> Result<()> {
    if bytes.len() as u64 != length {
        return Err(Error::Verify(format!(
            "{path} is {} bytes, the manifest says {length}",
            bytes.len()
        )));
    }
    if trust::sha256_hex(bytes) != sha256 {
        return Err(Error::Verify(format!(
            "{path} does not match its signed SHA-256"
        )));
    }
    Ok(())
}

/// Decodes the snapshot of `entry`: its length and hash, then the decoded count, the
/// per-section counts and the content digest must all be the signed ones.
pub fn decode_snapshot(bytes: &[u8], entry: &ListEntry) -> Result<Sections> {
    let path = &entry.snapshot.path;
    check_blob(bytes, entry.snapshot.length, &entry.snapshot.sha256, path)?;
    let mut collect = Collect::default();
    let summary =
        snapshot::decode(bytes, entry.count, &mut collect).map_err(|e| Error::wire(path, e))?;
    if summary.sha256_hex() != entry.sha256 || summary.per_section != entry.sections.as_array() {
        return Err(Error::Verify(format!(
            "{path}: the decoded content does not match seq {}'s signed digest",
            entry.seq
        )));
    }
    Ok(collect.0)
}

/// Reads the snapshot of `entry` from the site and decodes it.
pub fn load_snapshot(site: &Site, entry: &ListEntry) -> Result<Sections> {
    let bytes = site.read_required(&entry.snapshot.path, entry.snapshot.length)?;
    decode_snapshot(&bytes, entry)
}

/// Fails unless the multiset digest of `sections`, computed from scratch, is the one
/// `entry` signs (when it signs one): what a phone that checks deltas by their changes
/// relies on, and cannot recompute itself.
pub fn check_lthash(sections: &Sections, entry: &ListEntry) -> Result<()> {
    let Some(signed) = &entry.lthash16 else {
        return Ok(());
    };
    if &LtHash16::of_sections(sections).to_hex() != signed {
        return Err(Error::Verify(format!(
            "{}: the content does not match seq {}'s signed lthash16",
            entry.snapshot.path, entry.seq
        )));
    }
    Ok(())
}

/// The value of `key` in one sorted section, by binary search.
fn find(entries: &SortedEntries, key: &[u8]) -> Option<u64> {
    let (mut low, mut high) = (0, entries.len());
    while low < high {
        let mid = low + (high - low) / 2;
        let (k, v) = entries.get(mid)?;
        match k.cmp(key) {
            std::cmp::Ordering::Less => low = mid + 1,
            std::cmp::Ordering::Greater => high = mid,
            std::cmp::Ordering::Equal => return Some(v),
        }
    }
    None
}

/// Applies a delta of `entry` to `base` (the content of seq `delta.from`, whose entry is
/// `base_entry`) and checks that the result is exactly `entry`'s content: its count and
/// digest. When both entries sign a multiset digest, the delta is also applied the way
/// a phone does it (by lookups, from its changes alone), and must give `entry`'s.
pub fn check_delta(
    bytes: &[u8],
    delta: &DeltaRef,
    base: &Sections,
    base_entry: &ListEntry,
    entry: &ListEntry,
) -> Result<()> {
    if let (Some(from), Some(to)) = (base_entry.lthash(), entry.lthash()) {
        let cursor = delta::Base {
            counts: std::array::from_fn(|i| base[i].len() as u64),
            open: Box::new(move |section| Box::new(base[section.index()].cursor())),
        };
        let lookup = |section: Section, key: &[u8]| find(&base[section.index()], key);
        let applied = delta::apply_changes(
            bytes,
            delta.from,
            entry.seq,
            cursor,
            &lookup,
            entry.count,
            &mut Discard,
        )
        .map_err(|e| Error::wire(&delta.path, e))?;
        if applied.per_section != entry.sections.as_array() || applied.lthash_from(&from) != to {
            return Err(Error::Verify(format!(
                "{}: seq {} plus this delta does not give seq {}'s signed lthash16",
                delta.path, delta.from, entry.seq
            )));
        }
    }
    check_blob(bytes, delta.length, &delta.sha256, &delta.path)?;
    let base_cursor = delta::Base {
        counts: std::array::from_fn(|i| base[i].len() as u64),
        open: Box::new(move |section| Box::new(base[section.index()].cursor())),
    };
    let summary = delta::apply(
        bytes,
        delta.from,
        entry.seq,
        base_cursor,
        entry.count,
        &mut Discard,
    )
    .map_err(|e| Error::wire(&delta.path, e))?;
    if summary.sha256_hex() != entry.sha256 {
        return Err(Error::Verify(format!(
            "{}: seq {} plus this delta does not give seq {}'s signed digest",
            delta.path, delta.from, entry.seq
        )));
    }
    Ok(())
}

/// A key as people write it: `+8613800138000`, `+855`, `CN 110`, `example.com`, or an
/// SMS rule's `category:phrase`.
pub fn describe_key(section: Section, key: &[u8]) -> String {
    let text = String::from_utf8_lossy(key);
    match section {
        Section::Numbers | Section::Prefixes => format!("+{text}"),
        Section::Official if text.len() > 2 && text.is_char_boundary(2) => {
            format!("{} {}", &text[..2], &text[2..])
        }
        Section::Domains => callguard_format::domain::unreverse(&text),
        _ => text.into_owned(),
    }
}

/// A value as people read it: `block loan_credit 90` for an entry's action, category and
/// confidence, `weight 60` for an SMS rule, the signed number of a model entry, nothing
/// for an official number or a brand.
pub fn describe_value(section: Section, key: &[u8], value: u64) -> String {
    match section {
        Section::Official => String::new(),
        Section::SmsRules => match SmsKeyKind::of(key) {
            SmsKeyKind::Brand => String::new(),
            SmsKeyKind::Model => match SmsKey::parse(key) {
                Ok(SmsKey::Model(model_key)) if model_key.is_signed() => {
                    format!("{}", unzigzag(value))
                }
                _ => format!("{value}"),
            },
            SmsKeyKind::Rule => format!("weight {value}"),
        },
        // What the phone reads, in the one codec the phone uses.
        _ => EntryMeta::unpack(value).map_or_else(
            || format!("value {value:#x}"),
            |meta| format!("{} {} {}", meta.action, meta.category, meta.confidence),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_entries() {
        assert_eq!(
            describe_key(Section::Numbers, b"8613800138000"),
            "+8613800138000"
        );
        assert_eq!(describe_key(Section::Official, b"CN110"), "CN 110");
        assert_eq!(
            describe_key(Section::Domains, b"com.example.login"),
            "login.example.com"
        );
        // block (2), loan_credit (index 2), confidence 90.
        let value = 2 | (2 << 2) | (90 << 8);
        assert_eq!(
            describe_value(Section::Numbers, b"8613800138000", value),
            "block loan_credit 90"
        );
        assert_eq!(describe_value(Section::Numbers, b"86", 3), "value 0x3");
        assert_eq!(
            describe_value(Section::SmsRules, b"prize:won", 60),
            "weight 60"
        );
        assert_eq!(
            describe_value(Section::SmsRules, b"model:w:0000012", 3),
            "-2"
        );
        assert_eq!(
            describe_value(Section::SmsRules, b"model:buckets", 1024),
            "1024"
        );
    }
}
