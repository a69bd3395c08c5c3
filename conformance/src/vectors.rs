//! The offline vector files: their model and how they are loaded.
//!
//! The format is documented in `conformance/vectors/README.md` and checked
//! by `conformance/vectors/schema/vectors.schema.json`; a file that does not
//! follow it is a [`LoadError`] naming the file and the JSON path, never a
//! panic.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;
use thiserror::Error;

/// The JSON Schema every offline vector file follows.
pub const VECTORS_SCHEMA: &str = include_str!("../vectors/schema/vectors.schema.json");

/// The offline families with one file each, by file stem.
pub const FILE_FAMILIES: [&str; 4] = ["activation_keys", "names", "l3_features", "customer_pairs"];

/// The family whose vectors are a folder of files, one per wire schema.
pub const WIRE_FAMILY: &str = "wire";

/// One vector of a single-file family: the input is given to the library
/// and what comes back is compared with `expected`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Vector {
    /// Unique across all vector files, for example `KEY-5/padding-missing`.
    pub id: String,
    /// The requirement id it tests (a row of `spec/REQUIREMENTS.md`).
    pub requirement: String,
    /// What the vector checks, in words.
    pub description: String,
    /// The family-specific input.
    pub input: Value,
    /// The family-specific expected outcome.
    pub expected: Value,
}

/// One case of a wire file, in the manner of JSON-Schema-Test-Suite.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireCase {
    /// Unique across all vector files.
    pub id: String,
    /// The requirement id it tests.
    pub requirement: String,
    /// What the case checks, in words.
    pub description: String,
    /// The document to read as the file's schema.
    pub data: Value,
    /// Whether the document is acceptable.
    pub valid: bool,
    /// For an invalid document: the validation rule id expected to be
    /// reported (rules that only the prose states); absent when the document
    /// must fail to decode.
    #[serde(default)]
    pub rule: Option<String>,
    /// For a document that must fail to decode: the JSON path the error
    /// must name (`WIRE-9`), when given.
    #[serde(default)]
    pub path: Option<String>,
}

/// A file of a single-file family.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct VectorFile {
    /// The family (the file stem).
    pub family: String,
    /// What the family checks.
    pub description: String,
    /// Its vectors.
    pub vectors: Vec<Vector>,
}

/// A wire file: the cases for one schema of the specification.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct WireFile {
    /// Always `wire`.
    pub family: String,
    /// The schema's name under `components.schemas`, for example `Connection`.
    pub schema: String,
    /// What the file checks.
    pub description: String,
    /// Its cases.
    pub tests: Vec<WireCase>,
}

/// Every offline vector file of a directory.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Vectors {
    /// The single-file families present, by family name.
    pub files: BTreeMap<String, VectorFile>,
    /// The wire files, by schema name.
    pub wire: BTreeMap<String, WireFile>,
}

impl Vectors {
    /// Every vector id with its requirement id, in file order.
    pub fn ids(&self) -> Vec<(&str, &str)> {
        let mut out = Vec::new();
        for file in self.files.values() {
            out.extend(
                file.vectors
                    .iter()
                    .map(|v| (v.id.as_str(), v.requirement.as_str())),
            );
        }
        for file in self.wire.values() {
            out.extend(
                file.tests
                    .iter()
                    .map(|v| (v.id.as_str(), v.requirement.as_str())),
            );
        }
        out
    }
}

/// A vector file that could not be loaded.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The file or directory could not be read.
    #[error("{file}: cannot be read: {source}")]
    Io {
        /// The file.
        file: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file is not JSON.
    #[error("{file}: not JSON (line {line}, column {column}): {message}")]
    NotJson {
        /// The file.
        file: PathBuf,
        /// Line of the syntax error.
        line: usize,
        /// Column of the syntax error.
        column: usize,
        /// What the parser said.
        message: String,
    },
    /// The file does not follow `vectors.schema.json`.
    #[error("{file}: at {pointer}: {message}")]
    Schema {
        /// The file.
        file: PathBuf,
        /// JSON pointer of the first offending value (`""` is the root).
        pointer: String,
        /// What is wrong.
        message: String,
    },
    /// Two vectors share an id.
    #[error("vector id {id:?} appears in {first} and again in {second}")]
    DuplicateId {
        /// The id.
        id: String,
        /// The first file holding it.
        first: PathBuf,
        /// The second file holding it.
        second: PathBuf,
    },
    /// The schema of the vector files itself is broken (a defect of this crate).
    #[error("vectors.schema.json is not a valid JSON Schema: {0}")]
    BadSchema(String),
}

/// Loads every offline vector file of `dir`: `<family>.json` for each of
/// [`FILE_FAMILIES`] that exists and every `wire/*.json`. Each file is checked
/// against [`VECTORS_SCHEMA`]; a file's `family` must be its stem, a wire
/// file's `schema` its stem (so no schema has two files), and vector ids
/// must be unique across all files. Other files and folders (`scenarios/`)
/// are not read.
pub fn load(dir: &Path) -> Result<Vectors, LoadError> {
    let validator = schema_validator()?;
    let mut vectors = Vectors::default();
    let mut seen: BTreeMap<String, PathBuf> = BTreeMap::new();
    for family in FILE_FAMILIES {
        let file = dir.join(format!("{family}.json"));
        if !file.exists() {
            continue;
        }
        let value = read_checked(&file, &validator)?;
        let parsed: VectorFile = typed(&file, value)?;
        if parsed.family != family {
            return Err(LoadError::Schema {
                file,
                pointer: "/family".to_owned(),
                message: format!("family {:?} in the file {family}.json", parsed.family),
            });
        }
        for v in &parsed.vectors {
            note_id(&mut seen, &v.id, &file)?;
        }
        vectors.files.insert(family.to_owned(), parsed);
    }
    let wire_dir = dir.join(WIRE_FAMILY);
    if wire_dir.is_dir() {
        for file in json_files(&wire_dir)? {
            let value = read_checked(&file, &validator)?;
            let parsed: WireFile = typed(&file, value)?;
            if file.file_stem().and_then(|s| s.to_str()) != Some(parsed.schema.as_str()) {
                return Err(LoadError::Schema {
                    file,
                    pointer: "/schema".to_owned(),
                    message: format!(
                        "schema {:?} in a file not named {}.json",
                        parsed.schema, parsed.schema
                    ),
                });
            }
            for v in &parsed.tests {
                note_id(&mut seen, &v.id, &file)?;
            }
            vectors.wire.insert(parsed.schema.clone(), parsed);
        }
    }
    Ok(vectors)
}

/// Reads one file and checks it against the schema.
pub fn read_checked(file: &Path, validator: &jsonschema::Validator) -> Result<Value, LoadError> {
    let text = fs::read_to_string(file).map_err(|source| LoadError::Io {
        file: file.to_owned(),
        source,
    })?;
    let value: Value = serde_json::from_str(&text).map_err(|e| LoadError::NotJson {
        file: file.to_owned(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    if let Some(error) = validator.iter_errors(&value).next() {
        return Err(LoadError::Schema {
            file: file.to_owned(),
            pointer: error.instance_path().as_str().to_owned(),
            message: error.to_string(),
        });
    }
    Ok(value)
}

/// The compiled [`VECTORS_SCHEMA`].
pub fn schema_validator() -> Result<jsonschema::Validator, LoadError> {
    let schema: Value =
        serde_json::from_str(VECTORS_SCHEMA).map_err(|e| LoadError::BadSchema(e.to_string()))?;
    jsonschema::validator_for(&schema).map_err(|e| LoadError::BadSchema(e.to_string()))
}

/// Converts a schema-checked document to its model; a mismatch here means
/// the schema is looser than the model, reported like a schema error.
fn typed<T: serde::de::DeserializeOwned>(file: &Path, value: Value) -> Result<T, LoadError> {
    serde_json::from_value(value).map_err(|e| LoadError::Schema {
        file: file.to_owned(),
        pointer: String::new(),
        message: e.to_string(),
    })
}

fn note_id(seen: &mut BTreeMap<String, PathBuf>, id: &str, file: &Path) -> Result<(), LoadError> {
    if let Some(first) = seen.get(id) {
        return Err(LoadError::DuplicateId {
            id: id.to_owned(),
            first: first.clone(),
            second: file.to_owned(),
        });
    }
    seen.insert(id.to_owned(), file.to_owned());
    Ok(())
}

/// The `*.json` files of a directory, sorted by name.
fn json_files(dir: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let io = |source| LoadError::Io {
        file: dir.to_owned(),
        source,
    };
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.extension().is_some_and(|e| e == "json") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}
