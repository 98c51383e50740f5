locals {
  # A deployment's endpoint (host name only), e.g. from data.crosscluster_deployment.remote.endpoint.
  example_endpoint = "0123456789abcdef0123456789abcdef.eu-west-1.aws.found.io"
}

# API-key model: the remote cluster server on port 9443.
output "api_key_proxy_address" {
  value = provider::crosscluster::proxy_address(local.example_endpoint, "api_key")
}

# Certificate model: the transport passthrough on port 9400.
output "certificate_proxy_address" {
  value = provider::crosscluster::proxy_address(local.example_endpoint, "certificate")
}
