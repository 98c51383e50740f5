# <deployment_id>/<ref_id>/<alias> (or <deployment_id>/<alias> for the deployment's first
# Elasticsearch resource).
import {
  to = crosscluster_deployment_remote_cluster.example
  id = "49a9c4e202848b4e1937562d6ce296a6/main-elasticsearch/logs"
}
