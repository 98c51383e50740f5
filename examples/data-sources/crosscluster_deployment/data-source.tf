# The remote deployment, read with the remote organization's Cloud API key
# (provider "crosscluster.remote_org"). The id is the full 32-character deployment id.
data "crosscluster_deployment" "remote" {
  provider = crosscluster.remote_org
  id       = local.remote_deployment_id
}

output "remote" {
  value = {
    # For crosscluster_remote_cluster on the local cluster.
    api_key_proxy_address     = data.crosscluster_deployment.remote.api_key_proxy_address     # <endpoint>:9443
    certificate_proxy_address = data.crosscluster_deployment.remote.certificate_proxy_address # <endpoint>:9400
    server_name               = data.crosscluster_deployment.remote.endpoint
    # For crosscluster_trusted_environment in the other organization (certificate model).
    organization_id = data.crosscluster_deployment.remote.organization_id
    cluster_id      = data.crosscluster_deployment.remote.cluster_id # an entry of trust_allowlist
    version         = data.crosscluster_deployment.remote.version
  }
}

# The organizations this deployment trusts today.
output "remote_trusts_organizations" {
  value = [for a in data.crosscluster_deployment.remote.trust.accounts : a.account_id]
}
