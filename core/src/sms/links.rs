//! Links as people really write them in SMS: with or without a scheme, with full-width
//! dots, `[.]` or `(.)`, with spaces or zero-width characters slipped in, as IDN or
//! punycode, or with an IP address as the host.
//!
//! Hosts are normalised with IDNA (lower case, no trailing dot) and kept only when they
//! end in a suffix of the Public Suffix List (through the `psl` crate), which is what
//! tells `icbc-verify.top` from `file.txt` or `e.g.`.

use std::net::Ipv4Addr;
use std::sync::LazyLock;

use regex::Regex;
use unicode_normalization::UnicodeNormalization;

use super::normalize::is_invisible;

/// Links looked at per message; a message with 10k links costs no more than this many.
pub const MAX_LINKS: usize = 64;

/// A link found in a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The normalised host (ASCII, punycode for IDN), or the IP address.
    pub host: String,
    /// The registrable domain (`login.icbc-verify.top` → `icbc-verify.top`).
    pub registrable: Option<String>,
    /// The host is an IPv4 address.
    pub is_ip: bool,
}

static DOTS: LazyLock<Regex> = LazyLock::new(|| {
    // `[.]`, `(.)`, `{.}`, `【.】`, `[dot]`, and spaces around dots between word characters.
    Regex::new(r"(?i)\s*(?:\[\s*(?:\.|dot)\s*\]|\(\s*(?:\.|dot)\s*\)|\{\s*\.\s*\}|【\s*\.\s*】)\s*")
        .expect("static regex")
});
/// Spaces slipped around a dot (`example . com`, `example .com`). A dot that ends a word
/// and is followed by a space is a full stop: "reply YES or NO. To opt out" must not
/// become the host `no.to`.
static SPACED_DOT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"([a-z0-9])(?:[ \t]+[.。][ \t]*|[.。])([a-z0-9])").expect("static regex")
});
static HOST: LazyLock<Regex> = LazyLock::new(|| {
    let label = r"[a-z0-9\u{00c0}-\u{024f}\u{0370}-\u{03ff}\u{0400}-\u{04ff}](?:[a-z0-9\u{00c0}-\u{024f}\u{0370}-\u{03ff}\u{0400}-\u{04ff}_-]{0,62})";
    Regex::new(&format!(r"(?:(?:https?|hxxps?)://)?((?:{label}\.)+(?:xn--[a-z0-9-]{{2,59}}|[a-z]{{2,63}}))(?:[:/?#]|(?-u:\b)|$)"))
        .expect("static regex")
});
static IPV4: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^0-9.])((?:\d{1,3}\.){3}\d{1,3})(?:[^0-9.]|$)").expect("static regex")
});

/// The text as links are read in it: NFKC (full-width dots become dots), lower case,
/// invisible characters removed, obfuscated dots restored.
fn link_view(text: &str) -> String {
    let folded: String = text
        .nfkc()
        .filter(|c| !is_invisible(*c))
        .flat_map(char::to_lowercase)
        .collect();
    let dotted = DOTS.replace_all(&folded, ".");
    SPACED_DOT.replace_all(&dotted, "$1.$2").into_owned()
}

/// The distinct links of a message, in order of appearance, at most [`MAX_LINKS`].
pub fn extract(text: &str) -> Vec<Link> {
    let view = link_view(text);
    let mut links: Vec<Link> = Vec::new();
    for caps in IPV4.captures_iter(&view) {
        if links.len() >= MAX_LINKS {
            break;
        }
        if let Some(ip) = caps
            .get(1)
            .and_then(|m| m.as_str().parse::<Ipv4Addr>().ok())
        {
            let host = ip.to_string();
            if !links.iter().any(|l| l.host == host) {
                links.push(Link {
                    host,
                    registrable: None,
                    is_ip: true,
                });
            }
        }
    }
    for caps in HOST.captures_iter(&view) {
        if links.len() >= MAX_LINKS {
            break;
        }
        let Some(raw) = caps.get(1).map(|m| m.as_str()) else {
            continue;
        };
        let Ok(host) = idna::domain_to_ascii(raw.trim_end_matches('.')) else {
            continue;
        };
        if host.is_empty() || links.iter().any(|l| l.host == host) {
            continue;
        }
        let Some(domain) = psl::domain(host.as_bytes()) else {
            continue;
        };
        if !domain.suffix().is_known() {
            continue;
        }
        let registrable = std::str::from_utf8(domain.as_bytes())
            .ok()
            .map(str::to_owned);
        links.push(Link {
            host,
            registrable,
            is_ip: false,
        });
    }
    links
}

/// Whether a label of `host` decodes to letters of more than one of Latin, Greek and
/// Cyrillic: the homograph trick (`аpple` with a Cyrillic `а`).
pub fn mixes_scripts(host: &str) -> bool {
    if !host.contains("xn--") {
        return false;
    }
    let (unicode, _) = idna::domain_to_unicode(host);
    unicode.split('.').any(|label| {
        let (mut latin, mut greek, mut cyrillic) = (false, false, false);
        for c in label.chars() {
            match c {
                'a'..='z' | '\u{00c0}'..='\u{024f}' => latin = true,
                '\u{0370}'..='\u{03ff}' => greek = true,
                '\u{0400}'..='\u{04ff}' => cyrillic = true,
                _ => {}
            }
        }
        [latin, greek, cyrillic].iter().filter(|x| **x).count() > 1
    })
}

/// Well-known URL shorteners: the real destination cannot be checked offline.
pub fn is_shortener(registrable: &str) -> bool {
    const SHORTENERS: [&str; 18] = [
        "t.cn",
        "url.cn",
        "dwz.cn",
        "suo.im",
        "u.nu",
        "bit.ly",
        "tinyurl.com",
        "goo.gl",
        "is.gd",
        "ow.ly",
        "t.co",
        "rb.gy",
        "cutt.ly",
        "shorturl.at",
        "tiny.cc",
        "s.id",
        "v.gd",
        "t.ly",
    ];
    SHORTENERS.contains(&registrable)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts(text: &str) -> Vec<String> {
        extract(text).into_iter().map(|l| l.host).collect()
    }

    #[test]
    fn finds_links_as_people_write_them() {
        assert_eq!(
            hosts("visit https://Login.ICBC-verify.top/x?a=1 now"),
            ["login.icbc-verify.top"]
        );
        assert_eq!(hosts("点击icbc-verify.top领取"), ["icbc-verify.top"]);
        assert_eq!(hosts("go to example[.]com/claim"), ["example.com"]);
        assert_eq!(hosts("go to example(.)com"), ["example.com"]);
        assert_eq!(hosts("ｅｘａｍｐｌｅ．ｃｏｍ"), ["example.com"]);
        assert_eq!(hosts("exam\u{200b}ple.com"), ["example.com"]);
        assert_eq!(hosts("example . com"), ["example.com"]);
        assert_eq!(hosts("example .com/x"), ["example.com"]);
        assert_eq!(hosts("http://192.168.10.1:8080/login"), ["192.168.10.1"]);
        assert_eq!(hosts("bücher.de"), ["xn--bcher-kva.de"]);
        assert_eq!(
            extract("login.icbc-verify.top")[0].registrable.as_deref(),
            Some("icbc-verify.top")
        );
    }

    #[test]
    fn ignores_things_that_are_not_domains() {
        assert!(hosts("see the file report.txt and e.g. version 1.2.3").is_empty());
        assert!(hosts("余额 1,234.56 元").is_empty());
        assert!(
            hosts("Card ending 5521. Reply YES or NO. To opt out reply STOP.").is_empty(),
            "full stops are not dots of a host"
        );
    }

    #[test]
    fn flags_mixed_scripts_and_shorteners() {
        let host = idna::domain_to_ascii("аpple.com").unwrap();
        assert!(mixes_scripts(&host), "{host}");
        assert!(!mixes_scripts("xn--bcher-kva.de"));
        assert!(is_shortener("t.cn"));
        assert!(!is_shortener("icbc.com.cn"));
    }

    #[test]
    fn many_links_are_capped() {
        let text = (0..10_000)
            .map(|i| format!("a{i}.com "))
            .collect::<String>();
        assert_eq!(extract(&text).len(), MAX_LINKS);
    }
}
