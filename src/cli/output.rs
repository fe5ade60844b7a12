//! Writing result files whole or not at all: every file is first written under a temporary name
//! in its target directory, and only when all of them are complete are they renamed into place.

use anyhow::Context;
use std::fs;
use std::path::{Path, PathBuf};

/// A set of files to be written together.
#[derive(Debug, Default)]
pub struct FileSet {
    files: Vec<(PathBuf, Vec<u8>)>,
}

impl FileSet {
    pub fn add(&mut self, path: PathBuf, contents: impl Into<Vec<u8>>) {
        self.files.push((path, contents.into()));
    }

    /// Writes every file, or none (temporaries are removed on failure).
    pub fn commit(self) -> anyhow::Result<()> {
        let mut written: Vec<(PathBuf, PathBuf)> = Vec::new();
        for (path, contents) in &self.files {
            let tmp = temp_name(path);
            if let Err(e) = fs::write(&tmp, contents) {
                let _ = fs::remove_file(&tmp);
                for (t, _) in &written {
                    let _ = fs::remove_file(t);
                }
                return Err(e).with_context(|| format!("writing {}", path.display()));
            }
            written.push((tmp, path.clone()));
        }
        for (tmp, path) in written {
            fs::rename(&tmp, &path).with_context(|| format!("writing {}", path.display()))?;
        }
        Ok(())
    }
}

/// `dir/.name.partial` beside `path`.
pub fn temp_name(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.partial"))
}

/// Creates the output directory (and its parents).
pub fn ensure_dir(dir: &Path) -> anyhow::Result<()> {
    fs::create_dir_all(dir).with_context(|| format!("creating output directory {}", dir.display()))
}
