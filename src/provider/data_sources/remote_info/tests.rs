//! Table tests of the `crosscluster_remote_info` conversion.

use std::collections::BTreeMap;

use crate::client::elasticsearch::RemoteInfo;
use crate::framework::decode::string_list_value;
use crate::framework::model::Model;
use crate::framework::value::Value;

use super::model::from_api;
use super::schema::schema;

/// The state value `from_api` gives.
fn to_state(remotes: &BTreeMap<String, RemoteInfo>) -> Value {
    from_api(remotes).to_value().unwrap()
}

#[test]
fn maps_proxy_and_sniff() {
    let body = serde_json::json!({
        "r1": {"connected": true, "mode": "proxy", "proxy_address": "abc.found.io:9443",
               "server_name": "abc.found.io", "num_proxy_sockets_connected": 18,
               "max_proxy_socket_connections": 18, "initial_connect_timeout": "30s",
               "skip_unavailable": true, "cluster_credentials": "::es_redacted::"},
        "r2": {"connected": false, "mode": "sniff", "seeds": ["a:1", "b:2"],
               "num_nodes_connected": 0, "max_connections_per_cluster": 3,
               "initial_connect_timeout": "30s", "skip_unavailable": false},
        "r3": {"connected": false, "mode": "proxy", "proxy_address": "x:9400",
               "server_name": "", "skip_unavailable": false}
    });
    let remotes: BTreeMap<String, RemoteInfo> = serde_json::from_value(body).unwrap();
    let state = to_state(&remotes);
    let m = state.get_attr("remotes").and_then(Value::entries).unwrap();
    assert_eq!(m.len(), 3);
    let r1 = &m["r1"];
    assert_eq!(r1.get_attr("connected"), Some(&Value::Bool(true)));
    assert_eq!(
        r1.get_attr("proxy_address").and_then(Value::as_str),
        Some("abc.found.io:9443")
    );
    assert_eq!(
        r1.get_attr("credentials_configured"),
        Some(&Value::Bool(true))
    );
    assert_eq!(r1.get_attr("seeds"), Some(&Value::List(vec![])));
    let r2 = &m["r2"];
    assert_eq!(r2.get_attr("mode").and_then(Value::as_str), Some("sniff"));
    assert_eq!(r2.get_attr("proxy_address"), Some(&Value::Null));
    assert_eq!(
        r2.get_attr("seeds"),
        Some(&string_list_value(["a:1", "b:2"]))
    );
    assert_eq!(
        r2.get_attr("credentials_configured"),
        Some(&Value::Bool(false))
    );
    // "" server_name reads as null
    assert_eq!(m["r3"].get_attr("server_name"), Some(&Value::Null));
    // The value conforms to the schema's type.
    state.conforms(&schema().block.object_type()).unwrap();
    // No remote: an empty map.
    let empty = to_state(&BTreeMap::new());
    assert_eq!(
        empty.get_attr("remotes"),
        Some(&Value::Map(BTreeMap::new()))
    );
}
