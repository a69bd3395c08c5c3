//! A connection's bandwidth as a customer writes it.
//!
//! The specification carries bandwidth as whole megabits per second
//! (`bandwidthMbps`, `int32`, `schemas/connection.yaml`) and says it is
//! offered "at discrete tiers", each environment offering its own set
//! (`docs/ConnectionCoordinatorAPI.md`, "Bandwidth Choice"). Customers and
//! cloud APIs write it as text; [`Bandwidth`] reads the forms they use and
//! keeps the number of Mbps.
//!
//! Accepted forms (units are case-insensitive):
//!
//! | form | example | Mbps |
//! |---|---|---|
//! | `<n>Mbps` | `500Mbps`, `500 mbps` | 500 |
//! | `<n>Gbps` | `1Gbps`, `10 GBPS` | 1000, 10000 |
//! | `<d>Gbps` with a decimal | `1.5Gbps`, `0.05Gbps` | 1500, 50 |
//! | `BPS_<n>M`, `BPS_<n>G` | `BPS_500M`, `BPS_1G` | 500, 1000 |
//!
//! Rules, each with its own [`BandwidthError`] variant:
//! - a unit is required (`Mbps`, `Gbps`, or the `BPS_` form); no other unit;
//! - spaces (one or more) may separate the number and the unit, nowhere else;
//! - a decimal is accepted only when it gives a whole number of Mbps
//!   (`1.5Gbps` is 1500 Mbps, `1.0005Gbps` is rejected, `500.0Mbps` is 500);
//!   the `BPS_` form takes whole numbers only;
//! - no sign: a leading `-` is rejected as negative, `+` as not a number;
//! - the value must be at least 1 Mbps and at most `i32::MAX` Mbps, so that
//!   it always fits the specification's `int32` `bandwidthMbps`.
//!
//! [`Bandwidth`] displays canonically: whole gigabits as `<n>Gbps`, anything
//! else as `<n>Mbps` (`1Gbps`, `1500Mbps`), and serializes as that string.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

#[cfg(feature = "schemars")]
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::names::shorten;

/// Longest bandwidth text we read, in bytes.
pub const MAX_BANDWIDTH_TEXT_LEN: usize = 64;

/// Largest bandwidth, in Mbps: the largest `int32` (`bandwidthMbps`).
pub const MAX_BANDWIDTH_MBPS: u32 = i32::MAX as u32;

/// A positive bandwidth in whole megabits per second, at most
/// [`MAX_BANDWIDTH_MBPS`]. Parse it from text with [`str::parse`] (see the
/// module documentation for the accepted forms).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Bandwidth(u32);

/// Bandwidth text that was rejected; each variant names the rule it broke.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BandwidthError {
    /// The text was empty.
    #[error("bandwidth is empty; write for example 500Mbps, 1Gbps or BPS_1G")]
    Empty,
    /// The text was longer than [`MAX_BANDWIDTH_TEXT_LEN`].
    #[error("bandwidth text is {len} bytes long; at most 64 are accepted")]
    TooLong {
        /// Its length in bytes.
        len: usize,
    },
    /// A number without a unit.
    #[error("bandwidth {text:?} has no unit; write Mbps or Gbps (or BPS_<n>M / BPS_<n>G)")]
    MissingUnit {
        /// The text (shortened when long).
        text: String,
    },
    /// A unit other than Mbps, Gbps, or the `M`/`G` of the `BPS_` form.
    #[error("bandwidth unit {unit:?} is not accepted; the units are Mbps and Gbps")]
    UnknownUnit {
        /// The unit as written (shortened when long).
        unit: String,
    },
    /// The number was not digits with at most one decimal point, or the
    /// text had a sign, leading or trailing spaces, or other characters.
    #[error(
        "bandwidth {text:?} does not start with a number; write digits, optionally with one decimal point, then the unit"
    )]
    NotANumber {
        /// The text (shortened when long).
        text: String,
    },
    /// The number was negative.
    #[error("bandwidth {text:?} is negative; bandwidth must be positive")]
    Negative {
        /// The text (shortened when long).
        text: String,
    },
    /// The number was zero.
    #[error("bandwidth {text:?} is zero; bandwidth must be positive")]
    Zero {
        /// The text (shortened when long).
        text: String,
    },
    /// A decimal that is not a whole number of Mbps (or any decimal in the
    /// `BPS_` form).
    #[error("bandwidth {text:?} is not a whole number of Mbps")]
    NotWholeMbps {
        /// The text (shortened when long).
        text: String,
    },
    /// More than [`MAX_BANDWIDTH_MBPS`] Mbps.
    #[error("bandwidth {text:?} exceeds 2147483647 Mbps, the largest int32 bandwidthMbps")]
    TooLarge {
        /// The text (shortened when long).
        text: String,
    },
}

impl Bandwidth {
    /// A bandwidth of `mbps` megabits per second; zero and values above
    /// [`MAX_BANDWIDTH_MBPS`] are rejected.
    pub fn from_mbps(mbps: u32) -> Result<Self, BandwidthError> {
        match mbps {
            0 => Err(BandwidthError::Zero {
                text: format!("{mbps}Mbps"),
            }),
            m if m > MAX_BANDWIDTH_MBPS => Err(BandwidthError::TooLarge {
                text: format!("{mbps}Mbps"),
            }),
            m => Ok(Bandwidth(m)),
        }
    }

    /// The bandwidth in megabits per second.
    pub fn mbps(self) -> u32 {
        self.0
    }

    /// The bandwidth as the specification's `int32` `bandwidthMbps`
    /// (always fits: the constructor bounds it).
    pub fn bandwidth_mbps(self) -> i32 {
        i32::try_from(self.0).unwrap_or(i32::MAX)
    }
}

/// Unit of a bandwidth text: its power of ten relative to Mbps.
#[derive(Clone, Copy)]
enum Unit {
    Mbps,
    Gbps,
}

impl Unit {
    fn exponent(self) -> usize {
        match self {
            Unit::Mbps => 0,
            Unit::Gbps => 3,
        }
    }
}

impl FromStr for Bandwidth {
    type Err = BandwidthError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text.is_empty() {
            return Err(BandwidthError::Empty);
        }
        if text.len() > MAX_BANDWIDTH_TEXT_LEN {
            return Err(BandwidthError::TooLong { len: text.len() });
        }
        let shown = || shorten(text);
        // The `BPS_<n>M` form of cloud APIs, or `<number>[spaces]<unit>`.
        let (body, bps_form) = match strip_prefix_ignore_case(text, "BPS_") {
            Some(rest) => (rest, true),
            None => (text, false),
        };
        let end = body.find(|c| !is_number_char(c)).unwrap_or(body.len());
        let (number, rest) = body.split_at(end);
        let unit = if bps_form {
            rest
        } else {
            rest.trim_start_matches(' ')
        };
        let decimals_allowed = !bps_form;
        if number.is_empty() {
            let negative = text
                .strip_prefix('-')
                .is_some_and(|r| r.starts_with(is_number_char));
            return Err(if negative {
                BandwidthError::Negative { text: shown() }
            } else {
                BandwidthError::NotANumber { text: shown() }
            });
        }
        let unit = match unit.to_ascii_lowercase().as_str() {
            "" => return Err(BandwidthError::MissingUnit { text: shown() }),
            "mbps" if decimals_allowed => Unit::Mbps,
            "gbps" if decimals_allowed => Unit::Gbps,
            "m" if !decimals_allowed => Unit::Mbps,
            "g" if !decimals_allowed => Unit::Gbps,
            _ => {
                return Err(BandwidthError::UnknownUnit {
                    unit: shorten(unit),
                });
            }
        };
        let (whole, fraction) = match number.split_once('.') {
            Some((w, f)) => (w, Some(f)),
            None => (number, None),
        };
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(whole) || fraction.is_some_and(|f| !digits(f)) {
            return Err(BandwidthError::NotANumber { text: shown() });
        }
        let fraction = fraction.unwrap_or("").trim_end_matches('0');
        if fraction.len() > unit.exponent() || (!decimals_allowed && number.contains('.')) {
            return Err(BandwidthError::NotWholeMbps { text: shown() });
        }
        let too_large = || BandwidthError::TooLarge { text: shown() };
        let scale = |digits: &str, exponent: usize| -> Option<u64> {
            let mut value = parse_digits(digits)?;
            for _ in 0..exponent {
                value = value.checked_mul(10)?;
            }
            Some(value)
        };
        let mbps = scale(whole, unit.exponent())
            .zip(scale(
                fraction,
                unit.exponent().saturating_sub(fraction.len()),
            ))
            .and_then(|(w, f)| w.checked_add(f))
            .ok_or_else(too_large)?;
        if mbps == 0 {
            return Err(BandwidthError::Zero { text: shown() });
        }
        u32::try_from(mbps)
            .ok()
            .filter(|m| *m <= MAX_BANDWIDTH_MBPS)
            .map(Bandwidth)
            .ok_or_else(too_large)
    }
}

fn is_number_char(c: char) -> bool {
    c.is_ascii_digit() || c == '.'
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| text.get(prefix.len()..))
        .flatten()
}

/// Decimal digits as a number; `None` on overflow. Empty text is zero.
fn parse_digits(digits: &str) -> Option<u64> {
    digits.bytes().try_fold(0u64, |acc, b| {
        acc.checked_mul(10)?
            .checked_add(u64::from(b.wrapping_sub(b'0')))
    })
}

impl fmt::Display for Bandwidth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_multiple_of(1000) {
            write!(f, "{}Gbps", self.0 / 1000)
        } else {
            write!(f, "{}Mbps", self.0)
        }
    }
}

impl TryFrom<&str> for Bandwidth {
    type Error = BandwidthError;
    fn try_from(text: &str) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl Serialize for Bandwidth {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Bandwidth {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = Cow::<'de, str>::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "schemars")]
impl JsonSchema for Bandwidth {
    fn schema_name() -> Cow<'static, str> {
        Cow::Borrowed("Bandwidth")
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "maxLength": MAX_BANDWIDTH_TEXT_LEN,
            "pattern": "^([0-9]+(\\.[0-9]+)? *[MmGg][Bb][Pp][Ss]|[Bb][Pp][Ss]_[0-9]+[MmGg])$",
            "description": "Bandwidth: 500Mbps, 1Gbps, 1.5Gbps or BPS_1G (units case-insensitive); a positive whole number of Mbps.",
            "examples": ["500Mbps", "1Gbps", "10Gbps"],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn mbps(text: &str) -> Result<u32, BandwidthError> {
        text.parse::<Bandwidth>().map(Bandwidth::mbps)
    }

    #[test]
    fn accepted_forms() -> Result<(), BandwidthError> {
        let table: &[(&str, u32)] = &[
            ("500Mbps", 500),
            ("100Mbps", 100),
            ("1Gbps", 1000),
            ("10Gbps", 10_000),
            ("100Gbps", 100_000),
            ("50mbps", 50),
            ("2gbps", 2000),
            ("10GBPS", 10_000),
            ("1 Gbps", 1000),
            ("500  Mbps", 500),
            ("1.5Gbps", 1500),
            ("0.05Gbps", 50),
            ("1.000Gbps", 1000),
            ("500.0Mbps", 500),
            ("007Mbps", 7),
            ("BPS_1G", 1000),
            ("BPS_500M", 500),
            ("BPS_10G", 10_000),
            ("BPS_50M", 50),
            ("bps_2g", 2000),
            ("2147483647Mbps", 2_147_483_647),
            ("2147483Gbps", 2_147_483_000),
        ];
        for (text, want) in table {
            assert_eq!(mbps(text)?, *want, "{text}");
        }
        Ok(())
    }

    #[test]
    fn rejected_forms_name_their_rule() {
        use BandwidthError as E;
        type IsExpected = fn(&BandwidthError) -> bool;
        let table: &[(&str, IsExpected)] = &[
            ("", |e| matches!(e, E::Empty)),
            ("1000", |e| matches!(e, E::MissingUnit { .. })),
            ("1.5", |e| matches!(e, E::MissingUnit { .. })),
            ("BPS_1", |e| matches!(e, E::MissingUnit { .. })),
            ("BPS_", |e| matches!(e, E::NotANumber { .. })),
            ("BPS_G", |e| matches!(e, E::NotANumber { .. })),
            ("1Tbps", |e| matches!(e, E::UnknownUnit { .. })),
            ("1 G", |e| matches!(e, E::UnknownUnit { .. })),
            ("1Gb", |e| matches!(e, E::UnknownUnit { .. })),
            ("1Gbps ", |e| matches!(e, E::UnknownUnit { .. })),
            ("BPS_1T", |e| matches!(e, E::UnknownUnit { .. })),
            ("BPS_1Gbps", |e| matches!(e, E::UnknownUnit { .. })),
            ("BPS_1.5G", |e| matches!(e, E::NotWholeMbps { .. })),
            ("0Mbps", |e| matches!(e, E::Zero { .. })),
            ("0.000Gbps", |e| matches!(e, E::Zero { .. })),
            ("BPS_0G", |e| matches!(e, E::Zero { .. })),
            ("-1Gbps", |e| matches!(e, E::Negative { .. })),
            ("+1Gbps", |e| matches!(e, E::NotANumber { .. })),
            (" 1Gbps", |e| matches!(e, E::NotANumber { .. })),
            ("Gbps", |e| matches!(e, E::NotANumber { .. })),
            ("1..5Gbps", |e| matches!(e, E::NotANumber { .. })),
            (".5Gbps", |e| matches!(e, E::NotANumber { .. })),
            ("1.Gbps", |e| matches!(e, E::NotANumber { .. })),
            ("1.5Mbps", |e| matches!(e, E::NotWholeMbps { .. })),
            ("1.0005Gbps", |e| matches!(e, E::NotWholeMbps { .. })),
            ("2147483648Mbps", |e| matches!(e, E::TooLarge { .. })),
            ("2147484Gbps", |e| matches!(e, E::TooLarge { .. })),
            ("99999999999999999999999Gbps", |e| {
                matches!(e, E::TooLarge { .. })
            }),
            ("BPS_99999999999999999999999G", |e| {
                matches!(e, E::TooLarge { .. })
            }),
            ("1Gbpsé", |e| matches!(e, E::UnknownUnit { .. })),
            ("BPS_1 G", |e| matches!(e, E::UnknownUnit { .. })),
            ("-Gbps", |e| matches!(e, E::NotANumber { .. })),
            ("BPS_1é", |e| matches!(e, E::UnknownUnit { .. })),
        ];
        for (text, is_expected) in table {
            match text.parse::<Bandwidth>() {
                Ok(b) => panic!("{text:?} was accepted as {b}"),
                Err(e) => assert!(is_expected(&e), "{text:?} gave {e:?}"),
            }
        }
        let long = "1".repeat(65) + "Mbps";
        assert_eq!(
            long.parse::<Bandwidth>(),
            Err(BandwidthError::TooLong { len: 69 })
        );
    }

    #[test]
    fn error_messages_name_the_rule() {
        let shown = |t: &str| t.parse::<Bandwidth>().err().map(|e| e.to_string());
        assert!(shown("1000").is_some_and(|m| m.contains("no unit")));
        assert!(shown("0Gbps").is_some_and(|m| m.contains("positive")));
        assert!(shown("1.0005Gbps").is_some_and(|m| m.contains("whole number of Mbps")));
    }

    #[test]
    fn from_mbps_bounds() {
        assert!(matches!(
            Bandwidth::from_mbps(0),
            Err(BandwidthError::Zero { .. })
        ));
        assert!(matches!(
            Bandwidth::from_mbps(MAX_BANDWIDTH_MBPS + 1),
            Err(BandwidthError::TooLarge { .. })
        ));
        assert_eq!(
            Bandwidth::from_mbps(MAX_BANDWIDTH_MBPS).map(Bandwidth::bandwidth_mbps),
            Ok(i32::MAX)
        );
    }

    #[test]
    fn displays_canonically() -> Result<(), BandwidthError> {
        for (mbps, text) in [
            (500, "500Mbps"),
            (1000, "1Gbps"),
            (1500, "1500Mbps"),
            (10_000, "10Gbps"),
        ] {
            assert_eq!(Bandwidth::from_mbps(mbps)?.to_string(), text);
        }
        assert_eq!("BPS_1G".parse::<Bandwidth>()?.to_string(), "1Gbps");
        Ok(())
    }

    #[test]
    fn serde_is_the_canonical_string() -> Result<(), Box<dyn std::error::Error>> {
        let b: Bandwidth = serde_json::from_str("\"BPS_10G\"")?;
        assert_eq!(serde_json::to_string(&b)?, "\"10Gbps\"");
        let err = serde_json::from_str::<Bandwidth>("\"10\"")
            .err()
            .map(|e| e.to_string());
        assert!(err.is_some_and(|m| m.contains("no unit")));
        assert!(serde_json::from_str::<Bandwidth>("1000").is_err());
        Ok(())
    }

    #[test]
    #[cfg(feature = "schemars")]
    fn schema_pattern_accepts_what_parses() -> Result<(), Box<dyn std::error::Error>> {
        let schema = serde_json::to_value(schemars::schema_for!(Bandwidth))?;
        let validator = jsonschema::validator_for(&schema)?;
        for ok in ["500Mbps", "1 Gbps", "1.5gbps", "BPS_1G", "bps_500m"] {
            assert!(validator.is_valid(&serde_json::json!(ok)), "{ok}");
        }
        for bad in ["1000", "1Tbps", "-1Gbps", "BPS_1.5G"] {
            assert!(!validator.is_valid(&serde_json::json!(bad)), "{bad}");
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(10_000))]

        #[test]
        fn parse_never_panics(text in "\\PC{0,80}") {
            let _ = text.parse::<Bandwidth>();
        }

        #[test]
        fn parse_never_panics_near_valid(
            text in "(BPS_|bps_|-|\\+)?[0-9.]{0,25} {0,2}(Mbps|GBPS|gbps|M|G|g|T|é)?",
        ) {
            let _ = text.parse::<Bandwidth>();
        }
    }

    proptest! {
        #[test]
        fn display_parse_round_trips(mbps in 1..=MAX_BANDWIDTH_MBPS) {
            let b = Bandwidth::from_mbps(mbps).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(b.to_string().parse::<Bandwidth>(), Ok(b));
        }

        #[test]
        fn gbps_decimals_match_integer_mbps(mbps in 1u32..=2_000_000) {
            let text = format!("{}.{:03}Gbps", mbps / 1000, mbps % 1000);
            prop_assert_eq!(mbps_of(&text), Ok(mbps));
        }
    }

    fn mbps_of(text: &str) -> Result<u32, BandwidthError> {
        mbps(text)
    }
}
