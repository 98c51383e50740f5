# Certificate model inside one Elastic Cloud organization, managed through the Cloud API: the
# deployment "search" connects to the deployment "logs" under the alias "logs" (proxy port
# 9400). Deployments trust their own organization by default, so no trust resource is needed.
# For a remote in another organization, or the API-key model, use crosscluster_remote_cluster.

locals {
  # Full 32-character ids of two deployments of the same organization, and wire-compatible
  # versions (here 7.5 and 7.17: a 9.x cluster needs 8.19+, 8.x needs 7.17+).
  search_deployment_id = "49a9c4e202848b4e1937562d6ce296a6"
  logs_deployment_id   = "e4fd6f1cd7bedbeb0aa975f04a96a751"
}

resource "crosscluster_deployment_remote_cluster" "logs" {
  deployment_id        = local.search_deployment_id
  alias                = "logs"
  remote_deployment_id = local.logs_deployment_id
  skip_unavailable     = true
}

# What the Cloud API reports about the connection, refreshed on every read: `trusted` and
# `trusted_back` are the two directions of trust the certificate model needs.
output "logs" {
  value = {
    connected    = crosscluster_deployment_remote_cluster.logs.connected
    compatible   = crosscluster_deployment_remote_cluster.logs.compatible
    trusted      = crosscluster_deployment_remote_cluster.logs.trusted
    trusted_back = crosscluster_deployment_remote_cluster.logs.trusted_back
  }
}
