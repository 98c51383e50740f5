# The local deployment stores the cross-cluster API key that the administrators of the remote
# cluster "logs" created for it (its `encoded` value) as the keystore setting
# cluster.remote.logs.credentials. The alias "logs" must be the alias of the
# crosscluster_remote_cluster that uses the key.

# The key comes from outside Terraform: TF_VAR_logs_api_key, `-var`, or an ephemeral resource of
# a secret store. Three things keep it out of every file Terraform writes:
# - `api_key_wo` is write-only (Terraform 1.11+): it never enters the resource's plan or state;
# - the variable is `ephemeral`: Terraform does not record its value in a saved plan (it does
#   record the values of ordinary variables);
# - nothing is written inline: Terraform copies literal values of the configuration, variable
#   defaults included, into the saved plan's `configuration` section.
variable "logs_api_key" {
  type        = string
  ephemeral   = true
  sensitive   = true
  description = "The encoded cross-cluster API key issued by the remote cluster \"logs\"."
  # A placeholder, only so that this example applies as it is: in real use give no default.
  default = "replace-with-the-encoded-key"
}

resource "crosscluster_keystore_api_key" "logs" {
  deployment_id = local.local_deployment_id # the full 32-character id of the local deployment
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
