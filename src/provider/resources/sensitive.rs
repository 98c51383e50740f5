//! A string attribute value that is a secret, for typed models: serialized as the plain string
//! (the value the state or the wire needs), but `Debug` never shows it.

use serde::{Deserialize, Serialize};

use crate::client::Secret;

/// A sensitive or write-only string attribute (an API key, an encoded key).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub(super) struct Sensitive(String);

impl Sensitive {
    /// As the client's secret type (the only way out: to put it on the wire).
    pub(super) fn to_secret(&self) -> Secret {
        Secret::new(self.0.clone())
    }
}

impl From<&Secret> for Sensitive {
    fn from(s: &Secret) -> Self {
        Self(s.expose().to_owned())
    }
}

impl std::fmt::Debug for Sensitive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sensitive(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::Sensitive;
    use crate::client::Secret;

    #[test]
    fn debug_never_shows_the_secret() {
        let s = Sensitive::from(&Secret::new("top-secret"));
        assert!(!format!("{s:?}").contains("top-secret"));
        assert_eq!(s.to_secret().expose(), "top-secret");
    }
}
