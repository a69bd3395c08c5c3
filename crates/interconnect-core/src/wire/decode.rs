//! Reading wire documents with errors that name the JSON path of the first
//! bad member, for example `featureConfig.l3BaseConfig.vlanId: invalid type:
//! string "x", expected i32`. Documents and their members are read as
//! objects only, never in serde's positional array form
//! ([`super::objects_only`]).

use serde::de::DeserializeOwned;

use super::objects_only::ObjectsOnly;

/// Largest document [`from_json`] reads, in bytes (1 MiB, the same bound the
/// HTTP binding puts on request bodies).
pub const MAX_DOCUMENT_BYTES: usize = 1024 * 1024;

/// A wire document that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The document is larger than [`MAX_DOCUMENT_BYTES`].
    #[error("the document is {len} bytes; at most {max} are accepted")]
    TooLarge {
        /// Its size in bytes.
        len: usize,
        /// The bound.
        max: usize,
    },
    /// The text is not JSON, or a member has the wrong type or value.
    #[error("{path}: {message}")]
    Invalid {
        /// JSON path of the first bad member (`.` for the document itself).
        path: String,
        /// What was wrong there.
        message: String,
    },
}

impl DecodeError {
    /// JSON path of the bad member, when the document was read at all.
    pub fn path(&self) -> Option<&str> {
        match self {
            DecodeError::Invalid { path, .. } => Some(path),
            DecodeError::TooLarge { .. } => None,
        }
    }
}

/// Reads a wire type from JSON text, naming the path of the first bad member.
pub fn from_json<T: DeserializeOwned>(text: &[u8]) -> Result<T, DecodeError> {
    if text.len() > MAX_DOCUMENT_BYTES {
        return Err(DecodeError::TooLarge {
            len: text.len(),
            max: MAX_DOCUMENT_BYTES,
        });
    }
    let mut de = serde_json::Deserializer::from_slice(text);
    let value = serde_path_to_error::deserialize(ObjectsOnly(&mut de)).map_err(|e| invalid(&e))?;
    de.end().map_err(|_| DecodeError::Invalid {
        path: ".".into(),
        message: "trailing content after the document".into(),
    })?;
    Ok(value)
}

/// Reads a wire type from an already parsed JSON value, naming the path of
/// the first bad member.
pub fn from_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, DecodeError> {
    serde_path_to_error::deserialize(ObjectsOnly(value)).map_err(|e| DecodeError::Invalid {
        path: e.path().to_string(),
        message: without_value(&e.inner().to_string()),
    })
}

/// serde's "invalid type: integer `1234`, expected a string" without the
/// value received: "invalid type: integer, expected a string". A member
/// may be secret (an account id, a key), so an error names the member and
/// the types, never what was sent (E-324).
pub(crate) fn without_value(message: &str) -> String {
    for head in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = message.strip_prefix(head)
            && let Some(at) = rest.rfind(", expected ")
        {
            let received = &rest[..at];
            let kind = received
                .split(['`', '"', '\''])
                .next()
                .unwrap_or_default()
                .trim();
            let kind = if kind.is_empty() { "a value" } else { kind };
            return format!("{head}{kind}{}", &rest[at..]);
        }
    }
    message.to_owned()
}

fn invalid(e: &serde_path_to_error::Error<serde_json::Error>) -> DecodeError {
    let inner = e.inner();
    // serde_json appends " at line L column C"; the path says more.
    let mut message = inner.to_string();
    if let Some(i) = message.rfind(" at line ") {
        message.truncate(i);
    }
    DecodeError::Invalid {
        path: e.path().to_string(),
        message: without_value(&message),
    }
}
