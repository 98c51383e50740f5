//! Pieces every resource and data source shares: reaching the configured clients, turning
//! client errors into diagnostics, and the identifier checks of the Elastic APIs.

use std::sync::Arc;

use crate::client::ClientError;
use crate::framework::diag::{AttributePath, Diagnostic, Diagnostics};
use crate::framework::schema::Validator;
use crate::framework::traits::CallContext;
use crate::framework::value::Value;

use super::root::Configured;

/// The configured provider data, or the "provider not configured" diagnostic.
pub fn configured(ctx: &CallContext) -> Result<Arc<Configured>, Diagnostics> {
    ctx.data::<Configured>().map_err(Diagnostics::from)
}

/// A diagnostic for a failed API call: `what` says what was being done ("reading deployment
/// 1234..."); the client error text carries the API's code and message, never a secret.
pub fn api_error(what: &str, err: &ClientError) -> Diagnostic {
    Diagnostic::error(format!("Failed {what}"), err.to_string())
}

/// Whether `s` is 32 lowercase hexadecimal characters (deployment and cluster ids).
pub fn is_hex32(s: &str) -> bool {
    s.len() == 32
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Validator: a known string value must be 32 lowercase hex characters.
pub fn hex32_validator(what: &'static str) -> Validator {
    Validator::custom(
        move |value: &Value, path: &AttributePath, diags: &mut Diagnostics| {
            if let Value::String(s) = value
                && !is_hex32(s)
            {
                diags.push(Diagnostic::attribute_error(
                path.clone(),
                format!("Invalid {what}"),
                format!("{s:?} is not a {what}: expected the full 32-character lowercase hexadecimal id, as shown in the Cloud console or API (not the deployment name or a shortened id)."),
            ));
            }
        },
    )
}

/// Validator: a remote-cluster alias as the keystore and cluster settings accept it.
pub fn alias_validator() -> Validator {
    Validator::custom(
        |value: &Value, path: &AttributePath, diags: &mut Diagnostics| {
            if let Value::String(s) = value
                && let Err(e) = super::functions::check_alias(s)
            {
                diags.push(Diagnostic::attribute_error(
                    path.clone(),
                    "Invalid alias",
                    e,
                ));
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex32() {
        for (s, ok) in [
            ("0123456789abcdef0123456789abcdef", true),
            ("0123456789ABCDEF0123456789abcdef", false),
            ("0123456789abcdef0123456789abcde", false),
            ("0123456789abcdef0123456789abcdeg", false),
            ("", false),
        ] {
            assert_eq!(is_hex32(s), ok, "{s}");
        }
    }

    #[test]
    fn validators_report_paths() {
        use crate::framework::schema::{Attribute, Block};
        let block = Block::new()
            .attribute(
                Attribute::string("deployment_id")
                    .required()
                    .validator(hex32_validator("deployment id")),
            )
            .attribute(
                Attribute::string("alias")
                    .required()
                    .validator(alias_validator()),
            );
        let check = |dep: Value, alias: Value| {
            let obj = Value::object([("deployment_id", dep), ("alias", alias)]);
            let mut diags = Diagnostics::new();
            block.validate(&obj, &AttributePath::root(), &mut diags);
            diags
                .iter()
                .map(|d| (d.path.clone().map(|p| p.to_string()), d.detail.clone()))
                .collect::<Vec<_>>()
        };
        let bad = check(
            Value::String("my-deployment".into()),
            Value::String("Bad".into()),
        );
        assert_eq!(bad.len(), 2, "{bad:?}");
        assert_eq!(bad[0].0.as_deref(), Some("deployment_id"));
        assert!(bad[0].1.contains("32-character"));
        assert_eq!(bad[1].0.as_deref(), Some("alias"));
        let ok = check(
            Value::Unknown(Default::default()),
            Value::String("ok_alias-1".into()),
        );
        assert!(ok.is_empty(), "{ok:?}");
    }
}
