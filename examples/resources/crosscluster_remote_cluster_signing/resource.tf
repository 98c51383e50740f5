# Strong identity verification (Elasticsearch 9.3+ on both clusters): the local deployment signs
# its cross-cluster requests to the alias "logs" with its own node certificate (every Elastic
# Cloud deployment has node.crt and node.key). The remote trusts the signing CA
# (crosscluster_signing_trust) and may pin the certificate's DN in the key's
# certificate_identity (crosscluster_api_key).
resource "crosscluster_remote_cluster_signing" "logs" {
  alias       = "logs"
  certificate = "node.crt"
  key         = "node.key"
}
