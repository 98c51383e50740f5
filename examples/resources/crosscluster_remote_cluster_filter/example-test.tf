# example-test: apply
#
# Read by tests/acceptance/examples.rs (see examples/README.md): resource.tf is applied against
# the simulator, planned again (no changes) and destroyed. Kept out of resource.tf so that the
# docs page does not show it.
