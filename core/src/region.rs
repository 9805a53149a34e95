//! Regions (ISO 3166 two-letter codes) and their calling codes.

use std::fmt;
use std::str::FromStr;

use rlibphonenumber::PHONE_NUMBER_UTIL;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a text is not a region: what was wrong, never the text (a region column may hold
/// a phone number). The crate's [`Error`](crate::Error) takes it as `InvalidRegion`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidRegion(pub(crate) String);

/// A region that has a country calling code in libphonenumber's metadata, such as `CN` (86).
///
/// Holding the calling code beside the letters keeps the hot path free of metadata lookups.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Region {
    letters: [u8; 2],
    calling_code: u16,
}

impl Region {
    /// The two upper-case letters, e.g. `"CN"`.
    pub fn as_str(&self) -> &str {
        // Constructed only from two ASCII letters, so this cannot fail.
        std::str::from_utf8(&self.letters).unwrap_or("ZZ")
    }

    /// The country calling code, e.g. 86 for CN.
    pub fn calling_code(&self) -> u16 {
        self.calling_code
    }

    /// The main region of a calling code (`855` → KH, `1` → US), if the code is assigned.
    pub fn for_calling_code(code: u16) -> Option<Region> {
        let region = PHONE_NUMBER_UTIL.get_region_for_country_code(i32::from(code))?;
        Region::from_library(region)
    }

    /// Every region the phone-number metadata knows, sorted: the home regions a phone
    /// may be set to, for a settings picker or a test that covers each one.
    pub fn all() -> &'static [Region] {
        static REGIONS: std::sync::OnceLock<Vec<Region>> = std::sync::OnceLock::new();
        REGIONS.get_or_init(|| {
            let mut regions: Vec<Region> = PHONE_NUMBER_UTIL
                .get_supported_regions()
                .filter_map(Region::from_library)
                .collect();
            regions.sort();
            regions
        })
    }

    pub(crate) fn from_library(region: rlibphonenumber::Region) -> Option<Region> {
        region.to_string().parse().ok()
    }

    /// The hot-path conversion for a number's region, whose calling code is already known.
    /// The library's `Region` is `repr(u16)` with the two ASCII letters as its bytes
    /// (`CN` = 0x434E); anything else, such as `World` (non-geographic codes), gives `None`.
    pub(crate) fn from_library_with_code(
        region: rlibphonenumber::Region,
        calling_code: u16,
    ) -> Option<Region> {
        let [high, low] = (region as u16).to_be_bytes();
        let letters = [high, low];
        letters
            .iter()
            .all(u8::is_ascii_uppercase)
            .then_some(Region {
                letters,
                calling_code,
            })
    }

    pub(crate) fn to_library(self) -> Option<rlibphonenumber::Region> {
        rlibphonenumber::Region::from_str(self.as_str()).ok()
    }
}

impl FromStr for Region {
    type Err = InvalidRegion;

    /// Accepts two letters in any case (`cn`, `CN`); rejects regions without a calling code.
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        // The errors never quote the input: a region column may hold a phone number.
        let invalid = |why: &str| InvalidRegion(why.to_owned());
        let trimmed = input.trim();
        let bytes = trimmed.as_bytes();
        if bytes.len() != 2 || !bytes.iter().all(u8::is_ascii_alphabetic) {
            return Err(invalid("not two letters"));
        }
        let letters = [bytes[0].to_ascii_uppercase(), bytes[1].to_ascii_uppercase()];
        let upper = std::str::from_utf8(&letters).map_err(|_| invalid("not two letters"))?;
        let library = rlibphonenumber::Region::from_str(upper)
            .map_err(|_| invalid("no region has that code"))?;
        let code = PHONE_NUMBER_UTIL
            .get_country_code_for_region(library)
            .and_then(|c| u16::try_from(c).ok())
            .filter(|c| *c > 0)
            .ok_or_else(|| invalid("the region has no calling code"))?;
        Ok(Region {
            letters,
            calling_code: code,
        })
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Region({}, +{})", self.as_str(), self.calling_code)
    }
}

impl Serialize for Region {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Region {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_known_regions_in_any_case() {
        let cn: Region = "cn".parse().unwrap();
        assert_eq!(cn.as_str(), "CN");
        assert_eq!(cn.calling_code(), 86);
        assert_eq!("US".parse::<Region>().unwrap().calling_code(), 1);
    }

    #[test]
    fn rejects_unknown_and_malformed_regions() {
        for bad in ["", "C", "CHN", "ZZ", "1A", "中国", "AA"] {
            assert!(bad.parse::<Region>().is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn library_regions_convert_without_lookups() {
        for code in ["CN", "US", "HK", "KH", "JM", "GB", "ZW"] {
            let region: Region = code.parse().unwrap();
            let library = region.to_library().unwrap();
            assert_eq!(
                Region::from_library_with_code(library, region.calling_code()),
                Some(region)
            );
        }
        assert_eq!(
            Region::from_library_with_code(rlibphonenumber::Region::World, 800),
            None
        );
    }

    #[test]
    fn main_region_of_calling_codes() {
        assert_eq!(Region::for_calling_code(855).unwrap().as_str(), "KH");
        assert_eq!(Region::for_calling_code(1).unwrap().as_str(), "US");
        assert!(Region::for_calling_code(999).is_none());
    }
}
