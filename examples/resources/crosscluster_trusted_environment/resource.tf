# Certificate model across two Elastic Cloud organizations: each deployment trusts the other
# deployment's organization, limited to the one cluster it exchanges data with. Trust must go
# both ways; one direction alone never connects.
#
# The local.* values stand for your own: full 32-character deployment ids (not the short form
# the console shows). Provider "crosscluster" holds the local organization's Cloud API key,
# provider "crosscluster.remote_org" the remote organization's (the provider page's layout).

# Each deployment's cluster id and organization id, looked up from its deployment id.
data "crosscluster_deployment" "local" {
  id = local.local_deployment_id
}

data "crosscluster_deployment" "remote" {
  provider = crosscluster.remote_org
  id       = local.remote_deployment_id
}

# The local deployment trusts the remote organization, but only the remote cluster.
resource "crosscluster_trusted_environment" "remote_org" {
  deployment_id   = data.crosscluster_deployment.local.id
  organization_id = data.crosscluster_deployment.remote.organization_id
  name            = "Remote Org (logs cluster only)"
  trust_allowlist = [data.crosscluster_deployment.remote.cluster_id]
}

# And the remote deployment trusts the local organization, but only the local cluster.
resource "crosscluster_trusted_environment" "local_org" {
  provider        = crosscluster.remote_org
  deployment_id   = data.crosscluster_deployment.remote.id
  organization_id = data.crosscluster_deployment.local.organization_id
  name            = "Local Org (search cluster only)"
  trust_allowlist = [data.crosscluster_deployment.local.cluster_id]
}

# With trust in place, the local cluster reaches the remote on port 9400
# (data.crosscluster_deployment.remote.certificate_proxy_address): see crosscluster_remote_cluster.
output "trust_ids" {
  value = {
    local  = crosscluster_trusted_environment.remote_org.id
    remote = crosscluster_trusted_environment.local_org.id
  }
}
