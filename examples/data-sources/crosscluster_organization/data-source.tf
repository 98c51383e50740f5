# The organization of the default provider block's Cloud API key.
data "crosscluster_organization" "local" {}

# The organization of the remote deployment, through the aliased provider block.
data "crosscluster_organization" "remote" {
  provider = crosscluster.remote_org
}

# A deployment in the remote organization trusts the local one by this id
# (crosscluster_trusted_environment.organization_id), and the other way round.
output "organization_ids" {
  value = {
    local  = data.crosscluster_organization.local.id
    remote = data.crosscluster_organization.remote.id
  }
}
