//! Provider resources (`schemas/provider.yaml`): the root of the hierarchy,
//! one per partner the server knows and one for the server itself.

use serde::{Deserialize, Serialize};

use crate::names::ProviderName;

/// `Provider`: a provider known to the server, or the server itself.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Provider {
    /// Identifier. `providers/{provider}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<ProviderName>,
    /// Name suitable for display to end users. No longer output-only on
    /// upstream main (`schemas/provider.yaml`, E-161).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
}

/// `ListProvidersResponse`.
///
/// Upstream main names the list `providers`; the May version named it
/// `environments` (a copy-paste slip, `spec/ERRATA.md` E-1, E-160). We write
/// `providers` and read either; when a document carries both, `providers`
/// wins.
#[derive(Clone, Debug, PartialEq, Default, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ListProvidersResponse {
    /// The providers known to the server.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub providers: Vec<Provider>,
    /// Token for the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

/// What a `ListProvidersResponse` may hold on input: the current member and
/// the May name of the same list.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListProvidersInput {
    #[serde(default, deserialize_with = "super::null_list::read")]
    providers: Vec<Provider>,
    /// The May name of `providers` (E-160).
    #[serde(default, deserialize_with = "super::null_list::read")]
    environments: Vec<Provider>,
    #[serde(default)]
    next_page_token: Option<String>,
}

impl<'de> Deserialize<'de> for ListProvidersResponse {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let input = ListProvidersInput::deserialize(d)?;
        let providers = if input.providers.is_empty() {
            input.environments
        } else {
            input.providers
        };
        Ok(ListProvidersResponse {
            providers,
            next_page_token: input.next_page_token,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn golden_provider() -> Result<(), Box<dyn std::error::Error>> {
        let doc = json!({"name": "providers/aws", "displayName": "Amazon Web Services"});
        let p: Provider = serde_json::from_value(doc.clone())?;
        assert_eq!(p.name, Some(ProviderName::new("aws")?));
        assert_eq!(serde_json::to_value(&p)?, doc);
        assert_eq!(serde_json::to_value(Provider::default())?, json!({}));
        Ok(())
    }

    #[test]
    fn upstream_examples() -> Result<(), Box<dyn std::error::Error>> {
        use crate::wire::test_support::upstream_example;
        if let Some(doc) = upstream_example("Provider") {
            let p: Provider = serde_json::from_value(doc.clone())?;
            assert_eq!(serde_json::to_value(&p)?, doc);
        }
        // The example lists `providers`, as the schema now does.
        if let Some(doc) = upstream_example("ListProvidersResponse") {
            let l: ListProvidersResponse = serde_json::from_value(doc)?;
            assert_eq!(l.providers.len(), 2);
        }
        Ok(())
    }

    #[test]
    fn list_providers_writes_providers_and_reads_both_names()
    -> Result<(), Box<dyn std::error::Error>> {
        let p = Provider {
            name: Some(ProviderName::new("gcp")?),
            display_name: None,
        };
        let list = ListProvidersResponse {
            providers: vec![p.clone()],
            next_page_token: None,
        };
        assert_eq!(
            serde_json::to_value(&list)?,
            json!({"providers": [{"name": "providers/gcp"}]})
        );
        let read: ListProvidersResponse = serde_json::from_value(
            json!({"providers": [{"name": "providers/gcp"}], "nextPageToken": "t"}),
        )?;
        assert_eq!(read.providers, vec![p.clone()]);
        assert_eq!(read.next_page_token.as_deref(), Some("t"));
        // The May form (E-160).
        let may: ListProvidersResponse =
            crate::wire::from_json(br#"{"environments": [{"name": "providers/gcp"}]}"#)?;
        assert_eq!(may.providers, vec![p.clone()]);
        // Both names: the current one wins.
        let both: ListProvidersResponse = serde_json::from_value(json!({
            "environments": [{"name": "providers/aws"}],
            "providers": [{"name": "providers/gcp"}],
        }))?;
        assert_eq!(both.providers, vec![p]);
        // Bad members are still named by path, under either name.
        crate::wire::test_support::rejects_at::<ListProvidersResponse>(
            &json!({"environments": [{"name": "x/y"}]}),
            "environments[0].name",
        );
        crate::wire::test_support::rejects_at::<ListProvidersResponse>(
            &json!({"providers": [{"displayName": 5}]}),
            "providers[0].displayName",
        );
        Ok(())
    }
}
