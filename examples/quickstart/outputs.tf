locals {
  aliases = concat(
    [
      { deployment = "local", alias = module.api_key.alias, model = "api key (9443)", connected = module.api_key.connected },
      { deployment = "local", alias = module.certificate.a_alias, model = "certificate (9400)", connected = module.certificate.a_connected },
      { deployment = "remote", alias = module.certificate.b_alias, model = "certificate (9400)", connected = module.certificate.b_connected },
    ],
    # The optional legacy part: no line without it.
    [for r in crosscluster_remote_cluster.legacy : { deployment = "legacy", alias = r.alias, model = "sniff via proxy (7.5)", connected = r.connected }],
  )
}

output "connected" {
  description = "Every alias and whether it is connected (the aliases are unique across the deployments here)."
  value       = { for a in local.aliases : a.alias => a.connected }
}

output "alias_table" {
  description = "The same as a table."
  value = join("\n", concat(
    [format("%-8s %-16s %-22s %s", "ON", "ALIAS", "MODEL", "CONNECTED")],
    [for a in local.aliases : format("%-8s %-16s %-22s %s", a.deployment, a.alias, a.model, a.connected ? "yes" : "NO")],
  ))
}

output "api_key_id" {
  description = "Id of the cross-cluster API key on remote."
  value       = module.api_key.key_id
}
