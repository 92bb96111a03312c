//! A dataset's source files: one path, or a pattern over the file names of
//! one folder (`landing/survey_*.csv`) for data that lands a file per wave.
//! Files of a pattern are read in natural order (`survey_2` before
//! `survey_10`) and each gives the text its `*` matched as its wave.
//! Also the one hash that stands for the whole source.

use crate::names::{glob, natural_key};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::spec::model::DatasetSpec;

/// One source file and, for a pattern, its wave.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The file.
    pub path: PathBuf,
    /// The text the pattern's `*` matched (`None` for a plain path).
    pub wave: Option<String>,
}

/// A source file's path, size and modification time.
pub type Stamp = (PathBuf, u64, Option<std::time::SystemTime>);

/// The stamps of the files of `ds` now: any write to a file, or a file
/// landing in or leaving a pattern, changes them — a check that costs no
/// read of the bytes.
pub fn stamps(ds: &DatasetSpec) -> Result<Vec<Stamp>> {
    files(ds)?
        .into_iter()
        .map(|f| {
            let meta = std::fs::metadata(&f.path)
                .map_err(|e| Error::data(&ds.id, &f.path, format!("cannot read: {e}")))?;
            Ok((f.path, meta.len(), meta.modified().ok()))
        })
        .collect()
}

/// Whether `path`'s file name is a pattern.
pub fn is_pattern(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n.to_string_lossy().contains(['*', '?']))
}

/// The files of `ds`, in order. A pattern that matches nothing is a data error.
pub fn files(ds: &DatasetSpec) -> Result<Vec<SourceFile>> {
    if !is_pattern(&ds.path) {
        // A device or FIFO would hang the reader (or never end): refused
        // before anything reads it.
        if let Ok(m) = std::fs::metadata(&ds.path)
            && !m.is_file()
        {
            return Err(Error::data(
                &ds.id,
                &ds.path,
                "not a regular file (a folder, device or FIFO): a source must be a file, or a pattern over the files of a folder",
            ));
        }
        return Ok(vec![SourceFile {
            path: ds.path.clone(),
            wave: None,
        }]);
    }
    let pattern = ds
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dir = ds.path.parent().unwrap_or(Path::new("."));
    let fail = |m: String| Error::data(&ds.id, &ds.path, m);
    let entries =
        std::fs::read_dir(dir).map_err(|e| fail(format!("cannot list {}: {e}", dir.display())))?;
    let mut found: Vec<SourceFile> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .filter_map(|p| {
            let name = p.file_name()?.to_string_lossy().into_owned();
            glob(&pattern, &name).then(|| SourceFile {
                wave: Some(star(&pattern, &name)),
                path: p,
            })
        })
        .collect();
    if found.is_empty() {
        return Err(fail(format!(
            "no file in {} matches `{pattern}`",
            dir.display()
        )));
    }
    found.sort_by_key(|f| natural_key(&f.path.file_name().unwrap_or_default().to_string_lossy()));
    Ok(found)
}

/// The blake3 of a plain source's bytes; for a pattern, of each file's name
/// and hash in order — so a file added, removed or changed changes it.
pub fn combined_hash(parts: &[(String, String)]) -> String {
    if let [(_, only)] = parts {
        return only.clone();
    }
    let mut h = blake3::Hasher::new();
    for (name, hash) in parts {
        h.update(name.as_bytes());
        h.update(&[0]);
        h.update(hash.as_bytes());
        h.update(b"\n");
    }
    h.finalize().to_hex().to_string()
}

/// The hash standing for the whole source of `ds`, read from disk now.
pub fn hash(ds: &DatasetSpec) -> Result<String> {
    let parts = files(ds)?
        .iter()
        .map(|f| {
            let hash = file_hash_parallel(&f.path)
                .map_err(|e| Error::data(&ds.id, &f.path, format!("cannot read: {e}")))?;
            Ok((file_name(&f.path), hash))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(combined_hash(&parts))
}

/// The blake3 of a file's bytes, each block hashed on every core of
/// rayon's pool. Not from a thread that a pool worker waits on: the pool
/// could be all waiting — see [`file_hash`].
pub fn file_hash_parallel(path: &Path) -> std::io::Result<String> {
    hash_blocks(path, |h, block| {
        h.update_rayon(block);
    })
}

/// The blake3 of a file's bytes, on the calling thread.
pub fn file_hash(path: &Path) -> std::io::Result<String> {
    hash_blocks(path, |h, block| {
        h.update(block);
    })
}

/// Bytes read and hashed at a time.
const HASH_BLOCK: usize = 16 << 20;

/// The blake3 of a file read block by block (`update` hashes one): read,
/// not mapped, so that hashing a source of gigabytes does not make the
/// process's resident memory grow with it.
fn hash_blocks(
    path: &Path,
    update: impl Fn(&mut blake3::Hasher, &[u8]),
) -> std::io::Result<String> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut hasher = blake3::Hasher::new();
    let mut block = vec![0u8; HASH_BLOCK];
    loop {
        let mut filled = 0;
        while filled < block.len() {
            match file.read(&mut block[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        update(&mut hasher, &block[..filled]);
        if filled < block.len() {
            return Ok(hasher.finalize().to_hex().to_string());
        }
    }
}

/// A file's name as text.
pub fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The text the first `*` of `pattern` matched in `name` (what lies between
/// the pattern's fixed start and fixed end).
fn star(pattern: &str, name: &str) -> String {
    let Some((before, after)) = pattern.split_once('*') else {
        return name.to_string();
    };
    // Characters, not bytes: `?` stands for one of either kind.
    let (b, a) = (before.chars().count(), after.chars().count());
    let chars: Vec<char> = name.chars().collect();
    let end = chars.len().saturating_sub(a).max(b);
    chars[b.min(chars.len())..end].iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pattern_gives_its_wave() {
        assert_eq!(star("survey_*.csv", "survey_2024.csv"), "2024");
        assert_eq!(star("w*", "w3"), "3");
    }
}
