//! One run at a time per output folder: an OS lock (`flock`) on a file
//! beside it (`.<out>.lock`), which also holds the pid and start time of the
//! run that owns it, for the message a second run prints. The kernel
//! releases the lock when its holder exits, however it exits, so a lock is
//! held exactly while its run lives: a file left by a killed run, an empty
//! or garbled one, or one naming a pid since reused is taken over (with a
//! warning), never mistaken for a live run.

use std::fs::{File, TryLockError};
use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The held lock; released (and its file removed) when dropped.
#[derive(Debug)]
pub struct RunLock {
    path: PathBuf,
    // Holding the open file holds the lock.
    _file: File,
    /// What was taken over, when a previous run left its lock file behind.
    pub taken_over: Option<String>,
}

impl RunLock {
    /// The lock file of output folder `out`.
    pub fn path_for(out: &Path) -> PathBuf {
        let name = out
            .file_name()
            .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
        out.with_file_name(format!(".{name}.lock"))
    }

    /// Takes the lock of `out`, or fails with [`Error::Locked`] naming the
    /// run that holds it.
    pub fn acquire(out: &Path) -> Result<RunLock> {
        let path = Self::path_for(out);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        if path.is_dir() || path.is_symlink() {
            return Err(Error::Usage(format!(
                "{} is in the way of the run lock: it is a folder or a link, which Mizan did not make and will not remove",
                path.display()
            )));
        }
        // A holder removes the file as it finishes: a file opened just
        // before that is no longer the lock, so check and try again.
        for _ in 0..16 {
            let mut file = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(|e| Error::io(&path, e))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => {
                    let holder = std::fs::read_to_string(&path).unwrap_or_default();
                    let holder = holder.trim();
                    return Err(Error::Locked {
                        out: out.to_path_buf(),
                        holder: if holder.is_empty() {
                            "a run that is starting this instant".into()
                        } else {
                            holder.to_string()
                        },
                    });
                }
                Err(TryLockError::Error(e)) => return Err(Error::io(&path, e)),
            }
            if !same_file(&file, &path) {
                continue;
            }
            let left = std::io::read_to_string(&file).unwrap_or_default();
            let started = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            let me = format!("pid {} since {started}\n", std::process::id());
            file.set_len(0)
                .and_then(|()| std::io::Seek::rewind(&mut file))
                .and_then(|()| file.write_all(me.as_bytes()))
                .map_err(|e| Error::io(&path, e))?;
            let left = left.trim();
            return Ok(RunLock {
                path,
                _file: file,
                taken_over: (!left.is_empty()).then(|| {
                    format!(
                        "took over the lock left by a run that is no longer running ({})",
                        crate::text::escape_control(left)
                    )
                }),
            });
        }
        Err(Error::Locked {
            out: out.to_path_buf(),
            holder: "other runs, which keep taking and releasing it".into(),
        })
    }
}

/// Whether the open `file` is still the one at `path`.
fn same_file(file: &File, path: &Path) -> bool {
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

impl Drop for RunLock {
    fn drop(&mut self) {
        // Removed while still locked; the file closes (unlocks) after.
        let _ = std::fs::remove_file(&self.path);
    }
}
