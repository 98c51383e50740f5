terraform {
  required_version = ">= 1.8"
  required_providers {
    crosscluster = {
      source = "crosscluster/crosscluster"
    }
  }
}

# The provider layout every page of these docs uses: three blocks, whichever security model.
# The Cloud endpoint defaults to https://api.elastic-cloud.com (EC_ENDPOINT for ECE).

# 1. The LOCAL side (the cluster that searches or follows): its organization's Cloud API key
#    and its Elasticsearch. Resources without a `provider` argument use this block.
provider "crosscluster" {
  cloud {
    api_key = var.local_ec_api_key
  }
  elasticsearch {
    endpoints = [var.local_elasticsearch_url]
    username  = "elastic"
    password  = var.local_elastic_password
  }
}

# 2. The REMOTE cluster, where cross-cluster API keys are created (`provider =
#    crosscluster.remote`). Its `cloud` connection carries the LOCAL organization's key: sealed
#    delivery writes the new key into the local deployment's keystore through it.
provider "crosscluster" {
  alias = "remote"
  cloud {
    api_key = var.local_ec_api_key
  }
  elasticsearch {
    endpoints = [var.remote_elasticsearch_url]
    username  = "elastic"
    password  = var.remote_elastic_password
  }
}

# 3. The REMOTE organization (`provider = crosscluster.remote_org`): its own Cloud API key,
#    to read the remote deployment and change its trust, and the remote Elasticsearch for
#    aliases that point back at the local side. With both deployments in one organization,
#    give it the same Cloud key as the other two.
provider "crosscluster" {
  alias = "remote_org"
  cloud {
    api_key = var.remote_ec_api_key
  }
  elasticsearch {
    endpoints = [var.remote_elasticsearch_url]
    username  = "elastic"
    password  = var.remote_elastic_password
  }
}

# Set the secrets with TF_VAR_... (never as literals): Terraform copies literal values into
# saved plans.
variable "local_ec_api_key" {
  type      = string
  sensitive = true
}

variable "remote_ec_api_key" {
  type      = string
  sensitive = true
}

variable "local_elasticsearch_url" {
  type        = string
  description = "The local deployment's Elasticsearch endpoint, https://<...>.es.<region>.aws.found.io"
}

variable "remote_elasticsearch_url" {
  type        = string
  description = "The remote deployment's Elasticsearch endpoint."
}

variable "local_elastic_password" {
  type      = string
  sensitive = true
}

variable "remote_elastic_password" {
  type      = string
  sensitive = true
}

# The two deployments, by their full 32-character ids (not the short form the console shows).
variable "local_deployment_id" {
  type        = string
  description = "The local deployment: the one that searches or follows."
}

variable "remote_deployment_id" {
  type        = string
  description = "The remote deployment: the one that holds the data."
}
