terraform {
  required_version = ">= 1.8"
  required_providers {
    crosscluster = {
      source = "crosscluster/crosscluster"
    }
  }
}

# The local deployment: the Elastic Cloud organization that owns it (Cloud API key) and its
# Elasticsearch endpoint. Resources without a `provider` argument use this block.
provider "crosscluster" {
  cloud {
    api_key = var.local_ec_api_key # or EC_API_KEY
  }
  elasticsearch {
    endpoints = ["https://local-search.es.eu-west-1.aws.found.io"]
    username  = "elastic"
    password  = var.local_elastic_password
  }
}

# The remote deployment, here in another organization: a second provider block with an alias.
# Resources on the remote side say `provider = crosscluster.remote`.
provider "crosscluster" {
  alias = "remote"
  cloud {
    api_key = var.remote_ec_api_key
  }
  elasticsearch {
    endpoints = ["https://remote-logs.es.eu-west-1.aws.found.io"]
    username  = "elastic"
    password  = var.remote_elastic_password
  }
  request_timeout = "60s"
  max_retries     = 5
}

variable "local_ec_api_key" {
  type      = string
  sensitive = true
}

variable "local_elastic_password" {
  type      = string
  sensitive = true
}

variable "remote_ec_api_key" {
  type      = string
  sensitive = true
}

variable "remote_elastic_password" {
  type      = string
  sensitive = true
}
