//! Provider resources (`schemas/provider.yaml`): the root of the hierarchy,
//! one per partner the server knows and one for the server itself.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::names::ProviderName;

/// `Provider`: a provider known to the server, or the server itself.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Provider {
    /// Identifier. `providers/{provider}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<ProviderName>,
    /// Output only. Name suitable for display to end users.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
}

/// `ListProvidersResponse`.
///
/// The schema names the list `environments` while its example (and every
/// other list response) would call it `providers` (`spec/ERRATA.md`). We write
/// the schema's `environments` and also read `providers`.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ListProvidersResponse {
    /// The providers known to the server.
    #[serde(
        rename = "environments",
        alias = "providers",
        default,
        deserialize_with = "super::null_list::read",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub providers: Vec<Provider>,
    /// Token for the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
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
        // The example lists `providers` where the schema says `environments`.
        if let Some(doc) = upstream_example("ListProvidersResponse") {
            let l: ListProvidersResponse = serde_json::from_value(doc)?;
            assert_eq!(l.providers.len(), 2);
        }
        Ok(())
    }

    #[test]
    fn list_providers_writes_environments_and_reads_both() -> Result<(), Box<dyn std::error::Error>>
    {
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
            json!({"environments": [{"name": "providers/gcp"}]})
        );
        let read: ListProvidersResponse = serde_json::from_value(
            json!({"providers": [{"name": "providers/gcp"}], "nextPageToken": "t"}),
        )?;
        assert_eq!(read.providers, vec![p]);
        assert_eq!(read.next_page_token.as_deref(), Some("t"));
        Ok(())
    }
}
