//! The eight name types and their parsing, display and navigation.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

#[cfg(feature = "schemars")]
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{MAX_NAME_LEN, NameError, Segment, shorten};

/// Splits `input` into its segments following `levels`, a list of
/// `(collection word, placeholder)` pairs, and validates each segment.
fn parse_levels(
    input: &str,
    levels: &[(&'static str, &'static str)],
    format: &'static str,
) -> Result<Vec<Segment>, NameError> {
    if input.len() > MAX_NAME_LEN {
        return Err(NameError::TooLong { len: input.len() });
    }
    let mut parts = input.split('/');
    let mut segments = Vec::with_capacity(levels.len());
    for &(collection, level) in levels {
        match parts.next() {
            Some(word) if word == collection => {}
            Some("") | None => return Err(NameError::Missing { level, format }),
            Some(other) => {
                return Err(NameError::WrongCollection {
                    level,
                    expected: collection,
                    found: shorten(other),
                });
            }
        }
        let value = parts.next().ok_or(NameError::Missing { level, format })?;
        segments.push(Segment::new(level, value)?);
    }
    let rest: Vec<&str> = parts.collect();
    if !rest.is_empty() {
        let last = levels.last().map(|l| l.1).unwrap_or("provider");
        return Err(NameError::Trailing {
            level: last,
            rest: shorten(&format!("/{}", rest.join("/"))),
            format,
        });
    }
    Ok(segments)
}

/// Regular expression for one segment, used in the JSON Schemas of names.
#[cfg(feature = "schemars")]
const SEG: &str = "[A-Za-z0-9._~-]{1,128}";

/// The shared trait implementations of a name type: text form, parsing,
/// serde as a string, JSON Schema as a patterned string, and a Debug that
/// shows the name itself.
macro_rules! name_traits {
    ($ty:ident, $format:literal, [$(($coll:literal, $level:literal)),+]) => {
        impl $ty {
            /// The format from the specification this name follows.
            pub const FORMAT: &'static str = $format;
            const LEVELS: &'static [(&'static str, &'static str)] = &[$(($coll, $level)),+];

            #[cfg(feature = "schemars")]
            fn pattern() -> String {
                let mut p = String::from("^");
                let mut first = true;
                for (coll, _) in Self::LEVELS {
                    if !first {
                        p.push('/');
                    }
                    first = false;
                    p.push_str(coll);
                    p.push('/');
                    p.push_str(SEG);
                }
                p.push('$');
                p
            }
        }

        impl FromStr for $ty {
            type Err = NameError;
            fn from_str(s: &str) -> Result<Self, NameError> {
                let segs = parse_levels(s, Self::LEVELS, $format)?;
                Ok(Self::from_segments(segs))
            }
        }

        impl TryFrom<&str> for $ty {
            type Error = NameError;
            fn try_from(s: &str) -> Result<Self, NameError> {
                s.parse()
            }
        }

        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($ty), self.to_string())
            }
        }

        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = Cow::<'de, str>::deserialize(d)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }

        #[cfg(feature = "schemars")]
        impl JsonSchema for $ty {
            fn schema_name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($ty))
            }
            fn inline_schema() -> bool {
                true
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({
                    "type": "string",
                    "pattern": Self::pattern(),
                    "description": concat!("Resource name. Format: ", $format),
                })
            }
        }
    };
}

/// `providers/{provider}`: a provider known to the server.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProviderName {
    provider: Segment,
}
name_traits!(
    ProviderName,
    "providers/{provider}",
    [("providers", "provider")]
);

impl ProviderName {
    /// Builds `providers/{provider}` from a provider id.
    pub fn new(provider: &str) -> Result<Self, NameError> {
        Ok(ProviderName {
            provider: Segment::new("provider", provider)?,
        })
    }
    fn from_segments(mut s: Vec<Segment>) -> Self {
        ProviderName {
            provider: s.remove(0),
        }
    }
    /// Parses a provider reference that may be written either as a full name
    /// (`providers/aws`) or as a bare provider id (`aws`). The specification
    /// uses both forms for the same kind of member (see `spec/ERRATA.md`,
    /// "provider references").
    pub fn parse_reference(text: &str) -> Result<Self, NameError> {
        if text.contains('/') {
            text.parse()
        } else {
            ProviderName::new(text)
        }
    }
    /// The provider id, for example `aws`.
    pub fn id(&self) -> &str {
        self.provider.as_str()
    }
    /// `providers/{provider}/environments/{environment}`.
    pub fn environment(&self, environment: &str) -> Result<EnvironmentName, NameError> {
        Ok(EnvironmentName {
            provider: self.clone(),
            environment: Segment::new("environment", environment)?,
        })
    }
    /// `providers/{provider}/issues/{issue}`.
    pub fn issue(&self, issue: &str) -> Result<IssueName, NameError> {
        Ok(IssueName {
            provider: self.clone(),
            issue: Segment::new("issue", issue)?,
        })
    }
}

impl fmt::Display for ProviderName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "providers/{}", self.provider)
    }
}

/// `providers/{provider}/environments/{environment}`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EnvironmentName {
    provider: ProviderName,
    environment: Segment,
}
name_traits!(
    EnvironmentName,
    "providers/{provider}/environments/{environment}",
    [("providers", "provider"), ("environments", "environment")]
);

impl EnvironmentName {
    fn from_segments(mut s: Vec<Segment>) -> Self {
        let environment = s.remove(1);
        EnvironmentName {
            provider: ProviderName::from_segments(s),
            environment,
        }
    }
    /// The parent provider.
    pub fn provider(&self) -> &ProviderName {
        &self.provider
    }
    /// The environment id, shared by both providers (for example `aws-gcp-us-east`).
    pub fn id(&self) -> &str {
        self.environment.as_str()
    }
    /// The same environment id under another provider's namespace.
    pub fn with_provider(&self, provider: &ProviderName) -> EnvironmentName {
        EnvironmentName {
            provider: provider.clone(),
            environment: self.environment.clone(),
        }
    }
    /// `.../interconnects/{interconnect}`.
    pub fn interconnect(&self, interconnect: &str) -> Result<InterconnectName, NameError> {
        Ok(InterconnectName {
            environment: self.clone(),
            interconnect: Segment::new("interconnect", interconnect)?,
        })
    }
}

impl fmt::Display for EnvironmentName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/environments/{}", self.provider, self.environment)
    }
}

/// `providers/{provider}/environments/{environment}/interconnects/{interconnect}`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InterconnectName {
    environment: EnvironmentName,
    interconnect: Segment,
}
name_traits!(
    InterconnectName,
    "providers/{provider}/environments/{environment}/interconnects/{interconnect}",
    [
        ("providers", "provider"),
        ("environments", "environment"),
        ("interconnects", "interconnect")
    ]
);

impl InterconnectName {
    fn from_segments(mut s: Vec<Segment>) -> Self {
        let interconnect = s.remove(2);
        InterconnectName {
            environment: EnvironmentName::from_segments(s),
            interconnect,
        }
    }
    /// The parent environment.
    pub fn environment(&self) -> &EnvironmentName {
        &self.environment
    }
    /// The parent provider.
    pub fn provider(&self) -> &ProviderName {
        self.environment.provider()
    }
    /// The interconnect id, agreed by both providers (for example `ix1`).
    pub fn id(&self) -> &str {
        self.interconnect.as_str()
    }
    /// `.../channels/{channel}`.
    pub fn channel(&self, channel: &str) -> Result<ChannelName, NameError> {
        Ok(ChannelName {
            interconnect: self.clone(),
            channel: Segment::new("channel", channel)?,
        })
    }
    /// `.../connections/{connection}`.
    pub fn connection(&self, connection: &str) -> Result<ConnectionName, NameError> {
        Ok(ConnectionName {
            interconnect: self.clone(),
            connection: Segment::new("connection", connection)?,
        })
    }
}

impl fmt::Display for InterconnectName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/interconnects/{}",
            self.environment, self.interconnect
        )
    }
}

/// `.../interconnects/{interconnect}/channels/{channel}`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ChannelName {
    interconnect: InterconnectName,
    channel: Segment,
}
name_traits!(
    ChannelName,
    "providers/{provider}/environments/{environment}/interconnects/{interconnect}/channels/{channel}",
    [
        ("providers", "provider"),
        ("environments", "environment"),
        ("interconnects", "interconnect"),
        ("channels", "channel")
    ]
);

impl ChannelName {
    fn from_segments(mut s: Vec<Segment>) -> Self {
        let channel = s.remove(3);
        ChannelName {
            interconnect: InterconnectName::from_segments(s),
            channel,
        }
    }
    /// The parent interconnect.
    pub fn interconnect(&self) -> &InterconnectName {
        &self.interconnect
    }
    /// The channel id, agreed by both providers (for example `ch1`).
    pub fn id(&self) -> &str {
        self.channel.as_str()
    }
    /// `.../macSecKeys/{macSecKey}`.
    pub fn mac_sec_key(&self, key: &str) -> Result<MacSecKeyName, NameError> {
        Ok(MacSecKeyName {
            channel: self.clone(),
            mac_sec_key: Segment::new("macSecKey", key)?,
        })
    }
}

impl fmt::Display for ChannelName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/channels/{}", self.interconnect, self.channel)
    }
}

/// `.../interconnects/{interconnect}/connections/{connection}`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConnectionName {
    interconnect: InterconnectName,
    connection: Segment,
}
name_traits!(
    ConnectionName,
    "providers/{provider}/environments/{environment}/interconnects/{interconnect}/connections/{connection}",
    [
        ("providers", "provider"),
        ("environments", "environment"),
        ("interconnects", "interconnect"),
        ("connections", "connection")
    ]
);

impl ConnectionName {
    fn from_segments(mut s: Vec<Segment>) -> Self {
        let connection = s.remove(3);
        ConnectionName {
            interconnect: InterconnectName::from_segments(s),
            connection,
        }
    }
    /// The parent interconnect.
    pub fn interconnect(&self) -> &InterconnectName {
        &self.interconnect
    }
    /// The connection id: the shared connection UUID of the activation key.
    pub fn id(&self) -> &str {
        self.connection.as_str()
    }
    /// `.../features/{feature}`.
    pub fn feature(&self, feature: &str) -> Result<FeatureName, NameError> {
        Ok(FeatureName {
            connection: self.clone(),
            feature: Segment::new("feature", feature)?,
        })
    }
    /// Whether `channel` is a channel of this connection's interconnect (the
    /// only channels a feature of this connection may use; `Feature.channel`).
    pub fn contains_channel(&self, channel: &ChannelName) -> bool {
        channel.interconnect == self.interconnect
    }
}

impl fmt::Display for ConnectionName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/connections/{}", self.interconnect, self.connection)
    }
}

/// `.../connections/{connection}/features/{feature}`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FeatureName {
    connection: ConnectionName,
    feature: Segment,
}
name_traits!(
    FeatureName,
    "providers/{provider}/environments/{environment}/interconnects/{interconnect}/connections/{connection}/features/{feature}",
    [
        ("providers", "provider"),
        ("environments", "environment"),
        ("interconnects", "interconnect"),
        ("connections", "connection"),
        ("features", "feature")
    ]
);

impl FeatureName {
    fn from_segments(mut s: Vec<Segment>) -> Self {
        let feature = s.remove(4);
        FeatureName {
            connection: ConnectionName::from_segments(s),
            feature,
        }
    }
    /// The parent connection.
    pub fn connection(&self) -> &ConnectionName {
        &self.connection
    }
    /// The feature id. Opaque: chosen by the creator, never interpreted.
    pub fn id(&self) -> &str {
        self.feature.as_str()
    }
}

impl fmt::Display for FeatureName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/features/{}", self.connection, self.feature)
    }
}

/// `.../channels/{channel}/macSecKeys/{macSecKey}`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MacSecKeyName {
    channel: ChannelName,
    mac_sec_key: Segment,
}
name_traits!(
    MacSecKeyName,
    "providers/{provider}/environments/{environment}/interconnects/{interconnect}/channels/{channel}/macSecKeys/{macSecKey}",
    [
        ("providers", "provider"),
        ("environments", "environment"),
        ("interconnects", "interconnect"),
        ("channels", "channel"),
        ("macSecKeys", "macSecKey")
    ]
);

impl MacSecKeyName {
    fn from_segments(mut s: Vec<Segment>) -> Self {
        let mac_sec_key = s.remove(4);
        MacSecKeyName {
            channel: ChannelName::from_segments(s),
            mac_sec_key,
        }
    }
    /// The parent channel.
    pub fn channel(&self) -> &ChannelName {
        &self.channel
    }
    /// The key id.
    pub fn id(&self) -> &str {
        self.mac_sec_key.as_str()
    }
}

impl fmt::Display for MacSecKeyName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/macSecKeys/{}", self.channel, self.mac_sec_key)
    }
}

/// `providers/{provider}/issues/{issue}`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IssueName {
    provider: ProviderName,
    issue: Segment,
}
name_traits!(
    IssueName,
    "providers/{provider}/issues/{issue}",
    [("providers", "provider"), ("issues", "issue")]
);

impl IssueName {
    fn from_segments(mut s: Vec<Segment>) -> Self {
        let issue = s.remove(1);
        IssueName {
            provider: ProviderName::from_segments(s),
            issue,
        }
    }
    /// The parent provider.
    pub fn provider(&self) -> &ProviderName {
        &self.provider
    }
    /// The issue id.
    pub fn id(&self) -> &str {
        self.issue.as_str()
    }
}

impl fmt::Display for IssueName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/issues/{}", self.provider, self.issue)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FEATURE: &str = "providers/aws/environments/aws-gcp-us-east/interconnects/ix1/connections/8e1d2b1a-0c3e-4f53-9a3c-0b1f2f9b7c11/features/ch1-l3";

    #[test]
    fn parses_and_displays_every_level_exactly() {
        let cases = [
            "providers/aws",
            "providers/aws/environments/aws-gcp-us-east",
            "providers/aws/environments/e/interconnects/ix1",
            "providers/aws/environments/e/interconnects/ix1/channels/ch1",
            "providers/aws/environments/e/interconnects/ix1/channels/ch1/macSecKeys/k~1",
            "providers/aws/environments/e/interconnects/ix1/connections/c.1",
            FEATURE,
            "providers/gcp/issues/i_1",
        ];
        assert_eq!(
            cases[0]
                .parse::<ProviderName>()
                .map(|n| n.to_string())
                .as_deref(),
            Ok(cases[0])
        );
        assert_eq!(
            cases[1]
                .parse::<EnvironmentName>()
                .map(|n| n.to_string())
                .as_deref(),
            Ok(cases[1])
        );
        assert_eq!(
            cases[2]
                .parse::<InterconnectName>()
                .map(|n| n.to_string())
                .as_deref(),
            Ok(cases[2])
        );
        assert_eq!(
            cases[3]
                .parse::<ChannelName>()
                .map(|n| n.to_string())
                .as_deref(),
            Ok(cases[3])
        );
        assert_eq!(
            cases[4]
                .parse::<MacSecKeyName>()
                .map(|n| n.to_string())
                .as_deref(),
            Ok(cases[4])
        );
        assert_eq!(
            cases[5]
                .parse::<ConnectionName>()
                .map(|n| n.to_string())
                .as_deref(),
            Ok(cases[5])
        );
        assert_eq!(
            cases[6]
                .parse::<FeatureName>()
                .map(|n| n.to_string())
                .as_deref(),
            Ok(cases[6])
        );
        assert_eq!(
            cases[7]
                .parse::<IssueName>()
                .map(|n| n.to_string())
                .as_deref(),
            Ok(cases[7])
        );
    }

    #[test]
    fn navigates_to_parents_and_children() -> Result<(), NameError> {
        let f: FeatureName = FEATURE.parse()?;
        assert_eq!(f.id(), "ch1-l3");
        let conn = f.connection();
        assert_eq!(conn.id(), "8e1d2b1a-0c3e-4f53-9a3c-0b1f2f9b7c11");
        let ix = conn.interconnect();
        assert_eq!(ix.id(), "ix1");
        assert_eq!(ix.environment().id(), "aws-gcp-us-east");
        assert_eq!(ix.provider().id(), "aws");
        assert_eq!(conn.feature("ch1-l3")?, f);
        let built = ProviderName::new("aws")?
            .environment("aws-gcp-us-east")?
            .interconnect("ix1")?
            .connection("8e1d2b1a-0c3e-4f53-9a3c-0b1f2f9b7c11")?
            .feature("ch1-l3")?;
        assert_eq!(built, f);
        let key = ix.channel("ch2")?.mac_sec_key("k1")?;
        assert_eq!(key.channel().id(), "ch2");
        assert_eq!(
            ProviderName::new("gcp")?.issue("i1")?.provider().id(),
            "gcp"
        );
        Ok(())
    }

    #[test]
    fn channel_membership_follows_the_interconnect() -> Result<(), NameError> {
        let ix1 = ProviderName::new("aws")?
            .environment("e")?
            .interconnect("ix1")?;
        let ix2 = ix1.environment().interconnect("ix2")?;
        let conn = ix1.connection("c1")?;
        assert!(conn.contains_channel(&ix1.channel("ch1")?));
        assert!(!conn.contains_channel(&ix2.channel("ch1")?));
        let other_env = ProviderName::new("aws")?
            .environment("f")?
            .interconnect("ix1")?;
        assert!(!conn.contains_channel(&other_env.channel("ch1")?));
        let other_provider = ProviderName::new("gcp")?
            .environment("e")?
            .interconnect("ix1")?;
        assert!(!conn.contains_channel(&other_provider.channel("ch1")?));
        Ok(())
    }

    #[test]
    fn rejections_name_the_offending_segment() {
        let err = |s: &str| s.parse::<ConnectionName>().expect_err(s);
        assert_eq!(
            err("providers/aws/environments/e/interconnects/ix 1/connections/c"),
            NameError::InvalidCharacter {
                level: "interconnect",
                segment: "ix 1".into(),
                character: ' '
            }
        );
        assert_eq!(
            err("providers/aws/environments/e/interconnect/ix1/connections/c"),
            NameError::WrongCollection {
                level: "interconnect",
                expected: "interconnects",
                found: "interconnect".into()
            }
        );
        assert!(matches!(
            err("providers/aws/environments/e/interconnects/ix1"),
            NameError::Missing {
                level: "connection",
                ..
            }
        ));
        assert!(matches!(
            err("providers/aws/environments/e/interconnects/ix1/connections/"),
            NameError::EmptySegment {
                level: "connection"
            }
        ));
        assert!(matches!(
            err("providers/aws/environments/e/interconnects/ix1/connections/c/features/f"),
            NameError::Trailing {
                level: "connection",
                ..
            }
        ));
        assert!(matches!(
            err("providers/aws/environments//interconnects/ix1/connections/c"),
            NameError::EmptySegment {
                level: "environment"
            }
        ));
        assert!(matches!(
            err("/providers/aws/environments/e/interconnects/ix1/connections/c"),
            NameError::Missing {
                level: "provider",
                ..
            }
        ));
        assert!(matches!(
            err(&"a".repeat(5000)),
            NameError::TooLong { len: 5000 }
        ));
        assert!(matches!(
            err(""),
            NameError::Missing {
                level: "provider",
                ..
            }
        ));
    }

    #[test]
    fn error_messages_name_level_and_rule() {
        let msg = "providers/aws/environments/e%20x"
            .parse::<EnvironmentName>()
            .expect_err("bad")
            .to_string();
        assert!(msg.contains("environment"), "{msg}");
        assert!(msg.contains("A-Z a-z 0-9 - . _ ~"), "{msg}");
    }

    #[test]
    fn serde_uses_the_text_form() -> Result<(), Box<dyn std::error::Error>> {
        let n: ChannelName =
            serde_json::from_str("\"providers/a/environments/e/interconnects/i/channels/c\"")?;
        assert_eq!(
            serde_json::to_string(&n)?,
            "\"providers/a/environments/e/interconnects/i/channels/c\""
        );
        let bad = serde_json::from_str::<ChannelName>(
            "\"providers/a/environments/e/interconnects/i/channel/c\"",
        );
        assert!(bad.expect_err("bad").to_string().contains("channels"));
        Ok(())
    }

    #[test]
    fn provider_references_accept_bare_ids() -> Result<(), NameError> {
        assert_eq!(
            ProviderName::parse_reference("aws")?,
            ProviderName::new("aws")?
        );
        assert_eq!(
            ProviderName::parse_reference("providers/aws")?,
            ProviderName::new("aws")?
        );
        assert!(ProviderName::parse_reference("providers/aws/x").is_err());
        assert!(ProviderName::parse_reference("a b").is_err());
        Ok(())
    }

    #[test]
    fn debug_shows_the_name() -> Result<(), NameError> {
        assert_eq!(
            format!("{:?}", ProviderName::new("aws")?),
            "ProviderName(\"providers/aws\")"
        );
        Ok(())
    }

    #[test]
    #[cfg(feature = "schemars")]
    fn schema_pattern_matches_the_format() {
        assert_eq!(
            IssueName::pattern(),
            "^providers/[A-Za-z0-9._~-]{1,128}/issues/[A-Za-z0-9._~-]{1,128}$"
        );
    }
}
