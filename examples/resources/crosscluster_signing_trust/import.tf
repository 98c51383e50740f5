# A cluster has one signing trust setting (cluster.remote.signing.certificate_authorities):
# import it with the fixed id, on the remote cluster.
import {
  provider = crosscluster.remote
  to       = crosscluster_signing_trust.example
  id       = "cluster.remote.signing"
}
