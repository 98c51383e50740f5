# Every alias of the provider's Elasticsearch cluster (Terraform 1.14+: terraform query).
list "crosscluster_remote_cluster" "all" {
  provider = crosscluster
}
