# <deployment_id>/<ref_id>/<alias> (or <deployment_id>/<alias> for the deployment's first
# Elasticsearch resource).
terraform import crosscluster_deployment_remote_cluster.example 49a9c4e202848b4e1937562d6ce296a6/main-elasticsearch/logs
