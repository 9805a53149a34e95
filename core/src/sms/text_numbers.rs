//! Phone numbers written in a message ("call 400-123-4567", "加微信 +86 138…").

use std::sync::LazyLock;

use regex::Regex;

use crate::number::{self, PhoneNumber};
use crate::region::Region;

/// Numbers looked at per message.
pub const MAX_NUMBERS: usize = 32;

static CANDIDATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\+?\d[\d \-().]{5,22}\d").expect("static regex"));

/// The distinct numbers of at least 7 digits written in `text`, normalised in `home`.
pub fn extract(text: &str, home: Region) -> Vec<PhoneNumber> {
    let mut found: Vec<PhoneNumber> = Vec::new();
    for m in CANDIDATE.find_iter(text) {
        if found.len() >= MAX_NUMBERS {
            break;
        }
        let digits = m.as_str().bytes().filter(u8::is_ascii_digit).count();
        if !(7..=15).contains(&digits) {
            continue;
        }
        if let Ok(n) = number::parse(m.as_str(), home) {
            if !found.iter().any(|f| f.e164() == n.e164()) {
                found.push(n);
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_written_numbers() {
        let cn: Region = "CN".parse().unwrap();
        let found: Vec<String> = extract(
            "请致电 400-123-4567 或 +86 138 0013 8000，验证码 123456",
            cn,
        )
        .iter()
        .map(|n| n.e164().to_owned())
        .collect();
        assert_eq!(found, ["+864001234567", "+8613800138000"]);
        assert!(extract("金额 12.50 元，编号 123", cn).is_empty());
    }
}
