//! Files of the repository around this crate (`spec/`, the READMEs):
//! there in a checkout, absent when the crate is built from its package
//! (`cargo package`), where a test that reads them skips with a notice.

use std::path::{Path, PathBuf};

/// `relative` to the repository's root, or `None` (with a notice) when the
/// crate is built outside its repository.
pub(crate) fn file(relative: &str) -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let inside = root.join("spec/REQUIREMENTS.md").is_file();
    if !inside {
        eprintln!("skipped: {relative} is outside this crate's package (no repository around it)");
    }
    inside.then(|| root.join(relative))
}
