import {
  to = crosscluster_role.example
  identity = {
    name = "logs-reader"
  }
}
