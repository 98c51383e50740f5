# The deployments whose clusters the local deployment can use as remotes, read with the
# default provider block (the local organization's Cloud API key).
data "crosscluster_eligible_remote_clusters" "local" {
  deployment_id = local.local_deployment_id
}

output "eligible_remotes" {
  # name => the proxy address of the certificate model (use api_key_proxy_address when both
  # clusters run 8.14 or later).
  value = {
    for d in data.crosscluster_eligible_remote_clusters.local.deployments :
    d.name => d.certificate_proxy_address
  }
}
