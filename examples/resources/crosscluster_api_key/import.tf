# The key id, as GET /_security/api_key shows it, on the remote cluster (the block that
# creates keys). The secret cannot be read back: `encoded`, `api_key`, `expiration` and
# `keystore` stay null after import.
import {
  provider = crosscluster.remote
  to       = crosscluster_api_key.example
  id       = "VuaCfGcBCdbkQm-e5aOx"
}
