# The provider layout of the docs (examples/provider/provider.tf), plus one block for the
# optional legacy part. `make demo` points every `cloud` block at the simulator (cloud_url).

# local (9.1, organization 1): Cloud of organization 1 + its Elasticsearch. The default block.
provider "crosscluster" {
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

# remote's Elasticsearch, which creates the cross-cluster key, with organization 1's Cloud key,
# through which the sealed delivery writes the key into local's keystore.
provider "crosscluster" {
  alias = "remote"
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

# remote (9.1, organization 2): Cloud of organization 2 (reads remote, writes its trust) + its
# Elasticsearch (the alias on remote).
provider "crosscluster" {
  alias = "remote_org"
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

# legacy (7.5.2, organization 1): only its Elasticsearch, and only when its URL is given (the
# legacy part is optional: see README.md).
provider "crosscluster" {
  alias = "legacy"
  dynamic "elasticsearch" {
    for_each = var.es_urls.legacy == null ? [] : [var.es_urls.legacy]
    content {
      endpoints = [elasticsearch.value]
      username  = var.es_username
      password  = var.es_passwords.legacy
    }
  }
}
