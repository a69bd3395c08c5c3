//! Tests of the whole codec: golden vector, every rejection, the accepted
//! spellings, redaction, and property tests.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

use super::*;
use crate::names::{EnvironmentName, NameError};
use crate::wire::Secret;

const ENV: &str = "providers/aws/environments/aws-gcp-us-east";
const UUID: &str = "5f0c8a2e-1b3d-4c5e-9f60-7a8b9c0d1e2f";
const ACCOUNT: &str = "123456789012";
const GOLDEN_JSON: &str = r#"{"version":1,"destinationEnvironmentUri":"providers/aws/environments/aws-gcp-us-east","sharedConnectionUuid":"5f0c8a2e-1b3d-4c5e-9f60-7a8b9c0d1e2f","connectionSizeMbps":1000,"destinationAccountId":"123456789012"}"#;
const GOLDEN: &str = "eyJ2ZXJzaW9uIjoxLCJkZXN0aW5hdGlvbkVudmlyb25tZW50VXJpIjoicHJvdmlkZXJzL2F3cy9lbnZpcm9ubWVudHMvYXdzLWdjcC11cy1lYXN0Iiwic2hhcmVkQ29ubmVjdGlvblV1aWQiOiI1ZjBjOGEyZS0xYjNkLTRjNWUtOWY2MC03YThiOWMwZDFlMmYiLCJjb25uZWN0aW9uU2l6ZU1icHMiOjEwMDAsImRlc3RpbmF0aW9uQWNjb3VudElkIjoiMTIzNDU2Nzg5MDEyIn0=";

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn key_with_account(account: &str) -> Result<ActivationKeyV1, Box<dyn std::error::Error>> {
    Ok(ActivationKeyV1::new(
        ENV.parse()?,
        UUID.parse()?,
        1000,
        Secret::new(account),
    )?)
}

fn golden_key() -> Result<ActivationKeyV1, Box<dyn std::error::Error>> {
    key_with_account(ACCOUNT)
}

fn decode(text: &str) -> Result<DecodedActivationKey, ActivationKeyError> {
    EncodedActivationKey::new(text)?.decode()
}

fn decode_v1(text: &str) -> Result<ActivationKeyV1, Box<dyn std::error::Error>> {
    match decode(text)? {
        DecodedActivationKey::V1(key) => Ok(key),
        other => Err(format!("version {}", other.version()).into()),
    }
}

/// The error from decoding base64 of `json`.
fn json_error(json: &str) -> Option<ActivationKeyError> {
    decode(&STANDARD.encode(json)).err()
}

/// The golden members as a JSON object, to be changed by a test.
fn golden_members() -> Map<String, Value> {
    match json!({
        "version": 1,
        "destinationEnvironmentUri": ENV,
        "sharedConnectionUuid": UUID,
        "connectionSizeMbps": 1000,
        "destinationAccountId": ACCOUNT,
    }) {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn with_member(name: &str, value: Value) -> Option<ActivationKeyError> {
    let mut members = golden_members();
    members.insert(name.to_owned(), value);
    json_error(&Value::Object(members).to_string())
}

// ---- golden vector -------------------------------------------------------

#[test]
fn golden_key_encodes_to_the_golden_text() -> TestResult {
    let key = golden_key()?;
    assert_eq!(key.to_canonical_json(), GOLDEN_JSON);
    assert_eq!(key.encode().expose(), GOLDEN);
    assert_eq!(DecodedActivationKey::V1(key).encode().expose(), GOLDEN);
    Ok(())
}

#[test]
fn golden_text_decodes_to_the_golden_key() -> TestResult {
    let key = decode_v1(GOLDEN)?;
    assert_eq!(key, golden_key()?);
    assert_eq!(key.destination_environment().to_string(), ENV);
    assert_eq!(key.shared_connection_uuid().as_str(), UUID);
    assert_eq!(key.connection_size_mbps(), 1000);
    assert_eq!(key.destination_account_id().expose(), ACCOUNT);
    assert_eq!(EncodedActivationKey::new(GOLDEN)?.peek_version()?, 1);
    Ok(())
}

#[test]
fn decoding_keeps_the_text_and_reencoding_is_canonical() -> TestResult {
    let pasted = format!("  {GOLDEN}\n");
    let encoded = EncodedActivationKey::new(&pasted)?;
    assert_eq!(encoded.expose(), pasted);
    assert_eq!(encoded.decode()?.encode().expose(), GOLDEN);
    Ok(())
}

// ---- spellings people paste ---------------------------------------------

#[test]
fn whitespace_url_safe_and_missing_padding_decode_to_the_same_key() -> TestResult {
    // This account id makes the standard text contain '+' and end with '='.
    let key = key_with_account("acct~~~?>")?;
    let standard = key.encode().expose().to_owned();
    assert!(
        standard.contains('+') && standard.ends_with('='),
        "{standard}"
    );
    let json = STANDARD.decode(&standard)?;
    let wrapped: String = standard
        .as_bytes()
        .chunks(20)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("\r\n\t ");
    for variant in [
        standard.clone(),
        standard.trim_end_matches('=').to_owned(),
        URL_SAFE.encode(&json),
        URL_SAFE_NO_PAD.encode(&json),
        wrapped,
        format!(" \n{standard}\n\n"),
        format!("\x0c{}\t", URL_SAFE_NO_PAD.encode(&json)),
    ] {
        assert_eq!(decode_v1(&variant)?, key, "{variant:?}");
    }
    Ok(())
}

#[test]
fn uppercase_uuid_decodes_to_lowercase() -> TestResult {
    let key = decode_v1(&STANDARD.encode(GOLDEN_JSON.replace(UUID, &UUID.to_uppercase())))?;
    assert_eq!(key.shared_connection_uuid().as_str(), UUID);
    Ok(())
}

#[test]
fn unknown_members_are_ignored() -> TestResult {
    let mut members = golden_members();
    members.insert("comment".into(), json!({"nested": [1, 2, null]}));
    let key = decode_v1(&STANDARD.encode(Value::Object(members).to_string()))?;
    assert_eq!(key, golden_key()?);
    Ok(())
}

#[test]
fn member_order_and_json_whitespace_do_not_matter() -> TestResult {
    let json = format!(
        " {{ \"destinationAccountId\" : \"{ACCOUNT}\", \"connectionSizeMbps\": 1000,\n\
         \"sharedConnectionUuid\": \"{UUID}\", \"destinationEnvironmentUri\": \"{ENV}\", \"version\": 1 }}\n"
    );
    assert_eq!(decode_v1(&STANDARD.encode(json))?, golden_key()?);
    Ok(())
}

// ---- one test per rejection ---------------------------------------------

#[test]
fn too_long_is_checked_before_decoding() -> TestResult {
    let max = MAX_ENCODED_LEN;
    // Exactly at the bound, padded with whitespace: accepted.
    let at_bound = format!("{GOLDEN}{}", " ".repeat(max - GOLDEN.len()));
    assert_eq!(decode_v1(&at_bound)?, golden_key()?);
    // One more byte: rejected, even though the key inside is valid.
    let over = format!("{at_bound} ");
    let too_long = ActivationKeyError::TooLong { len: max + 1, max };
    assert_eq!(
        EncodedActivationKey::new(&over).err(),
        Some(too_long.clone())
    );
    assert_eq!(
        EncodedActivationKey::try_from(over.clone()).err(),
        Some(too_long)
    );
    // Far over and not base64: the size is what is reported.
    let junk = "!".repeat(10 * max);
    assert!(matches!(
        EncodedActivationKey::new(&junk),
        Err(ActivationKeyError::TooLong { .. })
    ));
    Ok(())
}

#[test]
fn raw_keys_are_built_without_decoding() -> TestResult {
    let unreadable = EncodedActivationKey::new("not base64 at all!")?;
    assert_eq!(unreadable.expose(), "not base64 at all!");
    assert!(matches!(
        unreadable.decode(),
        Err(ActivationKeyError::NotBase64 { .. })
    ));
    let parsed: EncodedActivationKey = "x".parse()?;
    assert_eq!(parsed.len(), 1);
    Ok(())
}

#[test]
fn not_base64_is_rejected() {
    for text in [
        "",
        " \n\t",
        "eyJ9!",
        "ey=J9",
        "eyJ9e",
        "eyJ9eQ=",
        "eyJ9eQ===",
        "eyJ9eR==",
        "ab+c-d==",
        "ab/c_d==",
    ] {
        assert!(
            matches!(decode(text), Err(ActivationKeyError::NotBase64 { .. })),
            "{text:?}: {:?}",
            decode(text)
        );
    }
}

#[test]
fn not_base64_reasons_say_what_is_wrong() {
    let reason = |text: &str| match decode(text) {
        Err(ActivationKeyError::NotBase64 { reason }) => Some(reason),
        _ => None,
    };
    assert_eq!(reason(" \n"), Some(Base64Problem::Empty));
    assert_eq!(reason("eyJ9eQ="), Some(Base64Problem::Padding));
    assert_eq!(reason("ab+c-d=="), Some(Base64Problem::MixedAlphabets));
    assert_eq!(reason("eyJ9!"), Some(Base64Problem::InvalidCharacter));
    assert_eq!(reason("eyJ9e"), Some(Base64Problem::ImpossibleLength));
    assert_eq!(reason("eyJ9eR=="), Some(Base64Problem::NonZeroTrailingBits));
    // the words name the problem, and each problem its rule
    assert_eq!(Base64Problem::Empty.to_string(), "it is empty");
    assert!(Base64Problem::MixedAlphabets.to_string().contains("mixes"));
    let rule = |text: &str| decode(text).err().map(|e| e.rule());
    assert_eq!(rule(" \n"), Some("KEY-6"));
    assert_eq!(rule("eyJ9eQ="), Some("KEY-5"));
    assert_eq!(rule("eyJ9!"), Some("KEY-4"));
}

#[test]
fn not_json_is_rejected() {
    for json in [" ", "{\"version\":1,", "{version:1}", "{\"a\" 1}"] {
        assert!(
            matches!(json_error(json), Some(ActivationKeyError::NotJson { .. })),
            "{json:?}: {:?}",
            json_error(json)
        );
    }
    // Bytes that are not UTF-8 inside a string.
    let bytes = b"{\"version\":1,\"x\":\"\xff\"}";
    assert!(matches!(
        decode(&STANDARD.encode(bytes)),
        Err(ActivationKeyError::NotJson { line: 1, .. })
    ));
}

#[test]
fn json_that_is_not_an_object_is_rejected() {
    assert_eq!(
        json_error("[1]"),
        Some(ActivationKeyError::NotAnObject { found: "an array" })
    );
    assert_eq!(
        json_error("\"key\""),
        Some(ActivationKeyError::NotAnObject { found: "a string" })
    );
}

#[test]
fn a_duplicate_member_is_rejected() {
    let account_twice = GOLDEN_JSON.replace('}', r#","destinationAccountId":"999999999999"}"#);
    assert_eq!(
        json_error(&account_twice),
        Some(ActivationKeyError::DuplicateMember {
            member: "destinationAccountId".into()
        })
    );
}

#[test]
fn trailing_content_is_rejected() {
    assert_eq!(
        json_error(&format!("{GOLDEN_JSON}{{}}")),
        Some(ActivationKeyError::TrailingContent)
    );
    assert_eq!(
        json_error(&format!("{GOLDEN_JSON} x")),
        Some(ActivationKeyError::TrailingContent)
    );
    // Whitespace after the object is fine.
    assert_eq!(json_error(&format!("{GOLDEN_JSON} \n")), None);
}

#[test]
fn each_missing_member_is_named() {
    // `version` may be absent (E-201): see
    // `a_key_without_version_reads_as_version_1`.
    for member in [
        "destinationEnvironmentUri",
        "sharedConnectionUuid",
        "connectionSizeMbps",
        "destinationAccountId",
    ] {
        let mut members = golden_members();
        members.remove(member);
        assert_eq!(
            json_error(&Value::Object(members).to_string()),
            Some(ActivationKeyError::MissingMember { member }),
            "{member}"
        );
    }
}

#[test]
fn each_mistyped_member_is_named() {
    let int32 = "an int32 integer";
    for (member, value, expected, found) in [
        ("version", json!("1"), int32, "a string"),
        (
            "version",
            json!(1.0),
            int32,
            "a number with a fraction or an exponent",
        ),
        ("version", json!(null), int32, "null"),
        (
            "connectionSizeMbps",
            json!(2_147_483_648_i64),
            int32,
            "a number outside the int32 range",
        ),
        (
            "connectionSizeMbps",
            json!(u64::MAX),
            int32,
            "a number outside the int32 range",
        ),
        (
            "connectionSizeMbps",
            json!(-2_147_483_649_i64),
            int32,
            "a number outside the int32 range",
        ),
        ("connectionSizeMbps", json!([1000]), int32, "an array"),
        (
            "destinationEnvironmentUri",
            json!({"name": ENV}),
            "a string",
            "an object",
        ),
        ("sharedConnectionUuid", json!(true), "a string", "a boolean"),
        (
            "destinationAccountId",
            json!(123_456_789_012_i64),
            "a string",
            "a number",
        ),
    ] {
        assert_eq!(
            with_member(member, value.clone()),
            Some(ActivationKeyError::MistypedMember {
                member,
                expected,
                found
            }),
            "{member} = {value}"
        );
    }
}

#[test]
fn an_unknown_version_is_rejected_with_its_number() -> TestResult {
    for version in [3, 0, -1, i32::MAX] {
        assert_eq!(
            with_member("version", json!(version)),
            Some(ActivationKeyError::UnknownVersion { version })
        );
    }
    // A version 3 key with other members: not decodable here, but it can
    // be carried and its version read.
    let v3 = STANDARD.encode(r#"{"version":3,"ciphertext":"AAAA"}"#);
    let carried = EncodedActivationKey::new(&v3)?;
    assert_eq!(carried.peek_version()?, 3);
    assert_eq!(
        carried.decode(),
        Err(ActivationKeyError::UnknownVersion { version: 3 })
    );
    assert_eq!(carried.expose(), v3);
    Ok(())
}

/// E-201: the May key object without `version` reads as version 1, and
/// writes back with it; an encrypted one must say its version.
#[test]
fn a_key_without_version_reads_as_version_1() -> TestResult {
    let mut members = golden_members();
    members.remove("version");
    let text = STANDARD.encode(Value::Object(members).to_string());
    let read = decode_v1(&text)?;
    assert_eq!(read, golden_key()?);
    assert_eq!(read.encode().expose(), GOLDEN);
    let encrypted = STANDARD.encode(format!(
        r#"{{"destinationEnvironmentUri":"{ENV}","encryptedContents":"AAAA"}}"#
    ));
    assert_eq!(
        decode(&encrypted),
        Err(ActivationKeyError::MissingMember { member: "version" })
    );
    Ok(())
}

/// A version 2 key reads to its destination and ciphertext; its members
/// are checked (no decryption here).
#[test]
fn a_version_2_key_reads_without_decrypting() -> TestResult {
    let doc = format!(
        r#"{{"version":2,"destinationEnvironmentUri":"{ENV}","encryptedContents":"AAEC\nAw=="}}"#
    );
    let read = decode(&STANDARD.encode(&doc))?;
    let DecodedActivationKey::V2(key) = &read else {
        panic!("version 2: {read}")
    };
    assert_eq!(key.encrypted_contents(), &[0, 1, 2, 3]);
    assert_eq!(read.destination_environment().to_string(), ENV);
    assert_eq!(
        key.encode().expose(),
        STANDARD.encode(format!(
            r#"{{"version":2,"destinationEnvironmentUri":"{ENV}","encryptedContents":"AAECAw=="}}"#
        )),
        "canonical re-encoding"
    );
    assert!(!format!("{read:?}").contains("AAEC"));
    for (doc, error) in [
        (
            format!(r#"{{"version":2,"destinationEnvironmentUri":"{ENV}"}}"#),
            ActivationKeyError::MissingMember {
                member: "encryptedContents",
            },
        ),
        (
            format!(
                r#"{{"version":2,"destinationEnvironmentUri":"{ENV}","encryptedContents":"*"}}"#
            ),
            ActivationKeyError::EncryptedContentsNotBase64,
        ),
        (
            format!(
                r#"{{"version":2,"destinationEnvironmentUri":"{ENV}","encryptedContents":""}}"#
            ),
            ActivationKeyError::EncryptedContentsEmpty,
        ),
        (
            r#"{"version":2,"encryptedContents":"AA=="}"#.to_owned(),
            ActivationKeyError::MissingMember {
                member: "destinationEnvironmentUri",
            },
        ),
    ] {
        assert_eq!(decode(&STANDARD.encode(&doc)), Err(error), "{doc}");
    }
    Ok(())
}

/// The payload of a version 2 key: canonical JSON, strict reading.
#[test]
fn version_2_payloads_read_back_and_name_their_members() -> TestResult {
    let payload = ActivationKeyEncryptedPayload::new(
        UUID.parse()?,
        1000,
        Secret::new("123456789012"),
        Secret::new("999"),
    )?;
    let json = payload.to_canonical_json();
    assert_eq!(
        json,
        format!(
            r#"{{"sharedConnectionUuid":"{UUID}","connectionSizeMbps":1000,"destinationAccountId":"123456789012","sourceAccountId":"999"}}"#
        )
    );
    assert_eq!(
        ActivationKeyEncryptedPayload::from_json(json.as_bytes())?,
        payload
    );
    let no_source = json.replace(r#","sourceAccountId":"999""#, "");
    assert_eq!(
        ActivationKeyEncryptedPayload::from_json(no_source.as_bytes()),
        Err(ActivationKeyError::MissingMember {
            member: "sourceAccountId"
        })
    );
    let empty_source = json.replace(r#""999""#, r#""""#);
    assert_eq!(
        ActivationKeyEncryptedPayload::from_json(empty_source.as_bytes()),
        Err(ActivationKeyError::SourceAccountIdEmpty)
    );
    let shown = format!("{payload:?}");
    assert!(!shown.contains("999") && !shown.contains(UUID), "{shown}");
    // E-204: 190 bytes is the limit, checked when the payload is built.
    let fits = 190 - json.len() + 3;
    ActivationKeyEncryptedPayload::new(
        UUID.parse()?,
        1000,
        Secret::new("123456789012"),
        Secret::new("9".repeat(fits)),
    )?;
    assert_eq!(
        ActivationKeyEncryptedPayload::new(
            UUID.parse()?,
            1000,
            Secret::new("123456789012"),
            Secret::new("9".repeat(fits + 1))
        ),
        Err(ActivationKeyError::PayloadTooLarge {
            len: 191,
            max: MAX_PAYLOAD_LEN
        })
    );
    Ok(())
}

#[test]
fn peek_version_reports_why_it_cannot_read_the_version() -> TestResult {
    // E-201: without `version` a key is version 1, unless it is encrypted.
    let unversioned = EncodedActivationKey::new(&STANDARD.encode("{}"))?;
    assert_eq!(unversioned.peek_version(), Ok(1));
    let missing = EncodedActivationKey::new(&STANDARD.encode(r#"{"encryptedContents":"AA=="}"#))?;
    assert_eq!(
        missing.peek_version(),
        Err(ActivationKeyError::MissingMember { member: "version" })
    );
    let not_base64 = EncodedActivationKey::new("*")?;
    assert!(matches!(
        not_base64.peek_version(),
        Err(ActivationKeyError::NotBase64 { .. })
    ));
    Ok(())
}

#[test]
fn an_environment_uri_that_is_not_an_environment_name_is_rejected() {
    for uri in [
        "providers/aws",
        "aws-gcp-us-east",
        "providers/aws/environments/e/interconnects/ix1",
        "https://aws.example/providers/aws/environments/e",
    ] {
        assert!(
            matches!(
                with_member("destinationEnvironmentUri", json!(uri)),
                Some(ActivationKeyError::InvalidEnvironment(_))
            ),
            "{uri}"
        );
    }
    assert_eq!(
        with_member("destinationEnvironmentUri", json!("providers/aws")),
        Some(ActivationKeyError::InvalidEnvironment(NameError::Missing {
            level: "environment",
            format: EnvironmentName::FORMAT,
        }))
    );
}

#[test]
fn a_uuid_that_is_not_a_uuid_is_rejected() {
    for uuid in [
        "",
        "5f0c8a2e",
        "5f0c8a2e1b3d4c5e9f607a8b9c0d1e2f",
        "{5f0c8a2e-1b3d-4c5e-9f60-7a8b9c0d1e2f}",
        "5f0c8a2e-1b3d-4c5e-9f60-7a8b9c0d1e2g",
    ] {
        assert!(
            matches!(
                with_member("sharedConnectionUuid", json!(uuid)),
                Some(ActivationKeyError::InvalidUuid(_))
            ),
            "{uuid}"
        );
    }
}

#[test]
fn a_size_that_is_not_positive_is_rejected() -> TestResult {
    for mbps in [0, -1, i32::MIN] {
        assert_eq!(
            with_member("connectionSizeMbps", json!(mbps)),
            Some(ActivationKeyError::SizeNotPositive { mbps })
        );
    }
    assert_eq!(with_member("connectionSizeMbps", json!(1)), None);
    let built = ActivationKeyV1::new(ENV.parse()?, UUID.parse()?, 0, Secret::new(ACCOUNT));
    assert_eq!(built, Err(ActivationKeyError::SizeNotPositive { mbps: 0 }));
    Ok(())
}

#[test]
fn an_empty_account_id_is_rejected() -> TestResult {
    assert_eq!(
        with_member("destinationAccountId", json!("")),
        Some(ActivationKeyError::AccountIdEmpty)
    );
    let built = ActivationKeyV1::new(ENV.parse()?, UUID.parse()?, 1000, Secret::new(""));
    assert_eq!(built, Err(ActivationKeyError::AccountIdEmpty));
    Ok(())
}

#[test]
fn an_account_id_over_256_characters_is_rejected() {
    let max = MAX_ACCOUNT_ID_LEN;
    assert_eq!(
        with_member("destinationAccountId", json!("7".repeat(max + 1))),
        Some(ActivationKeyError::AccountIdTooLong { len: max + 1, max })
    );
    // The bound counts characters, not bytes.
    assert_eq!(
        with_member("destinationAccountId", json!("é".repeat(max))),
        None
    );
    assert_eq!(
        with_member("destinationAccountId", json!("é".repeat(max + 1))),
        Some(ActivationKeyError::AccountIdTooLong { len: max + 1, max })
    );
}

#[test]
fn the_longest_valid_key_fits_the_bound() -> TestResult {
    let segment = "e".repeat(128);
    let env: EnvironmentName = format!("providers/{segment}/environments/{segment}").parse()?;
    let account: String = std::iter::repeat_n('\u{1}', MAX_ACCOUNT_ID_LEN).collect();
    let key = ActivationKeyV1::new(env, UUID.parse()?, i32::MAX, Secret::new(account))?;
    let text = key.encode();
    assert_eq!(text.len(), 2640, "the bound quoted on MAX_ENCODED_LEN");
    assert_eq!(decode_v1(text.expose())?, key);
    Ok(())
}

// ---- redaction -----------------------------------------------------------

fn assert_redacted(shown: &str) {
    for secret in [
        UUID,
        &UUID.to_uppercase(),
        "5f0c8a2e",
        ACCOUNT,
        &GOLDEN[..24],
        GOLDEN_JSON,
    ] {
        assert!(!shown.contains(secret), "{secret:?} in {shown:?}");
    }
}

#[test]
fn debug_and_display_of_keys_hide_the_secrets() -> TestResult {
    let key = golden_key()?;
    let decoded = DecodedActivationKey::V1(key.clone());
    let encoded = key.encode();
    let shown = format!("{key:?} {key:#?} {key} {decoded:?} {decoded} {encoded:?} {encoded:#?}");
    assert_redacted(&shown);
    // What is shown is still useful.
    assert!(shown.contains(ENV), "{shown}");
    assert!(shown.contains("1000"), "{shown}");
    assert!(
        shown.contains(&format!("{} bytes", GOLDEN.len())),
        "{shown}"
    );
    assert_eq!(
        key.to_string(),
        "activation key version 1 for providers/aws/environments/aws-gcp-us-east (1000 Mbps)"
    );
    Ok(())
}

#[test]
fn errors_hide_the_secrets() {
    let bad_uuid = "5f0c8a2e-1b3d-4c5e-9f60-7a8b9c0dZZZZ";
    let errors = [
        with_member("sharedConnectionUuid", json!(bad_uuid)),
        with_member("sharedConnectionUuid", json!(format!("{UUID}0"))),
        with_member("sharedConnectionUuid", json!(123)),
        with_member(
            "destinationAccountId",
            json!(format!("{ACCOUNT}{}", "9".repeat(300))),
        ),
        with_member("destinationAccountId", json!(123_456_789_012_i64)),
        json_error(&GOLDEN_JSON.replace('}', r#","destinationAccountId":"123456789012"}"#)),
        json_error(&GOLDEN_JSON.replace(":1000", ":1000.5")),
        json_error(&GOLDEN_JSON.replace(ACCOUNT, "123456789012\u{1}\"")),
        json_error(&GOLDEN_JSON[..GOLDEN_JSON.len() - 3]),
        json_error(&format!("{GOLDEN_JSON}{GOLDEN_JSON}")),
        decode(&GOLDEN.replace('e', "!")).err(),
        decode(&GOLDEN[..GOLDEN.len() - 3]).err(),
        decode(&GOLDEN.replace('c', "_")).err(),
    ];
    for error in errors {
        let error = error.map(|e| format!("{e} {e:?}"));
        let shown = error.unwrap_or_else(|| "no error".into());
        assert!(shown != "no error");
        assert_redacted(&shown);
        assert!(!shown.contains("ZZZZ"), "{shown}");
    }
}

#[test]
fn raw_key_serializes_as_its_text() -> TestResult {
    let encoded = EncodedActivationKey::new(GOLDEN)?;
    let json = serde_json::to_string(&encoded)?;
    assert_eq!(json, format!("\"{GOLDEN}\""));
    assert_eq!(
        serde_json::from_str::<EncodedActivationKey>(&json)?,
        encoded
    );
    let too_long = format!("\"{}\"", "A".repeat(MAX_ENCODED_LEN + 1));
    assert!(serde_json::from_str::<EncodedActivationKey>(&too_long).is_err());
    Ok(())
}

// ---- properties ------------------------------------------------------------

/// Any valid segment (NAME-9), up to the 128-character limit: the
/// dot-segments `.` and `..` are not valid.
fn segment() -> impl Strategy<Value = String> {
    "[A-Za-z0-9._~-]{1,128}"
        .prop_filter("a dot-segment is not a segment", |s| s != "." && s != "..")
}

prop_compose! {
    fn valid_key()(
        provider in segment(),
        environment in segment(),
        uuid in any::<[u8; 16]>(),
        mbps in 1..=i32::MAX,
        account in prop::collection::vec(any::<char>(), 1..=MAX_ACCOUNT_ID_LEN),
    ) -> Option<ActivationKeyV1> {
        let env = format!("providers/{provider}/environments/{environment}").parse().ok()?;
        let account: String = account.into_iter().collect();
        ActivationKeyV1::new(env, ConnectionUuid::from_bytes(uuid), mbps, Secret::new(account)).ok()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(10_000))]

    #[test]
    fn round_trip(key in valid_key()) {
        let key = key.ok_or_else(|| TestCaseError::fail("strategy built an invalid key"))?;
        let text = key.encode();
        prop_assert!(text.len() <= MAX_ENCODED_LEN);
        prop_assert_eq!(decode(text.expose()), Ok(DecodedActivationKey::V1(key)));
    }

    #[test]
    fn decode_never_panics_on_strings(text in any::<String>()) {
        let _ = decode(&text);
    }

    #[test]
    fn decode_never_panics_on_base64_like_strings(text in "[A-Za-z0-9+/=_ \n-]{0,64}") {
        let _ = decode(&text);
    }

    #[test]
    fn decode_never_panics_on_encoded_bytes(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let _ = decode(&STANDARD.encode(&bytes));
    }

    #[test]
    fn decode_never_panics_on_damaged_keys(
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
    ) {
        let mut json = GOLDEN_JSON.as_bytes().to_vec();
        for (at, byte) in edits {
            let i = at.index(json.len());
            if let Some(slot) = json.get_mut(i) {
                *slot = byte;
            }
        }
        let _ = decode(&STANDARD.encode(&json));
    }
}
