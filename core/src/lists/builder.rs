//! Collects entries in any order and turns them into canonical sections.

use callguard_format::SmsKey;

use crate::error::{Error, Result};
use crate::lists::{EntryMeta, ListSet};
use crate::number;
use crate::region::Region;
use crate::wire::{Section, SortedEntries, MAX_KEY_LEN};
use callguard_format::domain;

/// E.164 allows at most 15 digits after the `+`.
const MAX_E164_DIGITS: usize = 15;

/// Collects entries in any order, then sorts, removes duplicates and builds.
///
/// Duplicates are resolved by [`EntryMeta::outranks`]: the stronger action wins, then the
/// higher confidence; for SMS rules, the higher weight.
#[derive(Debug)]
pub struct ListSetBuilder {
    name: String,
    version: u64,
    entries: [Vec<(Vec<u8>, u64)>; 5],
}

impl ListSetBuilder {
    /// An empty builder.
    pub fn new(name: &str, version: u64) -> Self {
        ListSetBuilder {
            name: name.to_owned(),
            version,
            entries: Default::default(),
        }
    }

    fn push(&mut self, section: Section, key: Vec<u8>, value: u64) {
        self.entries[section.index()].push((key, value));
    }

    /// Adds an exact number in E.164 (`+8613800138000`).
    pub fn add_number(&mut self, e164: &str, meta: EntryMeta) -> Result<()> {
        let digits = e164_digits(e164).ok_or_else(|| {
            Error::InvalidList("a number must be E.164: + and 3 to 15 digits".into())
        })?;
        self.push(Section::Numbers, digits.as_bytes().to_vec(), meta.pack());
        Ok(())
    }

    /// Adds a prefix: `+855`, `855` or a pattern such as `33162####` (`#` = any digit).
    pub fn add_prefix(&mut self, pattern: &str, meta: EntryMeta) -> Result<()> {
        let body = pattern.trim().trim_start_matches('+');
        let valid = !body.is_empty()
            && body.len() <= MAX_E164_DIGITS
            && body.bytes().all(|b| b.is_ascii_digit() || b == b'#')
            && body.as_bytes()[0].is_ascii_digit();
        if !valid {
            return Err(Error::InvalidList(
                "a prefix must be 1 to 15 digits or # after an optional +, starting with a digit"
                    .into(),
            ));
        }
        self.push(Section::Prefixes, body.as_bytes().to_vec(), meta.pack());
        Ok(())
    }

    /// Adds an official number of `region`, written as dialled there (`110`, `010 1234 5678`).
    pub fn add_official(&mut self, region: Region, number: &str) -> Result<()> {
        let parsed = number::parse(number, region)?;
        if parsed.calling_code() != region.calling_code() {
            return Err(Error::InvalidList(format!(
                "an official number must belong to {region}"
            )));
        }
        let mut key = region.as_str().as_bytes().to_vec();
        key.extend_from_slice(parsed.national().as_bytes());
        self.push(Section::Official, key, 0);
        Ok(())
    }

    /// Adds a domain (IDNA, lower case, no trailing dot); it covers its subdomains.
    pub fn add_domain(&mut self, name: &str, meta: EntryMeta) -> Result<()> {
        let key = domain::reversed_key(name).map_err(|e| Error::InvalidList(e.to_string()))?;
        self.push(Section::Domains, key.into_bytes(), meta.pack());
        Ok(())
    }

    /// Adds a weighted SMS phrase rule for a category (the SMS rules format refines this).
    pub fn add_sms_rule(
        &mut self,
        category: crate::Category,
        phrase: &str,
        weight: u8,
    ) -> Result<()> {
        let phrase = phrase.trim();
        self.push_sms_phrase(SmsKey::Phrase { category, phrase }, phrase, weight)
    }

    /// Adds an advisory phrase: wording of warnings *about* fraud (`都是诈骗`, `we will
    /// never ask`), whose weight is taken off every fraud category of a message that has
    /// it (see [`crate::sms::phrases`]).
    pub fn add_sms_advisory(&mut self, phrase: &str, weight: u8) -> Result<()> {
        let phrase = phrase.trim();
        self.push_sms_phrase(SmsKey::Advisory(phrase), phrase, weight)
    }

    /// An SMS section entry `key` → weight (at most 100), for rules and advisories alike;
    /// `phrase` is the key's trimmed phrase.
    fn push_sms_phrase(&mut self, key: SmsKey<'_>, phrase: &str, weight: u8) -> Result<()> {
        let key = key.encode();
        if phrase.is_empty() || key.len() > MAX_KEY_LEN {
            return Err(Error::InvalidList(
                "an SMS phrase must be 1 to about 200 bytes".into(),
            ));
        }
        self.push(
            Section::SmsRules,
            key.into_bytes(),
            u64::from(weight.min(100)),
        );
        Ok(())
    }

    /// Adds the publisher's statistical SMS model (see [`crate::sms::model`]), after
    /// checking it reads exactly as the phone will read it.
    pub fn add_sms_model(&mut self, model: &crate::sms::model::ModelParams) -> Result<usize> {
        model
            .validate()
            .map_err(|e| Error::InvalidList(e.to_string()))?;
        let entries = model.entries();
        let added = entries.len();
        for (key, value) in entries {
            self.push(Section::SmsRules, key.into_bytes(), value);
        }
        Ok(added)
    }

    /// Adds a brand and one of its own domains: links that look like the brand on other
    /// domains are suspicious.
    pub fn add_brand(&mut self, name: &str, own_domain: &str) -> Result<()> {
        let name = name.trim().to_ascii_lowercase();
        if name.len() < 3 || !name.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(Error::InvalidList(
                "a brand name is 3 or more ASCII letters or digits".into(),
            ));
        }
        let domain =
            domain::normalize(own_domain).map_err(|e| Error::InvalidList(e.to_string()))?;
        self.push(
            Section::SmsRules,
            SmsKey::Brand {
                name: &name,
                domain: &domain,
            }
            .encode()
            .into_bytes(),
            0,
        );
        Ok(())
    }

    /// Sorts and de-duplicates every section into its canonical form.
    pub fn into_sections(self) -> Result<(String, u64, [SortedEntries; 5])> {
        let mut sections: [SortedEntries; 5] = Default::default();
        for (section, entries) in Section::ALL.into_iter().zip(self.entries) {
            let merged =
                SortedEntries::from_unsorted(entries, |kept, new| stronger(section, kept, new))
                    .map_err(|e| Error::InvalidList(format!("{}: {e}", section.name())))?;
            sections[section.index()] = merged;
        }
        Ok((self.name, self.version, sections))
    }

    /// Sorts, resolves duplicates and builds in-memory indexes.
    pub fn build(self) -> Result<ListSet> {
        let (name, version, sections) = self.into_sections()?;
        ListSet::from_sections(&name, version, &sections)
    }
}

/// The duplicate rule: the kept value unless the new one outranks it.
fn stronger(section: Section, kept: u64, new: u64) -> u64 {
    match section {
        Section::Numbers | Section::Prefixes | Section::Domains => {
            match (EntryMeta::unpack(kept), EntryMeta::unpack(new)) {
                (Some(k), Some(n)) if n.outranks(&k) => new,
                _ => kept,
            }
        }
        Section::SmsRules => kept.max(new),
        Section::Official => kept,
    }
}

/// The digits of a strict E.164 string, or `None`.
fn e164_digits(text: &str) -> Option<&str> {
    let digits = text.trim().strip_prefix('+')?;
    let ok =
        (3..=MAX_E164_DIGITS).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
    ok.then_some(digits)
}
