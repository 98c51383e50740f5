# The cross-cluster API keys of the provider's Elasticsearch cluster (Terraform 1.14+:
# terraform query). Keys this provider delivered into a keystore are marked
# "[crosscluster: keystore <deployment_id>/<alias>]".
list "crosscluster_api_key" "all" {
  provider = crosscluster
}
