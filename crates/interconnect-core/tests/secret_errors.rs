//! No secret in any error (issue 19 item 10, E-324): a secret member sent
//! with the wrong JSON type is refused with an error that names the member
//! and the expected type, never the value sent.

use interconnect_core::customer::{ConnectionRequest, PairContext, TransportAcceptance};
use interconnect_core::wire::{
    self, ActivationKeyEncryptedPayload, ActivationKeyV1, ConfirmActivationKeyRequest, Connection,
    EncodedKey, L3BaseConfig, MacSecKey,
};
use serde::de::DeserializeOwned;

/// Values of the wrong type, each with a marker that must not be echoed.
const WRONG: [(&str, &str); 7] = [
    ("123456789012345", "123456789012345"),
    ("-98765432101", "98765432101"),
    ("31415.9265", "31415"),
    ("true", "true"),
    (r#"["s3cr3t-in-array"]"#, "s3cr3t"),
    (r#"{"k": "s3cr3t-in-object"}"#, "s3cr3t"),
    ("null", "null"),
];

fn check<T: DeserializeOwned + std::fmt::Debug>(what: &str, member: &str) {
    for (json, marker) in WRONG {
        let text = format!("{{\"{member}\": {json}}}");
        let result = wire::from_json::<T>(text.as_bytes());
        let Err(e) = result else {
            if json == "null" {
                // an optional member may be null: nothing to refuse
                continue;
            }
            panic!("{what}.{member} = {json} was accepted");
        };
        let message = e.to_string();
        assert!(
            message.contains(member),
            "{what}: the error names the member {member}: {message}"
        );
        assert!(
            message.contains("expected a string"),
            "{what}.{member}: the error names the expected type: {message}"
        );
        if marker != "null" {
            assert!(
                !message.contains(marker),
                "{what}.{member} = {json}: the value is echoed: {message}"
            );
        }
    }
}

#[test]
fn wire_secret_members_of_the_wrong_type_are_not_echoed() {
    check::<MacSecKey>("MacSecKey", "cak");
    check::<MacSecKey>("MacSecKey", "ckn");
    check::<L3BaseConfig>("L3BaseConfig", "md5BgpPassword");
    check::<Connection>("Connection", "activationKey");
    check::<ConfirmActivationKeyRequest>("ConfirmActivationKeyRequest", "encodedKey");
    check::<EncodedKey>("EncodedKey", "encodedKey");
    check::<ActivationKeyV1>("ActivationKeyV1", "sharedConnectionUuid");
    check::<ActivationKeyV1>("ActivationKeyV1", "destinationAccountId");
    check::<ActivationKeyEncryptedPayload>("ActivationKeyEncryptedPayload", "sharedConnectionUuid");
    check::<ActivationKeyEncryptedPayload>("ActivationKeyEncryptedPayload", "destinationAccountId");
    check::<ActivationKeyEncryptedPayload>("ActivationKeyEncryptedPayload", "sourceAccountId");
}

#[test]
fn customer_secret_members_of_the_wrong_type_are_not_echoed() {
    check::<ConnectionRequest>("ConnectionRequest", "remoteAccountId");
    check::<TransportAcceptance>("TransportAcceptance", "activationKey");
    check::<TransportAcceptance>("TransportAcceptance", "acceptingAccountId");
    check::<PairContext>("PairContext", "keyDestinationAccountId");
    check::<PairContext>("PairContext", "acceptingAccountId");
}

#[test]
fn other_members_name_the_type_received_without_its_value() {
    let e = wire::from_json::<Connection>(br#"{"bandwidthMbps": "777777777x"}"#)
        .expect_err("a string for a number");
    let message = e.to_string();
    assert!(message.contains("bandwidthMbps"), "{message}");
    assert!(message.contains("invalid type: string"), "{message}");
    assert!(!message.contains("777777777x"), "{message}");
}
