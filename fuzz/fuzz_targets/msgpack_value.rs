//! msgpack DynamicValue decoding: never panics; what decodes re-encodes and decodes the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tfplugin::framework::msgpack::{decode, encode};

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else { return };
    let ty = common::type_for(selector);
    if let Ok(v) = decode(bytes, &ty) {
        let again = encode(&v, &ty).expect("a decoded value encodes");
        assert_eq!(decode(&again, &ty).expect("re-decodes"), v);
    }
});
