# ref_id may be left out: the deployment's first Elasticsearch resource. The key itself must
# be added to the configuration, as for an import by id.
import {
  to = crosscluster_keystore_api_key.example
  identity = {
    deployment_id = "1ce87f5c45bce168846be7a0bcd731f2"
    alias         = "logs"
  }
}
