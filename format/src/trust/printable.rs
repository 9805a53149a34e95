//! Text that came from a server (serde's messages quote field names and values from the
//! file), made safe to show: `status`, logs and the FFI's reason strings print it as is.

/// At most this many characters of outside text are kept.
pub const MAX_CHARS: usize = 200;

/// `text` with every control or invisible formatting character (ESC, newline, NUL,
/// bidi overrides, zero-width marks) written as a `\u{..}`-style escape, and cut to
/// [`MAX_CHARS`] characters (marked with `…`), so a server cannot drive a terminal, forge
/// lines in a log or make a message reorder itself.
pub fn printable(text: &str) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == MAX_CHARS {
            out.push('…');
            break;
        }
        if is_unsafe(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Characters that must not be shown raw: controls and invisible formatting marks.
pub(crate) fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{00AD}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}')
}
