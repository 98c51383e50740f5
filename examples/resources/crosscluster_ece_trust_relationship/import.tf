# The trust relationship's id (ECE: GET /api/v1/platform/configuration/trust-relationships).
import {
  to = crosscluster_ece_trust_relationship.elastic_cloud
  id = "25fa6a29455a0557611748d6afcca86f"
}
