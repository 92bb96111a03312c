//! `[study.engine]` and `mizan run --engine`: where a run's first pass
//! runs — this machine, or an Apache DataFusion Ballista cluster named by
//! its scheduler's URL ([`crate::indicators::cluster`]) — and what a
//! binary built without the cluster engine says when asked for one.

/// Whether this binary can run a pass on a cluster.
pub const BUILT: bool = cfg!(feature = "ballista");

/// What a binary built without the feature says when asked for a cluster.
pub const NOT_BUILT: &str = "this mizan was built without the cluster engine (cargo feature `ballista`): build it with `cargo build --release --features ballista` (or `cargo install --path pipeline --features ballista`), or set [study.engine] kind = \"local\"";

/// The scheduler URL `text` (`df://host:port`), checked, or why not.
pub fn scheduler_url(text: &str) -> std::result::Result<String, String> {
    let rest = text.strip_prefix("df://").ok_or_else(|| {
        format!("`{text}` is not a Ballista scheduler URL — expected `df://host:port`, e.g. `df://127.0.0.1:50050`")
    })?;
    let (host, port) = rest
        .rsplit_once(':')
        .ok_or_else(|| format!("`{text}` has no port — expected `df://host:port`"))?;
    if host.is_empty() || port.parse::<u16>().is_err() {
        return Err(format!(
            "`{text}` needs a host and a port from 1 to 65535 — expected `df://host:port`"
        ));
    }
    Ok(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scheduler_url_is_df_host_port() {
        assert!(scheduler_url("df://127.0.0.1:50050").is_ok());
        assert!(scheduler_url("df://cluster.lan:1").is_ok());
        for bad in [
            "127.0.0.1:50050",
            "http://h:1",
            "df://h",
            "df://:50050",
            "df://h:0x1",
            "df://h:70000",
        ] {
            assert!(scheduler_url(bad).is_err(), "{bad}");
        }
    }
}
