# The remote cluster alias, as an identity (Terraform 1.12+).
import {
  to = crosscluster_remote_cluster_signing.logs
  identity = {
    alias = "logs"
  }
}
