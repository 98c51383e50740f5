terraform {
  # optional() object attributes with defaults need Terraform 1.3.
  required_version = ">= 1.3"

  required_providers {
    crosscluster = {
      source = "crosscluster/crosscluster"
      # remote:       Elasticsearch of the REMOTE deployment (creates the cross-cluster API key)
      #               + Cloud API key of the LOCAL deployment's organization (sealed keystore write).
      # local:        Elasticsearch of the LOCAL deployment (alias and role).
      # remote_org: Cloud API key of the REMOTE deployment's organization (reads its endpoint).
      configuration_aliases = [
        crosscluster.remote,
        crosscluster.local,
        crosscluster.remote_org,
      ]
    }
  }
}
