//! Embeds every file of `vectors/` in the library (`src/embedded.rs`
//! includes the generated list), so that an installed `interconnect` or a
//! crate depending on this one runs the suite without the source tree.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "json" || x == "md") {
            out.push(p);
        }
    }
}

fn main() {
    let root =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default()).join("vectors");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut found = Vec::new();
    files(&root, &mut found);
    let mut code = String::from("pub(crate) const FILES: &[(&str, &str)] = &[\n");
    // FNV-1a over names and contents: the directory the files are
    // extracted to is named after it, so different suites never mix.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for p in &found {
        let rel = p
            .strip_prefix(&root)
            .map(|r| r.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        for b in rel.bytes().chain(std::fs::read(p).unwrap_or_default()) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        if let Some(dir) = p.parent() {
            println!("cargo:rerun-if-changed={}", dir.display());
        }
        let _ = writeln!(
            code,
            "    ({rel:?}, include_str!({:?})),",
            p.display().to_string()
        );
    }
    code.push_str("];\n");
    let _ = writeln!(code, "pub(crate) const HASH: u64 = {hash};");
    let out =
        PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("embedded_vectors.rs");
    if let Err(e) = std::fs::write(&out, code) {
        panic!("cannot write {}: {e}", out.display());
    }
}
