//! One segment of a resource name: the `{provider}`, `{environment}`, ...
//! placeholders of the path templates in the specification's `paths/*.yaml`.
//!
//! The specification does not constrain segments beyond "Resource ID segment
//! making up resource `id`". We require what lets a segment travel in a URL
//! path without escaping (RFC 3986 unreserved characters) and bound its length
//! (see `spec/ERRATA.md`, entry on resource-id segments).

use std::fmt;

use super::NameError;

/// Longest segment we accept, in characters (all ASCII, so also bytes).
pub const MAX_SEGMENT_LEN: usize = 128;

/// A validated resource-id segment: 1 to 128 characters of `A-Z a-z 0-9 - . _ ~`,
/// other than the dot-segments `.` and `..`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Segment(String);

impl Segment {
    /// Validates `value` as a segment. `level` names the placeholder it fills
    /// (for example `"connection"`) so the error can say which part was bad.
    pub fn new(level: &'static str, value: &str) -> Result<Self, NameError> {
        if value.is_empty() {
            return Err(NameError::EmptySegment { level });
        }
        if value.len() > MAX_SEGMENT_LEN {
            return Err(NameError::SegmentTooLong {
                level,
                len: value.len(),
            });
        }
        if let Some(segment) = [".", ".."].into_iter().find(|d| *d == value) {
            return Err(NameError::DotSegment { level, segment });
        }
        if let Some(bad) = value.chars().find(|c| !is_unreserved(*c)) {
            return Err(NameError::InvalidCharacter {
                level,
                segment: shorten(value),
                character: bad,
            });
        }
        Ok(Segment(value.to_owned()))
    }

    /// The segment as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// RFC 3986 "unreserved" characters: safe in a URL path without escaping.
fn is_unreserved(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~')
}

/// Bounds what an error message repeats of caller input.
pub(crate) fn shorten(value: &str) -> String {
    const KEEP: usize = 64;
    if value.chars().count() <= KEEP {
        value.to_owned()
    } else {
        let mut kept: String = value.chars().take(KEEP).collect();
        kept.push('…');
        kept
    }
}

impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl AsRef<str> for Segment {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_every_unreserved_character() {
        let all = "AZaz09-._~";
        assert_eq!(Segment::new("provider", all).map(|s| s.0), Ok(all.into()));
    }

    #[test]
    fn length_bounds_are_one_and_128() {
        assert!(Segment::new("x", &"a".repeat(128)).is_ok());
        assert_eq!(
            Segment::new("x", &"a".repeat(129)),
            Err(NameError::SegmentTooLong {
                level: "x",
                len: 129
            })
        );
        assert_eq!(
            Segment::new("x", ""),
            Err(NameError::EmptySegment { level: "x" })
        );
    }

    #[test]
    fn rejects_reserved_and_non_ascii_characters() {
        for bad in ["a/b", "a b", "a%20", "é", "a?b", "a#b", "a:b", "a@b", "a+b"] {
            let err = Segment::new("feature", bad).expect_err(bad);
            assert!(
                matches!(
                    err,
                    NameError::InvalidCharacter {
                        level: "feature",
                        ..
                    }
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn dot_segments_are_refused_but_dots_inside_a_segment_are_not() {
        for dots in [".", ".."] {
            assert!(
                matches!(
                    Segment::new("connection", dots),
                    Err(NameError::DotSegment {
                        level: "connection",
                        ..
                    })
                ),
                "{dots}"
            );
        }
        for ok in ["...", ".a", "a.", "a..b", ".~"] {
            assert!(Segment::new("connection", ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn long_bad_input_is_shortened_in_errors() {
        let long = format!("{}/", "a".repeat(500));
        let msg = Segment::new("issue", &long)
            .expect_err("too long")
            .to_string();
        assert!(msg.len() < 200, "{msg}");
    }
}
