//! Provider functions: `credentials_setting(alias)` and `proxy_address(endpoint, model)`.
//!
//! The logic is pure; the framework wiring (signatures, argument decoding) sits beside it.

use std::sync::Arc;

use async_trait::async_trait;

use crate::framework::traits::{CallContext, Function, FunctionError, Parameter, Signature};
use crate::framework::value::{Type, Value};
use crate::provider::alias::AliasRule;

/// Port of the remote cluster server (API-key security model).
pub const API_KEY_PORT: u16 = 9443;
/// Port of the transport passthrough (certificate security model).
pub const CERTIFICATE_PORT: u16 = 9400;

/// `cluster.remote.<alias>.credentials`, the keystore setting of the API-key model.
pub fn credentials_setting(alias: &str) -> Result<String, String> {
    AliasRule::Keystore.check(alias)?;
    Ok(format!("cluster.remote.{alias}.credentials"))
}

/// `<endpoint>:9443` for `"api_key"`, `<endpoint>:9400` for `"certificate"`. `endpoint` is a
/// deployment's bare host name (`info.metadata.endpoint`), without scheme or port.
pub fn proxy_address(endpoint: &str, model: &str) -> Result<String, String> {
    let port = match model {
        "api_key" => API_KEY_PORT,
        "certificate" => CERTIFICATE_PORT,
        other => {
            return Err(format!(
                "unknown security model {other:?}: use \"api_key\" (port {API_KEY_PORT}) or \"certificate\" (port {CERTIFICATE_PORT})"
            ));
        }
    };
    if endpoint.is_empty() {
        return Err("the endpoint must not be empty: pass the deployment's host name, e.g. data.crosscluster_deployment.x.endpoint".into());
    }
    if endpoint.contains("://") || endpoint.contains('/') || endpoint.contains(':') {
        return Err(format!(
            "the endpoint {endpoint:?} must be a bare host name without scheme, port or path (e.g. \"abc123.eu-west-1.aws.found.io\")"
        ));
    }
    if !endpoint
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_')
    {
        return Err(format!(
            "the endpoint {endpoint:?} is not a valid host name"
        ));
    }
    Ok(format!("{endpoint}:{port}"))
}

/// Every function of the provider.
pub fn all() -> Vec<Arc<dyn Function>> {
    vec![Arc::new(CredentialsSetting), Arc::new(ProxyAddress)]
}

fn string_arg(args: &[Value], index: usize) -> Result<&str, FunctionError> {
    args.get(index)
        .and_then(Value::as_str)
        .ok_or_else(|| FunctionError::argument(index as i64, "expected a string"))
}

/// `credentials_setting(alias)`.
struct CredentialsSetting;

#[async_trait]
impl Function for CredentialsSetting {
    fn name(&self) -> &str {
        "credentials_setting"
    }

    fn signature(&self) -> Signature {
        Signature::new(Type::String)
            .summary("The keystore setting name of a remote alias's cross-cluster API key")
            .markdown_description(
                "Returns `cluster.remote.<alias>.credentials`, the Elasticsearch keystore setting that holds the \
                 encoded cross-cluster API key of the remote cluster `alias` (API-key security model).",
            )
            .parameter(
                Parameter::new("alias", Type::String)
                    .description("The remote cluster alias: lowercase letters, digits, '-' and '_'."),
            )
    }

    async fn call(&self, _ctx: &CallContext, args: Vec<Value>) -> Result<Value, FunctionError> {
        let alias = string_arg(&args, 0)?;
        credentials_setting(alias)
            .map(Value::String)
            .map_err(|e| FunctionError::argument(0, e))
    }
}

/// `proxy_address(endpoint, model)`.
struct ProxyAddress;

#[async_trait]
impl Function for ProxyAddress {
    fn name(&self) -> &str {
        "proxy_address"
    }

    fn signature(&self) -> Signature {
        Signature::new(Type::String)
            .summary("The proxy address of a deployment for a security model")
            .markdown_description(
                "Returns `<endpoint>:9443` for the API-key model (`\"api_key\"`) and `<endpoint>:9400` for the \
                 certificate model (`\"certificate\"`), the `proxy_address` a remote cluster alias needs.",
            )
            .parameter(
                Parameter::new("endpoint", Type::String)
                    .description("The remote deployment's host name (its endpoint), without scheme or port."),
            )
            .parameter(Parameter::new("model", Type::String).description("\"api_key\" or \"certificate\"."))
    }

    async fn call(&self, _ctx: &CallContext, args: Vec<Value>) -> Result<Value, FunctionError> {
        let endpoint = string_arg(&args, 0)?;
        let model = string_arg(&args, 1)?;
        proxy_address(endpoint, model)
            .map(Value::String)
            .map_err(|e| {
                let index = if e.contains("security model") { 1 } else { 0 };
                FunctionError::argument(index, e)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_setting_table() {
        let cases = [
            ("remote", Ok("cluster.remote.remote.credentials")),
            ("my-remote_2", Ok("cluster.remote.my-remote_2.credentials")),
            ("", Err("must not be empty")),
            ("Remote", Err("'R'")),
            ("a.b", Err("'.'")),
            ("a b", Err("' '")),
        ];
        for (alias, want) in cases {
            match (credentials_setting(alias), want) {
                (Ok(got), Ok(w)) => assert_eq!(got, w),
                (Err(got), Err(w)) => assert!(got.contains(w), "{got:?} lacks {w:?}"),
                (got, w) => panic!("{alias:?}: got {got:?}, want {w:?}"),
            }
        }
    }

    #[test]
    fn proxy_address_table() {
        let cases = [
            ("abc.found.io", "api_key", Ok("abc.found.io:9443")),
            ("abc.found.io", "certificate", Ok("abc.found.io:9400")),
            (
                "abc.found.io",
                "cert",
                Err("unknown security model \"cert\""),
            ),
            ("https://abc.found.io", "api_key", Err("bare host name")),
            ("abc.found.io:9243", "api_key", Err("bare host name")),
            ("", "api_key", Err("must not be empty")),
            ("a b", "api_key", Err("not a valid host name")),
        ];
        for (endpoint, model, want) in cases {
            match (proxy_address(endpoint, model), want) {
                (Ok(got), Ok(w)) => assert_eq!(got, w),
                (Err(got), Err(w)) => assert!(got.contains(w), "{got:?} lacks {w:?}"),
                (got, w) => panic!("{endpoint:?}/{model:?}: got {got:?}, want {w:?}"),
            }
        }
    }
}
