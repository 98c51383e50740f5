# A cross-cluster API key on the remote cluster for the local deployment, which may search
# logs-* and replicate (follow) archive-* there. The `keystore` block delivers the key sealed:
# the provider writes it straight into the local deployment's keystore as
# cluster.remote.logs.credentials, in the same apply, and the secret never reaches the plan,
# the state or a log (`encoded` and `api_key` stay null).
#
# `crosscluster.remote` is the remote-cluster block of the provider page's layout: its
# `elasticsearch` connection is the remote cluster (with a username and password or a bearer
# token: Elasticsearch refuses to create cross-cluster API keys for a caller using an API key),
# and its `cloud` connection carries the LOCAL organization's Cloud API key, through which the
# sealed delivery writes the local keystore.
resource "crosscluster_api_key" "logs" {
  provider = crosscluster.remote
  name     = "search-reads-logs"
  metadata = jsonencode({ team = "search", purpose = "CCS and CCR from the search deployment" })

  access {
    search {
      names = ["logs-*"]
    }
    replication {
      names = ["archive-*"]
    }
  }

  # The local deployment (its full 32-character id) and the alias of the
  # crosscluster_remote_cluster there: the key becomes cluster.remote.logs.credentials.
  keystore {
    deployment_id = local.local_deployment_id
    alias         = "logs"
  }

  # Rotation: replace the key (e.g. `replace_triggered_by` on a time_rotating resource); the
  # new key overwrites the keystore entry before the old key is invalidated.
  lifecycle {
    create_before_destroy = true
  }
}
