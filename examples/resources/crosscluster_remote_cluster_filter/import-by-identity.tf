# The deployment the filter is associated with and the traffic-filter ruleset's id, as an
# identity (Terraform 1.12+), with the provider whose `cloud` connection sees the deployment.
import {
  provider = crosscluster.remote_org
  to       = crosscluster_remote_cluster_filter.from_local
  identity = {
    deployment_id = "7e97748e29c60d61ea8291cde2148626"
    ruleset_id    = "868c68e58e5ac8769d3fc57f94d125a5"
  }
}
