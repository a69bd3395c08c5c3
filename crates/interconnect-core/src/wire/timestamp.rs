//! RFC 3339 timestamps (`format: date-time` members such as
//! `MaintenanceEvent.startTime` and `MacSecKey.startTime`).

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};
#[cfg(feature = "schemars")]
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A point in time, read from any RFC 3339 text (any offset, any number of
/// fractional digits) and kept and written with millisecond precision
/// (WIRE-23): in UTC with a `Z` suffix, three fractional digits when the
/// time is not a whole second, none otherwise.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(DateTime<Utc>);

/// A text that is not an RFC 3339 timestamp.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected an RFC 3339 timestamp such as 2026-01-23T04:56:07Z: {reason}")]
pub struct TimestampError {
    reason: String,
}

impl Timestamp {
    /// Wraps a UTC time.
    pub fn from_utc(time: DateTime<Utc>) -> Self {
        Timestamp(time.trunc_subsecs(3))
    }
    /// Seconds since the Unix epoch, for building times in tests and clocks.
    pub fn from_unix_seconds(seconds: i64) -> Option<Self> {
        DateTime::from_timestamp(seconds, 0).map(Timestamp)
    }
    /// The UTC time.
    pub fn to_utc(self) -> DateTime<Utc> {
        self.0
    }
}

impl FromStr for Timestamp {
    type Err = TimestampError;
    fn from_str(s: &str) -> Result<Self, TimestampError> {
        if s.len() > 64 {
            return Err(TimestampError {
                reason: format!("{} characters is too long", s.len()),
            });
        }
        DateTime::parse_from_rfc3339(s)
            .map(|t| Timestamp::from_utc(t.with_timezone(&Utc)))
            .map_err(|e| TimestampError {
                reason: e.to_string(),
            })
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.to_rfc3339_opts(SecondsFormat::AutoSi, true))
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({self})")
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = Cow::<'de, str>::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "schemars")]
impl JsonSchema for Timestamp {
    fn schema_name() -> Cow<'static, str> {
        Cow::Borrowed("Timestamp")
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "format": "date-time" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_offsets_and_writes_utc() -> Result<(), TimestampError> {
        let t: Timestamp = "2000-01-23T04:56:07.000+00:00".parse()?;
        assert_eq!(t.to_string(), "2000-01-23T04:56:07Z");
        let t: Timestamp = "2000-01-23T06:56:07.25+02:00".parse()?;
        assert_eq!(t.to_string(), "2000-01-23T04:56:07.250Z");
        Ok(())
    }

    #[test]
    fn writes_milliseconds_and_reads_any_precision() -> Result<(), TimestampError> {
        // WIRE-23: nanoseconds in, milliseconds out
        let t: Timestamp = "2000-01-23T04:56:07.123456789Z".parse()?;
        assert_eq!(t.to_string(), "2000-01-23T04:56:07.123Z");
        let now = DateTime::from_timestamp(951_282_967, 987_654_321).ok_or(TimestampError {
            reason: "in range".into(),
        })?;
        assert_eq!(
            Timestamp::from_utc(now).to_string(),
            "2000-02-23T05:16:07.987Z"
        );
        let back: Timestamp = Timestamp::from_utc(now).to_string().parse()?;
        assert_eq!(
            back,
            Timestamp::from_utc(now),
            "what is written reads back equal"
        );
        Ok(())
    }

    #[test]
    fn rejects_non_rfc3339() {
        for bad in ["2000-01-23", "yesterday", "2000-01-23 04:56:07", ""] {
            assert!(bad.parse::<Timestamp>().is_err(), "{bad}");
        }
    }
}
