# `make demo` fills these from the simulator's ready file into terraform.tfvars.json.
# For Elastic Cloud, set cloud_url to its API, the organizations' API keys, and the deployments'
# ids, Elasticsearch URLs and passwords.

variable "cloud_url" {
  description = "Base URL of the Elastic Cloud (or ECE) API."
  type        = string
  default     = "https://api.elastic-cloud.com"
}

variable "local_org_api_key" {
  description = "Cloud API key of the organization of local, legacy and legacy-remote (organization 1)."
  type        = string
  sensitive   = true
}

variable "remote_org_api_key" {
  description = "Cloud API key of the organization of remote (organization 2)."
  type        = string
  sensitive   = true
}

variable "deployment_ids" {
  description = "Deployment ids (32 hex) by name: local, remote and, for the optional legacy part, legacy and legacy_remote."
  type = object({
    local         = string
    remote        = string
    legacy        = optional(string)
    legacy_remote = optional(string)
  })
}

variable "es_urls" {
  description = "Elasticsearch URLs of the deployments whose Elasticsearch API is used: local, remote and, for the optional legacy part, legacy."
  type = object({
    local  = string
    remote = string
    legacy = optional(string)
  })
}

variable "es_username" {
  description = "Elasticsearch user of every deployment."
  type        = string
  default     = "elastic"
}

variable "es_passwords" {
  description = "Elasticsearch passwords of local, remote and (optional) legacy."
  type = object({
    local  = string
    remote = string
    legacy = optional(string)
  })
  sensitive = true
}

variable "connection_timeout" {
  description = "How long each alias may take to connect."
  type        = string
  default     = "2m"
}
