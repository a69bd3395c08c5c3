//! Keeping secrets out of messages. Schema and parser messages may quote the
//! value at fault; when that value sits in a member that holds a secret
//! (activation keys, the shared connection UUID inside a key, destination
//! account ids, MACsec CAK/CKN, BGP MD5 passwords), the message is replaced.

/// Wire members whose values are secrets.
pub(crate) const SECRET_MEMBERS: &[&str] = &[
    "activationKey",
    "encodedKey",
    "sharedConnectionUuid",
    "destinationAccountId",
    "md5BgpPassword",
    "cak",
    "ckn",
];

/// Replacement text for a message about a secret member.
pub(crate) const REDACTED: &str = "invalid value (not shown: the member holds a secret)";

/// Whether the member at the dotted JSON `path` (for example
/// `features[0].featureConfig.l3BaseConfig.md5BgpPassword`) holds a secret.
pub(crate) fn is_secret_path(path: &str) -> bool {
    path.split('.').any(|segment| {
        let member = segment.split('[').next().unwrap_or(segment);
        SECRET_MEMBERS.contains(&member)
    })
}

/// `message`, or [`REDACTED`] when `path` names a secret member.
pub(crate) fn message_at(path: &str, message: String) -> String {
    if is_secret_path(path) {
        REDACTED.to_string()
    } else {
        message
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_members_are_recognised_anywhere_in_the_path() {
        assert!(is_secret_path(
            "features[0].featureConfig.l3BaseConfig.md5BgpPassword"
        ));
        assert!(is_secret_path("macSecKeys[2].cak"));
        assert!(is_secret_path("activationKey"));
        assert!(!is_secret_path("featureConfig.l3BaseConfig.vlanId"));
        assert!(!is_secret_path("."));
    }

    #[test]
    fn messages_at_secret_paths_are_replaced() {
        assert_eq!(message_at("cak", "\"s3cret\" bad".into()), REDACTED);
        assert_eq!(message_at("vlanId", "bad".into()), "bad");
    }
}
