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
        // A target that is a directory cannot be replaced: fail before anything is renamed.
        if let Some((path, _)) = self.files.iter().find(|(p, _)| p.is_dir()) {
            for (t, _) in &written {
                let _ = fs::remove_file(t);
            }
            anyhow::bail!("cannot write {}: a directory is in the way", path.display());
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

/// Checks, before any work, that `dir` can serve as the output directory: it is a directory, or
/// it can be created (its nearest existing ancestor is a directory).
pub fn check_out_dir(dir: &Path) -> Result<(), bpms::InputError> {
    let existing = dir
        .ancestors()
        .find(|a| a.exists() || a.as_os_str().is_empty());
    match existing {
        Some(a) if !a.as_os_str().is_empty() && !a.is_dir() => Err(bpms::InputError::field(
            "out",
            format!("{} exists and is not a directory", a.display()),
        )),
        _ => Ok(()),
    }
}

/// Creates the output directory (and its parents).
pub fn ensure_dir(dir: &Path) -> anyhow::Result<()> {
    fs::create_dir_all(dir).with_context(|| format!("creating output directory {}", dir.display()))
}
