# The trust relationship's id (ECE: GET /api/v1/platform/configuration/trust-relationships).
terraform import crosscluster_ece_trust_relationship.elastic_cloud 25fa6a29455a0557611748d6afcca86f
