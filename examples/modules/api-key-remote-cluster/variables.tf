variable "remote_deployment_id" {
  description = "Id of the remote deployment (the one whose data is searched or replicated), 32 hexadecimal characters."
  type        = string

  validation {
    condition     = can(regex("^[0-9a-f]{32}$", var.remote_deployment_id))
    error_message = "remote_deployment_id must be a full deployment id: 32 lowercase hexadecimal characters."
  }
}

variable "local_deployment_id" {
  description = "Id of the local deployment (the one that connects to the remote and gets the alias), 32 hexadecimal characters."
  type        = string

  validation {
    condition     = can(regex("^[0-9a-f]{32}$", var.local_deployment_id))
    error_message = "local_deployment_id must be a full deployment id: 32 lowercase hexadecimal characters."
  }
}

variable "local_ref_id" {
  description = "ref_id of the local deployment's Elasticsearch resource whose keystore receives the key; default: its first one."
  type        = string
  default     = null
}

variable "alias" {
  description = "The remote cluster alias on the local deployment (letters, digits, '-' and '_'). It prefixes remote index names (alias:index) and names the keystore entry cluster.remote.<alias>.credentials."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]+$", var.alias))
    error_message = "alias may contain only letters, digits, '-' and '_'."
  }
}

variable "access" {
  description = "What the cross-cluster API key grants on the remote: index names or patterns for cross-cluster search and for cross-cluster replication. At least one list must be non-empty."
  type = object({
    search      = optional(list(string), [])
    replication = optional(list(string), [])
  })

  validation {
    condition     = length(var.access.search) + length(var.access.replication) > 0
    error_message = "access needs at least one index pattern in search or replication."
  }
}

variable "role" {
  description = "Optional role on the local deployment that may use the remote indices through this alias (remote_indices, Elasticsearch 8.14+). The alias is filled in as the role's remote cluster. null: no role."
  type = object({
    name = string
    remote_indices = list(object({
      names      = list(string)
      privileges = optional(list(string), ["read", "read_cross_cluster", "view_index_metadata"])
    }))
  })
  default = null
}

variable "key_name" {
  description = "Name of the cross-cluster API key on the remote; default: \"cross-cluster-<alias>\". Changing it creates a new key."
  type        = string
  default     = null
}

variable "key_expiration" {
  description = "Lifetime of the key, such as \"90d\"; default: never expires."
  type        = string
  default     = null
}

variable "connection_timeout" {
  description = "How long creating or updating the alias waits for the connection before failing with the reason."
  type        = string
  default     = "5m"
}
