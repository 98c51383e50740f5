output "cross_organization" {
  description = "Whether A and B are in different organizations (and trusted environments were created)."
  value       = local.cross_organization
}

output "a_alias" {
  description = "The alias on A that connects to B, or null."
  value       = one(crosscluster_remote_cluster.a_to_b[*].alias)
}

output "b_alias" {
  description = "The alias on B that connects to A, or null."
  value       = one(crosscluster_remote_cluster.b_to_a[*].alias)
}

output "a_connected" {
  description = "Whether A's alias to B was connected at the last read (null without a_alias)."
  value       = one(crosscluster_remote_cluster.a_to_b[*].connected)
}

output "b_connected" {
  description = "Whether B's alias to A was connected at the last read (null without b_alias)."
  value       = one(crosscluster_remote_cluster.b_to_a[*].connected)
}

output "trusted_environment_ids" {
  description = "Ids of the trusted environments created on A and on B (empty within one organization)."
  value = concat(
    crosscluster_trusted_environment.a_trusts_b[*].id,
    crosscluster_trusted_environment.b_trusts_a[*].id,
  )
}
