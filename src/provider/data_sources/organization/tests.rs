//! Unit tests of the organization model.

use crate::client::cloud::Organization;
use crate::framework::model::Model;
use crate::framework::value::Value;

use super::model::{from_api, pick};

/// The state value for one organization.
fn to_state(org: &Organization) -> Value {
    from_api(org).to_value().unwrap()
}

fn org(id: &str, name: &str) -> Organization {
    Organization {
        id: id.into(),
        name: name.into(),
    }
}

#[test]
fn picks_and_maps() {
    let one = [org("1000000001", "Org one")];
    let state = to_state(pick(&one).unwrap());
    assert_eq!(
        state.get_attr("id").and_then(Value::as_str),
        Some("1000000001")
    );
    assert_eq!(
        state.get_attr("name").and_then(Value::as_str),
        Some("Org one")
    );
    assert!(pick(&[]).is_err());
    let two = [org("1", "a"), org("2", "b")];
    assert_eq!(pick(&two).unwrap().id, "1");
}
