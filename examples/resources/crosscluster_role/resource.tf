# A role on the local cluster for analysts who search logs-* locally and on the remote cluster
# "logs" (an API-key model alias, see crosscluster_remote_cluster). What the cross-cluster API
# key's `access` allows on the remote side still bounds what this role can reach there.
resource "crosscluster_role" "logs_reader" {
  name        = "logs-reader"
  description = "Searches logs-* here and on the remote cluster logs" # 8.15+
  cluster     = ["monitor"]
  metadata    = jsonencode({ team = "search" })

  indices {
    names      = ["logs-*"]
    privileges = ["read", "view_index_metadata"]
  }

  # Elasticsearch 8.14+.
  remote_indices {
    clusters   = ["logs"]
    names      = ["logs-*"]
    privileges = ["read", "read_cross_cluster", "view_index_metadata"]
    field_security {
      grant = ["@timestamp", "message", "service.*"]
    }
  }

  # Elasticsearch 8.15+ (monitor_stats: 8.17+).
  remote_cluster {
    clusters   = ["logs"]
    privileges = ["monitor_enrich"]
  }
}
