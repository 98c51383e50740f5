# A cluster has one signing trust setting: its identity is the fixed id (Terraform 1.12+),
# on the remote cluster.
import {
  provider = crosscluster.remote
  to       = crosscluster_signing_trust.remote
  identity = {
    id = "cluster.remote.signing"
  }
}
