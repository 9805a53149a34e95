//! Domain keys: IDNA to ASCII, lower case, no trailing dot, labels reversed so that a
//! listed domain and all its subdomains share a key prefix (`com.example`,
//! `com.example.login`).

/// Why a domain was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// Not a valid host name after IDNA processing.
    #[error("not a valid domain name")]
    Invalid,
    /// An IP address, not a domain.
    #[error("an IP address is not a domain")]
    IpAddress,
}

/// The normalised ASCII form: `Example.COM.` → `example.com`, `bücher.de` → `xn--bcher-kva.de`.
pub fn normalize(name: &str) -> Result<String, DomainError> {
    let trimmed = name.trim().trim_end_matches('.');
    if trimmed.is_empty() || trimmed.len() > 253 {
        return Err(DomainError::Invalid);
    }
    if trimmed.parse::<std::net::IpAddr>().is_ok() {
        return Err(DomainError::IpAddress);
    }
    let ascii = idna::domain_to_ascii(trimmed).map_err(|_| DomainError::Invalid)?;
    let ok = !ascii.is_empty()
        && ascii.len() <= 253
        && ascii.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        });
    if ok {
        Ok(ascii)
    } else {
        Err(DomainError::Invalid)
    }
}

/// The index key: normalised, labels reversed.
pub fn reversed_key(name: &str) -> Result<String, DomainError> {
    let ascii = normalize(name)?;
    Ok(ascii.rsplit('.').collect::<Vec<_>>().join("."))
}

/// Back from a reversed key to the normal order.
pub fn unreverse(key: &str) -> String {
    key.rsplit('.').collect::<Vec<_>>().join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_and_reverses() {
        assert_eq!(
            reversed_key("Login.Example.COM.").unwrap(),
            "com.example.login"
        );
        assert_eq!(normalize("bücher.de").unwrap(), "xn--bcher-kva.de");
        assert_eq!(unreverse("com.example.login"), "login.example.com");
    }

    #[test]
    fn rejects_junk() {
        for bad in [
            "",
            ".",
            "a..b",
            "exa mple.com",
            "192.168.0.1",
            "::1",
            &"a".repeat(300),
        ] {
            assert!(reversed_key(bad).is_err(), "{bad:?}");
        }
    }
}
