//! Property tests for the name types: a name built from random valid
//! segments displays to a text that parses back to the same name, and serde
//! writes and reads that same text.

use std::fmt::{Debug, Display};
use std::str::FromStr;

use proptest::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::*;
use crate::wire::arbitrary as arb;

fn display_then_parse<N>(name: &N) -> Result<(), TestCaseError>
where
    N: Display + FromStr<Err = NameError> + PartialEq + Debug + Serialize + DeserializeOwned,
{
    let text = name.to_string();
    let parsed = text.parse::<N>();
    prop_assert_eq!(parsed.as_ref(), Ok(name));
    let fail = |e: serde_json::Error| TestCaseError::fail(e.to_string());
    prop_assert_eq!(
        serde_json::to_value(name).map_err(fail)?,
        serde_json::Value::String(text)
    );
    let back: N =
        serde_json::from_value(serde_json::to_value(name).map_err(fail)?).map_err(fail)?;
    prop_assert_eq!(&back, name);
    Ok(())
}

proptest! {
    #[test]
    fn provider_names(n in arb::provider_name()) { display_then_parse(&n)?; }
    #[test]
    fn environment_names(n in arb::environment_name()) { display_then_parse(&n)?; }
    #[test]
    fn interconnect_names(n in arb::interconnect_name()) { display_then_parse(&n)?; }
    #[test]
    fn channel_names(n in arb::channel_name()) { display_then_parse(&n)?; }
    #[test]
    fn connection_names(n in arb::connection_name()) { display_then_parse(&n)?; }
    #[test]
    fn feature_names(n in arb::feature_name()) { display_then_parse(&n)?; }
    #[test]
    fn mac_sec_key_names(n in arb::mac_sec_key_name()) { display_then_parse(&n)?; }
    #[test]
    fn issue_names(n in arb::issue_name()) { display_then_parse(&n)?; }

    #[test]
    fn segments_are_kept_verbatim(
        p in arb::segment(), e in arb::segment(), i in arb::segment(), c in arb::segment(),
    ) {
        let text = format!("providers/{p}/environments/{e}/interconnects/{i}/connections/{c}");
        let conn: ConnectionName = text.parse()?;
        prop_assert_eq!(conn.id(), c.as_str());
        prop_assert_eq!(conn.interconnect().id(), i.as_str());
        prop_assert_eq!(conn.interconnect().environment().id(), e.as_str());
        prop_assert_eq!(conn.interconnect().provider().id(), p.as_str());
        prop_assert_eq!(conn.to_string(), text);
    }
}
