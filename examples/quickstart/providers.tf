# local (9.1, organization 1): Cloud of organization 1 + its Elasticsearch.
provider "crosscluster" {
  alias = "local"
  cloud {
    endpoint = var.cloud_url
    api_key  = var.local_org_api_key
  }
  elasticsearch {
    endpoints = [var.es_urls.local]
    username  = var.es_username
    password  = var.es_passwords.local
  }
}

# remote (9.1, organization 2): Cloud of organization 2 + its Elasticsearch.
provider "crosscluster" {
  alias = "remote"
  cloud {
    endpoint = var.cloud_url
    api_key  = var.remote_org_api_key
  }
  elasticsearch {
    endpoints = [var.es_urls.remote]
    username  = var.es_username
    password  = var.es_passwords.remote
  }
}

# The API-key issuer: remote's Elasticsearch creates the cross-cluster key, and organization 1's
# Cloud key writes it (sealed) into local's keystore.
provider "crosscluster" {
  alias = "remote_issuer"
  cloud {
    endpoint = var.cloud_url
    api_key  = var.local_org_api_key
  }
  elasticsearch {
    endpoints = [var.es_urls.remote]
    username  = var.es_username
    password  = var.es_passwords.remote
  }
}

# legacy (7.5.2, organization 1): only its Elasticsearch.
provider "crosscluster" {
  alias = "legacy"
  elasticsearch {
    endpoints = [var.es_urls.legacy]
    username  = var.es_username
    password  = var.es_passwords.legacy
  }
}
