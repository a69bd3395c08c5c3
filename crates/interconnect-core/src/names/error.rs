//! Why a resource name was rejected.

use thiserror::Error;

/// A resource name or segment that does not follow the specification's
/// `Format:` lines. Every variant names the level (the path placeholder such
/// as `environment`) that was wrong.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum NameError {
    /// A `{level}` segment was empty (for example `providers//environments/e`).
    #[error("the {level} segment is empty; segments are 1 to 128 characters")]
    EmptySegment {
        /// The placeholder that was empty.
        level: &'static str,
    },
    /// A segment was longer than 128 characters.
    #[error("the {level} segment is {len} characters long; at most 128 are allowed")]
    SegmentTooLong {
        /// The placeholder that was too long.
        level: &'static str,
        /// Its length.
        len: usize,
    },
    /// A segment held a character outside `A-Z a-z 0-9 - . _ ~`.
    #[error(
        "the {level} segment {segment:?} contains {character:?}; only A-Z a-z 0-9 - . _ ~ are allowed"
    )]
    InvalidCharacter {
        /// The placeholder that was wrong.
        level: &'static str,
        /// The segment (shortened when long).
        segment: String,
        /// The first character that is not allowed.
        character: char,
    },
    /// A segment was `.` or `..`: URL path normalisation (RFC 3986 §5.2.4)
    /// removes such a segment, so a name holding one cannot be addressed.
    #[error(
        "the {level} segment is {segment:?}; `.` and `..` are not allowed (a URL path would drop them)"
    )]
    DotSegment {
        /// The placeholder that was wrong.
        level: &'static str,
        /// The segment (`.` or `..`).
        segment: &'static str,
    },
    /// A collection word was not the one the format requires.
    #[error("expected {expected:?} before the {level} segment, found {found:?}")]
    WrongCollection {
        /// The placeholder that should follow the collection word.
        level: &'static str,
        /// The collection word the format requires (for example `interconnects`).
        expected: &'static str,
        /// What was there instead (shortened when long).
        found: String,
    },
    /// The name ended before the `{level}` segment.
    #[error("the name ends before its {level} segment; expected format {format}")]
    Missing {
        /// The first placeholder that is missing.
        level: &'static str,
        /// The expected format.
        format: &'static str,
    },
    /// The name continued after its last segment.
    #[error("unexpected text after the {level} segment: {rest:?}; expected format {format}")]
    Trailing {
        /// The last placeholder of the format.
        level: &'static str,
        /// What followed (shortened when long).
        rest: String,
        /// The expected format.
        format: &'static str,
    },
    /// The whole name was longer than [`MAX_NAME_LEN`](super::MAX_NAME_LEN).
    #[error("the name is {len} bytes long; at most 1024 are allowed")]
    TooLong {
        /// Its length in bytes.
        len: usize,
    },
}

impl NameError {
    /// The requirement id (`spec/REQUIREMENTS.md`) the name breaks: a
    /// segment's content and length are NAME-9, the shape of the name
    /// (collection words, empty, missing or trailing segments) NAME-10, the
    /// overall length NAME-11.
    pub fn rule(&self) -> &'static str {
        match self {
            NameError::SegmentTooLong { .. }
            | NameError::InvalidCharacter { .. }
            | NameError::DotSegment { .. } => "NAME-9",
            NameError::TooLong { .. } => "NAME-11",
            NameError::EmptySegment { .. }
            | NameError::WrongCollection { .. }
            | NameError::Missing { .. }
            | NameError::Trailing { .. } => "NAME-10",
        }
    }
}
