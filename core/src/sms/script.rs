//! Traditional → Simplified Chinese, so that every phrase rule and the model's features
//! cover both scripts: a rule written `安全账户` also matches `安全賬戶`, and a rule
//! written in Traditional is compiled to the same Simplified form as the message.
//!
//! The conversion is OpenCC's `t2s` (phrases, then characters) through the pure-Rust
//! `ferrous-opencc`, with its dictionaries embedded in the binary. It is built once, on
//! the first message with a CJK ideograph; text without one is returned as it is, at
//! the cost of one scan. If the embedded data could not be read (it always can; the
//! crate's own build checks it), text is left unconverted rather than failing.

use std::borrow::Cow;
use std::sync::OnceLock;

use ferrous_opencc::config::BuiltinConfig;
use ferrous_opencc::OpenCC;

/// CJK unified ideographs and their extensions and compatibility forms: the characters
/// that can have a Traditional form.
fn is_ideograph(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}' | '\u{20000}'..='\u{2fa1f}')
}

fn converter() -> Option<&'static OpenCC> {
    static CONVERTER: OnceLock<Option<OpenCC>> = OnceLock::new();
    CONVERTER
        .get_or_init(|| OpenCC::from_config(BuiltinConfig::T2s).ok())
        .as_ref()
}

/// Simplified variants that OpenCC keeps apart but that mean the same in a message:
/// `t2s` gives `帐户` for `帳戶`, where rules and most senders write `账户`.
fn fold_variant(c: char) -> char {
    match c {
        '帐' => '账',
        other => other,
    }
}

/// `text` in Simplified Chinese; unchanged (and not copied) when it has no ideograph.
pub(crate) fn to_simplified(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_ideograph) {
        return Cow::Borrowed(text);
    }
    let converted = match converter() {
        Some(opencc) => opencc.convert(text),
        None => text.to_owned(),
    };
    Cow::Owned(converted.chars().map(fold_variant).collect())
}

#[cfg(test)]
mod tests {
    use super::to_simplified;

    #[test]
    fn converts_traditional_and_leaves_the_rest() {
        assert_eq!(to_simplified("請轉入安全賬戶"), "请转入安全账户");
        assert_eq!(to_simplified("您的帳戶已被凍結"), "您的账户已被冻结");
        assert_eq!(to_simplified("已经是简体"), "已经是简体");
        assert_eq!(to_simplified("帐号"), "账号", "one form of a variant pair");
        assert!(matches!(
            to_simplified("plain ascii 123"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(to_simplified("混合 text 與數字 42"), "混合 text 与数字 42");
    }
}
