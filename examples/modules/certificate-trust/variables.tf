variable "a_deployment_id" {
  description = "Id of deployment A, 32 hexadecimal characters (in the organization of provider crosscluster.a)."
  type        = string

  validation {
    condition     = can(regex("^[0-9a-f]{32}$", var.a_deployment_id))
    error_message = "a_deployment_id must be a full deployment id: 32 lowercase hexadecimal characters."
  }
}

variable "b_deployment_id" {
  description = "Id of deployment B, 32 hexadecimal characters (in the organization of provider crosscluster.b)."
  type        = string

  validation {
    condition     = can(regex("^[0-9a-f]{32}$", var.b_deployment_id))
    error_message = "b_deployment_id must be a full deployment id: 32 lowercase hexadecimal characters."
  }
}

variable "a_alias" {
  description = "Alias on deployment A that connects to B (letters, digits, '-' and '_'); null: no alias on A."
  type        = string
  default     = null

  validation {
    condition     = var.a_alias == null || can(regex("^[A-Za-z0-9_-]+$", var.a_alias))
    error_message = "a_alias may contain only letters, digits, '-' and '_'."
  }
}

variable "b_alias" {
  description = "Alias on deployment B that connects to A (letters, digits, '-' and '_'); null: no alias on B."
  type        = string
  default     = null

  validation {
    condition     = var.b_alias == null || can(regex("^[A-Za-z0-9_-]+$", var.b_alias))
    error_message = "b_alias may contain only letters, digits, '-' and '_'."
  }
}

variable "trust_all" {
  description = "false (default): each side trusts only the other deployment's cluster (trust_allowlist). true: each side trusts every deployment of the other organization."
  type        = bool
  default     = false
}

variable "connection_timeout" {
  description = "How long creating or updating an alias waits for the connection before failing with the reason (which side does not trust the other)."
  type        = string
  default     = "5m"
}

variable "trust_timeout" {
  description = "How long creating, updating or removing a trusted environment waits for the deployment's plan."
  type        = string
  default     = "20m"
}
