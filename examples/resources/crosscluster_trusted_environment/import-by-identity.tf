# kind is organization, external or direct; value is the organization id, the trust
# relationship id or the uid of the direct entry.
import {
  to = crosscluster_trusted_environment.example
  identity = {
    deployment_id = "1ce87f5c45bce168846be7a0bcd731f2"
    ref_id        = "main-elasticsearch"
    kind          = "organization"
    value         = "2000000002"
  }
}
