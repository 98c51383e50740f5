# The cluster.remote.<alias>.credentials entries of a deployment's keystore (Terraform 1.14+:
# terraform query). Generated configuration has no key: add api_key_wo and
# api_key_wo_version as the resource's import section says.
list "crosscluster_keystore_api_key" "local" {
  provider = crosscluster
  config {
    deployment_id = local.local_deployment_id
  }
}
