terraform {
  required_version = ">= 1.3"

  required_providers {
    crosscluster = {
      source = "crosscluster/crosscluster"
      # a: Cloud API key of deployment A's organization (reads A, writes A's trust)
      #    + Elasticsearch of A when a_alias is set (the alias on A).
      # b: the same for deployment B.
      configuration_aliases = [
        crosscluster.a,
        crosscluster.b,
      ]
    }
  }
}
