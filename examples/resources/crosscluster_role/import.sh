# The role name.
terraform import crosscluster_role.example logs-reader
