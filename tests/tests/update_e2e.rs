//! The signed-list issue's end-to-end path: publish, serve on loopback, update with
//! `callguard update`, by snapshot, by delta, and by snapshot again when too far behind.

use callguard_e2e::{now, number, numbers, Phone, Publisher, Server};

#[test]
fn publish_serve_update_by_snapshot_delta_and_snapshot_again() {
    let publisher = Publisher::new();
    publisher.set_official();
    publisher.set_numbers(&numbers(0, 2000));
    let t = now();
    publisher.build(t, &["--deltas", "3"]);
    let server = Server::start(&publisher.site());
    let phone = Phone::new();

    // 1. v1 by snapshot; decisions come from the signed list.
    let report = phone.update_ok(&server.url, &publisher.root());
    assert_eq!(report["seq"], 1);
    assert_eq!(report["installed"]["kind"], "snapshot", "{report}");
    let d = phone.check(&number(5));
    assert_eq!(d["action"], "block");
    assert_eq!(d["reasons"][0]["code"], "list_number");
    assert_eq!(d["lists"]["default"], 1);
    assert_eq!(
        phone.check("+852 12110")["reasons"][0]["code"],
        "spoofed_official"
    );
    assert_eq!(phone.check(&number(99_999))["action"], "allow");

    // 2. v2 and v3: update by delta from the installed seq.
    publisher.set_numbers(&numbers(100, 2000)); // 100 removed, 100 added
    publisher.build(t + 1, &["--deltas", "3"]);
    publisher.set_numbers(&numbers(150, 2000));
    publisher.build(t + 2, &["--deltas", "3"]);
    let report = phone.update_ok(&server.url, &publisher.root());
    assert_eq!(report["seq"], 3);
    assert_eq!(
        report["installed"],
        serde_json::json!({"kind": "delta", "from": 1}),
        "{report}"
    );
    assert_eq!(
        phone.check(&number(5))["action"],
        "allow",
        "removed by the delta"
    );
    assert_eq!(
        phone.check(&number(2100))["action"],
        "block",
        "added by the delta"
    );
    let snapshot_len = publisher.manifest().1.lists["default"].snapshot.length;
    assert!(
        report["downloaded_bytes"].as_u64().unwrap() < snapshot_len,
        "a delta is smaller than the snapshot"
    );

    // The delta left an overlay over the numbers; `callguard compact` folds it into a
    // new base once, with the same decisions.
    let compact = |phone: &Phone| {
        let out = phone.callguard().arg("compact").output().unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(compact(&phone).trim(), "compacted the installed list");
    assert_eq!(compact(&phone).trim(), "nothing to compact");
    assert_eq!(phone.check(&number(5))["action"], "allow");
    assert_eq!(phone.check(&number(2100))["action"], "block");
    assert_eq!(phone.status()["update"]["installed"]["seq"], 3);

    // An update with nothing new downloads no list content.
    let report = phone.update_ok(&server.url, &publisher.root());
    assert_eq!(report["installed"], serde_json::Value::Null);
    assert_eq!(report["downloaded_bytes"], 0);

    // 3. Up to v10 with deltas from the last 3 versions only: too far behind, so snapshot.
    for i in 0..7u64 {
        publisher.set_numbers(&numbers(200 + i * 10, 2000));
        publisher.build(t + 3 + i, &["--deltas", "3"]);
    }
    let report = phone.update_ok(&server.url, &publisher.root());
    assert_eq!(report["seq"], 10);
    assert_eq!(report["installed"]["kind"], "snapshot", "{report}");
    assert_eq!(phone.check(&number(260))["action"], "block");
    assert_eq!(phone.check(&number(259))["action"], "allow");

    let status = phone.status();
    assert_eq!(status["update"]["installed"]["seq"], 10);
    assert_eq!(status["update"]["stale"], false);
    assert_eq!(status["update"]["last_attempt"]["ok"], true);
}

/// Requests carry nothing beyond the static path and ordinary headers.
#[test]
fn update_requests_carry_no_user_data() {
    let publisher = Publisher::new();
    publisher.set_official();
    publisher.set_numbers(&numbers(0, 50));
    publisher.build(now(), &[]);
    let server = Server::start(&publisher.site());
    let phone = Phone::new();
    // The phone has history, rules and settings: none of it may leave.
    phone.check("+86 138 0013 8000");
    callguard_e2e::run_ok(
        phone
            .callguard()
            .args(["rules", "add", "block", "+8613912345678"]),
    );
    phone.update_ok(&server.url, &publisher.root());

    let requests = server.requests();
    assert!(
        requests.len() >= 3,
        "timestamp, manifest and snapshot at least: {requests:?}"
    );
    let allowed_headers = [
        "host",
        "user-agent",
        "accept",
        "accept-encoding",
        "connection",
    ];
    for request in &requests {
        assert_eq!(request["method"], "GET");
        let url = request["url"].as_str().expect("url");
        assert!(!url.contains('?') && !url.contains('#'), "no query: {url}");
        let static_path = url == "/timestamp.json"
            || (url.starts_with("/manifests/") && url.ends_with(".manifest.json"))
            || (url.starts_with("/blobs/")
                && (url.ends_with(".snapshot") || url.ends_with(".delta")))
            || url.ends_with(".root.json");
        assert!(static_path, "unexpected path {url}");
        for header in request["headers"].as_array().expect("headers") {
            let name = header[0].as_str().expect("name").to_ascii_lowercase();
            let value = header[1].as_str().expect("value");
            assert!(
                allowed_headers.contains(&name.as_str()),
                "unexpected header {name}: {value}"
            );
            assert!(
                !value.contains("8613"),
                "a number in a header: {name}: {value}"
            );
        }
        let agent = request["headers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h[0].as_str().unwrap().eq_ignore_ascii_case("user-agent"));
        assert_eq!(
            agent.map(|h| h[1].as_str().unwrap()),
            Some(callguard_core::update::USER_AGENT)
        );
    }
}
