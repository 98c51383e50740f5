# Checks the alias after every create and update of it (Terraform 1.14+), and at any time with
#   terraform apply -invoke=action.crosscluster_verify_connection.logs
data "crosscluster_deployment" "remote" {
  id = var.remote_deployment_id
}

resource "crosscluster_remote_cluster" "logs" {
  alias               = "logs"
  proxy_address       = "${data.crosscluster_deployment.remote.endpoint}:9443"
  server_name         = data.crosscluster_deployment.remote.endpoint
  wait_for_connection = false # the action does the check

  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.crosscluster_verify_connection.logs]
    }
  }
}

action "crosscluster_verify_connection" "logs" {
  config {
    alias   = "logs"
    timeout = "2m"
  }
}
