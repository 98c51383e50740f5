# example-test: apply
# example-test: stack 9.3.0
#
# Read by tests/acceptance/examples.rs (see examples/README.md): resource.tf is applied against
# the simulator with `local` and `remote` on Elasticsearch 9.3.0 (signing needs 9.3), planned
# again (no changes) and destroyed. Kept out of resource.tf so that the docs page does not show
# it.
