//! Payment card numbers written out in full in a message ("打到这张卡 6222 0212 3456 7890
//! 123"). A bank's own notices mask the card (尾号1234, ending 1234); a message that
//! gives a whole card number and asks for money to be sent to it is the payee change of
//! the rent, boss and relative scams. The rules decide what the number means beside the
//! rest of the text; this module only says that one is there.

use std::sync::LazyLock;

use regex::Regex;

/// 16 to 19 digits, in groups separated by single spaces or hyphens, not inside a longer
/// run of digits.
static CANDIDATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d(?:[ \-]?\d){15,18}").expect("static regex"));

/// Whether `text` contains a payment card number: 16 to 19 digits that pass the Luhn
/// check and start as the card schemes people are asked to pay into do (UnionPay `62`,
/// Visa `4`, Mastercard `51`–`55` and `22`–`27`, Discover `6011` and `65`, JCB `35`).
/// Order and tracking numbers rarely pass both.
pub fn has_card_number(text: &str) -> bool {
    let bytes = text.as_bytes();
    CANDIDATE.find_iter(text).any(|m| {
        let before = m.start().checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(m.end()).copied();
        if before.is_some_and(|b| b.is_ascii_digit()) || after.is_some_and(|b| b.is_ascii_digit()) {
            return false;
        }
        let digits: Vec<u8> = m
            .as_str()
            .bytes()
            .filter(u8::is_ascii_digit)
            .map(|b| b - b'0')
            .collect();
        is_card_prefix(&digits) && passes_luhn(&digits)
    })
}

fn is_card_prefix(digits: &[u8]) -> bool {
    let two = digits.first().zip(digits.get(1)).map(|(a, b)| a * 10 + b);
    match two {
        Some(62 | 65 | 35) => true,
        Some(40..=49) => true,
        Some(51..=55 | 22..=27) => true,
        Some(60) => digits.get(2..4) == Some(&[1, 1]),
        _ => false,
    }
}

/// The Luhn checksum every payment card number carries in its last digit.
fn passes_luhn(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 {
                    doubled - 9
                } else {
                    doubled
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_card_numbers_as_people_write_them() {
        // Test numbers of the schemes (they pass Luhn but belong to nobody).
        for text in [
            "房租这次打到我爱人卡上 6222 0000 0000 0000 004 户名李",
            "send it to 4111-1111-1111-1111 today",
            "卡号6228480012345678903",
            "5555555555554444",
        ] {
            assert!(has_card_number(text), "{text}");
        }
    }

    #[test]
    fn ignores_masked_cards_order_numbers_and_longer_digit_runs() {
        for text in [
            "您尾号1234的储蓄卡消费100元",
            "order 4111111111111112 shipped", // fails Luhn
            "运单号 7700000000000008",        // no card scheme starts 77
            "41111111111111110000",           // part of a longer run
            "ref 1234 5678",
        ] {
            assert!(!has_card_number(text), "{text}");
        }
    }

    #[test]
    fn luhn_matches_the_published_check() {
        assert!(passes_luhn(&[7, 9, 9, 2, 7, 3, 9, 8, 7, 1, 3]));
        assert!(!passes_luhn(&[7, 9, 9, 2, 7, 3, 9, 8, 7, 1, 4]));
    }
}
