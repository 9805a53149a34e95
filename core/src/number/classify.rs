//! Home, short/service or foreign: the classification the call rules depend on.

use serde::Serialize;

use crate::region::Region;

/// Which side of the border a number is on, from the home region's point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NumberKind {
    /// A valid number of the home region.
    Home,
    /// A short or service number of the home region: emergency (110), hotlines (12110),
    /// bank and carrier short codes (95588, 10086), SMS service ports.
    ShortOrService,
    /// A number of another region. Within a shared calling code (+1, +7, +44) the region
    /// from the metadata decides, so a Jamaican +1 876 number is foreign to the US.
    Foreign,
}

/// Decides the kind, and the region to report.
///
/// - another calling code → foreign; the region is the number's, else the code's main one;
/// - the home calling code, a valid number, but another region of it (NANP, +7, +44) → foreign;
/// - otherwise home: a number that is not a valid full number of the region is a short or
///   service number. libphonenumber's main metadata describes full numbers only, so this
///   is what covers 110, 95588 and the 8-digit SMS ports such as 10620000 alike.
pub(super) fn classify(
    home: Region,
    calling_code: u16,
    number_region: Option<Region>,
    valid: bool,
) -> (NumberKind, Option<Region>) {
    if calling_code != home.calling_code() {
        let region = number_region.or_else(|| Region::for_calling_code(calling_code));
        return (NumberKind::Foreign, region);
    }
    match number_region {
        // Only a valid number's region is trusted: for an invalid one the metadata matches
        // leading digits alone, and US short code 24280 would look like a Bahamas (242) number.
        Some(region) if valid && region != home => (NumberKind::Foreign, Some(region)),
        _ if !valid => (NumberKind::ShortOrService, Some(home)),
        _ => (NumberKind::Home, Some(home)),
    }
}
