//! One request of `check batch`, read from a JSON line.
//!
//! The line is parsed as JSON first and its fields checked here, not by serde's derive:
//! serde's messages quote what they reject (`invalid type: integer 13800138000`,
//! `unknown field "13800138000"`), and a request holds phone numbers and message text.
//! The messages of [`RequestError`] name the field and what it must be, never the value.

use callguard_core::{CallInput, Decision, Engine, Presentation, SmsInput, Verification};
use serde_json::{Map, Value};

/// A request: `{"kind":"call","number":..}` or `{"kind":"sms","from":..,"text":..}`.
#[derive(Debug)]
pub enum Request {
    /// Decide a call.
    Call {
        /// The presented number, as written.
        number: String,
        /// The caller is in the address book.
        contact: bool,
        /// STIR/SHAKEN result.
        verification: Verification,
        /// How the number was presented.
        presentation: Presentation,
    },
    /// Decide an SMS.
    Sms {
        /// The sender: a number, a short code or a name.
        from: String,
        /// The message, empty when absent.
        text: String,
    },
}

/// Why a line is not a request; never quotes the line.
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    /// Not JSON at all; only the position is told.
    #[error("not valid JSON (at column {column})")]
    Syntax {
        /// Where the JSON stopped making sense.
        column: usize,
    },
    /// The JSON ends before the value does.
    #[error("the JSON ends early")]
    Truncated,
    /// JSON, but not an object.
    #[error("a request must be a JSON object")]
    NotAnObject,
    /// `kind` is missing or not one of the kinds.
    #[error("\"kind\" must be \"call\" or \"sms\"")]
    Kind,
    /// A field this kind of request does not have.
    #[error("a field that a {kind} request does not have (it has {allowed})")]
    UnknownField {
        /// The request's kind.
        kind: &'static str,
        /// The fields it has.
        allowed: &'static str,
    },
    /// A required field is absent.
    #[error("\"{0}\" is required")]
    Missing(&'static str),
    /// A field of the wrong type or value.
    #[error("\"{field}\" must be {expected}")]
    Field {
        /// The field.
        field: &'static str,
        /// What it must be.
        expected: &'static str,
    },
}

const CALL_FIELDS: &[&str] = &["kind", "number", "contact", "verification", "presentation"];
const SMS_FIELDS: &[&str] = &["kind", "from", "text"];

/// Reads one request line.
pub fn parse(line: &str) -> Result<Request, RequestError> {
    let value: Value = serde_json::from_str(line).map_err(|e| match e.classify() {
        serde_json::error::Category::Eof => RequestError::Truncated,
        _ => RequestError::Syntax { column: e.column() },
    })?;
    let Value::Object(fields) = value else {
        return Err(RequestError::NotAnObject);
    };
    match fields.get("kind").and_then(Value::as_str) {
        Some("call") => {
            only(
                &fields,
                CALL_FIELDS,
                "call",
                "number, contact, verification, presentation",
            )?;
            Ok(Request::Call {
                number: string(&fields, "number")?.ok_or(RequestError::Missing("number"))?,
                contact: match fields.get("contact") {
                    None | Some(Value::Null) => false,
                    Some(Value::Bool(b)) => *b,
                    Some(_) => return Err(field("contact", "true or false")),
                },
                verification: named(
                    &fields,
                    "verification",
                    "\"passed\", \"failed\" or \"unverified\"",
                )?,
                presentation: named(
                    &fields,
                    "presentation",
                    "\"allowed\", \"restricted\", \"unknown\" or \"payphone\"",
                )?,
            })
        }
        Some("sms") => {
            only(&fields, SMS_FIELDS, "sms", "from, text")?;
            Ok(Request::Sms {
                from: string(&fields, "from")?.ok_or(RequestError::Missing("from"))?,
                text: string(&fields, "text")?.unwrap_or_default(),
            })
        }
        _ => Err(RequestError::Kind),
    }
}

/// One line of `check batch`, read and decided: the decision, or the error line's
/// message (which never quotes the line). A plain function so that the fuzz target and
/// the tests run exactly what the batch runs.
pub fn decide(engine: &Engine, line: &str) -> Result<Decision, String> {
    let decision = match parse(line).map_err(|e| format!("bad request: {e}"))? {
        Request::Call {
            number,
            contact,
            verification,
            presentation,
        } => engine.check_call(&CallInput {
            number: Some(number),
            presentation,
            verification,
            is_contact: contact,
        }),
        Request::Sms { from, text } => engine.check_sms(&SmsInput::new(from, text)),
    };
    decision.map_err(|e| e.to_string())
}

fn field(field: &'static str, expected: &'static str) -> RequestError {
    RequestError::Field { field, expected }
}

/// Refuses a field not in `allowed`, without naming it (its name is input too).
fn only(
    fields: &Map<String, Value>,
    allowed: &[&str],
    kind: &'static str,
    listed: &'static str,
) -> Result<(), RequestError> {
    match fields.keys().all(|k| allowed.contains(&k.as_str())) {
        true => Ok(()),
        false => Err(RequestError::UnknownField {
            kind,
            allowed: listed,
        }),
    }
}

/// A string field; `None` when absent or null.
fn string(fields: &Map<String, Value>, name: &'static str) -> Result<Option<String>, RequestError> {
    match fields.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(field(name, "a string")),
    }
}

/// A field naming one of the values of `T`, `T::default()` when absent.
fn named<T: std::str::FromStr + Default>(
    fields: &Map<String, Value>,
    name: &'static str,
    expected: &'static str,
) -> Result<T, RequestError> {
    match string(fields, name) {
        Ok(None) => Ok(T::default()),
        Ok(Some(s)) => s.parse().map_err(|_| field(name, expected)),
        Err(_) => Err(field(name, expected)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_kinds() {
        let Request::Call {
            number,
            contact,
            verification,
            ..
        } = parse(r#"{"kind":"call","number":"110","contact":true,"verification":"failed"}"#)
            .unwrap()
        else {
            panic!("a call");
        };
        assert_eq!((number.as_str(), contact), ("110", true));
        assert_eq!(verification, Verification::Failed);
        assert!(matches!(
            parse(r#"{"kind":"sms","from":"10086"}"#).unwrap(),
            Request::Sms { text, .. } if text.is_empty()
        ));
    }

    #[test]
    fn errors_name_the_field_never_the_value() {
        for line in [
            r#"{"kind":"call","number":13800138000}"#,
            r#"{"kind":"call","13800138000":"x","number":"1"}"#,
            r#"{"kind":13800138000}"#,
            r#"{"kind":"13800138000"}"#,
            r#"{"kind":"call","number":"1","verification":"13800138000"}"#,
            r#"{"kind":"call","number":"1","presentation":13800138000}"#,
            r#"{"kind":"call","number":"1","contact":13800138000}"#,
            r#"{"kind":"sms","from":13800138000}"#,
            r#"{"kind":"sms","from":"1","text":["13800138000"]}"#,
            r#"[13800138000]"#,
            r#"13800138000"#,
            r#"{"kind":"call","number":"13800138000""#,
            r#"{"kind":"call","number":"13800138000" 13800138000}"#,
            r#"{"kind":"call","number":1e13800138000}"#,
        ] {
            let err = parse(line).expect_err(line).to_string();
            assert!(!err.contains("138001"), "{line} → {err}");
        }
    }
}
