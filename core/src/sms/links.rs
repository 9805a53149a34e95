//! Links as people really write them in SMS: with or without a scheme, with full-width
//! dots, `[.]` or `(.)`, with spaces or zero-width characters slipped in, as IDN or
//! punycode, or with an IP address as the host.
//!
//! Hosts are normalised as a browser would (the WHATWG host parser of the `url` crate:
//! percent-decoding, IDNA, lower case; IPv4 in hex, octal, decimal or shortened form and
//! IPv6 literals read as addresses), so `%69cbc-refund.top` is `icbc-refund.top` and
//! `http://0x7f000001/` an IP host. Domains are kept only when they end in a suffix of
//! the Public Suffix List (through the `psl` crate), which is what tells
//! `icbc-verify.top` from `file.txt` or `e.g.`.

use std::net::Ipv4Addr;
use std::sync::LazyLock;

use url::Host;

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
    /// The host is an IP address (v4 in any form, or a v6 literal).
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
/// A host written without a scheme; a letter may be percent-encoded (`%69cbc.top`).
static HOST: LazyLock<Regex> = LazyLock::new(|| {
    let letters = r"a-z0-9\u{00c0}-\u{024f}\u{0370}-\u{03ff}\u{0400}-\u{04ff}";
    let label = format!(r"(?:[{letters}]|%[0-9a-f]{{2}})(?:[{letters}_-]|%[0-9a-f]{{2}}){{0,62}}");
    Regex::new(&format!(r"(?:(?:https?|hxxps?)://)?((?:{label}\.)+(?:xn--[a-z0-9-]{{2,59}}|(?:[a-z]|%[0-9a-f]{{2}}){{2,63}}))(?:[:/?#]|(?-u:\b)|$)"))
        .expect("static regex")
});
/// The authority of a link written with a scheme (`http://user@host:port`), in the
/// characters a URL's authority may have; the host in it may be any WHATWG host.
static AUTHORITY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:https?|hxxps?)://([a-z0-9._~%!$&'()*+,;=:@\[\]-]+)").expect("static regex")
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
    let dotted_quads = IPV4.captures_iter(&view).filter_map(|caps| {
        let ip = caps.get(1)?.as_str().parse::<Ipv4Addr>().ok()?;
        Some(Host::Ipv4(ip))
    });
    let authorities = AUTHORITY
        .captures_iter(&view)
        .filter_map(|caps| Host::parse(authority_host(caps.get(1)?.as_str())).ok());
    let bare = HOST
        .captures_iter(&view)
        .filter_map(|caps| Host::parse(caps.get(1)?.as_str().trim_end_matches('.')).ok());
    let mut links: Vec<Link> = Vec::new();
    for host in dotted_quads.chain(authorities).chain(bare) {
        if links.len() >= MAX_LINKS {
            break;
        }
        if let Some(link) = link_to(host) {
            if !links.iter().any(|l| l.host == link.host) {
                links.push(link);
            }
        }
    }
    links
}

/// The host of an authority: without `user@`, without `:port`, a v6 literal kept in
/// its brackets.
fn authority_host(authority: &str) -> &str {
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    match host.find(']') {
        Some(end) if host.starts_with('[') => &host[..=end],
        _ => host.split(':').next().unwrap_or(host),
    }
}

/// The link to a parsed host; `None` for a domain outside the Public Suffix List.
fn link_to(host: Host<String>) -> Option<Link> {
    let (host, is_ip) = match host {
        Host::Ipv4(ip) => (ip.to_string(), true),
        Host::Ipv6(ip) => (ip.to_string(), true),
        Host::Domain(domain) => (domain.trim_end_matches('.').to_owned(), false),
    };
    if is_ip {
        return Some(Link {
            host,
            registrable: None,
            is_ip,
        });
    }
    if host.is_empty() {
        return None;
    }
    let domain = psl::domain(host.as_bytes())?;
    if !domain.suffix().is_known() {
        return None;
    }
    let registrable = std::str::from_utf8(domain.as_bytes())
        .ok()
        .map(str::to_owned);
    Some(Link {
        host,
        registrable,
        is_ip,
    })
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

/// Words that smishing domains put beside a brand or an errand (`usps-redeliver.top`,
/// `ezpass-pay.com`, `icbc-verify.top`). A company's own domain is its name; a lure
/// domain describes the action it wants, so it is compounded with hyphens.
const LURE_WORDS: [&str; 30] = [
    "verify",
    "verif",
    "secure",
    "update",
    "login",
    "signin",
    "account",
    "support",
    "service",
    "redeliver",
    "delivery",
    "track",
    "toll",
    "pay",
    "refund",
    "claim",
    "reward",
    "prize",
    "bonus",
    "gift",
    "wallet",
    "gov",
    "official",
    "help",
    "center",
    "centre",
    "notice",
    "alert",
    "billing",
    "invoice",
];

/// Whether a registrable domain's own label is a hyphenated compound with an action or
/// errand word in it, the shape of a lure domain. Hyphenated company names
/// (`sf-express.com`, `t-mobile.com`) carry no such word; a brand's own domains are
/// excluded before this is asked.
pub fn is_lure_domain(registrable: &str) -> bool {
    let label = registrable.split('.').next().unwrap_or("");
    label.contains('-')
        && label
            .split('-')
            .any(|part| LURE_WORDS.iter().any(|word| part.contains(word)))
}

/// Top-level domains that the public phishing reports (Interisle's Phishing Landscape,
/// Spamhaus's most-abused TLDs, 2023–24) find most used for phishing relative to their
/// size: cheap, bulk-registered, rarely a bank's, courier's or carrier's home.
const RISKY_TLDS: [&str; 33] = [
    "top", "xyz", "icu", "vip", "shop", "online", "site", "club", "buzz", "cyou", "sbs", "cfd",
    "bond", "lat", "live", "click", "info", "support", "help", "monster", "rest", "quest", "fun",
    "pw", "tk", "ml", "ga", "cf", "gq", "su", "win", "loan", "lol",
];

/// Free hosting, site builders and tunnels where anyone publishes a page under the
/// service's name in minutes; each is a public suffix of its own, so the site's
/// registrable domain is `name.<service>`.
const FREE_HOSTS: [&str; 20] = [
    "web.app",
    "firebaseapp.com",
    "github.io",
    "vercel.app",
    "netlify.app",
    "pages.dev",
    "workers.dev",
    "herokuapp.com",
    "azurewebsites.net",
    "ngrok-free.app",
    "ngrok.io",
    "duckdns.org",
    "r2.dev",
    "blogspot.com",
    "000webhostapp.com",
    "weebly.com",
    "wixsite.com",
    "glitch.me",
    "godaddysites.com",
    "webflow.io",
];

/// Whether a registrable domain is on a top-level domain most used for phishing, or is a
/// page on a free host: where a fresh lure site is put up, and where a bank, courier or
/// carrier does not send its customers.
pub fn is_risky_domain(registrable: &str) -> bool {
    let tld = registrable.rsplit('.').next().unwrap_or("");
    let host_suffix = registrable.split_once('.').map_or("", |(_, rest)| rest);
    RISKY_TLDS.contains(&tld) || FREE_HOSTS.contains(&host_suffix)
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
    fn lure_domains_are_hyphenated_compounds_with_an_errand_word() {
        for lure in [
            "usps-redeliver.top",
            "ezpass-pay.com",
            "icbc-verify.top",
            "chase-securelogin.net",
        ] {
            assert!(is_lure_domain(lure), "{lure}");
        }
        for plain in [
            "sf-express.com",
            "t-mobile.com",
            "usps.com",
            "paypal.com",
            "verify.top",
            "my-shop.com",
        ] {
            assert!(!is_lure_domain(plain), "{plain}");
        }
    }

    #[test]
    fn risky_domains_are_abused_tlds_and_free_hosts() {
        let risky = |host: &str| {
            extract(host)[0]
                .registrable
                .as_deref()
                .is_some_and(is_risky_domain)
        };
        for host in [
            "usps-track.top",
            "secure.xyz",
            "mybank.web.app",
            "pay.github.io",
        ] {
            assert!(risky(host), "{host}");
        }
        for host in [
            "icbc.com.cn",
            "usps.com",
            "royalmail.com",
            "sf-express.com",
            "github.com",
        ] {
            assert!(!risky(host), "{host}");
        }
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
    fn hosts_are_read_as_a_browser_reads_them() {
        assert_eq!(hosts("http://%65vil.top/x"), ["evil.top"]);
        assert_eq!(hosts("go to %65vil.top/x"), ["evil.top"]);
        assert_eq!(hosts("https://user@%45VIL.top:8443/x"), ["evil.top"]);
        assert_eq!(hosts("http://bücher.de/"), ["xn--bcher-kva.de"]);
        for (text, host) in [
            ("http://0x7f000001/", "127.0.0.1"),
            ("http://2130706433/", "127.0.0.1"),
            ("http://127.1/", "127.0.0.1"),
            ("http://0177.0.0.1/", "127.0.0.1"),
            ("hxxp://0x7f.1:80/a", "127.0.0.1"),
            ("http://[::1]/", "::1"),
            ("http://[::1]:8080/login", "::1"),
            ("http://127.0.0.%31/", "127.0.0.1"),
            ("点击http://2130706433领取", "127.0.0.1"),
        ] {
            let found = extract(text);
            assert_eq!(found.len(), 1, "{text}: {found:?}");
            assert_eq!(
                (found[0].host.as_str(), found[0].is_ip),
                (host, true),
                "{text}"
            );
        }
    }

    #[test]
    fn numbers_without_a_scheme_are_not_ip_hosts() {
        assert!(extract("余额 1,234.56 元, version 1.2.3, call 2130706433").is_empty());
    }

    proptest::proptest! {
        /// A listed domain written with random percent-encoding of its letters and random
        /// case is still that domain, with a scheme or without.
        #[test]
        fn percent_encoded_domains_are_decoded(
            domain in proptest::sample::select(vec!["icbc-refund.top", "login.evil-bank.xyz", "sf-kuaidi.com.cn"]),
            ways in proptest::collection::vec(0u8..4, 32),
            scheme in proptest::sample::select(vec!["http://", "https://", ""]),
        ) {
            let written: String = domain
                .chars()
                .zip(ways.iter().cycle())
                .map(|(c, way)| match (c.is_ascii_alphabetic(), way) {
                    (true, 1) => c.to_ascii_uppercase().to_string(),
                    (true, 2) => format!("%{:02x}", c as u32),
                    (true, 3) => format!("%{:02X}", c.to_ascii_uppercase() as u32),
                    _ => c.to_string(),
                })
                .collect();
            let text = format!("点击 {scheme}{written}/a 领取");
            proptest::prop_assert_eq!(hosts(&text), vec![domain.to_owned()], "{}", text);
        }
    }

    #[test]
    fn many_links_are_capped() {
        let text = (0..10_000)
            .map(|i| format!("a{i}.com "))
            .collect::<String>();
        assert_eq!(extract(&text).len(), MAX_LINKS);
    }
}
