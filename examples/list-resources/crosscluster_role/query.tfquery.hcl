# Roles with remote privileges (remote_indices or remote_cluster), reserved roles left out
# (Terraform 1.14+: terraform query).
list "crosscluster_role" "all" {
  provider = crosscluster
}
