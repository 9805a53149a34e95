//! The keys of the SMS section, as one typed codec: the engine reading a list, the
//! builder writing one and the publisher describing one all go through [`SmsKey`], so
//! they cannot disagree on a prefix. The layouts are specified in `signed-lists/FORMAT.md`:
//!
//! | key | value |
//! |---|---|
//! | `category:phrase` | weight 0–100 |
//! | `advisory:phrase` | weight 0–100 |
//! | `brand:name=domain` | 0 |
//! | `model:bias`, `model:buckets`, `model:scale`, `model:threshold`, `model:version` | bias zigzag-coded, the others as written |
//! | `model:w:NNNNNNN` (bucket, 7 decimal digits) | weight, zigzag-coded |
//! | `model:fraud:bias`, `model:fraud:threshold`, `model:fraud:w:NNNNNNN` | the optional fraud head: as the same keys without `fraud:` |

use crate::vocabulary::Category;

/// The first field of an advisory rule: in its key (`advisory:phrase`) and in the
/// publisher's `sms_rules.tsv` source.
pub const ADVISORY: &str = "advisory";
/// The first field of a brand entry: in its key (`brand:name=domain`) and in the
/// publisher's `sms_rules.tsv` source.
pub const BRAND: &str = "brand";

const BRAND_PREFIX: &[u8] = b"brand:";
const MODEL_PREFIX: &[u8] = b"model:";
const WEIGHT_PREFIX: &[u8] = b"w:";
const FRAUD_WEIGHT_PREFIX: &[u8] = b"fraud:w:";

/// Which family a key belongs to, from its prefix alone: what a reader needs to hand each
/// key to the right consumer, even one that does not parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmsKeyKind {
    /// A phrase or advisory rule (`category:phrase`, `advisory:phrase`).
    Rule,
    /// A brand and one of its own domains (`brand:…`).
    Brand,
    /// An entry of the statistical model (`model:…`).
    Model,
}

/// One key of the SMS section, parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmsKey<'a> {
    /// A weighted phrase rule of a category: `category:phrase`.
    Phrase {
        /// The category the weight counts for.
        category: Category,
        /// The phrase, with its `&` and `!` parts.
        phrase: &'a str,
    },
    /// The wording of a warning *about* fraud: `advisory:phrase`.
    Advisory(&'a str),
    /// A brand and one of its own domains: `brand:name=domain`, as written.
    Brand {
        /// The brand's name as it appears in domains.
        name: &'a str,
        /// One of its own registrable domains.
        domain: &'a str,
    },
    /// An entry of the statistical model: `model:…`.
    Model(ModelKey),
}

/// The entries of the statistical model, in key order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ModelKey {
    /// `model:bias`: the bias × scale, zigzag-coded.
    Bias,
    /// `model:buckets`: the hash space.
    Buckets,
    /// `model:fraud:bias`: the fraud head's bias × scale, zigzag-coded.
    FraudBias,
    /// `model:fraud:threshold`: the probability per mille from which the fraud head
    /// finds a message fraud.
    FraudThreshold,
    /// `model:fraud:w:NNNNNNN`: the fraud head's weight of one bucket, zigzag-coded.
    FraudWeight(u32),
    /// `model:scale`: weights and bias are stored as integers × scale.
    Scale,
    /// `model:threshold`: the probability per mille from which a message is unwanted.
    Threshold,
    /// `model:version`: the features version the model was trained with.
    Version,
    /// `model:w:NNNNNNN`: the weight of one bucket, zigzag-coded.
    Weight(u32),
}

impl ModelKey {
    /// The model's settings (every key but the weights), in key order.
    pub const SETTINGS: [ModelKey; 7] = [
        ModelKey::Bias,
        ModelKey::Buckets,
        ModelKey::FraudBias,
        ModelKey::FraudThreshold,
        ModelKey::Scale,
        ModelKey::Threshold,
        ModelKey::Version,
    ];

    /// Whether the value is a signed number, zigzag-coded ([`zigzag`]).
    pub fn is_signed(self) -> bool {
        matches!(
            self,
            ModelKey::Bias | ModelKey::Weight(_) | ModelKey::FraudBias | ModelKey::FraudWeight(_)
        )
    }

    fn setting_name(self) -> Option<&'static str> {
        match self {
            ModelKey::Bias => Some("bias"),
            ModelKey::Buckets => Some("buckets"),
            ModelKey::FraudBias => Some("fraud:bias"),
            ModelKey::FraudThreshold => Some("fraud:threshold"),
            ModelKey::Scale => Some("scale"),
            ModelKey::Threshold => Some("threshold"),
            ModelKey::Version => Some("version"),
            ModelKey::Weight(_) | ModelKey::FraudWeight(_) => None,
        }
    }

    fn parse(name: &[u8]) -> Option<ModelKey> {
        if let Some(setting) = ModelKey::SETTINGS
            .into_iter()
            .find(|k| k.setting_name().is_some_and(|n| n.as_bytes() == name))
        {
            return Some(setting);
        }
        let bucket = |digits: &[u8]| {
            std::str::from_utf8(digits)
                .ok()
                .filter(|d| d.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|d| d.parse::<u32>().ok())
        };
        if let Some(digits) = name.strip_prefix(FRAUD_WEIGHT_PREFIX) {
            return bucket(digits).map(ModelKey::FraudWeight);
        }
        name.strip_prefix(WEIGHT_PREFIX)
            .and_then(bucket)
            .map(ModelKey::Weight)
    }
}

/// A key of a known family that does not read as one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a malformed SMS key ({kind:?})")]
pub struct SmsKeyError {
    /// The family its prefix names.
    pub kind: SmsKeyKind,
}

impl SmsKeyKind {
    /// The family of `key`, from its prefix.
    pub fn of(key: &[u8]) -> SmsKeyKind {
        if key.starts_with(BRAND_PREFIX) {
            SmsKeyKind::Brand
        } else if key.starts_with(MODEL_PREFIX) {
            SmsKeyKind::Model
        } else {
            SmsKeyKind::Rule
        }
    }
}

impl<'a> SmsKey<'a> {
    /// Reads a key. A rule's category is read as [`Category`]'s names are (trimmed); a
    /// brand's name and domain are returned as written, for the reader to normalise.
    pub fn parse(key: &'a [u8]) -> Result<SmsKey<'a>, SmsKeyError> {
        let kind = SmsKeyKind::of(key);
        let bad = SmsKeyError { kind };
        match kind {
            SmsKeyKind::Brand => {
                let rest = std::str::from_utf8(&key[BRAND_PREFIX.len()..]).map_err(|_| bad)?;
                let (name, domain) = rest.split_once('=').ok_or(bad)?;
                Ok(SmsKey::Brand { name, domain })
            }
            SmsKeyKind::Model => ModelKey::parse(&key[MODEL_PREFIX.len()..])
                .map(SmsKey::Model)
                .ok_or(bad),
            SmsKeyKind::Rule => {
                let text = std::str::from_utf8(key).map_err(|_| bad)?;
                let (first, phrase) = text.split_once(':').ok_or(bad)?;
                if first == ADVISORY {
                    return Ok(SmsKey::Advisory(phrase));
                }
                let category = first.parse::<Category>().map_err(|_| bad)?;
                Ok(SmsKey::Phrase { category, phrase })
            }
        }
    }

    /// The key's bytes in the list, as text.
    pub fn encode(&self) -> String {
        match self {
            SmsKey::Phrase { category, phrase } => format!("{}:{phrase}", category.as_str()),
            SmsKey::Advisory(phrase) => format!("{ADVISORY}:{phrase}"),
            SmsKey::Brand { name, domain } => format!("{BRAND}:{name}={domain}"),
            SmsKey::Model(ModelKey::Weight(bucket)) => format!("model:w:{bucket:07}"),
            SmsKey::Model(ModelKey::FraudWeight(bucket)) => format!("model:fraud:w:{bucket:07}"),
            SmsKey::Model(setting) => {
                format!("model:{}", setting.setting_name().unwrap_or_default())
            }
        }
    }
}

/// Zigzag-codes a signed value into the `u64` a list entry carries.
pub fn zigzag(value: i64) -> u64 {
    ((value << 1) ^ (value >> 63)) as u64
}

/// The inverse of [`zigzag`].
pub fn unzigzag(value: u64) -> i64 {
    ((value >> 1) as i64) ^ -((value & 1) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn keys_are_written_as_the_format_specifies() {
        let cases: [(SmsKey<'_>, &str); 9] = [
            (
                SmsKey::Phrase {
                    category: Category::LoanCredit,
                    phrase: "无抵押&!银行",
                },
                "loan_credit:无抵押&!银行",
            ),
            (SmsKey::Advisory("都是诈骗"), "advisory:都是诈骗"),
            (
                SmsKey::Brand {
                    name: "icbc",
                    domain: "icbc.com.cn",
                },
                "brand:icbc=icbc.com.cn",
            ),
            (SmsKey::Model(ModelKey::Bias), "model:bias"),
            (SmsKey::Model(ModelKey::Version), "model:version"),
            (SmsKey::Model(ModelKey::Weight(12)), "model:w:0000012"),
            (SmsKey::Model(ModelKey::FraudBias), "model:fraud:bias"),
            (
                SmsKey::Model(ModelKey::FraudThreshold),
                "model:fraud:threshold",
            ),
            (
                SmsKey::Model(ModelKey::FraudWeight(7)),
                "model:fraud:w:0000007",
            ),
        ];
        for (key, text) in cases {
            assert_eq!(key.encode(), text);
            assert_eq!(SmsKey::parse(text.as_bytes()), Ok(key), "{text}");
        }
    }

    #[test]
    fn every_setting_round_trips_and_only_bias_and_weights_are_signed() {
        for setting in ModelKey::SETTINGS {
            let text = SmsKey::Model(setting).encode();
            assert_eq!(SmsKey::parse(text.as_bytes()), Ok(SmsKey::Model(setting)));
            assert_eq!(
                setting.is_signed(),
                matches!(setting, ModelKey::Bias | ModelKey::FraudBias)
            );
        }
        assert!(ModelKey::Weight(0).is_signed());
        assert!(ModelKey::FraudWeight(0).is_signed());
    }

    #[test]
    fn malformed_keys_name_their_family() {
        let bad = |key: &[u8]| SmsKey::parse(key).map(|_| ()).map_err(|e| e.kind);
        assert_eq!(bad(b"brand:icbc"), Err(SmsKeyKind::Brand));
        assert_eq!(bad(b"brand:\xff=x"), Err(SmsKeyKind::Brand));
        assert_eq!(bad(b"model:wat"), Err(SmsKeyKind::Model));
        assert_eq!(bad(b"model:w:x1"), Err(SmsKeyKind::Model));
        assert_eq!(bad(b"model:w:+1"), Err(SmsKeyKind::Model));
        assert_eq!(bad(b"model:fraud:w:"), Err(SmsKeyKind::Model));
        assert_eq!(bad(b"model:fraud:wat"), Err(SmsKeyKind::Model));
        assert_eq!(bad(b"nonsense"), Err(SmsKeyKind::Rule));
        assert_eq!(bad(b"no_such_category:x"), Err(SmsKeyKind::Rule));
        assert_eq!(bad(b"\xff:x"), Err(SmsKeyKind::Rule));
    }

    #[test]
    fn a_category_name_is_read_trimmed_and_advisory_exactly() {
        assert_eq!(
            SmsKey::parse(b" spam :x"),
            Ok(SmsKey::Phrase {
                category: Category::Spam,
                phrase: "x"
            })
        );
        assert!(SmsKey::parse(b" advisory:x").is_err());
    }

    #[test]
    fn zigzag_puts_small_magnitudes_in_small_values() {
        assert_eq!(zigzag(0), 0);
        assert_eq!(zigzag(-1), 1);
        assert_eq!(zigzag(1), 2);
        for v in [32767, -32768, i64::MAX, i64::MIN] {
            assert_eq!(unzigzag(zigzag(v)), v);
        }
    }

    proptest! {
        #[test]
        fn parse_inverts_encode(
            category in 0usize..Category::ALL.len(),
            phrase in "[^\u{0}]{0,40}",
            bucket in any::<u32>(),
            which in 0usize..5,
        ) {
            let key = match which {
                0 => SmsKey::Phrase { category: Category::ALL[category], phrase: &phrase },
                1 => SmsKey::Advisory(&phrase),
                2 => SmsKey::Brand { name: "brand", domain: &phrase },
                3 => SmsKey::Model(ModelKey::Weight(bucket)),
                _ => SmsKey::Model(ModelKey::FraudWeight(bucket)),
            };
            let text = key.encode();
            prop_assert_eq!(SmsKey::parse(text.as_bytes()), Ok(key));
        }

        #[test]
        fn zigzag_round_trips(value in any::<i64>()) {
            prop_assert_eq!(unzigzag(zigzag(value)), value);
        }
    }
}
