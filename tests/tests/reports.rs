//! A user's reports stay on the phone until they share them, and what they share is a
//! source the publisher builds from: report → export → `signed-lists build` → update →
//! the reported number is warned about on every phone.

use callguard_e2e::{now, numbers, run_ok, Phone, Publisher, Server};

#[test]
fn reports_export_to_a_source_that_the_publisher_builds_into_the_next_list() {
    let publisher = Publisher::new();
    publisher.set_official();
    publisher.set_numbers(&numbers(0, 100));
    publisher.build(now(), &[]);
    let server = Server::start(&publisher.site());
    let phone = Phone::new();
    phone.update_ok(&server.url, &publisher.root());
    let reported = "+855 12 345 678";
    assert_eq!(phone.check(reported)["reasons"][0]["code"], "overseas_call");

    run_ok(phone.callguard().args([
        "report",
        reported,
        "--category",
        "investment",
        "--note",
        "promised 30% a month, then \"your account is frozen\"",
    ]));
    run_ok(
        phone
            .callguard()
            .args(["report", "BANK-ALERT", "--category", "account_phishing"]),
    );
    let listed: serde_json::Value =
        serde_json::from_str(&run_ok(phone.callguard().args(["reports", "--json"]))).unwrap();
    assert_eq!(listed.as_array().map(Vec::len), Some(2), "{listed}");
    assert_eq!(listed[0]["subject"]["value"], "85512345678");
    assert_eq!(listed[1]["subject"]["kind"], "sender");
    // Nothing went out: the server saw only the update's requests, before the reports.
    let requests_before = server.requests().len();

    let export = publisher.sources().join("reports-phone-1.csv");
    run_ok(
        phone
            .callguard()
            .arg("reports")
            .arg("--export")
            .arg(&export),
    );
    publisher.build(now() + 10, &[]);
    let report = phone.update_ok(&server.url, &publisher.root());
    assert!(!report["installed"].is_null(), "{report}");
    assert!(server.requests().len() > requests_before);
    assert!(server
        .requests()
        .iter()
        .all(|r| !r.to_string().contains("85512345678")));

    let decision = phone.check(reported);
    assert_eq!(decision["action"], "warn", "{decision}");
    assert_eq!(decision["category"], "investment", "{decision}");
    assert!(
        decision["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["code"] == "list_number"),
        "{decision}"
    );

    run_ok(phone.callguard().args(["reports", "--clear"]));
    let listed: serde_json::Value =
        serde_json::from_str(&run_ok(phone.callguard().args(["reports", "--json"]))).unwrap();
    assert_eq!(listed.as_array().map(Vec::len), Some(0));
}
