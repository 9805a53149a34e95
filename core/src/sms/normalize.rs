//! Text normalisation for phrase matching: the same function prepares the publisher's
//! phrases and the incoming message, so obfuscation does not change what matches.
//!
//! - NFKC, which also folds full-width forms (`ＡＢＣ１２３` → `abc123`);
//! - lower case;
//! - Traditional Chinese converted to Simplified (OpenCC `t2s`, [`super::script`]), so a
//!   rule in either script covers both;
//! - zero-width and other invisible format characters removed;
//! - runs of white space collapsed to one space;
//! - white space and punctuation slipped between two CJK characters removed
//!   (`安 全*账-户` → `安全账户`).

use unicode_normalization::UnicodeNormalization;

use super::script::to_simplified;

/// Invisible characters that obfuscators slip into words.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(c, '\u{00ad}' | '\u{034f}' | '\u{061c}' | '\u{115f}' | '\u{1160}' | '\u{17b4}' | '\u{17b5}' | '\u{180b}'..='\u{180f}'
        | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{206f}' | '\u{3164}' | '\u{fe00}'..='\u{fe0f}' | '\u{feff}' | '\u{ffa0}')
}

/// CJK ideographs, kana and hangul: scripts written without spaces between words.
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30ff}' | '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{ac00}'..='\u{d7af}' | '\u{f900}'..='\u{faff}' | '\u{20000}'..='\u{2fa1f}')
}

/// Separators that may be slipped between CJK characters to break up a phrase.
fn is_filler(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '*' | '-'
                | '_'
                | '.'
                | '·'
                | '•'
                | '|'
                | '/'
                | '\\'
                | '~'
                | '^'
                | '+'
                | '='
                | '#'
                | '、'
                | '。'
                | '，'
                | ','
                | '丨'
                | '…'
        )
}

/// The matching form of `text`. Linear in the input length.
pub fn normalize(text: &str) -> String {
    let lowered: String = text
        .nfkc()
        .filter(|c| !is_invisible(*c))
        .flat_map(char::to_lowercase)
        .collect();
    let folded: Vec<char> = to_simplified(&lowered).chars().collect();
    let mut out = String::with_capacity(folded.len());
    let mut i = 0;
    while i < folded.len() {
        let c = folded[i];
        if is_filler(c) {
            let start = i;
            while i < folded.len() && is_filler(folded[i]) {
                i += 1;
            }
            let before = out.chars().next_back();
            let after = folded.get(i).copied();
            let between_cjk = before.is_some_and(is_cjk) && after.is_some_and(is_cjk);
            if between_cjk {
                continue;
            }
            // Outside CJK, keep punctuation but fold white space runs to one space.
            for &f in &folded[start..i] {
                if f.is_whitespace() {
                    if !out.ends_with(' ') && !out.is_empty() {
                        out.push(' ');
                    }
                } else {
                    out.push(f);
                }
            }
            continue;
        }
        out.push(c);
        i += 1;
    }
    while out.ends_with(' ') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn folds_width_case_and_invisible_characters() {
        assert_eq!(normalize("ＡＢＣ１２３"), "abc123");
        assert_eq!(normalize("Safe\u{200b} Account"), "safe account");
        assert_eq!(normalize("  many   spaces\there "), "many spaces here");
    }

    #[test]
    fn traditional_chinese_reads_as_simplified() {
        assert_eq!(normalize("請 轉 入 安全賬戶"), normalize("请转入安全账户"));
        assert_eq!(normalize("驗證碼"), "验证码");
    }

    #[test]
    fn removes_fillers_between_cjk_characters_only() {
        assert_eq!(normalize("安 全 账 户"), "安全账户");
        assert_eq!(normalize("安*全-账_户"), "安全账户");
        assert_eq!(normalize("安\u{200b}全账户"), "安全账户");
        assert_eq!(normalize("转到安全账户 now"), "转到安全账户 now");
        assert_eq!(normalize("a - b"), "a - b");
    }

    #[test]
    fn is_idempotent_and_survives_junk() {
        for text in [
            "安 全 账 户 ＡＢＣ",
            "😀😀",
            "",
            "\u{0}\u{7f}",
            &"x ".repeat(10_000),
        ] {
            let once = normalize(text);
            assert_eq!(normalize(&once), once);
        }
    }
}
