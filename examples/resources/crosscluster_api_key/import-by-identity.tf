# The key id, as an identity (Terraform 1.12+).
import {
  provider = crosscluster.remote
  to       = crosscluster_api_key.example
  identity = {
    id = "VuaCfGcBCdbkQm-e5aOx"
  }
}
