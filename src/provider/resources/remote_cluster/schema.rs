//! The schema of `crosscluster_remote_cluster` (the docs are generated from these descriptions).

use crate::framework::schema::{Attribute, Block, Schema, Validator};
use crate::framework::traits::{TimeoutOp, Timeouts};
use crate::framework::value::{Type, Value};

use super::validate::{AliasName, AtLeastOne, HostPort, ServerName, TimeValue};

// The attribute names the plan-time checks and diagnostics point at.
/// `id`.
pub(super) const ID: &str = "id";
/// `alias`.
pub(super) const ALIAS: &str = "alias";
/// `mode`.
pub(super) const MODE: &str = "mode";
/// `proxy_address`.
pub(super) const PROXY_ADDRESS: &str = "proxy_address";
/// `server_name`.
pub(super) const SERVER_NAME: &str = "server_name";
/// `proxy_socket_connections`.
pub(super) const PROXY_SOCKET_CONNECTIONS: &str = "proxy_socket_connections";
/// `seeds`.
pub(super) const SEEDS: &str = "seeds";
/// `node_connections`.
pub(super) const NODE_CONNECTIONS: &str = "node_connections";
/// `legacy_proxy`.
pub(super) const LEGACY_PROXY: &str = "legacy_proxy";

/// The schema.
pub(super) fn schema() -> Schema {
    Schema::new(
        Block::new()
            .markdown_description(
                "One remote cluster alias of the cluster behind the provider's `elasticsearch` \
                 connection (the *local* cluster of cross-cluster search and replication), for \
                 either security model and any kind of remote: Elastic Cloud, ECE or \
                 self-managed.\n\
                 \n\
                 Uses the provider's `elasticsearch` connection: `PUT _cluster/settings` with \
                 persistent settings. Only the settings `cluster.remote.<alias>.*` of this alias \
                 are written; other aliases and every other cluster setting are left as they are, \
                 and destroy clears only this alias's settings. Creating an alias that already \
                 exists with exactly the configured settings adopts it without a write; one with \
                 other settings is not overwritten: the create fails naming the import. The keystore entry \
                 `cluster.remote.<alias>.credentials` is not managed here (see \
                 `crosscluster_keystore_api_key`).\n\
                 \n\
                 **Port 9443 or 9400.** Elastic Cloud and ECE deployments are reached through \
                 their proxy in `proxy` mode, with `server_name` set to the remote's endpoint, on \
                 the port of the security model:\n- **API-key model**: `proxy_address = \
                 \"<endpoint>:9443\"`, plus the remote's cross-cluster API key in the local \
                 keystore as `cluster.remote.<alias>.credentials` under the **same alias** \
                 (`crosscluster_keystore_api_key`, or the `keystore` block of \
                 `crosscluster_api_key`). Elasticsearch 8.10+ on both sides (8.14+ on Elastic \
                 Cloud); `credentials_configured` reads true.\n- **Certificate model**: \
                 `proxy_address = \"<endpoint>:9400\"`, no credentials for the alias, and each \
                 deployment trusting the other (`crosscluster_trusted_environment` on both \
                 sides).\n\
                 \n\
                 An alias on the wrong port for its model never connects. The \
                 `crosscluster_deployment` data source gives both addresses \
                 (`api_key_proxy_address`, `certificate_proxy_address`) and the `endpoint`; \
                 `provider::crosscluster::proxy_address(endpoint, model)` builds them. \
                 Elasticsearch 6.7 to 7.6 has no proxy mode: use `mode = \"sniff\"`, `seeds = \
                 [\"<endpoint>:1\"]` and `legacy_proxy = \"<endpoint>:9400\"`.\n\
                 \n\
                 With `wait_for_connection` (the default) create and update wait until \
                 `_remote/info` reports the alias connected (see `timeouts`; default 5 minutes) \
                 and otherwise fail with the reason (wrong port for the security model, missing \
                 credentials, missing trust on either side, or what `_resolve/cluster` reports on \
                 8.13+), putting the alias's settings back as they were. Switching `mode` updates \
                 the alias in place, in one request that clears the other mode's settings.\n\
                 \n\
                 Import with the alias: `terraform import crosscluster_remote_cluster.example \
                 <alias>`.",
            )
            .attribute(
                Attribute::string(ID)
                    .computed()
                    .use_state_for_unknown()
                    .description("The alias (same as `alias`; also the import id)."),
            )
            .attribute(
                Attribute::string(ALIAS)
                    .required()
                    .requires_replace()
                    .validator(Validator::rule(AliasName))
                    .description("The remote cluster alias: letters, digits, `-` and `_`. It prefixes remote index names (`<alias>:<index>`) and, with the API-key model, must equal the alias of the keystore entry `cluster.remote.<alias>.credentials` (then lowercase only)."),
            )
            .attribute(
                Attribute::string(MODE)
                    .optional()
                    .computed()
                    .default_value(Value::String("proxy".into()))
                    .validator(Validator::one_of(["proxy", "sniff"]))
                    .description("Connection mode: `proxy` (the only mode Elastic Cloud and ECE support directly; Elasticsearch 7.7+) or `sniff` (seed nodes; with `legacy_proxy` for 6.7-7.6 deployments behind a Cloud proxy). Changing it updates the alias in place."),
            )
            .attribute(
                Attribute::string(PROXY_ADDRESS)
                    .optional()
                    .validator(Validator::rule(HostPort))
                    .description("Proxy mode: the remote's `host:port`: on Elastic Cloud and ECE `<endpoint>:9443` for the API-key model or `<endpoint>:9400` for the certificate model (`api_key_proxy_address` / `certificate_proxy_address` of the `crosscluster_deployment` data source)."),
            )
            .attribute(
                Attribute::string(SERVER_NAME)
                    .optional()
                    .validator(Validator::rule(ServerName))
                    .description("Proxy mode: the TLS server name (SNI) sent to the proxy; on Elastic Cloud and ECE the remote deployment's endpoint, without port (`endpoint` of the `crosscluster_deployment` data source)."),
            )
            .attribute(
                Attribute::number(PROXY_SOCKET_CONNECTIONS)
                    .optional()
                    .validator(Validator::rule(AtLeastOne))
                    .description("Proxy mode: number of sockets to open to the proxy (Elasticsearch default 18)."),
            )
            .attribute(
                Attribute::list(SEEDS, Type::String)
                    .optional()
                    .validator(Validator::rule(HostPort))
                    .description("Sniff mode: seed nodes as `host:port`. With `legacy_proxy` the seed's port is never dialled, so `<endpoint>:1` is fine."),
            )
            .attribute(
                Attribute::number(NODE_CONNECTIONS)
                    .optional()
                    .validator(Validator::rule(AtLeastOne))
                    .description("Sniff mode: number of gateway nodes to connect to (Elasticsearch default 3; 7.7+)."),
            )
            .attribute(
                Attribute::string(LEGACY_PROXY)
                    .optional()
                    .validator(Validator::rule(HostPort))
                    .description("Sniff mode: the `host:port` every connection goes through (the setting `cluster.remote.<alias>.proxy`), for Elasticsearch 6.7-7.6 reaching a deployment through an Elastic Cloud proxy, usually `<endpoint>:9400` (certificate model)."),
            )
            .attribute(
                Attribute::bool("skip_unavailable")
                    .optional()
                    .computed()
                    .description("Whether searches skip this cluster when it is unavailable. When not set, the cluster's default is kept and read back (true from Elasticsearch 8.15, false before)."),
            )
            .attribute(
                Attribute::string("transport_compress")
                    .optional()
                    .validator(Validator::one_of(["true", "false", "indexing_data"]))
                    .description("Transport compression for this remote: `true`, `false` or `indexing_data`, as a string (default: the cluster's `transport.compress`)."),
            )
            .attribute(
                Attribute::string("transport_ping_schedule")
                    .optional()
                    .validator(Validator::rule(TimeValue))
                    .description("Interval of transport pings to this remote, e.g. `30s` (default: the cluster's `transport.ping_schedule`, `-1` meaning none)."),
            )
            .attribute(
                Attribute::bool("wait_for_connection")
                    .optional()
                    .computed()
                    .default_value(Value::Bool(true))
                    .description("Wait after create and update until `_remote/info` reports the alias as connected, within the create/update timeout (default 5 minutes); on timeout the apply fails with the reason and the settings are put back as they were. Set it to false for a remote that is not reachable yet."),
            )
            .attribute(
                Attribute::bool("connected")
                    .computed()
                    .description("Whether `_remote/info` reported the alias as connected at the last read. Elasticsearch connects lazily and does not reconnect idle remotes by itself, so false after a quiet period is not necessarily a problem."),
            )
            .attribute(
                Attribute::bool("credentials_configured")
                    .computed()
                    .description("Whether the local cluster has credentials loaded for this alias (`cluster.remote.<alias>.credentials` in the keystore): true means the API-key model (port 9443) is in use, false the certificate model (port 9400)."),
            )
            .block(Timeouts::block(&[TimeoutOp::Create, TimeoutOp::Update])),
    )
}
