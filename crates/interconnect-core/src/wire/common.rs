//! Shared bodies (`schemas/common.yaml`): the empty message. The shared
//! enums of that file live in [`super::enums`].

use serde::{Deserialize, Serialize};

/// `Empty`: a body with no members, returned by methods that have nothing to
/// say. Reads any object (members are ignored) and writes `{}`.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Empty {}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::wire::test_support::{TestResult, golden};

    #[test]
    fn reads_any_object_and_writes_braces() -> TestResult {
        assert_eq!(golden::<Empty>(&json!({}))?, Empty {});
        let e: Empty = serde_json::from_value(json!({"unexpected": [1, 2]}))?;
        assert_eq!(serde_json::to_string(&e)?, "{}");
        assert!(serde_json::from_value::<Empty>(json!("x")).is_err());
        Ok(())
    }
}
