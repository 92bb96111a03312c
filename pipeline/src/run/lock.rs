//! One run at a time per output folder: a lock file beside it
//! (`.<out>.lock`), created exclusively, holding the pid and start time of
//! the run that owns it and removed when that run ends. A lock whose process
//! no longer exists (a killed run) is taken over.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The held lock; released when dropped.
#[derive(Debug)]
pub struct RunLock {
    path: PathBuf,
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
        let started = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let me = format!("pid {} since {started}\n", std::process::id());
        for _ in 0..2 {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut f) => {
                    f.write_all(me.as_bytes())
                        .map_err(|e| Error::io(&path, e))?;
                    return Ok(RunLock { path });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let holder = std::fs::read_to_string(&path).unwrap_or_default();
                    if holder_alive(&holder) {
                        return Err(Error::Locked {
                            out: out.to_path_buf(),
                            holder: holder.trim().to_string(),
                        });
                    }
                    // Left by a run that no longer exists: take it over.
                    let _ = std::fs::remove_file(&path);
                }
                Err(e) => return Err(Error::io(&path, e)),
            }
        }
        Err(Error::Locked {
            out: out.to_path_buf(),
            holder: "another run, which took the lock at the same moment".into(),
        })
    }
}

impl Drop for RunLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Whether the lock text names a process that still exists.
fn holder_alive(text: &str) -> bool {
    let pid = text
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse::<i32>().ok())
        .and_then(rustix::process::Pid::from_raw);
    match pid {
        // An empty lock is being written this instant: held. Anything else
        // without a pid is not a lock Mizan wrote: taken over.
        None => text.is_empty(),
        Some(pid) => match rustix::process::test_kill_process(pid) {
            Ok(()) => true,
            Err(e) => e != rustix::io::Errno::SRCH,
        },
    }
}
