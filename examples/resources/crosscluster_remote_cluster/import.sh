# The alias.
terraform import crosscluster_remote_cluster.example logs
