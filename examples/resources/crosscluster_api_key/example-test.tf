# example-test: apply
#
# Read by tests/acceptance/examples.rs (see examples/README.md): resource.tf is applied against
# the simulator with the docs' provider layout (crosscluster.remote pairs the remote cluster's
# Elasticsearch with the local organization's Cloud key, so the sealed delivery reaches the
# local keystore), planned again (no changes) and destroyed. Kept out of resource.tf so that the
# docs page does not show it.
