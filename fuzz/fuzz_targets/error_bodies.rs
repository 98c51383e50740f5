//! The Cloud and Elasticsearch error-body parsers: never panic on any body or header.
#![no_main]

use crosscluster::client::error::{parse_cloud_errors, parse_es_error};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let split = data.iter().position(|b| *b == b'\n').unwrap_or(data.len());
    let header = std::str::from_utf8(&data[..split]).ok();
    let body = data.get(split + 1..).unwrap_or_default();
    let _ = parse_cloud_errors(body, header);
    let _ = parse_cloud_errors(data, None);
    let _ = parse_es_error(data);
});
