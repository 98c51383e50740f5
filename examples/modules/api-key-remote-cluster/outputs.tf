output "alias" {
  description = "The remote cluster alias on the local deployment."
  value       = crosscluster_remote_cluster.this.alias
}

output "key_id" {
  description = "Id of the cross-cluster API key on the remote deployment."
  value       = crosscluster_api_key.this.id
}

output "connected" {
  description = "Whether the local deployment's _remote/info reported the alias as connected at the last read."
  value       = crosscluster_remote_cluster.this.connected
}

output "credentials_configured" {
  description = "Whether the local deployment has the key loaded for this alias (true: the API-key model is in use)."
  value       = crosscluster_remote_cluster.this.credentials_configured
}

output "proxy_address" {
  description = "The address the alias connects to (<remote endpoint>:9443)."
  value       = crosscluster_remote_cluster.this.proxy_address
}

output "role_name" {
  description = "Name of the role on the local deployment, or null when no role was requested."
  value       = one(crosscluster_role.this[*].name)
}
