# Every remote cluster alias of the local cluster (the provider's `elasticsearch` connection),
# as GET /_remote/info reports it. To read it after aliases of the same configuration exist,
# add depends_on = [crosscluster_remote_cluster.logs].
data "crosscluster_remote_info" "local" {}

output "remote_clusters" {
  value = {
    for alias, r in data.crosscluster_remote_info.local.remotes : alias => {
      connected = r.connected
      model     = r.credentials_configured ? "api_key" : "certificate"
      address   = r.mode == "proxy" ? r.proxy_address : join(",", r.seeds)
    }
  }
}

# Elasticsearch connects lazily: an alias nobody has used yet can read as not connected.
output "not_connected" {
  value = [for alias, r in data.crosscluster_remote_info.local.remotes : alias if !r.connected]
}
