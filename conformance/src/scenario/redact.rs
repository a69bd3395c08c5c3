//! Secrets never printed (`spec/REQUIREMENTS.md` AUTH-9, KEY-13): the
//! members that carry them are replaced before a value reaches a mismatch
//! message, and so is any secret text the runner saw.

use serde_json::Value;

/// Members whose values are secrets.
pub const SECRET_MEMBERS: [&str; 6] = [
    "activationKey",
    "encodedKey",
    "cak",
    "ckn",
    "md5BgpPassword",
    "destinationAccountId",
];

/// What replaces a secret.
pub const REDACTED: &str = "<redacted>";

/// `value` with every secret member replaced.
pub fn redact_value(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    if SECRET_MEMBERS.contains(&k.as_str()) {
                        (k.clone(), Value::String(REDACTED.to_owned()))
                    } else {
                        (k.clone(), redact_value(v))
                    }
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(redact_value).collect()),
        other => other.clone(),
    }
}

/// `text` with every known secret replaced.
pub fn redact_text(text: &str, secrets: &[String]) -> String {
    secrets
        .iter()
        .filter(|s| s.len() >= 4)
        .fold(text.to_owned(), |t, s| t.replace(s.as_str(), REDACTED))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_members_and_texts_are_replaced() {
        let v = serde_json::json!({"a": [{"cak": "x", "ok": 1}], "encodedKey": "k"});
        assert_eq!(
            redact_value(&v),
            serde_json::json!({"a": [{"cak": REDACTED, "ok": 1}], "encodedKey": REDACTED})
        );
        assert_eq!(
            redact_text("key s3cret here", &["s3cret".into()]),
            "key <redacted> here"
        );
    }
}
