//! The stored form of one history entry: private, versioned, and forgiving.
//!
//! The public [`Decision`] may change between releases; what is on disk must still read
//! after an upgrade (and after a downgrade). So the row is its own type: every field has
//! a serde default, unknown fields are ignored, a reason code or category this build does
//! not know is dropped rather than failing the row, and the action falls back to the
//! row's `action` column. Rows written before the row type existed (the JSON of
//! `Decision`, no `v`) read as version 0.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::vocabulary::{Action, Category, Decision, Reason, ReasonCode};

/// The version written by this build; 0 is the unversioned JSON of `Decision`.
const ROW_VERSION: u32 = 1;

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
struct HistoryRow {
    v: u32,
    action: Option<String>,
    category: Option<String>,
    label: String,
    reasons: Vec<RowReason>,
    lists: BTreeMap<String, u64>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
struct RowReason {
    code: String,
    detail: String,
}

/// The text stored in the `decision` column for `decision`.
pub(crate) fn encode(decision: &Decision) -> String {
    let row = HistoryRow {
        v: ROW_VERSION,
        action: Some(decision.action.as_str().to_owned()),
        category: decision.category.map(|c| c.as_str().to_owned()),
        label: decision.label.clone(),
        reasons: decision
            .reasons
            .iter()
            .map(|r| RowReason {
                code: r.code.as_str().to_owned(),
                detail: r.detail.clone(),
            })
            .collect(),
        lists: decision.lists.clone(),
    };
    // A struct of strings, integers and maps always serializes; "{}" would still read
    // back (from the action column) if it somehow did not.
    serde_json::to_string(&row).unwrap_or_else(|_| "{}".to_owned())
}

/// The decision in a stored row, or `None` if the row cannot be read (not JSON, or no
/// readable action in either the JSON or the `action` column).
pub(crate) fn decode(json: &str, action_column: &str) -> Option<Decision> {
    let row: HistoryRow = serde_json::from_str(json).ok()?;
    let action: Action = row
        .action
        .as_deref()
        .and_then(|a| a.parse().ok())
        .or_else(|| action_column.parse().ok())?;
    Some(Decision {
        action,
        category: row.category.as_deref().and_then(parse_name::<Category>),
        label: row.label,
        reasons: row
            .reasons
            .into_iter()
            .filter_map(|r| {
                Some(Reason {
                    code: parse_name::<ReasonCode>(&r.code)?,
                    detail: r.detail,
                })
            })
            .collect(),
        lists: row.lists,
    })
}

/// A snake_case enum name as serde spells it, or `None` for one this build does not know.
fn parse_name<T: serde::de::DeserializeOwned>(name: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(name.to_owned())).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Decision {
        Decision {
            action: Action::Block,
            category: Some(Category::OfficialImpersonation),
            label: "Fake official number".into(),
            reasons: vec![Reason {
                code: ReasonCode::SpoofedOfficial,
                detail: "calling code +852 in front of 12110".into(),
            }],
            lists: BTreeMap::from([("official".to_owned(), 3)]),
        }
    }

    #[test]
    fn a_row_round_trips_and_is_versioned() {
        let json = encode(&sample());
        assert!(json.contains("\"v\":1"), "{json}");
        assert_eq!(decode(&json, "allow"), Some(sample()));
    }

    #[test]
    fn an_old_row_the_json_of_decision_still_reads() {
        let old = r#"{"action":"block","category":"official_impersonation","label":"Fake official number","reasons":[{"code":"spoofed_official","detail":"calling code +852 in front of 12110"}],"lists":{"official":3}}"#;
        assert_eq!(decode(old, "block"), Some(sample()));
    }

    #[test]
    fn unknown_names_and_missing_fields_degrade_instead_of_failing() {
        let newer = r#"{"v":7,"action":"block","category":"future_scam","reasons":[{"code":"future_code","detail":"d"},{"code":"user_block","detail":"e"}],"extra":[1,2]}"#;
        let decision = decode(newer, "warn").unwrap();
        assert_eq!(decision.action, Action::Block);
        assert_eq!(decision.category, None);
        assert_eq!(decision.reasons.len(), 1);
        assert_eq!(decision.reasons[0].code, ReasonCode::UserBlock);
        // No action in the JSON: the column's.
        assert_eq!(decode("{}", "warn").unwrap().action, Action::Warn);
    }

    #[test]
    fn unreadable_rows_are_none() {
        for (json, column) in [
            ("not json", "block"),
            ("[1,2]", "block"),
            ("{}", "sometimes"),
            (r#"{"action":"maybe"}"#, ""),
            (r#"{"lists":{"a":"b"}}"#, "block"),
        ] {
            assert_eq!(decode(json, column), None, "{json}");
        }
    }
}
