# ref_id may be left out: the deployment's first Elasticsearch resource.
import {
  to = crosscluster_deployment_remote_cluster.example
  identity = {
    deployment_id = "49a9c4e202848b4e1937562d6ce296a6"
    ref_id        = "main-elasticsearch"
    alias         = "logs"
  }
}
