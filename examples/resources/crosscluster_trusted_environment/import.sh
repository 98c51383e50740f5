# Trust in another Elastic Cloud organization:
#   <deployment_id>/<ref_id>/organization/<organization_id>
terraform import crosscluster_trusted_environment.example 1ce87f5c45bce168846be7a0bcd731f2/main-elasticsearch/organization/2000000002

# Trust in an ECE environment: <deployment_id>/<ref_id>/external/<trust_relationship_id>
terraform import crosscluster_trusted_environment.example 1ce87f5c45bce168846be7a0bcd731f2/main-elasticsearch/external/ece-env-1

# A direct (CA certificate) entry: <deployment_id>/<ref_id>/direct/<uid>, where <uid> is the
# entry's uid as the Cloud API shows it (trust.direct[].uid of the crosscluster_deployment
# data source).
terraform import crosscluster_trusted_environment.example 1ce87f5c45bce168846be7a0bcd731f2/main-elasticsearch/direct/9a2d84bb-3f2c-4b1e-8d7a-5c6e1f0a2b3d
