//! Environment resources (`schemas/environment.yaml`): where and how two
//! providers meet, and the activation key exchanged to create a connection.

use serde::{Deserialize, Serialize};

use super::{ActivationKey, EnvironmentVisibility, FeatureType, Secret};
use crate::names::{EnvironmentName, ProviderName};

/// `Environment`: a meeting point of two providers, shown to customers, whose
/// interconnects carry their connections.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Environment {
    /// The environment's resource name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<EnvironmentName>,
    /// Output only. The site of each of the two providers (at most two
    /// entries).
    #[serde(
        default,
        deserialize_with = "super::null_list::read",
        skip_serializing_if = "Vec::is_empty"
    )]
    #[cfg_attr(feature = "schemars", schemars(extend("readOnly" = true)))]
    pub provider_sites: Vec<ProviderSites>,
    /// Endpoint of the parent provider's API for this environment and
    /// everything under it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_uri: Option<String>,
    /// Output only. Connection sizes, in Mbit/s, every interconnect of the
    /// environment supports.
    #[serde(
        default,
        deserialize_with = "super::null_list::read",
        skip_serializing_if = "Vec::is_empty"
    )]
    #[cfg_attr(feature = "schemars", schemars(extend("readOnly" = true)))]
    pub supported_connection_size_mbps: Vec<i32>,
    /// Output only. Features every interconnect of the environment supports.
    #[serde(
        default,
        deserialize_with = "super::null_list::read",
        skip_serializing_if = "Vec::is_empty"
    )]
    #[cfg_attr(feature = "schemars", schemars(extend("readOnly" = true)))]
    pub supported_features: Vec<FeatureType>,
    /// Output only. Who among customers may see the environment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(extend("readOnly" = true)))]
    pub environment_visibility: Option<EnvironmentVisibility>,
    /// Hours a deferring provider waits for its peer to finish a connection
    /// before it declares the connection failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deferral_timeout_hours: Option<i32>,
    /// Whether the active provider always hands provisioning of connections
    /// in this environment to the passive provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub defer_connection_provisioning: Option<bool>,
}

/// `ProviderSites`: one provider's site in an environment, with its display
/// name.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ProviderSites {
    /// The provider the site belongs to. Read as either
    /// `providers/{provider}` or a bare provider id, written in full.
    #[serde(
        default,
        deserialize_with = "super::provider_ref::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<String>"))]
    pub provider_id: Option<ProviderName>,
    /// The provider's own name for the site (for example `us-east4`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    /// Name of the site to show customers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
}

/// `ListEnvironmentsResponse`: one page of environments.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ListEnvironmentsResponse {
    /// The environments on this page.
    #[serde(
        default,
        deserialize_with = "super::null_list::read",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub environments: Vec<Environment>,
    /// Token for the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

/// `ConfirmActivationKeyRequest`: asks the provider that issued an activation
/// key whether it is valid.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConfirmActivationKeyRequest {
    /// Deprecated upstream in favour of `encodedKey`: the key as a decoded
    /// object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(extend("deprecated" = true)))]
    pub key: Option<ActivationKey>,
    /// The key as base64 text of its JSON form (secret).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(extend("format" = "byte")))]
    pub encoded_key: Option<Secret>,
}

/// `ConfirmActivationKeyResponse`: the issuer's verdict on a key.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConfirmActivationKeyResponse {
    /// Whether the issuer considers the key valid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_valid: Option<bool>,
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::wire::test_support::{ENV, TestResult, golden, rejects_at, upstream_example};

    fn environment_doc() -> Value {
        json!({
            "name": ENV,
            "providerSites": [
                {"providerId": "providers/aws", "site": "us-east-1", "displayName": "N. Virginia"},
                {"providerId": "providers/gcp", "site": "us-east4", "displayName": "Ashburn"},
            ],
            "apiUri": "https://interconnect.example.net/v1/",
            "supportedConnectionSizeMbps": [1000, 10000, 100000],
            "supportedFeatures": ["FEATURE_TYPE_L3_BASE"],
            "environmentVisibility": "ENVIRONMENT_VISIBILITY_PUBLIC",
            "deferralTimeoutHours": 72,
            "deferConnectionProvisioning": true,
        })
    }

    fn key_doc() -> Value {
        json!({
            "version": 1,
            "destinationEnvironmentUri": "providers/aws/environments/aws-gcp-us-east",
            "sharedConnectionUuid": "8e1d2b1a-0c3e-4f53-9a3c-0b1f2f9b7c11",
            "connectionSizeMbps": 10000,
            "destinationAccountId": "123456789012",
        })
    }

    #[test]
    fn golden_environment() -> TestResult {
        let e: Environment = golden(&environment_doc())?;
        assert_eq!(e.name, Some(ENV.parse()?));
        assert_eq!(
            e.provider_sites,
            vec![
                ProviderSites {
                    provider_id: Some(ProviderName::new("aws")?),
                    site: Some("us-east-1".into()),
                    display_name: Some("N. Virginia".into()),
                },
                ProviderSites {
                    provider_id: Some(ProviderName::new("gcp")?),
                    site: Some("us-east4".into()),
                    display_name: Some("Ashburn".into()),
                },
            ]
        );
        assert_eq!(
            e.api_uri.as_deref(),
            Some("https://interconnect.example.net/v1/")
        );
        assert_eq!(e.supported_connection_size_mbps, vec![1000, 10000, 100000]);
        assert_eq!(e.supported_features, vec![FeatureType::L3Base]);
        assert_eq!(
            e.environment_visibility,
            Some(EnvironmentVisibility::Public)
        );
        assert_eq!(e.deferral_timeout_hours, Some(72));
        assert_eq!(e.defer_connection_provisioning, Some(true));
        let list: ListEnvironmentsResponse =
            golden(&json!({"environments": [environment_doc()], "nextPageToken": "x"}))?;
        assert_eq!(list.environments, vec![e]);
        assert_eq!(list.next_page_token.as_deref(), Some("x"));
        Ok(())
    }

    #[test]
    fn golden_activation_key_messages() -> TestResult {
        let k: ActivationKey = golden(&key_doc())?;
        let ActivationKey::V1(v1) = &k else {
            panic!("version 1: {k:?}")
        };
        assert_eq!(v1.version, 1);
        assert_eq!(
            v1.destination_environment_uri,
            "providers/aws/environments/aws-gcp-us-east".parse()?
        );
        assert_eq!(
            v1.shared_connection_uuid.expose(),
            "8e1d2b1a-0c3e-4f53-9a3c-0b1f2f9b7c11"
        );
        assert_eq!(v1.connection_size_mbps, 10000);
        assert_eq!(v1.destination_account_id.expose(), "123456789012");
        let shown = format!("{k:?}");
        assert!(!shown.contains("8e1d2b1a"), "{shown}");
        assert!(!shown.contains("123456789012"), "{shown}");

        let req: ConfirmActivationKeyRequest =
            golden(&json!({"key": key_doc(), "encodedKey": "eyJ2ZXJzaW9uIjoxfQ=="}))?;
        assert_eq!(req.key, Some(k));
        assert_eq!(
            req.encoded_key.as_ref().map(Secret::expose),
            Some("eyJ2ZXJzaW9uIjoxfQ==")
        );
        assert!(!format!("{req:?}").contains("eyJ2"));
        let resp: ConfirmActivationKeyResponse = golden(&json!({"keyValid": false}))?;
        assert_eq!(resp.key_valid, Some(false));
        Ok(())
    }

    #[test]
    fn activation_key_members_are_required() {
        let doc = key_doc();
        // `version` may be absent (E-201): see wire::activation_key tests.
        for member in [
            "destinationEnvironmentUri",
            "sharedConnectionUuid",
            "connectionSizeMbps",
            "destinationAccountId",
        ] {
            let mut partial = doc.clone();
            if let Some(obj) = partial.as_object_mut() {
                obj.remove(member);
            }
            let err = crate::wire::from_json::<ActivationKey>(partial.to_string().as_bytes())
                .expect_err(member);
            assert!(err.to_string().contains(member), "{err}");
        }
    }

    #[test]
    fn empty_documents() -> TestResult {
        assert_eq!(golden::<Environment>(&json!({}))?, Environment::default());
        assert_eq!(
            golden::<ProviderSites>(&json!({}))?,
            ProviderSites::default()
        );
        assert_eq!(
            golden::<ListEnvironmentsResponse>(&json!({}))?,
            ListEnvironmentsResponse::default()
        );
        assert_eq!(
            golden::<ConfirmActivationKeyRequest>(&json!({}))?,
            ConfirmActivationKeyRequest::default()
        );
        assert_eq!(
            golden::<ConfirmActivationKeyResponse>(&json!({}))?,
            ConfirmActivationKeyResponse::default()
        );
        Ok(())
    }

    #[test]
    fn wrong_member_types_name_their_path() {
        rejects_at::<Environment>(
            &json!({"supportedConnectionSizeMbps": [1000, "10G"]}),
            "supportedConnectionSizeMbps[1]",
        );
        rejects_at::<Environment>(
            &json!({"deferralTimeoutHours": true}),
            "deferralTimeoutHours",
        );
        rejects_at::<Environment>(
            &json!({"providerSites": [{"providerId": "providers/"}]}),
            "providerSites[0].providerId",
        );
        rejects_at::<Environment>(&json!({"name": "environments/e"}), "name");
        rejects_at::<ConfirmActivationKeyRequest>(&json!({"key": {"version": "1"}}), "key.version");
        rejects_at::<ConfirmActivationKeyRequest>(&json!({"encodedKey": 1}), "encodedKey");
        rejects_at::<ConfirmActivationKeyResponse>(&json!({"keyValid": "true"}), "keyValid");
        let mut k = key_doc();
        if let Some(obj) = k.as_object_mut() {
            obj.insert("destinationEnvironmentUri".into(), json!("aws-gcp-us-east"));
        }
        rejects_at::<ActivationKey>(&k, "destinationEnvironmentUri");
    }

    #[test]
    fn unknown_members_are_ignored_and_unknown_values_kept() -> TestResult {
        let e: Environment = serde_json::from_value(json!({
            "environmentVisibility": "ENVIRONMENT_VISIBILITY_INTERNAL",
            "supportedFeatures": ["FEATURE_TYPE_L3_BASE", "FEATURE_TYPE_L2"],
            "publicKey": "-----BEGIN PUBLIC KEY-----",
        }))?;
        assert_eq!(
            serde_json::to_value(&e)?,
            json!({
                "environmentVisibility": "ENVIRONMENT_VISIBILITY_INTERNAL",
                "supportedFeatures": ["FEATURE_TYPE_L3_BASE", "FEATURE_TYPE_L2"],
            })
        );
        let mut k = key_doc();
        if let Some(obj) = k.as_object_mut() {
            obj.insert("encryptedContents".into(), json!("AAAA"));
        }
        let read: ActivationKey = serde_json::from_value(k)?;
        assert_eq!(serde_json::to_value(read)?, key_doc());
        Ok(())
    }

    #[test]
    fn upstream_examples() -> TestResult {
        if let Some(doc) = upstream_example("Environment") {
            let e: Environment = serde_json::from_value(doc)?;
            assert_eq!(e.provider_sites.len(), 2);
            assert_eq!(
                e.provider_sites[0]
                    .provider_id
                    .as_ref()
                    .map(ProviderName::id),
                Some("providerId")
            );
        }
        if let Some(doc) = upstream_example("ProviderSites") {
            let s: ProviderSites = serde_json::from_value(doc)?;
            assert_eq!(s.site.as_deref(), Some("site"));
        }
        // The second environment of this example is named just "name".
        if let Some(doc) = upstream_example("ListEnvironmentsResponse") {
            rejects_at::<ListEnvironmentsResponse>(&doc, "environments[1].name");
        }
        if let Some(doc) = upstream_example("ConfirmActivationKeyRequest") {
            let r: ConfirmActivationKeyRequest = serde_json::from_value(doc)?;
            assert_eq!(r.encoded_key, Some(Secret::new("")));
        }
        if let Some(doc) = upstream_example("ConfirmActivationKeyResponse") {
            let r: ConfirmActivationKeyResponse = serde_json::from_value(doc)?;
            assert_eq!(r.key_valid, Some(true));
        }
        Ok(())
    }
}
