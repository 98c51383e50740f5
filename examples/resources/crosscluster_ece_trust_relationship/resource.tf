# On an Elastic Cloud Enterprise installation (the provider's `cloud` connection is its API):
# trust the clusters of an Elastic Cloud organization for the certificate model, in every
# deployment of the installation. The Elastic Cloud side trusts this installation back with
# crosscluster_trusted_environment (a `direct` block of type "ECE", scope_id = this
# installation's id, certificates = its proxy CA).

resource "crosscluster_ece_trust_relationship" "elastic_cloud" {
  name             = "Elastic Cloud (Remote Org)"
  account_ids      = [local.remote_organization_id]
  trust_by_default = true

  # The regional CA of the organization's deployments (Deployment > Security > CA certificates).
  public_ca_cert = <<-EOT
    -----BEGIN CERTIFICATE-----
    MIIBhzCCAS2gAwIBAgIUb6XaTpcQLy2N4D7IaU0eimpfYTUwCgYIKoZIzj0EAwIw
    GTEXMBUGA1UEAwwOZWNlLWV4YW1wbGUtY2EwHhcNMjYxMjAxMTMzMDEzWhcNMzYx
    MTI4MTMzMDEzWjAZMRcwFQYDVQQDDA5lY2UtZXhhbXBsZS1jYTBZMBMGByqGSM49
    AgEGCCqGSM49AwEHA0IABKG+dNfFMTOEqpk0Mu/ZQyKnMyTEzY3klkVvdXk198cE
    ZATuMKvnmiWnmYe1DMr1FolVEZ45CgNEgUeZwW9JWPSjUzBRMB0GA1UdDgQWBBS5
    6uxlOugjZK1LnDbOe4x/AYr0hjAfBgNVHSMEGDAWgBS56uxlOugjZK1LnDbOe4x/
    AYr0hjAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIQD8xdnHXunA
    LabV195yAFvONnu0BqZB2ebwS0TyMCCLlQIgYzqYYi04Zu/aMbQIaXSNStUBUAEk
    FaYZUAM1XMxIdAo=
    -----END CERTIFICATE-----
  EOT
}

# What a deployment's crosscluster_trusted_environment.trust_relationship_id names.
output "trust_relationship_id" {
  value = crosscluster_ece_trust_relationship.elastic_cloud.id
}
