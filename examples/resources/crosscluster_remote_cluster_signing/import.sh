# The remote cluster alias whose signing settings to adopt.
terraform import crosscluster_remote_cluster_signing.example logs
