# The keystore setting that holds the cross-cluster API key of the remote alias "logs-remote":
# "cluster.remote.logs-remote.credentials".
output "credentials_setting" {
  value = provider::crosscluster::credentials_setting("logs-remote")
}
