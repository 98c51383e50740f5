import {
  to = crosscluster_remote_cluster.example
  identity = {
    alias = "logs"
  }
}
