//! SMS text analysis: what a message holds. It finds the links, the numbers written in
//! the text, the phrase rules' scores per category and the statistical model's
//! probability, and returns them as [`SmsFindings`]; it decides nothing. The rules that
//! turn findings into matches (thresholds, the model's lift, what a listed link means)
//! are [`decide`](crate::decide)'s, beside the other rules.
//!
//! Everything the analysis knows ships in the signed list: phrase rules, brands and the
//! model, compiled once per list into an [`SmsIndex`]. The text is never stored or
//! logged; only the decision is.
//!
//! Phrase rules can also require what the scan found: the markers [`MARKER_LINK`],
//! [`MARKER_SHORT_LINK`], [`MARKER_IP_LINK`], [`MARKER_LURE_LINK`], [`MARKER_NUMBER`],
//! [`MARKER_PREMIUM`], [`MARKER_EMAIL_SENDER`], [`MARKER_RISK_LINK`], [`MARKER_CARD_NUMBER`],
//! [`MARKER_MOBILE_NUMBER`] and [`MARKER_FOREIGN_NUMBER`] are appended to the normalised
//! text, so `[link]&点击&领取` needs a link and both words.

pub(crate) mod brands;
pub(crate) mod card_numbers;
pub mod index_file;
pub(crate) mod links;
pub(crate) mod model;
pub(crate) mod normalize;
pub(crate) mod phrase_rules;
pub(crate) mod phrases;
#[cfg(feature = "testing")]
pub mod phrases_ac;
pub(crate) mod script;
pub(crate) mod text_numbers;

use crate::number::{self, PhoneNumber};
use crate::region::Region;
use crate::wire::SortedSource;

use callguard_format::SmsKeyKind;

pub use model::SmsModel;
// The model's features and text normalisation, which the publisher's trainer and source
// reader must compute exactly as the phone does.
pub use model::{
    for_each_feature, HeadParams, ModelParams, ModelReading, MAX_BUCKETS, MAX_STORED_WEIGHT,
};
pub use normalize::normalize;
pub use phrases::{CategoryScore, PhraseBytesError, PhraseMatcher, SharedBytes};

/// Appended to the normalised text when the message has a link to somewhere other than a
/// listed brand's own domain, so that a rule such as `[link]&点击` can require one. (A sender who types `[link]` only satisfies the marker
/// part; the rule's words must still be there.)
pub const MARKER_LINK: &str = "[link]";
/// Appended when a link goes through a known shortener.
pub const MARKER_SHORT_LINK: &str = "[shortlink]";
/// Appended when a link's host is an IP address.
pub const MARKER_IP_LINK: &str = "[iplink]";
/// Appended, for the phrase rules only, when a link that is not a listed brand's own goes
/// to a lure domain: a hyphenated compound with an errand word (`usps-redeliver.top`,
/// [`links::is_lure_domain`]). Companies text their own names; smishing names the errand.
pub const MARKER_LURE_LINK: &str = "[lurelink]";
/// Appended when the text gives a phone number (7 digits or more).
pub const MARKER_NUMBER: &str = "[number]";
/// Appended, for the phrase rules only, when the sender is an e-mail address: banks,
/// couriers and carriers text from short codes and names, while smishing sent through
/// chat services arrives from throwaway addresses.
pub const MARKER_EMAIL_SENDER: &str = "[emailsender]";
/// Appended when a number in the text is premium-rate in its region (UK `09…`, US
/// `1-900…`), the number prize and subscription scams want called or texted.
pub const MARKER_PREMIUM: &str = "[premium]";
/// Appended, for the phrase rules only, when a link that is not a listed brand's own goes
/// to a top-level domain most used for phishing or to a free host
/// ([`links::is_risky_domain`]): where a lure site is put up in minutes.
pub const MARKER_RISK_LINK: &str = "[risklink]";
/// Appended, for the phrase rules only, when the text gives a whole payment card number
/// ([`card_numbers::has_card_number`]): banks mask cards, payee-change scams spell them out.
pub const MARKER_CARD_NUMBER: &str = "[cardnumber]";
/// Appended, for the phrase rules only, when a number in the text is a mobile number
/// where the numbering plan tells mobiles apart (`number::NumberUse::mobile`): a bank's or a
/// platform's desk gives its hotline, not a personal phone.
pub const MARKER_MOBILE_NUMBER: &str = "[mobilenumber]";
/// Appended, for the phrase rules only, when a number in the text belongs to another
/// region than the reader's: the overseas call-back of scam centres.
pub const MARKER_FOREIGN_NUMBER: &str = "[foreignnumber]";

/// What the analysis needs from a list, built once per list.
pub struct SmsIndex {
    /// The phrase rules.
    pub phrases: PhraseMatcher,
    /// The brands whose lookalikes are suspicious.
    pub brands: Vec<brands::Brand>,
    /// The publisher's statistical model, if the list carries a usable one.
    pub model: Option<SmsModel>,
}

impl SmsIndex {
    /// Compiles a list's SMS section, read in key order from `cursor` (for a list set,
    /// `lists.cursor(Section::SmsRules)`).
    pub fn build(cursor: &mut dyn SortedSource) -> SmsIndex {
        let mut parts = SectionParts::default();
        while let Some((key, value)) = cursor.next_entry() {
            parts.push(key, value);
        }
        SmsIndex {
            phrases: PhraseMatcher::new(parts.rules()),
            brands: brands::from_entries(parts.brand_keys.iter().map(Vec::as_slice)),
            model: parts.model(),
        }
    }

    /// The index of a list's SMS section, whose FST bytes are `sms`: read from the SMS
    /// index file in the list's directory `dir` when it has a usable one
    /// ([`index_file`]), otherwise compiled in memory into the same form (and, with
    /// `repair`, written to `dir` for the next process). The second value says whether
    /// the file was used, or why not.
    pub fn for_section(
        sms: &[u8],
        dir: Option<&std::path::Path>,
        repair: bool,
    ) -> (SmsIndex, Result<(), index_file::IndexFileError>) {
        let Some(seal) = index_file::seal_of(sms) else {
            let why = index_file::IndexFileError::Damaged("the SMS section has no footer");
            return (SmsIndex::empty(), Err(why));
        };
        let why = match dir {
            Some(dir) => match index_file::load(dir, seal) {
                Ok(index) => return (index, Ok(())),
                Err(why) => why,
            },
            None => index_file::IndexFileError::Unreadable(
                "the list is not installed in a directory".into(),
            ),
        };
        let compiled = index_file::encode(sms).and_then(|bytes| {
            if let (true, Some(dir)) = (repair, dir) {
                // Best effort: a directory that cannot take it only costs the next
                // process this compilation again.
                let _ = index_file::write_beside(dir, &bytes);
            }
            index_file::decode(bytes, seal)
        });
        (compiled.unwrap_or_else(|_| SmsIndex::empty()), Err(why))
    }

    /// An index with no rules, brands or model: what a section that does not read gives
    /// (a list's FST bytes were checked when it was mapped, so none is expected).
    fn empty() -> SmsIndex {
        SmsIndex {
            phrases: PhraseMatcher::new(std::iter::empty()),
            brands: Vec::new(),
            model: None,
        }
    }
}

/// The SMS section's entries by kind, as both the in-memory index and the index file
/// compile them.
#[derive(Default)]
pub(crate) struct SectionParts {
    rules: Vec<(Vec<u8>, u64)>,
    brand_keys: Vec<Vec<u8>>,
    model_entries: Vec<(Vec<u8>, u64)>,
}

impl SectionParts {
    /// Files one entry of the section.
    pub(crate) fn push(&mut self, key: &[u8], value: u64) {
        match SmsKeyKind::of(key) {
            SmsKeyKind::Brand => self.brand_keys.push(key.to_vec()),
            SmsKeyKind::Model => self.model_entries.push((key.to_vec(), value)),
            SmsKeyKind::Rule => self.rules.push((key.to_vec(), value)),
        }
    }

    /// The phrase and advisory rules.
    pub(crate) fn rules(&self) -> impl Iterator<Item = (&[u8], u64)> {
        self.rules.iter().map(|(k, v)| (k.as_slice(), *v))
    }

    /// The model, if the section carries a usable one. The publisher checks the model
    /// when it builds the list; one that still does not read (a newer features version)
    /// leaves the rules to work alone.
    pub(crate) fn model(&self) -> Option<SmsModel> {
        (!self.model_entries.is_empty())
            .then(|| {
                SmsModel::from_entries(self.model_entries.iter().map(|(k, v)| (k.as_slice(), *v)))
            })
            .and_then(|m| m.ok())
    }
}

/// What the scan of links and numbers found, as the markers rules and the model read.
struct Scan {
    /// A link to somewhere other than a listed brand's own domain.
    unverified_link: bool,
    /// Any link at all.
    any_link: bool,
    shortened: bool,
    ip_link: bool,
    /// A link that is not a listed brand's own, to a lure domain.
    lure_link: bool,
    number: bool,
    premium: bool,
    email_sender: bool,
    structure: Structure,
}

/// What the scan found about a message's structure, for the phrase rules only: the
/// markers of round 5 (`docs/sms.md`), which say how the message wants to be answered
/// rather than what it says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Structure {
    /// A link that is not a listed brand's own, to an abused TLD or a free host.
    pub risk_link: bool,
    pub card_number: bool,
    pub mobile_number: bool,
    pub foreign_number: bool,
}

impl Structure {
    /// The structure of `text`, given its links that are not a listed brand's own, the
    /// numbers written in it and what each of those numbers is for.
    pub(crate) fn of(
        text: &str,
        unverified: &[&links::Link],
        written: &[PhoneNumber],
        uses: &[number::NumberUse],
    ) -> Structure {
        Structure {
            risk_link: unverified
                .iter()
                .any(|l| l.registrable.as_deref().is_some_and(links::is_risky_domain)),
            card_number: card_numbers::has_card_number(text),
            mobile_number: uses.iter().any(|u| u.mobile),
            foreign_number: written
                .iter()
                .any(|n| n.kind() == number::NumberKind::Foreign),
        }
    }
}

impl Scan {
    fn new(
        text: &str,
        found: &[links::Link],
        written: &[PhoneNumber],
        brands: &[brands::Brand],
        sender: &str,
    ) -> Scan {
        // Each link is checked against the brands once, each number's use read once.
        let unverified: Vec<&links::Link> = found
            .iter()
            .filter(|l| !brands::is_own_domain(brands, l))
            .collect();
        let uses: Vec<number::NumberUse> = written.iter().map(number::number_use).collect();
        Scan {
            unverified_link: !unverified.is_empty(),
            any_link: !found.is_empty(),
            shortened: found
                .iter()
                .any(|l| l.registrable.as_deref().is_some_and(links::is_shortener)),
            ip_link: found.iter().any(|l| l.is_ip),
            lure_link: unverified
                .iter()
                .any(|l| l.registrable.as_deref().is_some_and(links::is_lure_domain)),
            number: !written.is_empty(),
            premium: uses.iter().any(|u| u.premium_rate),
            email_sender: is_email_address(sender),
            structure: Structure::of(text, &unverified, written, &uses),
        }
    }

    /// `text` with the markers appended. For the rules, `[link]` means a link that is not
    /// a listed brand's own domain (a courier's real tracking link is not a scam signal);
    /// for the model, any link, since the trainer has no brand list.
    fn mark(&self, mut text: String, for_rules: bool) -> String {
        let link = if for_rules {
            self.unverified_link
        } else {
            self.any_link
        };
        for (present, marker) in [
            (link, MARKER_LINK),
            (self.shortened, MARKER_SHORT_LINK),
            (self.ip_link, MARKER_IP_LINK),
            (self.number, MARKER_NUMBER),
            (self.premium, MARKER_PREMIUM),
            (for_rules && self.email_sender, MARKER_EMAIL_SENDER),
            (for_rules && self.lure_link, MARKER_LURE_LINK),
            (for_rules && self.structure.risk_link, MARKER_RISK_LINK),
            (for_rules && self.structure.card_number, MARKER_CARD_NUMBER),
            (
                for_rules && self.structure.mobile_number,
                MARKER_MOBILE_NUMBER,
            ),
            (
                for_rules && self.structure.foreign_number,
                MARKER_FOREIGN_NUMBER,
            ),
        ] {
            if present {
                text.push(' ');
                text.push_str(marker);
            }
        }
        text
    }
}

/// What the model reads for `text` in `home`: exactly what [`crate::Engine::check_sms`]
/// gives it, for the publisher's trainer.
pub fn model_input(text: &str, home: Region) -> String {
    let found = links::extract(text);
    let written = text_numbers::extract(text, home);
    Scan::new(text, &found, &written, &[], "").mark(normalize::normalize(text), false)
}

/// Whether a sender reads as an e-mail address: one `@` with a name before it and a
/// dotted domain after it, and no spaces.
fn is_email_address(sender: &str) -> bool {
    let sender = sender.trim();
    match sender.split_once('@') {
        Some((name, domain)) => {
            !name.is_empty()
                && !sender.contains(char::is_whitespace)
                && !domain.contains('@')
                && domain
                    .split_once('.')
                    .is_some_and(|(host, tld)| !host.is_empty() && tld.len() >= 2)
        }
        None => false,
    }
}

/// Why a link that is not on the list still looks wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Suspicion {
    /// The host is an IP address: no brand sends those.
    IpAddress,
    /// The host mixes alphabets (a lookalike domain in punycode).
    MixedScripts,
    /// The registrable domain imitates a listed brand's name.
    Imitates {
        /// The link's registrable domain.
        registrable: String,
        /// The brand's name.
        brand: String,
    },
}

/// A link found in the text, and whether it looks wrong by itself.
#[derive(Debug, Clone)]
pub struct LinkFinding {
    /// The link.
    pub link: links::Link,
    /// Why it looks wrong, if it does (the first of IP host, mixed scripts, lookalike).
    pub suspicion: Option<Suspicion>,
}

/// Everything the analysis found in one message, for [`decide`](crate::decide) to weigh.
#[derive(Debug, Clone)]
pub struct SmsFindings {
    /// The links, in the order written (at most [`links::MAX_LINKS`]).
    pub links: Vec<LinkFinding>,
    /// The phone numbers written in the text.
    pub numbers: Vec<PhoneNumber>,
    /// Whether a link goes through a known shortener, whose destination cannot be
    /// checked offline.
    pub shortened: bool,
    /// The phrase rules' scores per category, highest first.
    pub scores: Vec<CategoryScore>,
    /// The model's reading, when the list has a usable model and it was asked for.
    pub model: Option<ModelReading>,
}

/// Finds the links, written numbers, phrase scores and (when `with_model`) the model's
/// probability of `text` from `sender`, read in `home`.
pub fn find(
    sender: &str,
    text: &str,
    home: Region,
    index: &SmsIndex,
    with_model: bool,
) -> SmsFindings {
    let found = links::extract(text);
    let numbers = text_numbers::extract(text, home);
    let scan = Scan::new(text, &found, &numbers, &index.brands, sender);
    let normalized = normalize::normalize(text);
    let model = index
        .model
        .as_ref()
        .filter(|_| with_model)
        .map(|m| m.read(&scan.mark(normalized.clone(), false)));
    let scores = index.phrases.score(&scan.mark(normalized, true));
    let links = found
        .into_iter()
        .map(|link| LinkFinding {
            suspicion: suspicion(&link, &index.brands),
            link,
        })
        .collect();
    SmsFindings {
        links,
        numbers,
        shortened: scan.shortened,
        scores,
        model,
    }
}

fn suspicion(link: &links::Link, brands: &[brands::Brand]) -> Option<Suspicion> {
    if link.is_ip {
        Some(Suspicion::IpAddress)
    } else if links::mixes_scripts(&link.host) {
        Some(Suspicion::MixedScripts)
    } else {
        link.registrable.as_deref().and_then(|r| {
            brands::imitated(brands, r).map(|b| Suspicion::Imitates {
                registrable: r.to_owned(),
                brand: b.name.clone(),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::is_email_address;

    #[test]
    fn an_email_sender_is_an_address_not_a_name_or_number() {
        for sender in ["xk3v9@icloud.com", " a.b+c@mail.example.co "] {
            assert!(is_email_address(sender), "{sender}");
        }
        for sender in [
            "",
            "ICBC",
            "10690000",
            "+8613800138000",
            "@home",
            "a@b",
            "a @b.com",
            "a@b@c.com",
            "a@.com",
        ] {
            assert!(!is_email_address(sender), "{sender}");
        }
    }
}
