data "crosscluster_organization" "a" {
  provider = crosscluster.a
}

data "crosscluster_organization" "b" {
  provider = crosscluster.b
}

data "crosscluster_deployment" "a" {
  provider = crosscluster.a
  id       = var.a_deployment_id
}

data "crosscluster_deployment" "b" {
  provider = crosscluster.b
  id       = var.b_deployment_id
}

locals {
  # An organization trusts its own deployments by default: no trusted environment is needed (nor
  # allowed: that entry exists already) when both deployments are in the same organization.
  cross_organization = data.crosscluster_organization.a.id != data.crosscluster_organization.b.id
}

# A trusts B (or all of B's organization).
resource "crosscluster_trusted_environment" "a_trusts_b" {
  count           = local.cross_organization ? 1 : 0
  provider        = crosscluster.a
  deployment_id   = data.crosscluster_deployment.a.id
  organization_id = data.crosscluster_organization.b.id
  name            = data.crosscluster_organization.b.name
  trust_all       = var.trust_all
  trust_allowlist = var.trust_all ? null : [data.crosscluster_deployment.b.cluster_id]

  timeouts {
    create = var.trust_timeout
    update = var.trust_timeout
    delete = var.trust_timeout
  }
}

# B trusts A (or all of A's organization).
resource "crosscluster_trusted_environment" "b_trusts_a" {
  count           = local.cross_organization ? 1 : 0
  provider        = crosscluster.b
  deployment_id   = data.crosscluster_deployment.b.id
  organization_id = data.crosscluster_organization.a.id
  name            = data.crosscluster_organization.a.name
  trust_all       = var.trust_all
  trust_allowlist = var.trust_all ? null : [data.crosscluster_deployment.a.cluster_id]

  timeouts {
    create = var.trust_timeout
    update = var.trust_timeout
    delete = var.trust_timeout
  }
}

# The alias on A, certificate model (B's proxy on port 9400), once both sides trust each other.
resource "crosscluster_remote_cluster" "a_to_b" {
  count               = var.a_alias == null ? 0 : 1
  provider            = crosscluster.a
  alias               = var.a_alias
  proxy_address       = data.crosscluster_deployment.b.certificate_proxy_address
  server_name         = data.crosscluster_deployment.b.endpoint
  wait_for_connection = true

  timeouts {
    create = var.connection_timeout
    update = var.connection_timeout
  }

  depends_on = [
    crosscluster_trusted_environment.a_trusts_b,
    crosscluster_trusted_environment.b_trusts_a,
  ]
}

# The alias on B, certificate model (A's proxy on port 9400), once both sides trust each other.
resource "crosscluster_remote_cluster" "b_to_a" {
  count               = var.b_alias == null ? 0 : 1
  provider            = crosscluster.b
  alias               = var.b_alias
  proxy_address       = data.crosscluster_deployment.a.certificate_proxy_address
  server_name         = data.crosscluster_deployment.a.endpoint
  wait_for_connection = true

  timeouts {
    create = var.connection_timeout
    update = var.connection_timeout
  }

  depends_on = [
    crosscluster_trusted_environment.a_trusts_b,
    crosscluster_trusted_environment.b_trusts_a,
  ]
}
