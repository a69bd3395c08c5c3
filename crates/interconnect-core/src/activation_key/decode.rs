//! Reading an activation key the way customers paste it: ASCII whitespace
//! anywhere is ignored, the standard or the URL-safe base64 alphabet
//! (RFC 4648 sections 4 and 5, not mixed), with or without `=` padding.
//! Then the JSON object is read member by member against `ActivationKey` in
//! `schemas/environment.yaml`.

use base64::Engine as _;
use base64::alphabet;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use serde_json::Value;

use super::encoded::check_len;
use super::error::{ActivationKeyError, Base64Problem};
use super::key::{ActivationKeyV1, DecodedActivationKey};
use super::members::{Members, kind, read_object};
use super::uuid::ConnectionUuid;
use super::v2::{ActivationKeyEncryptedPayload, ActivationKeyV2};
use super::{
    MEMBER_ACCOUNT_ID, MEMBER_ENCRYPTED_CONTENTS, MEMBER_ENVIRONMENT, MEMBER_SIZE,
    MEMBER_SOURCE_ACCOUNT_ID, MEMBER_UUID, MEMBER_VERSION,
};
use crate::names::EnvironmentName;
use crate::wire::Secret;

/// Padding optional; non-zero trailing bits rejected.
const LENIENT: GeneralPurposeConfig =
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
const STANDARD_LENIENT: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, LENIENT);
const URL_SAFE_LENIENT: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT);

/// Decodes and validates a key of any version this release knows.
pub(super) fn decode_text(text: &str) -> Result<DecodedActivationKey, ActivationKeyError> {
    let members = read_members(text)?;
    match version(&members)? {
        ActivationKeyV1::VERSION => read_v1(&members).map(DecodedActivationKey::V1),
        ActivationKeyV2::VERSION => read_v2(&members).map(DecodedActivationKey::V2),
        version => Err(ActivationKeyError::UnknownVersion { version }),
    }
}

/// Reads only the `version` member.
pub(super) fn peek_version_text(text: &str) -> Result<i32, ActivationKeyError> {
    version(&read_members(text)?)
}

fn read_members(text: &str) -> Result<Members, ActivationKeyError> {
    check_len(text)?;
    read_object(&base64_bytes(text)?)
}

/// The bytes the text encodes, after the size bound has been checked.
fn base64_bytes(text: &str) -> Result<Vec<u8>, ActivationKeyError> {
    let not_base64 = |reason| ActivationKeyError::NotBase64 { reason };
    let compact: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if compact.is_empty() {
        return Err(not_base64(Base64Problem::Empty));
    }
    // Padding is optional, but when present it must complete the last
    // group of four (the engine alone would accept "eQ=").
    let padded = compact.last() == Some(&b'=');
    if padded && !compact.len().is_multiple_of(4) {
        return Err(not_base64(Base64Problem::Padding));
    }
    let standard = compact.iter().any(|b| matches!(b, b'+' | b'/'));
    let url_safe = compact.iter().any(|b| matches!(b, b'-' | b'_'));
    let engine = match (standard, url_safe) {
        (true, true) => {
            return Err(not_base64(Base64Problem::MixedAlphabets));
        }
        (false, true) => &URL_SAFE_LENIENT,
        _ => &STANDARD_LENIENT,
    };
    engine.decode(&compact).map_err(|e| {
        not_base64(match e {
            base64::DecodeError::InvalidByte(..) => Base64Problem::InvalidCharacter,
            base64::DecodeError::InvalidLength(_) => Base64Problem::ImpossibleLength,
            base64::DecodeError::InvalidLastSymbol(..) => Base64Problem::NonZeroTrailingBits,
            base64::DecodeError::InvalidPadding => Base64Problem::Padding,
        })
    })
}

/// The `version` member: int32. Absent, the key is read as version 1 when
/// it has no `encryptedContents` (E-201: a creator of the May text that
/// left it out); a key with `encryptedContents` must say its version.
fn version(members: &Members) -> Result<i32, ActivationKeyError> {
    if members.get(MEMBER_VERSION).is_none() && members.get(MEMBER_ENCRYPTED_CONTENTS).is_none() {
        return Ok(ActivationKeyV1::VERSION);
    }
    required_i32(members, MEMBER_VERSION)
}

/// The members of a version 2 key: the destination and the ciphertext
/// (standard base64, padding optional, whitespace ignored).
fn read_v2(members: &Members) -> Result<ActivationKeyV2, ActivationKeyError> {
    let environment = required_str(members, MEMBER_ENVIRONMENT)?;
    let contents = required_str(members, MEMBER_ENCRYPTED_CONTENTS)?;
    let environment: EnvironmentName = environment
        .parse()
        .map_err(ActivationKeyError::InvalidEnvironment)?;
    let compact: Vec<u8> = contents
        .bytes()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    let bytes = STANDARD_LENIENT
        .decode(&compact)
        .map_err(|_| ActivationKeyError::EncryptedContentsNotBase64)?;
    ActivationKeyV2::new(environment, bytes)
}

/// Reads the plaintext of a version 2 key.
pub(super) fn read_payload(
    json: &[u8],
) -> Result<ActivationKeyEncryptedPayload, ActivationKeyError> {
    let members = read_object(json)?;
    let uuid = required_str(&members, MEMBER_UUID)?;
    let size = required_i32(&members, MEMBER_SIZE)?;
    let account_id = required_str(&members, MEMBER_ACCOUNT_ID)?;
    let source_account_id = required_str(&members, MEMBER_SOURCE_ACCOUNT_ID)?;
    let uuid: ConnectionUuid = uuid.parse().map_err(ActivationKeyError::InvalidUuid)?;
    ActivationKeyEncryptedPayload::read(
        uuid,
        size,
        Secret::new(account_id),
        Secret::new(source_account_id),
    )
}

/// The members of a version 1 key, each checked in the order of the schema.
/// Members this version does not define are ignored.
fn read_v1(members: &Members) -> Result<ActivationKeyV1, ActivationKeyError> {
    let environment = required_str(members, MEMBER_ENVIRONMENT)?;
    let uuid = required_str(members, MEMBER_UUID)?;
    let size = required_i32(members, MEMBER_SIZE)?;
    let account_id = required_str(members, MEMBER_ACCOUNT_ID)?;
    let environment: EnvironmentName = environment
        .parse()
        .map_err(ActivationKeyError::InvalidEnvironment)?;
    let uuid: ConnectionUuid = uuid.parse().map_err(ActivationKeyError::InvalidUuid)?;
    ActivationKeyV1::new(environment, uuid, size, Secret::new(account_id))
}

fn required<'a>(
    members: &'a Members,
    member: &'static str,
) -> Result<&'a Value, ActivationKeyError> {
    members
        .get(member)
        .ok_or(ActivationKeyError::MissingMember { member })
}

fn required_str<'a>(
    members: &'a Members,
    member: &'static str,
) -> Result<&'a str, ActivationKeyError> {
    let value = required(members, member)?;
    value.as_str().ok_or(ActivationKeyError::MistypedMember {
        member,
        expected: "a string",
        found: kind(value),
    })
}

fn required_i32(members: &Members, member: &'static str) -> Result<i32, ActivationKeyError> {
    let value = required(members, member)?;
    let found = match value {
        Value::Number(n) => match n.as_i64() {
            Some(i) => match i32::try_from(i) {
                Ok(i) => return Ok(i),
                Err(_) => "a number outside the int32 range",
            },
            None if n.is_u64() => "a number outside the int32 range",
            None => "a number with a fraction or an exponent",
        },
        other => kind(other),
    };
    Err(ActivationKeyError::MistypedMember {
        member,
        expected: "an int32 integer",
        found,
    })
}
