//! Invalid configurations rejected by `terraform validate`, before anything is planned or
//! applied (issue 11, must-show 5): every resource, data source and the provider block. Each
//! row is its own block in one configuration, so one `terraform validate -json` checks them
//! all; each row asserts where Terraform points (the row's block, the line of the attribute)
//! and that the message names the attribute path and the rule.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::harness::{REQUIRED_PROVIDERS, Workdir};

/// One invalid configuration.
struct Row {
    /// `resource "<type>"`, `data "<type>"` or `provider "crosscluster"` (the row adds the name,
    /// or for a provider block `alias` and a data source using it).
    block: &'static str,
    /// The block's body.
    body: &'static str,
    /// The attribute path the message must name, e.g. `indices[0].names`.
    path: &'static str,
    /// A fragment of the configuration line Terraform points at (the attribute's line; the
    /// block's first line when the error is about an attribute that is missing).
    line: &'static str,
    /// A fragment of the rule in the message.
    rule: &'static str,
}

const ROWS: &[Row] = &[
    Row {
        block: r##"resource "crosscluster_role""##,
        body: r##"name = "bad\u0007name""##,
        path: "name",
        line: "name =",
        rule: "printable ASCII",
    },
    Row {
        block: r##"resource "crosscluster_role""##,
        body: r##"name = " padded""##,
        path: "name",
        line: "name =",
        rule: "starts or ends with whitespace",
    },
    Row {
        block: r##"resource "crosscluster_role""##,
        body: r##"name = """##,
        path: "name",
        line: "name =",
        rule: "string length must be between 1 and 507, got: 0",
    },
    Row {
        block: r##"resource "crosscluster_role""##,
        body: r##"name = join("", [for i in range(300) : "nn"])"##,
        path: "name",
        line: "name =",
        rule: "between 1 and 507, got: 600",
    },
    Row {
        block: r##"resource "crosscluster_role""##,
        body: r##"name     = "r"
metadata = "not json""##,
        path: "metadata",
        line: "metadata =",
        rule: "is not valid JSON",
    },
    Row {
        block: r##"resource "crosscluster_role""##,
        body: r##"name     = "r"
metadata = jsonencode({ _reserved = 1 })"##,
        path: "metadata",
        line: "metadata =",
        rule: "\"_reserved\" starts with '_'",
    },
    Row {
        block: r##"resource "crosscluster_role""##,
        body: r##"name = "r"
indices {
  names      = []
  privileges = ["read"]
}"##,
        path: "indices[0].names",
        line: "names",
        rule: "must have at least 1 element(s), got: 0",
    },
    Row {
        block: r##"resource "crosscluster_role""##,
        body: r##"name = "r"
indices {
  names      = ["a"]
  privileges = ["read"]
  query      = "{bad"
}"##,
        path: "indices[0].query",
        line: "query",
        rule: "is not valid JSON",
    },
    Row {
        block: r##"resource "crosscluster_role""##,
        body: r##"name = "r"
remote_indices {
  clusters   = ["remote"]
  names      = ["logs-*"]
  privileges = []
}"##,
        path: "remote_indices[0].privileges",
        line: "privileges",
        rule: "must have at least 1 element(s)",
    },
    Row {
        block: r##"resource "crosscluster_role""##,
        body: r##"name = "r"
remote_cluster {
  clusters   = []
  privileges = ["monitor_enrich"]
}"##,
        path: "remote_cluster[0].clusters",
        line: "clusters",
        rule: "must have at least 1 element(s)",
    },
    Row {
        block: r##"resource "crosscluster_role""##,
        body: r##"name = "r"
remote_cluster {
  clusters   = ["a"]
  privileges = ["bogus"]
}"##,
        path: "remote_cluster[0].privileges[0]",
        line: "privileges",
        rule: "accepts only monitor_enrich and monitor_stats",
    },
    Row {
        block: r##"resource "crosscluster_api_key""##,
        body: r##"name = ""
access {
  search { names = ["a"] }
}"##,
        path: "name",
        line: "name =",
        rule: "string length must be between 1 and 1024, got: 0",
    },
    Row {
        block: r##"resource "crosscluster_api_key""##,
        body: r##"name       = "k"
expiration = "10 days"
access {
  search { names = ["a"] }
}"##,
        path: "expiration",
        line: "expiration =",
        rule: "is not an Elasticsearch duration",
    },
    Row {
        block: r##"resource "crosscluster_api_key""##,
        body: r##"name       = "k"
expiration = "30 d"
access {
  search { names = ["a"] }
}"##,
        path: "expiration",
        line: "expiration =",
        rule: "a whole number followed by a unit",
    },
    Row {
        block: r##"resource "crosscluster_api_key""##,
        body: r##"name = "k"
access {}"##,
        path: "access",
        line: "resource",
        rule: "at least one search or replication block",
    },
    Row {
        block: r##"resource "crosscluster_api_key""##,
        body: r##"name = "k"
access {
  search { names = [] }
}"##,
        path: "access.search[0].names",
        line: "names",
        rule: "must have at least 1 element(s)",
    },
    Row {
        block: r##"resource "crosscluster_api_key""##,
        body: r##"name = "k"
access {
  replication { names = [] }
}"##,
        path: "access.replication[0].names",
        line: "names",
        rule: "must have at least 1 element(s)",
    },
    Row {
        block: r##"resource "crosscluster_api_key""##,
        body: r##"name = "k"
access {
  search {
    names = ["a"]
    query = "[1"
  }
}"##,
        path: "access.search[0].query",
        line: "query",
        rule: "is not valid JSON",
    },
    Row {
        block: r##"resource "crosscluster_api_key""##,
        body: r##"name = "k"
access {
  search {
    names = ["a"]
    query = jsonencode({ match_all = {} })
  }
  replication { names = ["b"] }
}"##,
        path: "access.search[0].query",
        line: "query",
        rule: "rejects query and field_security",
    },
    Row {
        block: r##"resource "crosscluster_api_key""##,
        body: r##"name = "k"
access {
  search {
    names = ["a"]
    field_security { grant = ["*"] }
  }
  replication { names = ["b"] }
}"##,
        path: "access.search[0].field_security",
        line: "field_security",
        rule: "when the key also has replication access",
    },
    Row {
        block: r##"resource "crosscluster_api_key""##,
        body: r##"name     = "k"
metadata = "[1,2]"
access {
  search { names = ["a"] }
}"##,
        path: "metadata",
        line: "metadata =",
        rule: "must be a JSON object",
    },
    Row {
        block: r##"resource "crosscluster_api_key""##,
        body: r##"name     = "k"
metadata = jsonencode({ _internal = true })
access {
  search { names = ["a"] }
}"##,
        path: "metadata",
        line: "metadata =",
        rule: "\"_internal\" starts with '_'",
    },
    Row {
        block: r##"resource "crosscluster_api_key""##,
        body: r##"name = "k"
keystore {
  deployment_id = "abc"
  alias         = "r"
}
access {
  search { names = ["a"] }
}"##,
        path: "keystore.deployment_id",
        line: "deployment_id",
        rule: "\"abc\" is not a deployment id",
    },
    Row {
        block: r##"resource "crosscluster_api_key""##,
        body: r##"name = "k"
keystore {
  deployment_id = "0123456789abcdef0123456789abcdef"
  alias = "Bad.Alias"
}
access {
  search { names = ["a"] }
}"##,
        path: "keystore.alias",
        line: "alias",
        rule: "use only lowercase letters, digits",
    },
    Row {
        block: r##"resource "crosscluster_keystore_api_key""##,
        body: r##"deployment_id = "0123456789abcdef0123456789abcdef"
alias = "r""##,
        path: "api_key",
        line: "resource",
        rule: "Exactly one of these attributes must be configured: [api_key, api_key_wo]",
    },
    Row {
        block: r##"resource "crosscluster_keystore_api_key""##,
        body: r##"deployment_id = "0123456789abcdef0123456789abcdef"
alias              = "r"
api_key            = "x"
api_key_wo         = "y"
api_key_wo_version = 1"##,
        path: "api_key",
        line: "api_key ",
        rule: "Only one of these attributes may be configured: [api_key, api_key_wo]",
    },
    Row {
        block: r##"resource "crosscluster_keystore_api_key""##,
        body: r##"deployment_id = "0123456789abcdef0123456789abcdef"
alias   = "r"
api_key = "x"
reload  = "sometimes""##,
        path: "reload",
        line: "reload",
        rule: "value must be one of: [\"auto\", \"none\"]",
    },
    Row {
        block: r##"resource "crosscluster_keystore_api_key""##,
        body: r##"deployment_id = "0123456789ABCDEF0123456789abcdef"
alias         = "r"
api_key       = "x""##,
        path: "deployment_id",
        line: "deployment_id",
        rule: "is not a deployment id",
    },
    Row {
        block: r##"resource "crosscluster_keystore_api_key""##,
        body: r##"deployment_id = "0123456789abcdef0123456789abcdef"
alias      = "r"
api_key_wo = "y""##,
        path: "api_key_wo_version",
        line: "resource",
        rule: "api_key_wo_version is required with api_key_wo",
    },
    Row {
        block: r##"resource "crosscluster_keystore_api_key""##,
        body: r##"deployment_id = "0123456789abcdef0123456789abcdef"
alias              = "remote"
api_key_wo         = "x"
api_key_wo_version = -1"##,
        path: "api_key_wo_version",
        line: "api_key_wo_version",
        rule: "must be at least 0, got: -1",
    },
    Row {
        block: r##"resource "crosscluster_keystore_api_key""##,
        body: r##"deployment_id = "0123456789abcdef0123456789abcdef"
alias   = "r"
ref_id  = ""
api_key = "x""##,
        path: "ref_id",
        line: "ref_id",
        rule: "string length must be between 1 and 128",
    },
    Row {
        block: r##"resource "crosscluster_keystore_api_key""##,
        body: r##"deployment_id = "0123456789abcdef0123456789abcdef"
alias   = "r"
api_key = """##,
        path: "api_key",
        line: "api_key",
        rule: "must not be empty",
    },
    Row {
        block: r##"resource "crosscluster_keystore_api_key""##,
        body: r##"deployment_id = "0123456789abcdef0123456789abcdef"
alias   = "Remote"
api_key = "x""##,
        path: "alias",
        line: "alias",
        rule: "use only lowercase letters",
    },
    Row {
        block: r##"resource "crosscluster_remote_cluster""##,
        body: r##"alias         = "bad alias"
proxy_address = "h:9400""##,
        path: "alias",
        line: "alias",
        rule: "is not a valid alias",
    },
    Row {
        block: r##"resource "crosscluster_remote_cluster""##,
        body: r##"alias         = "r"
mode          = "direct"
proxy_address = "h:9400""##,
        path: "mode",
        line: "mode",
        rule: "value must be one of: [\"proxy\", \"sniff\"]",
    },
    Row {
        block: r##"resource "crosscluster_remote_cluster""##,
        body: r##"alias         = "r"
proxy_address = "h""##,
        path: "proxy_address",
        line: "proxy_address",
        rule: "Elasticsearch rejects an address without a port",
    },
    Row {
        block: r##"resource "crosscluster_remote_cluster""##,
        body: r##"alias         = "r"
proxy_address = "https://abc.found.io:9400""##,
        path: "proxy_address",
        line: "proxy_address",
        rule: "without a scheme: drop \"https://\"",
    },
    Row {
        block: r##"resource "crosscluster_remote_cluster""##,
        body: r##"alias = "r"
mode  = "sniff"
seeds = ["h:99999"]"##,
        path: "seeds[0]",
        line: "seeds",
        rule: "has an invalid port \"99999\"",
    },
    Row {
        block: r##"resource "crosscluster_remote_cluster""##,
        body: r##"alias = "r"
mode  = "sniff"
seeds = []"##,
        path: "seeds",
        line: "seeds",
        rule: "needs at least one seed",
    },
    Row {
        block: r##"resource "crosscluster_remote_cluster""##,
        body: r##"alias              = "r"
proxy_address      = "h:9400"
transport_compress = "yes""##,
        path: "transport_compress",
        line: "transport_compress",
        rule: "must be one of: [\"true\", \"false\", \"indexing_data\"]",
    },
    Row {
        block: r##"resource "crosscluster_remote_cluster""##,
        body: r##"alias                    = "r"
proxy_address            = "h:9400"
proxy_socket_connections = 0"##,
        path: "proxy_socket_connections",
        line: "proxy_socket_connections",
        rule: "must be a whole number of at least 1",
    },
    Row {
        block: r##"resource "crosscluster_remote_cluster""##,
        body: r##"alias            = "r"
mode             = "sniff"
seeds            = ["h:9300"]
node_connections = 0"##,
        path: "node_connections",
        line: "node_connections",
        rule: "must be a whole number of at least 1",
    },
    Row {
        block: r##"resource "crosscluster_remote_cluster""##,
        body: r##"alias         = "r"
mode          = "sniff"
seeds         = ["h:9300"]
proxy_address = "h:9400""##,
        path: "proxy_address",
        line: "proxy_address",
        rule: "is a proxy-mode setting, but mode is \"sniff\"",
    },
    Row {
        block: r##"resource "crosscluster_remote_cluster""##,
        body: r##"alias = "r""##,
        path: "proxy_address",
        line: "resource",
        rule: "Proxy mode needs proxy_address",
    },
    Row {
        block: r##"resource "crosscluster_remote_cluster""##,
        body: r##"alias         = "r"
proxy_address = "h:9400"
server_name   = "h:9400""##,
        path: "server_name",
        line: "server_name",
        rule: "host name without a port",
    },
    Row {
        block: r##"resource "crosscluster_remote_cluster""##,
        body: r##"alias         = "r"
proxy_address = "h:9400"
server_name   = "https://h""##,
        path: "server_name",
        line: "server_name",
        rule: "without a scheme: drop \"https://\"",
    },
    Row {
        block: r##"resource "crosscluster_remote_cluster""##,
        body: r##"alias        = "r"
mode         = "sniff"
legacy_proxy = "http://h:9400"
seeds        = ["h:1"]"##,
        path: "legacy_proxy",
        line: "legacy_proxy",
        rule: "drop \"http://\"",
    },
    Row {
        block: r##"resource "crosscluster_remote_cluster""##,
        body: r##"alias        = "r"
mode         = "sniff"
seeds        = ["h:9300"]
legacy_proxy = "h""##,
        path: "legacy_proxy",
        line: "legacy_proxy",
        rule: "must be written as host:port",
    },
    Row {
        block: r##"resource "crosscluster_remote_cluster""##,
        body: r##"alias                   = "r"
proxy_address           = "abc.found.io:9400"
transport_ping_schedule = "5 sec""##,
        path: "transport_ping_schedule",
        line: "transport_ping_schedule",
        rule: "a whole number and a unit",
    },
    Row {
        block: r##"resource "crosscluster_remote_cluster""##,
        body: r##"alias         = "r"
proxy_address = "h:9400"
timeouts { create = "soon" }"##,
        path: "timeouts.create",
        line: "timeouts",
        rule: "invalid duration \"soon\"",
    },
    Row {
        block: r##"resource "crosscluster_deployment_remote_cluster""##,
        body: r##"deployment_id        = "x"
alias                = "r"
remote_deployment_id = "0123456789abcdef0123456789abcdef""##,
        path: "deployment_id",
        line: "deployment_id",
        rule: "\"x\" is not a deployment id",
    },
    Row {
        block: r##"resource "crosscluster_deployment_remote_cluster""##,
        body: r##"deployment_id = "0123456789abcdef0123456789abcdef"
alias                = "r r"
remote_deployment_id = "0123456789abcdef0123456789abcdef""##,
        path: "alias",
        line: "alias",
        rule: "contains ' '",
    },
    Row {
        block: r##"resource "crosscluster_deployment_remote_cluster""##,
        body: r##"deployment_id = "0123456789abcdef0123456789abcdef"
alias                = "r"
remote_deployment_id = "nope""##,
        path: "remote_deployment_id",
        line: "remote_deployment_id",
        rule: "\"nope\" is not a deployment id",
    },
    Row {
        block: r##"resource "crosscluster_deployment_remote_cluster""##,
        body: r##"deployment_id = "0123456789abcdef0123456789abcdef"
alias                = "r"
remote_deployment_id = "0123456789abcdef0123456789abcdef"
ref_id               = """##,
        path: "ref_id",
        line: "ref_id",
        rule: "between 1 and 128, got: 0",
    },
    Row {
        block: r##"resource "crosscluster_deployment_remote_cluster""##,
        body: r##"deployment_id = "0123456789abcdef0123456789abcdef"
alias                = "r"
remote_deployment_id = "0123456789abcdef0123456789abcdef"
remote_ref_id        = """##,
        path: "remote_ref_id",
        line: "remote_ref_id",
        rule: "between 1 and 128, got: 0",
    },
    Row {
        block: r##"resource "crosscluster_trusted_environment""##,
        body: r##"deployment_id = "0123456789abcdef0123456789abcdef""##,
        path: "organization_id",
        line: "resource",
        rule: "Exactly one of these attributes must be configured: [organization_id, trust_relationship_id, direct]",
    },
    Row {
        block: r##"resource "crosscluster_trusted_environment""##,
        body: r##"deployment_id = "0123456789abcdef0123456789abcdef"
organization_id       = "1053523734"
trust_relationship_id = "abc""##,
        path: "organization_id",
        line: "organization_id",
        rule: "Only one of these attributes may be configured",
    },
    Row {
        block: r##"resource "crosscluster_trusted_environment""##,
        body: r##"deployment_id = "0123456789abcdef0123456789abcdef"
organization_id = "1053523734"
trust_all       = true
trust_allowlist = ["0123456789abcdef0123456789abcdef"]"##,
        path: "trust_allowlist",
        line: "trust_allowlist",
        rule: "cannot be set when trust_all is true",
    },
    Row {
        block: r##"resource "crosscluster_trusted_environment""##,
        body: r##"deployment_id = "0123456789abcdef0123456789abcdef"
organization_id = "1053523734"
trust_allowlist = ["deployment-x"]"##,
        path: "trust_allowlist",
        line: "trust_allowlist",
        rule: "is not an Elasticsearch cluster id",
    },
    Row {
        block: r##"resource "crosscluster_trusted_environment""##,
        body: r##"deployment_id = "0123456789abcdef0123456789abcdef"
organization_id = "not an org!""##,
        path: "organization_id",
        line: "organization_id",
        rule: "letters, digits",
    },
    Row {
        block: r##"resource "crosscluster_trusted_environment""##,
        body: r##"deployment_id = "0123456789abcdef0123456789abcdef"
organization_id = "1053523734"
name            = join("", [for i in range(1000) : "nn"])"##,
        path: "name",
        line: "name ",
        rule: "between 0 and 1024, got: 2000",
    },
    Row {
        block: r##"resource "crosscluster_trusted_environment""##,
        body: r##"deployment_id = "0123456789abcdef0123456789abcdef"
ref_id          = ""
organization_id = "1053523734""##,
        path: "ref_id",
        line: "ref_id",
        rule: "must be the Elasticsearch resource's real ref_id",
    },
    Row {
        block: r##"resource "crosscluster_trusted_environment""##,
        body: r##"deployment_id = "0123456789abcdef0123456789abcdef"
direct {
  name                  = "d"
  type                  = "weird"
  certificates          = ["x"]
  additional_node_names = ["n"]
}"##,
        path: "direct.type",
        line: "type",
        rule: "must be one of: [\"generic\", \"ECE\", \"ESS\", \"proxy\"]",
    },
    Row {
        block: r##"resource "crosscluster_trusted_environment""##,
        body: r##"deployment_id = "0123456789abcdef0123456789abcdef"
direct {
  name                  = "d"
  certificates          = []
  additional_node_names = ["n"]
}"##,
        path: "direct.certificates",
        line: "certificates",
        rule: "needs at least one PEM CA certificate",
    },
    Row {
        block: r##"resource "crosscluster_trusted_environment""##,
        body: r##"deployment_id = "0123456789abcdef0123456789abcdef"
direct {
  name                  = "d"
  certificates          = ["not a pem"]
  additional_node_names = ["n"]
}"##,
        path: "direct.certificates[0]",
        line: "certificates",
        rule: "not a PEM certificate",
    },
    Row {
        block: r##"resource "crosscluster_trusted_environment""##,
        body: r##"deployment_id = "0123456789abcdef0123456789abcdef"
direct {
  name                  = ""
  certificates          = ["x"]
  additional_node_names = ["n"]
}"##,
        path: "direct.name",
        line: "name",
        rule: "between 1 and 1024, got: 0",
    },
    Row {
        block: r##"resource "crosscluster_trusted_environment""##,
        body: r##"deployment_id = "0123456789abcdef0123456789abcdef"
direct {
  name         = "d"
  scope_id     = "Has Spaces"
  certificates = ["x"]
}"##,
        path: "direct.scope_id",
        line: "scope_id",
        rule: "1 to 32 lowercase letters or digits",
    },
    Row {
        block: r##"resource "crosscluster_trusted_environment""##,
        body: r##"deployment_id = "0123456789abcdef0123456789abcdef"
direct {
  name         = "d"
  certificates = ["x"]
}"##,
        path: "direct.additional_node_names",
        line: "direct {",
        rule: "without scope_id must list the trusted nodes",
    },
    Row {
        block: r##"resource "crosscluster_trusted_environment""##,
        body: r##"deployment_id = "0123456789abcdef0123456789abcdef"
direct {
  name                  = "d"
  certificates          = ["x"]
  additional_node_names = ["*.example.com"]
}"##,
        path: "direct.additional_node_names",
        line: "additional_node_names",
        rule: "without wildcards",
    },
    Row {
        block: r##"data "crosscluster_deployment""##,
        body: r##"id = "short""##,
        path: "id",
        line: "id",
        rule: "\"short\" is not a deployment id",
    },
    Row {
        block: r##"data "crosscluster_deployment""##,
        body: r##"id     = "0123456789abcdef0123456789abcdef"
ref_id = """##,
        path: "ref_id",
        line: "ref_id",
        rule: "between 1 and 128, got: 0",
    },
    Row {
        block: r##"data "crosscluster_eligible_remote_clusters""##,
        body: r##"deployment_id = "my-deployment""##,
        path: "deployment_id",
        line: "deployment_id",
        rule: "\"my-deployment\" is not a deployment id",
    },
    Row {
        block: r##"data "crosscluster_eligible_remote_clusters""##,
        body: r##"deployment_id = "0123456789abcdef0123456789abcdef"
ref_id        = """##,
        path: "ref_id",
        line: "ref_id",
        rule: "between 1 and 128, got: 0",
    },
    Row {
        block: r##"provider "crosscluster""##,
        body: r##"request_timeout = "soon""##,
        path: "request_timeout",
        line: "request_timeout",
        rule: "must be a positive duration",
    },
    Row {
        block: r##"provider "crosscluster""##,
        body: r##"request_timeout = "0s""##,
        path: "request_timeout",
        line: "request_timeout",
        rule: "got \"0s\"",
    },
    Row {
        block: r##"provider "crosscluster""##,
        body: r##"max_retries = -1"##,
        path: "max_retries",
        line: "max_retries",
        rule: "must be between 0 and 100, got -1",
    },
    Row {
        block: r##"provider "crosscluster""##,
        body: r##"max_retries = 1000"##,
        path: "max_retries",
        line: "max_retries",
        rule: "got 1000",
    },
    Row {
        block: r##"provider "crosscluster""##,
        body: r##"cloud {
  endpoint = "ftp://x"
  api_key  = "k"
}"##,
        path: "cloud.endpoint",
        line: "endpoint",
        rule: "the scheme \"ftp\" is not supported",
    },
    Row {
        block: r##"provider "crosscluster""##,
        body: r##"cloud {
  endpoint = "https://u:secret@h"
  api_key  = "k"
}"##,
        path: "cloud.endpoint",
        line: "endpoint",
        rule: "has credentials in",
    },
    Row {
        block: r##"provider "crosscluster""##,
        body: r##"cloud {
  endpoint = "https://h"
  api_key  = "k"
  username = "admin"
  password = "pw"
}"##,
        path: "cloud.api_key",
        line: "api_key",
        rule: "use an API key or a username and password, not both",
    },
    Row {
        block: r##"provider "crosscluster""##,
        body: r##"elasticsearch {
  endpoints = ["not a url"]
  username  = "elastic"
  password  = "pw"
}"##,
        path: "elasticsearch.endpoints",
        line: "endpoints",
        rule: "\"not a url\" is not a URL",
    },
    Row {
        block: r##"provider "crosscluster""##,
        body: r##"elasticsearch {
  endpoints = []
  username  = "elastic"
  password  = "pw"
}"##,
        path: "elasticsearch.endpoints",
        line: "endpoints",
        rule: "to the cluster's URL",
    },
    Row {
        block: r##"provider "crosscluster""##,
        body: r##"elasticsearch {
  endpoints = ["https://h:9243"]
  username  = "elastic"
  password  = "pw"
  api_key   = "abc"
}"##,
        path: "elasticsearch.api_key",
        line: "api_key",
        rule: "Set only one of elasticsearch.username/password, elasticsearch.api_key",
    },
    Row {
        block: r##"provider "crosscluster""##,
        body: r##"elasticsearch {
  endpoints = ["https://h:9243"]
  username  = "elastic"
  password  = "pw"
  ca_file   = "/tmp/ca.pem"
  ca_pem    = "x"
}"##,
        path: "elasticsearch.ca_pem",
        line: "ca_pem",
        rule: "not both",
    },
    Row {
        block: r##"provider "crosscluster""##,
        body: r##"elasticsearch {
  endpoints = ["https://h:9243"]
  username  = "elastic"
}"##,
        path: "elasticsearch.password",
        line: "elasticsearch {",
        rule: "is set but elasticsearch.password",
    },
];

/// The configuration of every row, and for each row the range of its lines (1-based).
fn configuration() -> (String, Vec<(usize, usize)>) {
    let mut text = format!("{REQUIRED_PROVIDERS}\n");
    let mut ranges = Vec::new();
    for (i, row) in ROWS.iter().enumerate() {
        let first = text.lines().count() + 1;
        if row.block.starts_with("provider ") {
            text.push_str(&format!("{} {{\n  alias = \"row{i}\"\n", row.block));
        } else {
            text.push_str(&format!("{} \"row{i}\" {{\n", row.block));
        }
        for line in row.body.lines() {
            text.push_str(&format!("  {line}\n"));
        }
        text.push_str("}\n");
        if row.block.starts_with("provider ") {
            // Terraform validates only provider blocks that something uses.
            text.push_str(&format!(
                "data \"crosscluster_remote_info\" \"row{i}\" {{\n  provider = crosscluster.row{i}\n}}\n"
            ));
        }
        text.push('\n');
        ranges.push((first, text.lines().count()));
    }
    (text, ranges)
}

#[test]
fn invalid_configurations_name_the_attribute() {
    let (config, ranges) = configuration();
    let lines: Vec<&str> = config.lines().collect();
    let wd = Workdir::new();
    wd.config(&config);
    let run = wd.run(&["validate", "-json", "-no-color"]);
    assert_ne!(run.code, 0, "validate accepted every row");
    let out: Value = serde_json::from_str(&run.stdout).expect("validate -json is JSON");

    // Each error, by the row whose lines hold it.
    let mut by_row: BTreeMap<usize, Vec<(usize, String)>> = BTreeMap::new();
    let mut strays = Vec::new();
    for d in out["diagnostics"].as_array().into_iter().flatten() {
        if d["severity"] != "error" {
            continue;
        }
        let line = d["range"]["start"]["line"].as_u64().unwrap_or(0) as usize;
        let text = format!(
            "{}: {}",
            d["summary"].as_str().unwrap_or_default(),
            d["detail"].as_str().unwrap_or_default()
        );
        match ranges.iter().position(|(a, b)| (*a..=*b).contains(&line)) {
            Some(row) => by_row.entry(row).or_default().push((line, text)),
            None => strays.push(text),
        }
    }
    assert!(strays.is_empty(), "errors outside every row: {strays:?}");

    let mut failures = Vec::new();
    for (i, row) in ROWS.iter().enumerate() {
        let errors = by_row.get(&i).map(Vec::as_slice).unwrap_or_default();
        let hit = errors.iter().any(|(line, text)| {
            let pointed = lines.get(line - 1).copied().unwrap_or_default();
            pointed.contains(row.line) && text.contains(row.rule) && names(text, row.path)
        });
        if !hit {
            failures.push(format!(
                "row {i} ({} {}): want {:?} at a line with {:?} naming {:?}, got: {:?}",
                row.block,
                row.body.lines().next().unwrap_or_default(),
                row.rule,
                row.line,
                row.path,
                errors
                    .iter()
                    .map(|(l, t)| format!("line {l} {:?}: {t}", lines.get(l - 1)))
                    .collect::<Vec<_>>()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    let blocks: std::collections::BTreeSet<&str> = ROWS.iter().map(|r| r.block).collect();
    println!(
        "strict input: {} invalid configurations over {} kinds of block rejected by one terraform validate",
        ROWS.len(),
        blocks.len()
    );
}

/// Whether `text` names `path` as a word of its own.
fn names(text: &str, path: &str) -> bool {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    text.match_indices(path).any(|(at, _)| {
        !text[..at].chars().next_back().is_some_and(ident)
            && !text[at + path.len()..].chars().next().is_some_and(ident)
    })
}
