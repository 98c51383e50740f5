# The key id, as GET /_security/api_key shows it. The secret cannot be read back: `encoded`,
# `api_key`, `expiration` and `keystore` stay null after import, so a configuration with a
# `keystore` block plans a new key.
terraform import crosscluster_api_key.example VuaCfGcBCdbkQm-e5aOx
