# Network security is on for the remote deployment (it has traffic filters), so it refuses
# API-key remote-cluster traffic (port 9443) from the local deployment until a remote cluster
# filter admits it. The filter lives on the REMOTE deployment: use a provider whose `cloud`
# connection is the remote's organization.

resource "crosscluster_remote_cluster_filter" "from_local" {
  provider      = crosscluster.remote_org
  deployment_id = local.remote_deployment_id
  name          = "ccs-from-local"
  description   = "Cross-cluster search from the local organization (API keys)"

  # Every deployment of the local organization...
  rule {
    organization_id = local.local_organization_id
  }

  # ...or, narrower, one cluster (a rule may give both values: then both must match).
  rule {
    cluster_id  = local.local_cluster_id
    description = "local"
  }
}
