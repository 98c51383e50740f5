# Trust in another Elastic Cloud organization:
#   <deployment_id>/<ref_id>/organization/<organization_id>
# (ECE environment: .../external/<trust_relationship_id>; CA certificate: .../direct/<uid>.)
import {
  to = crosscluster_trusted_environment.example
  id = "1ce87f5c45bce168846be7a0bcd731f2/main-elasticsearch/organization/2000000002"
}
