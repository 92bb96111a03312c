//! `mizan verify OUT_DIR`: reproduce a published study and say whether
//! every output came out identical (exit 0) or what differs (exit 6).

use std::path::Path;

use crate::error::{Error, Result};

/// Verifies `out_dir` and prints the verdict.
pub fn verify(out_dir: &Path) -> Result<()> {
    let v = crate::run::verify::verify(out_dir)?;
    if v.problems.is_empty() {
        println!(
            "mizan: {} reproduced — inputs as recorded, {} outputs identical",
            out_dir.display(),
            v.identical
        );
        return Ok(());
    }
    Err(Error::NotReproduced(v.problems.join("\n")))
}
