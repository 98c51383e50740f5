# The role name.
import {
  to = crosscluster_role.example
  id = "logs-reader"
}
