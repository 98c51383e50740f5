//! JSON DynamicValue and type decoding: never panics; what decodes re-encodes and decodes the
//! same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tfplugin::framework::json::{decode_json, encode_json};
use tfplugin::framework::type_json::type_from_json_bytes;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else { return };
    let _ = type_from_json_bytes(bytes);
    let ty = common::type_for(selector);
    if let Ok(v) = decode_json(bytes, &ty)
        && let Ok(again) = encode_json(&v, &ty)
    {
        assert_eq!(decode_json(&again, &ty).expect("re-decodes"), v);
    }
});
