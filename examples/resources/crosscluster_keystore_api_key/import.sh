# <deployment_id>/<ref_id>/<alias> (or <deployment_id>/<alias> for the deployment's first
# Elasticsearch resource). The keystore API never returns values: after import the state holds
# no key, and the next apply writes the configured one.
terraform import crosscluster_keystore_api_key.example 1ce87f5c45bce168846be7a0bcd731f2/main-elasticsearch/logs
