//! The two alias rules of the Elastic APIs, in one place.
//!
//! - [`AliasRule::Keystore`]: the keystore setting `cluster.remote.<alias>.credentials` and the
//!   `cluster.remote.<alias>.*` cluster settings: lowercase letters, digits, `-` and `_`.
//! - [`AliasRule::CloudRemoteClusters`]: the Cloud remote-clusters API: letters of either case,
//!   digits, `-` and `_`.

use crate::framework::diag::{AttributePath, Diagnostic, Diagnostics};
use crate::framework::schema::{Validator, ValueRule};
use crate::framework::value::Value;

/// Which API's alias rule applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AliasRule {
    /// Keystore credentials and cluster settings: `[a-z0-9_-]+`.
    Keystore,
    /// The Cloud remote-clusters API: `[A-Za-z0-9_-]+`.
    CloudRemoteClusters,
}

impl AliasRule {
    fn allows(self, c: char) -> bool {
        let letter = match self {
            Self::Keystore => c.is_ascii_lowercase(),
            Self::CloudRemoteClusters => c.is_ascii_alphabetic(),
        };
        letter || c.is_ascii_digit() || c == '-' || c == '_'
    }

    /// Checks `alias`; the error says what is wrong and what is allowed.
    pub fn check(self, alias: &str) -> Result<(), String> {
        if alias.is_empty() {
            return Err("the alias must not be empty".into());
        }
        let Some(c) = alias.chars().find(|c| !self.allows(*c)) else {
            return Ok(());
        };
        Err(match self {
            Self::Keystore => format!(
                "the alias {alias:?} contains {c:?}; use only lowercase letters, digits, '-' and '_' (the alias must also name the remote cluster)"
            ),
            Self::CloudRemoteClusters => format!(
                "the alias {alias:?} contains {c:?}; the Cloud remote-clusters API accepts only letters, digits, '-' and '_'"
            ),
        })
    }

    /// The rule as an attribute validator.
    pub fn validator(self) -> Validator {
        Validator::rule(self)
    }
}

impl ValueRule for AliasRule {
    fn description(&self) -> String {
        match self {
            Self::Keystore => "Lowercase letters, digits, `-` and `_`.".to_owned(),
            Self::CloudRemoteClusters => "Letters, digits, `-` and `_`.".to_owned(),
        }
    }

    fn check(&self, value: &Value, path: &AttributePath, diags: &mut Diagnostics) {
        if let Value::String(s) = value
            && let Err(e) = AliasRule::check(*self, s)
        {
            diags.push(Diagnostic::attribute_error(
                path.clone(),
                "Invalid alias",
                e,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::AliasRule::{CloudRemoteClusters, Keystore};

    #[test]
    fn rules_table() {
        for (alias, keystore, cloud) in [
            ("eu-west_1", true, true),
            ("EU", false, true),
            ("", false, false),
            ("a.b", false, false),
            ("a:b", false, false),
            ("é", false, false),
        ] {
            assert_eq!(Keystore.check(alias).is_ok(), keystore, "{alias:?}");
            assert_eq!(CloudRemoteClusters.check(alias).is_ok(), cloud, "{alias:?}");
        }
    }
}
