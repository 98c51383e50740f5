locals {
  key_name = coalesce(var.key_name, "cross-cluster-${var.alias}")
}

# The remote deployment's endpoint and API-key proxy address (<endpoint>:9443), read with the
# remote organization's Cloud API key.
data "crosscluster_deployment" "remote" {
  provider = crosscluster.remote_org
  id       = var.remote_deployment_id
}

# The cross-cluster API key on the remote, delivered sealed into the local deployment's keystore
# as cluster.remote.<alias>.credentials: the secret never reaches the plan, the state or a log.
resource "crosscluster_api_key" "this" {
  provider   = crosscluster.remote
  name       = local.key_name
  expiration = var.key_expiration
  metadata = jsonencode({
    managed_by          = "terraform"
    module              = "api-key-remote-cluster"
    alias               = var.alias
    local_deployment_id = var.local_deployment_id
  })

  access {
    dynamic "search" {
      for_each = length(var.access.search) > 0 ? [var.access.search] : []
      content {
        names = search.value
      }
    }
    dynamic "replication" {
      for_each = length(var.access.replication) > 0 ? [var.access.replication] : []
      content {
        names = replication.value
      }
    }
  }

  keystore {
    deployment_id = var.local_deployment_id
    ref_id        = var.local_ref_id
    alias         = var.alias
  }
}

# The alias on the local deployment, API-key model (port 9443). Referring to the key's keystore
# alias orders it after the keystore write; the apply waits until the alias is connected.
resource "crosscluster_remote_cluster" "this" {
  provider            = crosscluster.local
  alias               = crosscluster_api_key.this.keystore.alias
  proxy_address       = data.crosscluster_deployment.remote.api_key_proxy_address
  server_name         = data.crosscluster_deployment.remote.endpoint
  wait_for_connection = true

  timeouts {
    create = var.connection_timeout
    update = var.connection_timeout
  }
}

# Optionally, who may use the remote indices through this alias on the local deployment.
resource "crosscluster_role" "this" {
  count    = var.role == null ? 0 : 1
  provider = crosscluster.local
  name     = var.role.name

  dynamic "remote_indices" {
    for_each = var.role.remote_indices
    content {
      clusters   = [crosscluster_remote_cluster.this.alias]
      names      = remote_indices.value.names
      privileges = remote_indices.value.privileges
    }
  }
}
