//! Path parameters (`parameters/_index.yaml` `provider` .. `issue`) read
//! into typed names (`spec/REQUIREMENTS.md` NAME-1..NAME-10). A segment that
//! breaks the segment rules is 400 naming NAME-9 and the placeholder.

use std::collections::HashMap;

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use interconnect_core::names::{
    ChannelName, ConnectionName, EnvironmentName, FeatureName, InterconnectName, IssueName,
    MacSecKeyName, NameError, ProviderName,
};
use interconnect_provider::CoordinatorError;

use crate::error_body::ApiError;
use crate::rules;

/// The path parameters of a matched route, by placeholder.
#[derive(Debug, Clone, Default)]
pub(crate) struct Segments(HashMap<String, String>);

fn name_error(e: NameError) -> CoordinatorError {
    CoordinatorError::invalid_argument(rules::NAME_SEGMENT, e.to_string())
}

impl Segments {
    /// Segments from placeholder -> value pairs.
    #[cfg(test)]
    pub(crate) fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        Segments(
            pairs
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
        )
    }

    fn get(&self, level: &'static str) -> Result<&str, CoordinatorError> {
        self.0.get(level).map(String::as_str).ok_or_else(|| {
            CoordinatorError::internal(
                rules::ERR_UNKNOWN_ROUTE,
                format!("the route has no {level} placeholder"),
            )
        })
    }

    /// `providers/{provider}`.
    pub(crate) fn provider(&self) -> Result<ProviderName, CoordinatorError> {
        ProviderName::new(self.get("provider")?).map_err(name_error)
    }

    /// `.../environments/{environment}`.
    pub(crate) fn environment(&self) -> Result<EnvironmentName, CoordinatorError> {
        self.provider()?
            .environment(self.get("environment")?)
            .map_err(name_error)
    }

    /// `.../interconnects/{interconnect}`.
    pub(crate) fn interconnect(&self) -> Result<InterconnectName, CoordinatorError> {
        self.environment()?
            .interconnect(self.get("interconnect")?)
            .map_err(name_error)
    }

    /// `.../channels/{channel}`.
    pub(crate) fn channel(&self) -> Result<ChannelName, CoordinatorError> {
        self.interconnect()?
            .channel(self.get("channel")?)
            .map_err(name_error)
    }

    /// `.../macSecKeys/{macSecKey}`.
    pub(crate) fn mac_sec_key(&self) -> Result<MacSecKeyName, CoordinatorError> {
        self.channel()?
            .mac_sec_key(self.get("macSecKey")?)
            .map_err(name_error)
    }

    /// `.../connections/{connection}`.
    pub(crate) fn connection(&self) -> Result<ConnectionName, CoordinatorError> {
        self.interconnect()?
            .connection(self.get("connection")?)
            .map_err(name_error)
    }

    /// `.../features/{feature}`.
    pub(crate) fn feature(&self) -> Result<FeatureName, CoordinatorError> {
        self.connection()?
            .feature(self.get("feature")?)
            .map_err(name_error)
    }

    /// `providers/{provider}/issues/{issue}`.
    pub(crate) fn issue(&self) -> Result<IssueName, CoordinatorError> {
        self.provider()?
            .issue(self.get("issue")?)
            .map_err(name_error)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Segments {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(map) = Path::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map_err(|_| {
                ApiError::new(CoordinatorError::invalid_argument(
                    rules::NAME_SEGMENT,
                    "a path segment is not valid percent-encoded UTF-8",
                ))
            })?;
        Ok(Segments(map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_become_typed_names() {
        let s = Segments::from_pairs([
            ("provider", "gcp"),
            ("environment", "e1"),
            ("interconnect", "ix1"),
            ("connection", "c1"),
            ("feature", "f1"),
        ]);
        assert_eq!(
            s.feature().expect("valid").to_string(),
            "providers/gcp/environments/e1/interconnects/ix1/connections/c1/features/f1"
        );
        let bad = Segments::from_pairs([("provider", "g cp")]);
        let e = bad.provider().expect_err("NAME-9");
        assert_eq!(e.rule(), "NAME-9");
        assert!(e.message().contains("provider"), "{e}");
    }
}
