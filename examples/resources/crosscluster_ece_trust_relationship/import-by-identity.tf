# The trust relationship's id, as an identity (Terraform 1.12+).
import {
  to = crosscluster_ece_trust_relationship.elastic_cloud
  identity = {
    id = "25fa6a29455a0557611748d6afcca86f"
  }
}
