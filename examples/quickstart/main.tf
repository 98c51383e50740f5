# 1. API-key model: local -> remote, across the two organizations.
module "api_key" {
  source = "../modules/api-key-remote-cluster"
  providers = {
    crosscluster.remote     = crosscluster.remote
    crosscluster.local      = crosscluster
    crosscluster.remote_org = crosscluster.remote_org
  }

  remote_deployment_id = var.deployment_ids.remote
  local_deployment_id  = var.deployment_ids.local
  alias                = "remote_api_key"
  access = {
    search      = ["logs-*"]
    replication = ["archive-*"]
  }
  role = {
    name = "remote-logs-reader"
    remote_indices = [
      { names = ["logs-*"] },
    ]
  }
  connection_timeout = var.connection_timeout
}

# 2. Certificate model: remote <-> local, mutual trust across the organizations, an alias on
#    both sides (port 9400).
module "certificate" {
  source = "../modules/certificate-trust"
  providers = {
    crosscluster.a = crosscluster
    crosscluster.b = crosscluster.remote_org
  }

  a_deployment_id    = var.deployment_ids.local
  b_deployment_id    = var.deployment_ids.remote
  a_alias            = "remote_cert"
  b_alias            = "local_cert"
  connection_timeout = var.connection_timeout
}

# 3. Legacy (optional): legacy (7.5, no proxy mode) -> legacy-remote (7.17) in sniff mode
#    through the Cloud proxy (certificate model). Same organization: trust is implicit. Only
#    when deployment_ids.legacy_remote and es_urls.legacy are given.
locals {
  with_legacy = var.deployment_ids.legacy_remote != null && var.es_urls.legacy != null
}

data "crosscluster_deployment" "legacy_remote" {
  count = local.with_legacy ? 1 : 0
  id    = var.deployment_ids.legacy_remote
}

resource "crosscluster_remote_cluster" "legacy" {
  count        = local.with_legacy ? 1 : 0
  provider     = crosscluster.legacy
  alias        = "legacy_remote"
  mode         = "sniff"
  seeds        = ["${data.crosscluster_deployment.legacy_remote[0].endpoint}:1"]
  legacy_proxy = data.crosscluster_deployment.legacy_remote[0].certificate_proxy_address

  timeouts {
    create = var.connection_timeout
    update = var.connection_timeout
  }
}
