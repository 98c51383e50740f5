//! The trust-settings reader: never panics, and what reads writes back and reads the same
//! (unknown fields kept).
#![no_main]

use crosscluster::client::cloud::TrustSettings;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(t) = serde_json::from_slice::<TrustSettings>(data) else { return };
    let written = serde_json::to_vec(&t).expect("trust settings serialize");
    let back: TrustSettings = serde_json::from_slice(&written).expect("written trust reads back");
    assert_eq!(
        serde_json::to_value(&back).expect("serialize"),
        serde_json::to_value(&t).expect("serialize")
    );
});
