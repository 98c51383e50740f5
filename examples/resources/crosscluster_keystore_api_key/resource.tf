# example-test: apply
#
# The local deployment stores the cross-cluster API key that the administrators of the remote
# cluster "logs" created for it (its `encoded` value) as the keystore setting
# cluster.remote.logs.credentials. The alias "logs" must be the alias of the
# crosscluster_remote_cluster that uses the key.

# The key comes from outside Terraform, e.g. TF_VAR_logs_api_key or a secret store. The variable
# is ephemeral so that Terraform keeps its value out of the plan file and the state, and the
# write-only api_key_wo keeps it out of the resource's plan and state (Terraform 1.11+). A
# literal written into the configuration would still be copied into the plan's
# `configuration` section by Terraform itself, so never write the key inline.
variable "logs_api_key" {
  type        = string
  ephemeral   = true
  sensitive   = true
  description = "The encoded cross-cluster API key issued by the remote cluster \"logs\"."
  # A placeholder so that this example applies as it is; give no default in real use.
  default = "replace-with-the-encoded-key"
}

resource "crosscluster_keystore_api_key" "logs" {
  deployment_id = local.local_deployment_id
  alias         = "logs"

  api_key_wo = var.logs_api_key
  # The provider cannot see api_key_wo between runs: increment the version to write a new key.
  api_key_wo_version = 1

  # Deployments on 8.14 or later reload the keystore by themselves. Below 8.14, "auto" (the
  # default) restarts the Elasticsearch resource after the write so that the key is loaded.
  reload = "auto"
}

# Without Terraform 1.11, or when the key comes from a crosscluster_api_key of the same
# configuration (where it is in the state anyway), use the sensitive `api_key` instead:
#
#   api_key = crosscluster_api_key.logs.encoded
#
# A crosscluster_api_key with a `keystore` block (sealed delivery) needs no keystore resource.

output "setting_name" {
  value = crosscluster_keystore_api_key.logs.setting_name # cluster.remote.logs.credentials
}
