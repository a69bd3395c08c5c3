//! The JSON Schemas checked in under `spec/schemas/` are exactly what the
//! Rust wire types generate. Regenerate them with
//!
//! ```text
//! INTERCONNECT_WRITE_SCHEMAS=1 cargo test -p interconnect-core --test all schemas::
//! ```

use std::path::PathBuf;

fn schema_dir() -> Option<PathBuf> {
    crate::repository::file("spec/schemas")
}

fn render(schema: &schemars::Schema) -> String {
    let mut text = serde_json::to_string_pretty(schema).expect("a schema is JSON");
    text.push('\n');
    text
}

#[test]
fn checked_in_schemas_are_fresh() {
    let Some(dir) = schema_dir() else {
        return;
    };
    let write = std::env::var_os("INTERCONNECT_WRITE_SCHEMAS").is_some();
    let schemas = interconnect_core::wire::schemas();
    let mut stale = Vec::new();
    for (name, schema) in &schemas {
        let path = dir.join(format!("{name}.schema.json"));
        let want = render(schema);
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        if have != want {
            if write {
                std::fs::create_dir_all(&dir).expect("create spec/schemas");
                std::fs::write(&path, want).expect("write schema");
            } else {
                stale.push(name.to_string());
            }
        }
    }
    // No file may be left over from a type that no longer exists.
    let expected: Vec<String> = schemas
        .iter()
        .map(|(n, _)| format!("{n}.schema.json"))
        .collect();
    for entry in std::fs::read_dir(&dir).expect("spec/schemas exists") {
        let file = entry
            .expect("dir entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        if !expected.contains(&file) {
            if write {
                std::fs::remove_file(dir.join(&file)).expect("remove leftover schema");
            } else {
                stale.push(format!("{file} (no such wire type)"));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale JSON Schemas in spec/schemas: {stale:?}\nregenerate with: \
         INTERCONNECT_WRITE_SCHEMAS=1 cargo test -p interconnect-core --test all schemas::"
    );
    println!("{} schemas checked", schemas.len());
}

#[test]
fn every_schema_is_a_valid_draft_2020_12_schema() {
    for (name, schema) in interconnect_core::wire::schemas() {
        let value = serde_json::to_value(&schema).expect("schema is JSON");
        assert!(
            jsonschema::draft202012::meta::is_valid(&value),
            "{name} is not a valid JSON Schema"
        );
    }
}
