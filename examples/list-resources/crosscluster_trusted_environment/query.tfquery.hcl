# In a file ending in .tfquery.hcl next to the configuration (Terraform 1.14+):
#   terraform query                                  lists the entries
#   terraform query -generate-config-out=trust.tf    writes import + resource blocks
list "crosscluster_trusted_environment" "local" {
  provider = crosscluster
  config {
    deployment_id = local.local_deployment_id # the full 32-character id
  }
}
