//! The keystore reload rule that both key resources follow.

use crate::client::Version;
use crate::client::elasticsearch::Feature;

/// Whether a deployment running Elasticsearch `version` must be restarted before it uses a
/// changed `cluster.remote.<alias>.credentials`: before 8.14, Elasticsearch does not reload
/// that keystore setting by itself. `None` when the version is not reported or not a version
/// (each resource decides what that means for it).
pub(super) fn needs_restart(version: Option<&str>) -> Option<bool> {
    let v = Version::parse(version?)?;
    Some(Feature::KeystoreAutoReload.check(&v).is_err())
}

#[cfg(test)]
mod tests {
    use super::needs_restart;

    #[test]
    fn restart_only_before_8_14() {
        for (v, want) in [
            (Some("7.17.0"), Some(true)),
            (Some("8.13.4"), Some(true)),
            (Some("8.14.0-SNAPSHOT"), Some(false)),
            (Some("8.14.0"), Some(false)),
            (Some("9.1.0"), Some(false)),
            (Some("banana"), None),
            (None, None),
        ] {
            assert_eq!(needs_restart(v), want, "{v:?}");
        }
    }
}
