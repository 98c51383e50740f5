//! The `_cluster/settings` reader: flattening, the aliases and settings of each alias and the
//! diff towards a desired alias never panic, and a settings map diffed against itself is empty.
#![no_main]

use crosscluster::client::elasticsearch::{
    flatten_settings, remote_aliases, remote_settings_diff, remote_settings_of,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    let flat = flatten_settings(&v);
    for alias in remote_aliases(&flat) {
        let own = remote_settings_of(&flat, &alias);
        assert!(remote_settings_diff(&alias, &own, &own).is_empty());
    }
});
