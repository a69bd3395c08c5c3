//! # decode_key: reading an activation key the way customers paste it
//!
//! Encodes a version 1 activation key, then decodes it after it has been
//! wrapped over lines, indented and rewritten in the URL-safe base64
//! alphabet, as happens when a key travels through chat, e-mail or a URL.
//! Shows the typed members, then two keys that are rejected (one truncated,
//! one declaring version 2) with their error messages.
//!
//! The key's UUID and account id are secrets: the example reads them
//! through their accessors only to compare, and never prints them.
//!
//! Run it with `cargo run -p interconnect-examples --example decode_key`.

use std::error::Error;

use interconnect_core::activation_key::{
    ActivationKeyV1, DecodedActivationKey, EncodedActivationKey,
};
use interconnect_core::wire::Secret;

/// Standard base64 of a key declaring version 2, otherwise like the one
/// encoded below: `{"version":2,"destinationEnvironmentUri":...}`.
const VERSION_2_KEY: &str = concat!(
    "eyJ2ZXJzaW9uIjoyLCJkZXN0aW5hdGlvbkVudmlyb25tZW50VXJpIjoicHJvdmlkZXJzL2djcC9lbnZpcm9u",
    "bWVudHMvYXdzLWdjcC11cy1lYXN0Iiwic2hhcmVkQ29ubmVjdGlvblV1aWQiOiIwZDZlOWE0Yi0yYzcxLTRm",
    "MzgtOGI1YS0xZTljN2QzZjJhNjAiLCJjb25uZWN0aW9uU2l6ZU1icHMiOjUwMDAsImRlc3RpbmF0aW9uQWNj",
    "b3VudElkIjoibXktZ2NwLXByb2plY3QifQ==",
);

fn main() -> Result<(), Box<dyn Error>> {
    let key = ActivationKeyV1::new(
        "providers/gcp/environments/aws-gcp-us-east".parse()?,
        "0d6e9a4b-2c71-4f38-8b5a-1e9c7d3f2a60".parse()?,
        5000,
        // Chosen so that the standard base64 holds a '/', which the URL-safe
        // alphabet writes '_'.
        Secret::new("my-gcp-project~staging"),
    )?;
    let text = key.encode();
    println!("encoded: {} characters of standard base64", text.len());

    // URL-safe alphabet, wrapped every 40 characters and indented.
    let url_safe = text.expose().replace('+', "-").replace('/', "_");
    let changed = text
        .expose()
        .chars()
        .filter(|c| matches!(c, '+' | '/'))
        .count();
    if changed == 0 {
        return Err("this key reads the same in both alphabets; pick another".into());
    }
    let pasted = wrap(&url_safe, 40);
    println!(
        "pasted:  {} indented lines, URL-safe alphabet ({changed} character(s) rewritten)",
        pasted.lines().count()
    );

    let read = match EncodedActivationKey::new(&pasted)?.decode()? {
        DecodedActivationKey::V1(read) => read,
        other => return Err(format!("unexpected version {}", other.version()).into()),
    };
    println!("decoded: {read}");
    println!(
        "  destinationEnvironmentUri: {}",
        read.destination_environment()
    );
    println!(
        "  provider of that environment: {}",
        read.destination_environment().provider()
    );
    println!("  connectionSizeMbps: {}", read.connection_size_mbps());
    println!(
        "  sharedConnectionUuid: <secret>, {} characters",
        read.shared_connection_uuid().as_str().len()
    );
    println!(
        "  destinationAccountId: <secret>, {} characters",
        read.destination_account_id().len()
    );
    println!("  Debug keeps the secrets out: {read:?}");
    if read != key {
        return Err("the pasted key does not decode to the key that was encoded".into());
    }
    println!("  same key as encoded: yes");

    println!();
    let cut = text.len().saturating_sub(7);
    let truncated = text
        .expose()
        .get(..cut)
        .ok_or("key too short to truncate")?;
    reject("a truncated key", truncated)?;
    // A newer key is not readable here, but it can be held and carried as is.
    let carried = EncodedActivationKey::new(VERSION_2_KEY)?;
    println!(
        "a version 2 key can still be carried: peek_version = {}",
        carried.peek_version()?
    );
    reject("a version 2 key", VERSION_2_KEY)
}

/// Splits `text` into indented lines of `width` characters.
fn wrap(text: &str, width: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    chars
        .chunks(width)
        .map(|line| format!("    {}\n", line.iter().collect::<String>()))
        .collect()
}

/// Decodes `text`, expecting a rejection, and prints its message.
fn reject(what: &str, text: &str) -> Result<(), Box<dyn Error>> {
    match EncodedActivationKey::new(text).and_then(|k| k.decode()) {
        Ok(_) => Err(format!("{what} was accepted").into()),
        Err(e) => {
            println!("rejected {what}: {e}");
            Ok(())
        }
    }
}
