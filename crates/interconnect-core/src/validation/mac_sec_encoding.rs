//! How a MACsec CAK and CKN are written (`schemas/macseckey.yaml`
//! `MacSecKey.cak`, `.ckn`: plain strings, no encoding given;
//! `spec/ERRATA.md` E-14). The encoding is agreed with each partner out of
//! band, like the rest of the shared configuration; hexadecimal is the
//! default (MACSEC-11, MACSEC-12).

use base64::Engine;
use serde::{Deserialize, Serialize};

use super::rules::{MACSEC_CAK_FORMAT, MACSEC_CKN_FORMAT, MACSEC_KEY_PRESENT};
use super::violation::{Collector, Violation};
use crate::wire::MacSecKey;

/// Longest `text` CAK or CKN, in bytes.
pub const MAX_MAC_SEC_TEXT_LEN: usize = 256;

/// The encoding of a CAK and CKN agreed with one partner.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum MacSecKeyEncoding {
    /// Hexadecimal octets, either letter case (the default): a CAK of 16 or
    /// 32 octets, a CKN of 1 to 32.
    #[default]
    Hex,
    /// Standard base64 (RFC 4648 section 4, padding optional) of the same
    /// octets.
    Base64,
    /// The text as the devices take it, 1 to [`MAX_MAC_SEC_TEXT_LEN`]
    /// bytes: no octet count is checked.
    Text,
}

impl MacSecKeyEncoding {
    /// The octets `text` holds, or `None` when it is not of this encoding.
    /// For [`Text`](Self::Text), the length in bytes.
    pub fn octets(self, text: &str) -> Option<usize> {
        match self {
            MacSecKeyEncoding::Hex => (text.len().is_multiple_of(2)
                && text.bytes().all(|b| b.is_ascii_hexdigit()))
            .then_some(text.len() / 2),
            MacSecKeyEncoding::Base64 => base64::engine::GeneralPurpose::new(
                &base64::alphabet::STANDARD,
                base64::engine::GeneralPurposeConfig::new()
                    .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
            )
            .decode(text)
            .ok()
            .map(|bytes| bytes.len()),
            MacSecKeyEncoding::Text => {
                (!text.is_empty() && text.len() <= MAX_MAC_SEC_TEXT_LEN).then_some(text.len())
            }
        }
    }

    /// Writes `octets` in this encoding ([`Text`](Self::Text) writes hex
    /// digits, which are text).
    pub fn encode(self, octets: &[u8]) -> String {
        match self {
            MacSecKeyEncoding::Base64 => base64::engine::general_purpose::STANDARD.encode(octets),
            MacSecKeyEncoding::Hex | MacSecKeyEncoding::Text => {
                octets.iter().map(|b| format!("{b:02x}")).collect()
            }
        }
    }

    fn label(self) -> &'static str {
        match self {
            MacSecKeyEncoding::Hex => "hexadecimal octets",
            MacSecKeyEncoding::Base64 => "base64 octets",
            MacSecKeyEncoding::Text => "1 to 256 bytes of text",
        }
    }
}

/// Checks the CAK and CKN of a MACsec key written in `encoding`. Messages
/// never show either value.
pub fn validate_mac_sec_key_as(key: &MacSecKey, encoding: MacSecKeyEncoding) -> Vec<Violation> {
    let mut c = Collector::default();
    let text = encoding == MacSecKeyEncoding::Text;
    match key.cak.as_ref().map(|s| encoding.octets(s.expose())) {
        None => c.push(MACSEC_KEY_PRESENT, "cak", "cak is required"),
        Some(Some(_)) if text => {}
        Some(Some(16 | 32)) => {}
        Some(Some(n)) => c.push(
            MACSEC_CAK_FORMAT,
            "cak",
            format!("the CAK is {n} octets; 16 or 32 are required"),
        ),
        Some(None) => c.push(
            MACSEC_CAK_FORMAT,
            "cak",
            format!("the CAK must be written as {}", encoding.label()),
        ),
    }
    match key.ckn.as_ref().map(|s| encoding.octets(s.expose())) {
        None => c.push(MACSEC_KEY_PRESENT, "ckn", "ckn is required"),
        Some(Some(_)) if text => {}
        Some(Some(1..=32)) => {}
        Some(Some(n)) => c.push(
            MACSEC_CKN_FORMAT,
            "ckn",
            format!("the CKN is {n} octets; 1 to 32 are required"),
        ),
        Some(None) => c.push(
            MACSEC_CKN_FORMAT,
            "ckn",
            format!("the CKN must be written as {}", encoding.label()),
        ),
    }
    c.violations
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Secret;

    fn key(cak: &str, ckn: &str) -> MacSecKey {
        MacSecKey {
            cak: Some(Secret::new(cak)),
            ckn: Some(Secret::new(ckn)),
            ..MacSecKey::default()
        }
    }

    fn rules(k: &MacSecKey, e: MacSecKeyEncoding) -> Vec<&'static str> {
        validate_mac_sec_key_as(k, e)
            .iter()
            .map(|v| v.rule)
            .collect()
    }

    #[test]
    fn each_encoding_accepts_its_own_form() {
        use MacSecKeyEncoding::*;
        let octets = [0xabu8; 16];
        let hex = key(&Hex.encode(&octets), &Hex.encode(&octets[..8]));
        let b64 = key(&Base64.encode(&octets), &Base64.encode(&octets[..8]));
        assert!(rules(&hex, Hex).is_empty());
        assert!(rules(&b64, Base64).is_empty(), "MACSEC-11/12 in base64");
        assert_eq!(
            rules(&b64, Hex),
            vec![MACSEC_CAK_FORMAT, MACSEC_CKN_FORMAT],
            "base64 is not hex"
        );
        let plain = key("MACsec CAK", "MACsec CKN");
        assert!(
            rules(&plain, Text).is_empty(),
            "the upstream examples as text"
        );
        assert_eq!(rules(&plain, Hex).len(), 2);
        assert_eq!(
            rules(&key(&Base64.encode(&octets[..15]), "AA=="), Base64),
            vec![MACSEC_CAK_FORMAT],
            "15 octets is no CAK in any encoding but text"
        );
        assert_eq!(rules(&key("", &"x".repeat(257)), Text).len(), 2);
    }

    #[test]
    fn the_default_is_hex_and_the_setting_reads_in_camel_case() -> Result<(), serde_json::Error> {
        assert_eq!(MacSecKeyEncoding::default(), MacSecKeyEncoding::Hex);
        let e: MacSecKeyEncoding = serde_json::from_str("\"base64\"")?;
        assert_eq!(e, MacSecKeyEncoding::Base64);
        Ok(())
    }

    #[test]
    fn messages_never_show_the_values() {
        let secret = "not-hex-secret-value";
        for v in validate_mac_sec_key_as(&key(secret, secret), MacSecKeyEncoding::Hex) {
            assert!(!v.message.contains(secret), "{}", v.message);
        }
    }
}
