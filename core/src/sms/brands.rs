//! Brand lookalikes: a link whose registrable domain looks like a brand on the list but is
//! not one of the brand's own domains (`icbc-verify.top`, `1cbc.com.cn`).
//!
//! Brands ship in the list's SMS section as `brand:NAME=DOMAIN` entries, so a publisher
//! can add one without an app release.

use callguard_format::SmsKey;

/// A brand and its own registrable domains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Brand {
    /// The name as it appears in domains (`icbc`, `paypal`).
    pub name: String,
    /// Its own registrable domains.
    pub domains: Vec<String>,
}

/// Reads `brand:NAME=DOMAIN` keys; several entries for one name add domains.
pub fn from_entries<'a>(entries: impl Iterator<Item = &'a [u8]>) -> Vec<Brand> {
    let mut brands: Vec<Brand> = Vec::new();
    for key in entries {
        let Ok(SmsKey::Brand { name, domain }) = SmsKey::parse(key) else {
            continue;
        };
        let (name, domain) = (
            name.trim().to_ascii_lowercase(),
            domain.trim().to_ascii_lowercase(),
        );
        if name.len() < 3 || domain.is_empty() {
            continue;
        }
        match brands.iter_mut().find(|b| b.name == name) {
            Some(b) => b.domains.push(domain),
            None => brands.push(Brand {
                name,
                domains: vec![domain],
            }),
        }
    }
    brands
}

/// Whether `link` goes to a listed brand's own registrable domain.
pub fn is_own_domain(brands: &[Brand], link: &super::links::Link) -> bool {
    link.registrable
        .as_deref()
        .is_some_and(|r| owned(brands, r))
}

/// Whether a listed brand owns the registrable domain `registrable`.
fn owned(brands: &[Brand], registrable: &str) -> bool {
    brands
        .iter()
        .any(|b| b.domains.iter().any(|d| d == registrable))
}

/// The brand that `registrable` imitates, if any.
pub fn imitated<'b>(brands: &'b [Brand], registrable: &str) -> Option<&'b Brand> {
    let label = registrable.split('.').next().unwrap_or("");
    // A domain that a listed brand owns is never a lookalike (ups.com is not usps).
    if owned(brands, registrable) {
        return None;
    }
    let tokens: Vec<&str> = label
        .split(['-', '_'])
        .chain(std::iter::once(label))
        .collect();
    // The brand a token names exactly, before one it merely resembles.
    brands
        .iter()
        .find(|brand| tokens.iter().any(|t| *t == brand.name))
        .or_else(|| {
            brands
                .iter()
                .find(|brand| tokens.iter().any(|t| looks_like(t, &brand.name)))
        })
}

/// Equal; or, for names of 4 letters or more, containing the name or one edit away.
/// Shorter names only match a whole token: `ups` must not match `groups` or `startups`.
fn looks_like(token: &str, name: &str) -> bool {
    if token == name {
        return true;
    }
    name.len() >= 4
        && ((token.len() > name.len() && token.contains(name))
            || edit_distance_at_most_one(token, name))
}

fn edit_distance_at_most_one(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let (mut i, mut j, mut edits) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            i += 1;
            j += 1;
            continue;
        }
        edits += 1;
        if edits > 1 {
            return false;
        }
        match a.len().cmp(&b.len()) {
            std::cmp::Ordering::Greater => i += 1,
            std::cmp::Ordering::Less => j += 1,
            std::cmp::Ordering::Equal => {
                i += 1;
                j += 1;
            }
        }
    }
    edits + (a.len() - i) + (b.len() - j) <= 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brands() -> Vec<Brand> {
        from_entries(
            [
                "brand:icbc=icbc.com.cn",
                "brand:paypal=paypal.com",
                "brand:x=x.com",
            ]
            .iter()
            .map(|s| s.as_bytes()),
        )
    }

    #[test]
    fn lookalikes_are_found_and_own_domains_are_not() {
        let b = brands();
        assert_eq!(b.len(), 2, "names under 3 letters are ignored");
        assert_eq!(
            imitated(&b, "icbc-verify.top").map(|b| b.name.as_str()),
            Some("icbc")
        );
        assert_eq!(
            imitated(&b, "paypa1.com").map(|b| b.name.as_str()),
            Some("paypal")
        );
        assert_eq!(
            imitated(&b, "mypaypal-help.com").map(|b| b.name.as_str()),
            Some("paypal")
        );
        assert!(imitated(&b, "icbc.com.cn").is_none());
        assert!(imitated(&b, "example.com").is_none());
    }

    #[test]
    fn one_brand_own_domain_is_never_another_brand_lookalike() {
        let b = from_entries(
            ["brand:usps=usps.com", "brand:ups=ups.com"]
                .iter()
                .map(|s| s.as_bytes()),
        );
        assert!(imitated(&b, "ups.com").is_none());
        assert!(
            imitated(&b, "groups.io").is_none(),
            "a short name matches whole tokens"
        );
        assert_eq!(
            imitated(&b, "ups-parcel.top").map(|b| b.name.as_str()),
            Some("ups")
        );
        assert_eq!(
            imitated(&b, "usps-redelivery.top").map(|b| b.name.as_str()),
            Some("usps")
        );
    }
}
