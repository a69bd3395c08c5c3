//! Why an activation key was rejected.

use thiserror::Error;

use super::uuid::UuidError;
use crate::names::NameError;

/// An activation key that could not be read or built. Every variant names the
/// member and the rule ([`ActivationKeyError::rule`]); none repeats the key
/// text, the shared connection UUID or the destination account id.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ActivationKeyError {
    /// The pasted text is longer than
    /// [`MAX_ENCODED_LEN`](super::MAX_ENCODED_LEN). Checked before anything
    /// is decoded.
    #[error("the activation key is {len} bytes long; at most {max} are accepted")]
    TooLong {
        /// Length of the text as received, whitespace included, in bytes.
        len: usize,
        /// The bound.
        max: usize,
    },
    /// The text, without its whitespace, is not base64.
    #[error("the activation key is not base64: {reason}")]
    NotBase64 {
        /// What was wrong, without repeating the text.
        reason: Base64Problem,
    },
    /// The decoded bytes are not a JSON document.
    #[error(
        "the decoded activation key is not JSON (syntax error at line {line}, column {column})"
    )]
    NotJson {
        /// Line of the decoded JSON where reading stopped (1-based).
        line: usize,
        /// Column of the decoded JSON where reading stopped (1-based).
        column: usize,
    },
    /// The decoded JSON is not an object.
    #[error("the decoded activation key is JSON {found}, not an object")]
    NotAnObject {
        /// The kind of JSON value found (for example `"an array"`).
        found: &'static str,
    },
    /// A member appears more than once in the object.
    #[error("member {member:?} appears more than once in the activation key")]
    DuplicateMember {
        /// The repeated member name (shortened when long).
        member: String,
    },
    /// Something other than whitespace follows the JSON object.
    #[error("the decoded activation key has content after its JSON object")]
    TrailingContent,
    /// A required member is absent.
    #[error("the activation key has no {member:?} member, which is required")]
    MissingMember {
        /// The member name as in the specification.
        member: &'static str,
    },
    /// A member holds the wrong kind of JSON value.
    #[error("member {member:?} of the activation key must be {expected}, found {found}")]
    MistypedMember {
        /// The member name as in the specification.
        member: &'static str,
        /// What the specification wants (for example `"an int32 integer"`).
        expected: &'static str,
        /// The kind of JSON value found (never the value itself).
        found: &'static str,
    },
    /// The key's `version` is not one this release can read. The text can
    /// still be carried unchanged as an
    /// [`EncodedActivationKey`](super::EncodedActivationKey).
    #[error(
        "activation key version {version} is not known to this release (member \"version\" must be 1 or 2)"
    )]
    UnknownVersion {
        /// The version the key declares.
        version: i32,
    },
    /// `destinationEnvironmentUri` is not an environment name.
    #[error(
        "member \"destinationEnvironmentUri\" must be an environment name (providers/{{provider}}/environments/{{environment}}): {0}"
    )]
    InvalidEnvironment(#[source] NameError),
    /// `sharedConnectionUuid` is not a UUID.
    #[error("member \"sharedConnectionUuid\" is not a UUID: {0}")]
    InvalidUuid(#[source] UuidError),
    /// `connectionSizeMbps` is zero or negative.
    #[error("member \"connectionSizeMbps\" must be a positive number of Mbps, found {mbps}")]
    SizeNotPositive {
        /// The size found.
        mbps: i32,
    },
    /// `destinationAccountId` is the empty string.
    #[error("member \"destinationAccountId\" is empty; an account id is required")]
    AccountIdEmpty,
    /// `destinationAccountId` is longer than
    /// [`MAX_ACCOUNT_ID_LEN`](super::MAX_ACCOUNT_ID_LEN) characters.
    #[error("member \"destinationAccountId\" is {len} characters long; at most {max} are accepted")]
    AccountIdTooLong {
        /// Its length in characters.
        len: usize,
        /// The bound.
        max: usize,
    },
    /// `sourceAccountId` (version 2 payload) is the empty string.
    #[error("member \"sourceAccountId\" is empty; an account id is required")]
    SourceAccountIdEmpty,
    /// `sourceAccountId` is longer than
    /// [`MAX_ACCOUNT_ID_LEN`](super::MAX_ACCOUNT_ID_LEN) characters.
    #[error("member \"sourceAccountId\" is {len} characters long; at most {max} are accepted")]
    SourceAccountIdTooLong {
        /// Its length in characters.
        len: usize,
        /// The bound.
        max: usize,
    },
    /// `encryptedContents` (version 2) is not base64.
    #[error("member \"encryptedContents\" of the activation key is not base64")]
    EncryptedContentsNotBase64,
    /// `encryptedContents` (version 2) is empty.
    #[error("member \"encryptedContents\" of the activation key is empty")]
    EncryptedContentsEmpty,
    /// The canonical JSON of a version 2 payload is longer than RSA-OAEP-256
    /// can encrypt under a 2048-bit key (E-204).
    #[error(
        "the version 2 activation key payload is {len} bytes of JSON; RSA-OAEP-256 with a 2048-bit key encrypts at most {max} (shorten the account ids or use version 1)"
    )]
    PayloadTooLarge {
        /// Length of the payload's canonical JSON, in bytes.
        len: usize,
        /// The bound ([`MAX_PAYLOAD_LEN`](super::MAX_PAYLOAD_LEN)).
        max: usize,
    },
}

/// Why a key's text is not base64 (KEY-3..KEY-6). `Display` says it in
/// words, without repeating the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Base64Problem {
    /// Nothing but whitespace (base64 of nothing, which is no JSON object:
    /// KEY-6).
    Empty,
    /// `=` padding that does not complete the last group of four (KEY-5).
    Padding,
    /// Both the standard (`+ /`) and the URL-safe (`- _`) alphabets
    /// (KEY-4).
    MixedAlphabets,
    /// A character outside the alphabet, or `=` before the end (KEY-4).
    InvalidCharacter,
    /// A length no base64 text has: a character missing or extra (KEY-4).
    ImpossibleLength,
    /// The last character sets bits base64 leaves at zero: truncated or
    /// corrupted (KEY-4).
    NonZeroTrailingBits,
}

impl Base64Problem {
    /// The requirement id (`spec/REQUIREMENTS.md`) the text breaks.
    pub fn rule(self) -> &'static str {
        match self {
            Base64Problem::Empty => "KEY-6",
            Base64Problem::Padding => "KEY-5",
            Base64Problem::MixedAlphabets
            | Base64Problem::InvalidCharacter
            | Base64Problem::ImpossibleLength
            | Base64Problem::NonZeroTrailingBits => "KEY-4",
        }
    }
}

impl std::fmt::Display for Base64Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Base64Problem::Empty => "it is empty",
            Base64Problem::Padding => "its '=' padding is wrong",
            Base64Problem::MixedAlphabets => {
                "it mixes the standard (+ /) and URL-safe (- _) alphabets"
            }
            Base64Problem::InvalidCharacter => {
                "it contains a character outside the base64 alphabet, or '=' before the end"
            }
            Base64Problem::ImpossibleLength => {
                "its length is impossible for base64 (a character is missing or extra)"
            }
            Base64Problem::NonZeroTrailingBits => {
                "its last character encodes bits that base64 leaves at zero (truncated or corrupted)"
            }
        })
    }
}

impl ActivationKeyError {
    /// The requirement id (`spec/REQUIREMENTS.md`) the key breaks: KEY-2
    /// for its length, KEY-4..KEY-6 for its base64 and JSON, KEY-7..KEY-11
    /// for its members, KEY-43 for a version 2 envelope that does not read,
    /// KEY-44 for a version 2 payload that cannot be made.
    pub fn rule(&self) -> &'static str {
        match self {
            ActivationKeyError::TooLong { .. } => "KEY-2",
            ActivationKeyError::NotBase64 { reason } => reason.rule(),
            ActivationKeyError::NotJson { .. }
            | ActivationKeyError::NotAnObject { .. }
            | ActivationKeyError::DuplicateMember { .. }
            | ActivationKeyError::TrailingContent
            | ActivationKeyError::MissingMember { .. }
            | ActivationKeyError::MistypedMember { .. } => "KEY-6",
            ActivationKeyError::UnknownVersion { .. } => "KEY-7",
            ActivationKeyError::InvalidEnvironment(_) => "KEY-8",
            ActivationKeyError::InvalidUuid(_) => "KEY-9",
            ActivationKeyError::SizeNotPositive { .. } => "KEY-10",
            ActivationKeyError::AccountIdEmpty | ActivationKeyError::AccountIdTooLong { .. } => {
                "KEY-11"
            }
            ActivationKeyError::EncryptedContentsNotBase64
            | ActivationKeyError::EncryptedContentsEmpty => "KEY-43",
            ActivationKeyError::SourceAccountIdEmpty
            | ActivationKeyError::SourceAccountIdTooLong { .. }
            | ActivationKeyError::PayloadTooLarge { .. } => "KEY-44",
        }
    }
}
