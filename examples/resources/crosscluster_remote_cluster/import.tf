# The alias.
import {
  to = crosscluster_remote_cluster.example
  id = "logs"
}
