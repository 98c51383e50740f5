# A cluster has one signing trust setting: import it with the fixed id.
terraform import crosscluster_signing_trust.example cluster.remote.signing
