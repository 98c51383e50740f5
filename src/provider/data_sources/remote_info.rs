//! `crosscluster_remote_info`: every remote cluster alias of the provider's `elasticsearch`
//! connection as `GET /_remote/info` reports it (api-facts.md B.3), as a map keyed by alias.

use std::collections::BTreeMap;

use async_trait::async_trait;

use crate::client::elasticsearch::RemoteInfo;
use crate::framework::decode::{opt_string_value, string_list_value};
use crate::framework::diag::Diagnostics;
use crate::framework::schema::{Attribute, Block, Schema};
use crate::framework::traits::{CallContext, DataSource, StateResponse};
use crate::framework::value::{Type, Value};

use crate::provider::common::{api_error, configured};

/// The data source type.
pub struct RemoteInfoDataSource;

/// The object type of one alias.
pub fn remote_type() -> Type {
    Type::object([
        ("connected", Type::Bool),
        ("mode", Type::String),
        ("proxy_address", Type::String),
        ("server_name", Type::String),
        ("seeds", Type::list(Type::String)),
        ("skip_unavailable", Type::Bool),
        ("credentials_configured", Type::Bool),
    ])
}

/// The schema.
pub fn schema() -> Schema {
    Schema::new(
        Block::new()
            .markdown_description(
                "The remote clusters of the provider's `elasticsearch` connection, as `GET \
                 /_remote/info` reports them (read-only). `remotes` is a map keyed by alias, e.g. \
                 `data.crosscluster_remote_info.x.remotes[\"my_remote\"].connected`. Each value \
                 has `connected`, `mode` (`proxy` or `sniff`), `proxy_address` and `server_name` \
                 (proxy mode; null in sniff mode), `seeds` (sniff mode; empty in proxy mode), \
                 `skip_unavailable`, and `credentials_configured` (true when the keystore holds \
                 `cluster.remote.<alias>.credentials`: the API-key model, port 9443; false: the \
                 certificate model, port 9400).\n\
                 \n\
                 Data sources are read before resources change, so to see aliases created in the \
                 same configuration add `depends_on` on them. Note that `connected` reflects open \
                 connections only: Elasticsearch connects lazily, so an alias nobody has used yet \
                 may read as not connected.",
            )
            .attribute(
                Attribute::map("remotes", remote_type())
                    .computed()
                    .description("Remote clusters by alias (empty when none is configured)."),
            ),
    )
}

/// The state value of one alias (pure; unit-tested).
pub fn remote_value(info: &RemoteInfo) -> Value {
    let proxy = info.mode == "proxy";
    let blank_to_null = |s: &Option<String>| opt_string_value(s.clone().filter(|s| !s.is_empty()));
    Value::object([
        ("connected", Value::Bool(info.connected)),
        ("mode", Value::String(info.mode.clone())),
        (
            "proxy_address",
            if proxy {
                blank_to_null(&info.proxy_address)
            } else {
                Value::Null
            },
        ),
        (
            "server_name",
            if proxy {
                blank_to_null(&info.server_name)
            } else {
                Value::Null
            },
        ),
        ("seeds", string_list_value(info.seeds.iter().cloned())),
        ("skip_unavailable", Value::Bool(info.skip_unavailable)),
        (
            "credentials_configured",
            Value::Bool(info.credentials_configured()),
        ),
    ])
}

/// The whole state from the `_remote/info` answer.
pub fn to_state(remotes: &BTreeMap<String, RemoteInfo>) -> Value {
    Value::object([(
        "remotes",
        Value::Map(
            remotes
                .iter()
                .map(|(alias, info)| (alias.clone(), remote_value(info)))
                .collect(),
        ),
    )])
}

#[async_trait]
impl DataSource for RemoteInfoDataSource {
    fn type_name(&self) -> &str {
        "crosscluster_remote_info"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    async fn read(&self, ctx: &CallContext, _config: Value) -> Result<StateResponse, Diagnostics> {
        let data = configured(ctx)?;
        let es = data.elasticsearch()?;
        let remotes = es
            .remote_info(&ctx.cancel)
            .await
            .map_err(|e| Diagnostics::from(api_error("to read _remote/info", &e)))?;
        tracing::debug!(aliases = remotes.len(), "read remote info");
        Ok(StateResponse::new(to_state(&remotes)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_proxy_and_sniff() {
        let body = serde_json::json!({
            "r1": {"connected": true, "mode": "proxy", "proxy_address": "abc.found.io:9443",
                   "server_name": "abc.found.io", "num_proxy_sockets_connected": 18,
                   "max_proxy_socket_connections": 18, "initial_connect_timeout": "30s",
                   "skip_unavailable": true, "cluster_credentials": "::es_redacted::"},
            "r2": {"connected": false, "mode": "sniff", "seeds": ["a:1", "b:2"],
                   "num_nodes_connected": 0, "max_connections_per_cluster": 3,
                   "initial_connect_timeout": "30s", "skip_unavailable": false},
            "r3": {"connected": false, "mode": "proxy", "proxy_address": "x:9400",
                   "server_name": "", "skip_unavailable": false}
        });
        let remotes: BTreeMap<String, RemoteInfo> = serde_json::from_value(body).unwrap();
        let state = to_state(&remotes);
        let m = state.get_attr("remotes").and_then(Value::entries).unwrap();
        assert_eq!(m.len(), 3);
        let r1 = &m["r1"];
        assert_eq!(r1.get_attr("connected"), Some(&Value::Bool(true)));
        assert_eq!(
            r1.get_attr("proxy_address").and_then(Value::as_str),
            Some("abc.found.io:9443")
        );
        assert_eq!(
            r1.get_attr("credentials_configured"),
            Some(&Value::Bool(true))
        );
        assert_eq!(r1.get_attr("seeds"), Some(&Value::List(vec![])));
        let r2 = &m["r2"];
        assert_eq!(r2.get_attr("mode").and_then(Value::as_str), Some("sniff"));
        assert_eq!(r2.get_attr("proxy_address"), Some(&Value::Null));
        assert_eq!(
            r2.get_attr("seeds"),
            Some(&string_list_value(["a:1", "b:2"]))
        );
        assert_eq!(
            r2.get_attr("credentials_configured"),
            Some(&Value::Bool(false))
        );
        // "" server_name reads as null
        assert_eq!(m["r3"].get_attr("server_name"), Some(&Value::Null));
        // The value conforms to the schema's type.
        state.conforms(&schema().block.object_type()).unwrap();
        // No remote: an empty map.
        let empty = to_state(&BTreeMap::new());
        assert_eq!(
            empty.get_attr("remotes"),
            Some(&Value::Map(BTreeMap::new()))
        );
    }
}
