//! String enums of the specification (`AdminState`, `VerificationState`,
//! `ProvisioningState`, `FeatureType`, `InterconnectState`,
//! `EnvironmentVisibility`, and the issue enums `State`, `Priority`,
//! `IssueContext`).
//!
//! Every enum keeps a value this version does not know in `Unknown` and writes
//! it back unchanged, so a peer running a newer version of the specification
//! never breaks us. The upstream examples also write `""` for enums
//! (`spec/ERRATA.md`); that too is kept as `Unknown("")`.

/// Declares a wire enum: known variants with their exact strings, plus
/// `Unknown(String)`.
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident => $text:literal ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, Hash, Debug)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version of the specification does not define,
            /// kept verbatim so it is written back unchanged.
            Unknown(String),
        }

        impl $name {
            /// Every value this version defines, in specification order.
            pub const KNOWN: &'static [&'static str] = &[$($text),+];

            /// The value as written on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $text, )+
                    $name::Unknown(other) => other,
                }
            }

            /// Reads a wire value; never fails (unknown values are kept).
            pub fn from_wire(text: &str) -> Self {
                match text {
                    $( $text => $name::$variant, )+
                    other => $name::Unknown(other.to_owned()),
                }
            }

            /// Whether this is a value this version defines.
            pub fn is_known(&self) -> bool {
                !matches!(self, $name::Unknown(_))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = std::borrow::Cow::<'de, str>::deserialize(d)?;
                Ok($name::from_wire(&text))
            }
        }

        #[cfg(feature = "schemars")]
        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($name))
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "type": "string",
                    "enum": [$($text),+],
                })
            }
        }
    };
}

wire_enum! {
    /// Administrative state of a channel or connection (`common.yaml#/AdminState`).
    AdminState {
        /// `ADMIN_STATE_ENABLED`: a provider has administratively enabled the resource.
        Enabled => "ADMIN_STATE_ENABLED",
        /// `ADMIN_STATE_DISABLED`: a provider has intentionally disabled the resource.
        Disabled => "ADMIN_STATE_DISABLED",
    }
}

wire_enum! {
    /// Verification state of a connection (`common.yaml#/VerificationState`).
    VerificationState {
        /// Verification pending; not ready for production traffic.
        Unverified => "VERIFICATION_STATE_UNVERIFIED",
        /// Verification complete; ready for production traffic.
        Verified => "VERIFICATION_STATE_VERIFIED",
    }
}

wire_enum! {
    /// Provisioning state of a feature (`common.yaml#/ProvisioningState`).
    ProvisioningState {
        /// Created, parameters reserved.
        Pending => "PROVISIONING_STATE_PENDING",
        /// Configuration fully propagated; production traffic may flow.
        Final => "PROVISIONING_STATE_FINAL",
    }
}

wire_enum! {
    /// Kind of feature (`feature.yaml#/FeatureType`).
    FeatureType {
        /// The L3 base feature: the per-channel VLAN, subnets, MTU and BGP sessions.
        L3Base => "FEATURE_TYPE_L3_BASE",
    }
}

wire_enum! {
    /// State of an interconnect (`interconnect.yaml#/InterconnectState`).
    InterconnectState {
        /// Not yet ready for production traffic.
        Pending => "INTERCONNECT_STATE_PENDING",
        /// Ready for production traffic.
        Active => "INTERCONNECT_STATE_ACTIVE",
        /// Serving current customers, closed to new connections.
        Closed => "INTERCONNECT_STATE_CLOSED",
    }
}

wire_enum! {
    /// Customer-facing visibility of an environment (`environment.yaml#/EnvironmentVisibility`).
    EnvironmentVisibility {
        /// Visible to an individual or small number of customers.
        Private => "ENVIRONMENT_VISIBILITY_PRIVATE",
        /// Visible to all customers.
        Public => "ENVIRONMENT_VISIBILITY_PUBLIC",
    }
}

wire_enum! {
    /// State of an issue (`issues.yaml#/State`).
    State {
        /// Unspecified state.
        Unspecified => "STATE_UNSPECIFIED",
        /// Pending triage.
        Open => "STATE_OPEN",
        /// Being actively worked on.
        InProgress => "STATE_IN_PROGRESS",
        /// Requires action from the requesting provider.
        ActionRequired => "STATE_ACTION_REQUIRED",
        /// Resolved.
        Closed => "STATE_CLOSED",
    }
}

wire_enum! {
    /// Priority of an issue (`issues.yaml#/Priority`).
    Priority {
        /// Unspecified priority.
        Unspecified => "PRIORITY_UNSPECIFIED",
        /// Highest priority.
        P0 => "PRIORITY_P0",
        /// High priority.
        P1 => "PRIORITY_P1",
        /// Medium priority.
        P2 => "PRIORITY_P2",
        /// Low priority.
        P3 => "PRIORITY_P3",
        /// Lowest priority.
        P4 => "PRIORITY_P4",
    }
}

wire_enum! {
    /// Preset kind of issue (`issues.yaml#/IssueContext`).
    IssueContext {
        /// Arbitrary content; contexts set as needed.
        Unspecified => "ISSUE_CONTEXT_UNSPECIFIED",
        /// A connection issue; requires a `ConnectionContext`.
        ConnectionIssue => "ISSUE_CONTEXT_CONNECTION_ISSUE",
        /// An interconnect issue; requires an `InterconnectContext`.
        InterconnectIssue => "ISSUE_CONTEXT_INTERCONNECT_ISSUE",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_round_trip_as_their_strings() -> serde_json::Result<()> {
        for text in AdminState::KNOWN {
            let v: AdminState = serde_json::from_value(serde_json::json!(text))?;
            assert!(v.is_known());
            assert_eq!(serde_json::to_value(&v)?, serde_json::json!(text));
        }
        assert_eq!(
            serde_json::to_string(&VerificationState::Verified)?,
            "\"VERIFICATION_STATE_VERIFIED\""
        );
        Ok(())
    }

    #[test]
    fn unknown_values_are_kept_and_written_back() -> serde_json::Result<()> {
        let v: ProvisioningState = serde_json::from_str("\"PROVISIONING_STATE_FAILED\"")?;
        assert_eq!(
            v,
            ProvisioningState::Unknown("PROVISIONING_STATE_FAILED".into())
        );
        assert_eq!(serde_json::to_string(&v)?, "\"PROVISIONING_STATE_FAILED\"");
        let empty: AdminState = serde_json::from_str("\"\"")?;
        assert_eq!(serde_json::to_string(&empty)?, "\"\"");
        Ok(())
    }

    #[test]
    fn non_strings_are_rejected() {
        assert!(serde_json::from_str::<AdminState>("1").is_err());
        assert!(serde_json::from_str::<AdminState>("null").is_err());
    }
}
