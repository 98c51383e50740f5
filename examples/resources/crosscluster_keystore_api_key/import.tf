# <deployment_id>/<ref_id>/<alias> (or <deployment_id>/<alias> for the deployment's first
# Elasticsearch resource). The keystore API never returns values: see below for what to add to
# the configuration.
import {
  to = crosscluster_keystore_api_key.example
  id = "1ce87f5c45bce168846be7a0bcd731f2/main-elasticsearch/logs"
}
