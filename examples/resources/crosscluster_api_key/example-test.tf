# example-test: validate-only (sealed delivery writes the key into the local deployment's keystore through the `cloud` connection of the provider block that creates it; the test harness's crosscluster.remote holds the remote organization's Cloud key, which cannot reach the local deployment)
#
# Read by tests/acceptance/examples.rs (see examples/README.md). Kept out of resource.tf so
# that the docs page does not show it. The same configuration applies with a provider block
# pairing the remote cluster's Elasticsearch with the local organization's Cloud key, as the
# sealed-delivery flow in tests/acceptance/flows.rs does.
