# API-key model, end to end, with the provider page's three blocks: the local cluster
# (provider "crosscluster") searches the remote deployment under the alias "logs"; the key is
# created on the remote cluster (crosscluster.remote) and the remote deployment is read with
# its organization's Cloud key (crosscluster.remote_org). The local.* values stand for your own
# full 32-character deployment ids.

# The remote deployment's endpoint and proxy addresses.
data "crosscluster_deployment" "remote" {
  provider = crosscluster.remote_org
  id       = local.remote_deployment_id
}

# 1. On the remote cluster: a cross-cluster API key that lets the local cluster search logs-*.
resource "crosscluster_api_key" "logs" {
  provider = crosscluster.remote
  name     = "local-reads-logs"
  access {
    search {
      names = ["logs-*"]
    }
  }
}

# 2. In the local deployment's keystore: the key, as cluster.remote.logs.credentials.
#    (Or sealed delivery: a `keystore` block in crosscluster_api_key, and no resource here.)
resource "crosscluster_keystore_api_key" "logs" {
  deployment_id = local.local_deployment_id
  alias         = "logs"
  api_key       = crosscluster_api_key.logs.encoded
}

# 3. On the local cluster: the alias, through the remote's proxy on port 9443. The apply waits
#    until _remote/info reports it connected (wait_for_connection, bounded by
#    timeouts.create, default 5 minutes), or fails saying why.
resource "crosscluster_remote_cluster" "logs" {
  alias            = crosscluster_keystore_api_key.logs.alias # the keystore alias, written first
  proxy_address    = data.crosscluster_deployment.remote.api_key_proxy_address
  server_name      = data.crosscluster_deployment.remote.endpoint
  skip_unavailable = true
}

# The certificate model uses the same resource with
# proxy_address = data.crosscluster_deployment.remote.certificate_proxy_address (port 9400),
# no key, and crosscluster_trusted_environment on both sides instead.

output "logs" {
  value = {
    connected              = crosscluster_remote_cluster.logs.connected
    credentials_configured = crosscluster_remote_cluster.logs.credentials_configured # true: API-key model
  }
}
