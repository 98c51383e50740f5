# Strong identity verification (Elasticsearch 9.3+ on both clusters): the remote deployment
# trusts signatures by its region's CA, which issues the node certificates of every Elastic
# Cloud deployment of the same provider and region (what crosscluster_remote_cluster_signing
# signs with on the local side).
resource "crosscluster_signing_trust" "remote" {
  provider                = crosscluster.remote
  certificate_authorities = ["internal_tls_ca.crt"]
}
