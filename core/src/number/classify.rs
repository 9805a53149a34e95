//! Home, short/service or foreign: the classification the call rules depend on.

use serde::Serialize;

use crate::region::Region;

/// Which side of the border a number is on, from the home region's point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NumberKind {
    /// A number of the home region (valid, or at least of full length).
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
/// - the home calling code but another region of it (NANP, +7, +44) → foreign;
/// - otherwise home: a number that is not valid and not of full length is short or service.
pub(super) fn classify(
    home: Region,
    calling_code: u16,
    number_region: Option<Region>,
    valid: bool,
    full_length: bool,
) -> (NumberKind, Option<Region>) {
    if calling_code != home.calling_code() {
        let region = number_region.or_else(|| Region::for_calling_code(calling_code));
        return (NumberKind::Foreign, region);
    }
    match number_region {
        Some(region) if region != home => (NumberKind::Foreign, Some(region)),
        _ if !valid && !full_length => (NumberKind::ShortOrService, Some(home)),
        _ => (NumberKind::Home, Some(home)),
    }
}
