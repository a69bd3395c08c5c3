//! Reading input files and stdin with a size bound, and parsing them as wire
//! documents with errors that name the JSON path.

use std::io::Read;
use std::path::Path;

use serde::de::DeserializeOwned;

use interconnect_core::wire::DecodeError;

use crate::error::{CliError, ErrorKind};
use crate::redact;

/// Largest input file read, in bytes (1 MiB, as
/// [`interconnect_core::wire::MAX_DOCUMENT_BYTES`]).
pub(crate) const MAX_FILE_BYTES: usize = interconnect_core::wire::MAX_DOCUMENT_BYTES;

/// Largest activation key text read from stdin, in bytes (64 KiB).
pub(crate) const MAX_STDIN_KEY_BYTES: usize = 64 * 1024;

/// Reads at most `max` bytes from `reader`; more is an `io` error naming `what`.
fn read_bounded(reader: impl Read, max: usize, what: &str) -> Result<Vec<u8>, CliError> {
    let limit = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    let mut buf = Vec::new();
    reader
        .take(limit)
        .read_to_end(&mut buf)
        .map_err(|e| CliError::new(ErrorKind::Io, format!("cannot read {what}: {e}")))?;
    if buf.len() > max {
        return Err(CliError::new(
            ErrorKind::Io,
            format!("{what} is larger than {max} bytes"),
        ));
    }
    Ok(buf)
}

/// Reads a file of at most [`MAX_FILE_BYTES`].
pub(crate) fn read_file(path: &Path) -> Result<Vec<u8>, CliError> {
    let what = path.display().to_string();
    let file = std::fs::File::open(path)
        .map_err(|e| CliError::new(ErrorKind::Io, format!("cannot open {what}: {e}")))?;
    read_bounded(file, MAX_FILE_BYTES, &what)
}

/// Reads stdin, at most [`MAX_STDIN_KEY_BYTES`].
pub(crate) fn read_stdin_key() -> Result<String, CliError> {
    let bytes = read_bounded(std::io::stdin().lock(), MAX_STDIN_KEY_BYTES, "stdin")?;
    String::from_utf8(bytes)
        .map_err(|_| CliError::new(ErrorKind::Key, "the activation key on stdin is not UTF-8"))
}

/// Reads and parses a wire document; a parse error is a `json` error naming
/// the file and the JSON path of the first bad member.
pub(crate) fn read_document<T: DeserializeOwned>(path: &Path) -> Result<T, CliError> {
    let bytes = read_file(path)?;
    parse_document(&bytes, path)
}

/// Parses bytes already read from `path` as a wire document.
pub(crate) fn parse_document<T: DeserializeOwned>(
    bytes: &[u8],
    path: &Path,
) -> Result<T, CliError> {
    interconnect_core::wire::from_json(bytes).map_err(|e| {
        let shown = match &e {
            DecodeError::Invalid { path: at, message } => {
                format!("{at}: {}", redact::message_at(at, message.clone()))
            }
            other => other.to_string(),
        };
        CliError::new(ErrorKind::Json, format!("{}: {shown}", path.display()))
    })
}
