//! Writing an activation key in its canonical form: compact JSON with the
//! members in the order of `ActivationKey` in `schemas/environment.yaml`
//! (`version`, `destinationEnvironmentUri`, `sharedConnectionUuid`,
//! `connectionSizeMbps`, `destinationAccountId`), then standard base64 with
//! padding (RFC 4648 section 4), as the schema's "base64 encoded" asks.

use std::fmt::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::encoded::EncodedActivationKey;
use super::key::{ActivationKeyV1, DecodedActivationKey};
use super::{MEMBER_ACCOUNT_ID, MEMBER_ENVIRONMENT, MEMBER_SIZE, MEMBER_UUID, MEMBER_VERSION};

impl ActivationKeyV1 {
    /// The canonical JSON document of this key (compact, members in the
    /// specification's order). It holds secrets: do not log it.
    pub(super) fn to_canonical_json(&self) -> String {
        let mut json = String::with_capacity(256);
        json.push('{');
        member(&mut json, MEMBER_VERSION);
        json.push_str(&Self::VERSION.to_string());
        json.push(',');
        member(&mut json, MEMBER_ENVIRONMENT);
        string(&mut json, &self.destination_environment().to_string());
        json.push(',');
        member(&mut json, MEMBER_UUID);
        string(&mut json, self.shared_connection_uuid().as_str());
        json.push(',');
        member(&mut json, MEMBER_SIZE);
        json.push_str(&self.connection_size_mbps().to_string());
        json.push(',');
        member(&mut json, MEMBER_ACCOUNT_ID);
        string(&mut json, self.destination_account_id().expose());
        json.push('}');
        json
    }

    /// The key as canonical base64 text, ready to hand to the customer.
    /// A valid key always fits within [`super::MAX_ENCODED_LEN`].
    pub fn encode(&self) -> EncodedActivationKey {
        EncodedActivationKey::from_encoded(STANDARD.encode(self.to_canonical_json()))
    }
}

impl DecodedActivationKey {
    /// The key as canonical base64 text.
    pub fn encode(&self) -> EncodedActivationKey {
        match self {
            DecodedActivationKey::V1(key) => key.encode(),
            DecodedActivationKey::V2(key) => key.encode(),
        }
    }
}

/// Writes `"name":`.
pub(super) fn member(json: &mut String, name: &str) {
    string(json, name);
    json.push(':');
}

/// Writes `value` as a JSON string, escaping exactly as `serde_json` does:
/// `"` and `\` and the control characters, with the short forms `\b \f \n
/// \r \t` where they exist and `\u00XX` (lowercase hex) otherwise.
pub(super) fn string(json: &mut String, value: &str) {
    json.push('"');
    for c in value.chars() {
        match c {
            '"' => json.push_str("\\\""),
            '\\' => json.push_str("\\\\"),
            '\u{8}' => json.push_str("\\b"),
            '\u{c}' => json.push_str("\\f"),
            '\n' => json.push_str("\\n"),
            '\r' => json.push_str("\\r"),
            '\t' => json.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                // Writing to a String cannot fail.
                let _ = write!(json, "\\u{:04x}", u32::from(c));
            }
            c => json.push(c),
        }
    }
    json.push('"');
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::string;

    proptest! {
        #[test]
        fn strings_are_escaped_as_serde_json_does(value in any::<String>()) {
            let mut ours = String::new();
            string(&mut ours, &value);
            prop_assert_eq!(ours, serde_json::to_string(&value).unwrap_or_default());
        }
    }

    #[test]
    fn control_characters_use_short_forms_where_they_exist() {
        let mut ours = String::new();
        string(&mut ours, "a\"\\\u{8}\u{c}\n\r\t\u{1}\u{1f}");
        assert_eq!(ours, r#""a\"\\\b\f\n\r\t\u0001\u001f""#);
    }
}
