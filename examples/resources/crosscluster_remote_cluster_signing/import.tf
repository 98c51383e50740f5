# The remote cluster alias whose signing settings (cluster.remote.<alias>.signing.certificate and
# .signing.key) to adopt.
import {
  to = crosscluster_remote_cluster_signing.example
  id = "logs"
}
