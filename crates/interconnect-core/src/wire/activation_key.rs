//! The versioned activation key and its parameters (`schemas/environment.yaml`
//! of upstream main, PR #61; the upstream change list, A2,
//! A3): `ActivationKey` (the envelope), `ActivationKeyV1`,
//! `ActivationKeyV2`, `ActivationKeyEncryptedPayload`,
//! `GetActivationKeyParametersResponse` and `EncryptionParameters`.
//!
//! The envelope is decided by its integer `version` (an OpenAPI
//! discriminator meant for strings, so it is read by hand): 1 and 2 are
//! their variants, any other version is kept as it came
//! ([`ActivationKey::Other`]), never refused for being new. A key object
//! without `version` is read as version 1 (E-201).

#[cfg(feature = "schemars")]
use std::borrow::Cow;
use std::fmt;

#[cfg(feature = "schemars")]
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use super::{Secret, Timestamp};
use crate::names::EnvironmentName;

/// `ActivationKey`: the decoded key object, of any version. Travels
/// base64-encoded (`encodedKey`); this object form is only in the
/// deprecated `ConfirmActivationKeyRequest.key`.
#[derive(Clone, Debug, PartialEq)]
pub enum ActivationKey {
    /// `version` 1 (or absent, E-201): every member in clear.
    V1(ActivationKeyV1),
    /// `version` 2: the members encrypted for the destination.
    V2(ActivationKeyV2),
    /// A version this release does not know, kept as it came.
    Other(OtherActivationKey),
}

impl ActivationKey {
    /// The key's `version`.
    pub fn version(&self) -> i32 {
        match self {
            ActivationKey::V1(k) => k.version,
            ActivationKey::V2(k) => k.version,
            ActivationKey::Other(k) => k.version,
        }
    }

    /// `destinationEnvironmentUri`, in clear in every version.
    pub fn destination_environment_uri(&self) -> &EnvironmentName {
        match self {
            ActivationKey::V1(k) => &k.destination_environment_uri,
            ActivationKey::V2(k) => &k.destination_environment_uri,
            ActivationKey::Other(k) => &k.destination_environment_uri,
        }
    }
}

/// `ActivationKeyV1`: a version 1 key, all five members required.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ActivationKeyV1 {
    /// Always 1.
    pub version: i32,
    /// The environment, under the destination provider, the key is meant for.
    pub destination_environment_uri: EnvironmentName,
    /// UUID both providers use for the connection (secret).
    pub shared_connection_uuid: Secret,
    /// Size of the connection to provision, in Mbit/s.
    pub connection_size_mbps: i32,
    /// The customer's account on the destination provider, which must have
    /// authorized the key (secret).
    pub destination_account_id: Secret,
}

/// `ActivationKeyV2`: a version 2 key.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ActivationKeyV2 {
    /// Always 2.
    pub version: i32,
    /// The environment the key is meant for, in clear so that the receiver
    /// knows which private keys to try.
    pub destination_environment_uri: EnvironmentName,
    /// Base64 of the RSA-OAEP-256 ciphertext of an
    /// [`ActivationKeyEncryptedPayload`].
    #[cfg_attr(feature = "schemars", schemars(extend("format" = "byte")))]
    pub encrypted_contents: String,
}

/// A key of a version this release does not know: its version, its
/// destination and its other members, unread. `Debug` shows the version
/// and the destination only.
#[derive(Clone, PartialEq)]
pub struct OtherActivationKey {
    /// The key's `version`.
    pub version: i32,
    /// `destinationEnvironmentUri`, required in every version.
    pub destination_environment_uri: EnvironmentName,
    /// The other members, as received.
    pub members: Map<String, Value>,
}

impl fmt::Debug for OtherActivationKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OtherActivationKey")
            .field("version", &self.version)
            .field(
                "destination_environment_uri",
                &self.destination_environment_uri,
            )
            .field("members", &format_args!("<{} unread>", self.members.len()))
            .finish()
    }
}

/// `ActivationKeyEncryptedPayload`: the plaintext of `encryptedContents`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ActivationKeyEncryptedPayload {
    /// UUID both providers use for the connection (secret).
    pub shared_connection_uuid: Secret,
    /// Size of the connection to provision, in Mbit/s.
    pub connection_size_mbps: i32,
    /// The customer's account on the destination provider (secret).
    pub destination_account_id: Secret,
    /// The customer's account on the key creator (secret; new in version 2).
    pub source_account_id: Secret,
}

/// `GetActivationKeyParametersResponse`: which key versions an environment
/// accepts, and how to encrypt a version 2 key for it.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct GetActivationKeyParametersResponse {
    /// The versions accepted; the key creator uses the highest it also
    /// knows.
    #[serde(deserialize_with = "super::null_list::read")]
    pub supported_versions: Vec<i32>,
    /// How to build a version 2 key; absent when only version 1 is
    /// accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption: Option<EncryptionParameters>,
}

/// `EncryptionParameters`: the environment's current public key.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct EncryptionParameters {
    /// PEM of the public key (we send `PUBLIC KEY`, SubjectPublicKeyInfo,
    /// E-205).
    pub public_key: String,
    /// When the environment next rotates its key pair; a cached key is
    /// usable until then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_rotation_at: Option<Timestamp>,
    /// `RSA-OAEP-256`.
    pub algorithm: String,
    /// `PKCS8` as upstream's example (E-205).
    pub key_format: String,
}

/// What the reader takes from any key object: the typed members of the two
/// known versions (so that a member of the wrong type is named with its
/// path) and the rest.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawActivationKey {
    #[serde(default)]
    version: Option<i32>,
    #[serde(default)]
    destination_environment_uri: Option<EnvironmentName>,
    #[serde(default)]
    shared_connection_uuid: Option<Secret>,
    #[serde(default)]
    connection_size_mbps: Option<i32>,
    #[serde(default)]
    destination_account_id: Option<Secret>,
    #[serde(default)]
    encrypted_contents: Option<String>,
    #[serde(flatten)]
    other: Map<String, Value>,
}

fn missing<E: serde::de::Error>(member: &'static str) -> E {
    E::missing_field(member)
}

impl<'de> Deserialize<'de> for ActivationKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = RawActivationKey::deserialize(d)?;
        let environment = raw
            .destination_environment_uri
            .ok_or_else(|| missing("destinationEnvironmentUri"))?;
        // E-201: no version and nothing encrypted is the May object.
        let version = match raw.version {
            Some(v) => v,
            None if raw.encrypted_contents.is_none() => 1,
            None => return Err(missing("version")),
        };
        match version {
            1 => Ok(ActivationKey::V1(ActivationKeyV1 {
                version,
                destination_environment_uri: environment,
                shared_connection_uuid: raw
                    .shared_connection_uuid
                    .ok_or_else(|| missing("sharedConnectionUuid"))?,
                connection_size_mbps: raw
                    .connection_size_mbps
                    .ok_or_else(|| missing("connectionSizeMbps"))?,
                destination_account_id: raw
                    .destination_account_id
                    .ok_or_else(|| missing("destinationAccountId"))?,
            })),
            2 => Ok(ActivationKey::V2(ActivationKeyV2 {
                version,
                destination_environment_uri: environment,
                encrypted_contents: raw
                    .encrypted_contents
                    .ok_or_else(|| missing("encryptedContents"))?,
            })),
            _ => {
                let mut members = raw.other;
                let mut keep = |name: &str, value: Option<Value>| {
                    if let Some(value) = value {
                        members.insert(name.to_owned(), value);
                    }
                };
                keep(
                    "sharedConnectionUuid",
                    raw.shared_connection_uuid
                        .map(|s| Value::String(s.expose().to_owned())),
                );
                keep(
                    "connectionSizeMbps",
                    raw.connection_size_mbps.map(Value::from),
                );
                keep(
                    "destinationAccountId",
                    raw.destination_account_id
                        .map(|s| Value::String(s.expose().to_owned())),
                );
                keep("encryptedContents", raw.encrypted_contents.map(Value::from));
                Ok(ActivationKey::Other(OtherActivationKey {
                    version,
                    destination_environment_uri: environment,
                    members,
                }))
            }
        }
    }
}

impl Serialize for ActivationKey {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            ActivationKey::V1(k) => k.serialize(s),
            ActivationKey::V2(k) => k.serialize(s),
            ActivationKey::Other(k) => {
                let mut members = Map::new();
                members.insert("version".into(), Value::from(k.version));
                members.insert(
                    "destinationEnvironmentUri".into(),
                    Value::String(k.destination_environment_uri.to_string()),
                );
                for (name, value) in &k.members {
                    members.entry(name.clone()).or_insert_with(|| value.clone());
                }
                members.serialize(s)
            }
        }
    }
}

#[cfg(feature = "schemars")]
impl JsonSchema for ActivationKey {
    fn schema_name() -> Cow<'static, str> {
        Cow::Borrowed("ActivationKey")
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let v1 = generator.subschema_for::<ActivationKeyV1>();
        let v2 = generator.subschema_for::<ActivationKeyV2>();
        json_schema!({
            "description": "The decoded activation key: an envelope decided by its integer `version`.",
            "type": "object",
            "required": ["version", "destinationEnvironmentUri"],
            "properties": {
                "version": {"type": "integer", "format": "int32"},
                "destinationEnvironmentUri": {"type": "string"},
            },
            "oneOf": [v1, v2],
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::wire::test_support::{TestResult, golden, rejects_at};

    const ENV: &str = "providers/aws/environments/aws-gcp-us-east";

    fn v1_doc() -> Value {
        json!({
            "version": 1,
            "destinationEnvironmentUri": ENV,
            "sharedConnectionUuid": "8e1d2b1a-0c3e-4f53-9a3c-0b1f2f9b7c11",
            "connectionSizeMbps": 10000,
            "destinationAccountId": "123456789012",
        })
    }

    #[test]
    fn the_version_decides_the_variant() -> TestResult {
        let v1: ActivationKey = golden(&v1_doc())?;
        assert!(matches!(&v1, ActivationKey::V1(k) if k.connection_size_mbps == 10000));
        let v2: ActivationKey = golden(&json!({
            "version": 2,
            "destinationEnvironmentUri": ENV,
            "encryptedContents": "AAEC",
        }))?;
        assert!(matches!(&v2, ActivationKey::V2(k) if k.encrypted_contents == "AAEC"));
        assert_eq!(v2.version(), 2);
        assert_eq!(v2.destination_environment_uri().to_string(), ENV);
        Ok(())
    }

    #[test]
    fn an_unknown_version_is_kept_whole() -> TestResult {
        let doc = json!({
            "version": 3,
            "destinationEnvironmentUri": ENV,
            "sealed": {"alg": "x"},
            "sharedConnectionUuid": "secret-uuid",
        });
        let read: ActivationKey = serde_json::from_value(doc.clone())?;
        let ActivationKey::Other(other) = &read else {
            panic!("kept as Other: {read:?}")
        };
        assert_eq!(other.version, 3);
        assert_eq!(serde_json::to_value(&read)?, doc);
        assert!(!format!("{read:?}").contains("secret-uuid"));
        for version in [0, -1, i32::MAX] {
            let mut d = doc.clone();
            d["version"] = json!(version);
            let read: ActivationKey = serde_json::from_value(d)?;
            assert_eq!(read.version(), version);
        }
        Ok(())
    }

    /// E-201: the May object without `version` is read as version 1.
    #[test]
    fn a_key_without_version_reads_as_version_1() -> TestResult {
        let mut doc = v1_doc();
        if let Some(o) = doc.as_object_mut() {
            o.remove("version");
        }
        let read: ActivationKey = serde_json::from_value(doc)?;
        assert_eq!(read.version(), 1);
        assert_eq!(
            serde_json::to_value(&read)?,
            v1_doc(),
            "written with its version"
        );
        let err = serde_json::from_value::<ActivationKey>(json!({
            "destinationEnvironmentUri": ENV,
            "encryptedContents": "AAEC",
        }))
        .expect_err("an encrypted key must say its version");
        assert!(err.to_string().contains("version"), "{err}");
        Ok(())
    }

    #[test]
    fn members_of_each_version_are_required_and_typed() {
        for (doc, member) in [
            (
                json!({"version": 2, "destinationEnvironmentUri": ENV}),
                "encryptedContents",
            ),
            (
                json!({"version": 2, "encryptedContents": "AA"}),
                "destinationEnvironmentUri",
            ),
            (json!({"version": 7}), "destinationEnvironmentUri"),
        ] {
            let err = crate::wire::from_json::<ActivationKey>(doc.to_string().as_bytes())
                .expect_err(member);
            assert!(err.to_string().contains(member), "{err}");
        }
        rejects_at::<ActivationKey>(
            &json!({"version": 2, "destinationEnvironmentUri": ENV, "encryptedContents": 5}),
            "encryptedContents",
        );
        rejects_at::<ActivationKey>(&json!({"version": 2.5}), "version");
    }

    proptest::proptest! {
        /// Every key, of a known version or not, reads back as written.
        #[test]
        fn any_key_reads_back_as_written(key in crate::wire::arbitrary::any_activation_key()) {
            let json = serde_json::to_value(&key).map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
            let read: ActivationKey = serde_json::from_value(json).map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
            proptest::prop_assert_eq!(read, key);
        }
    }

    #[test]
    fn key_parameters_read_and_write() -> TestResult {
        let doc = json!({
            "supportedVersions": [1, 2],
            "encryption": {
                "publicKey": "-----BEGIN PUBLIC KEY-----\n...",
                "nextRotationAt": "2026-09-08T00:00:00Z",
                "algorithm": "RSA-OAEP-256",
                "keyFormat": "PKCS8",
            },
        });
        let read: GetActivationKeyParametersResponse = golden(&doc)?;
        assert_eq!(read.supported_versions, vec![1, 2]);
        let only_v1: GetActivationKeyParametersResponse =
            golden(&json!({"supportedVersions": [1]}))?;
        assert_eq!(only_v1.encryption, None);
        rejects_at::<GetActivationKeyParametersResponse>(
            &json!({"supportedVersions": ["2"]}),
            "supportedVersions[0]",
        );
        rejects_at::<GetActivationKeyParametersResponse>(
            &json!({"supportedVersions": [2], "encryption": {"publicKey": "x", "algorithm": "RSA-OAEP-256"}}),
            "encryption",
        );
        let payload: ActivationKeyEncryptedPayload = golden(&json!({
            "sharedConnectionUuid": "u",
            "connectionSizeMbps": 50,
            "destinationAccountId": "d",
            "sourceAccountId": "s",
        }))?;
        assert_eq!(payload.source_account_id.expose(), "s");
        assert!(!format!("{payload:?}").contains("\"s\""));
        Ok(())
    }
}
