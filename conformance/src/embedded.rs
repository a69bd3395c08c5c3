//! The vectors embedded in the library at build time (`build.rs`): an
//! installed `interconnect` runs the suite from any working directory.
//! The files are written once to a directory of the system's temporary
//! directory named after the crate version and a hash of their contents,
//! and read from there like any `--vectors DIR`.

use std::path::PathBuf;
use std::sync::OnceLock;

mod generated {
    include!(concat!(env!("OUT_DIR"), "/embedded_vectors.rs"));
}

/// The embedded files: path under `vectors/` and contents.
pub fn files() -> &'static [(&'static str, &'static str)] {
    generated::FILES
}

/// The directory holding the embedded vectors, written on first use.
pub fn dir() -> std::io::Result<PathBuf> {
    static DIR: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    DIR.get_or_init(|| extract().map_err(|e| e.to_string()))
        .clone()
        .map_err(std::io::Error::other)
}

fn extract() -> std::io::Result<PathBuf> {
    let name = format!(
        "interconnect-conformance-{}-{:016x}",
        env!("CARGO_PKG_VERSION"),
        generated::HASH
    );
    let dir = std::env::temp_dir().join(&name);
    if dir.join(".complete").exists() {
        return Ok(dir);
    }
    // Written aside and renamed, so that concurrent runs never read a
    // half-written directory.
    let staging = std::env::temp_dir().join(format!(
        "{name}.{}.{}",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    ));
    for (rel, text) in generated::FILES {
        let path = staging.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, text)?;
    }
    std::fs::write(staging.join(".complete"), "")?;
    match std::fs::rename(&staging, &dir) {
        Ok(()) => Ok(dir),
        Err(_) if dir.join(".complete").exists() => {
            let _ = std::fs::remove_dir_all(&staging);
            Ok(dir)
        }
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staging);
            Err(e)
        }
    }
}
