//! The provider framework: cty values and types, codecs, schema, diagnostics, plan rules and the
//! resource / data source / function traits. Knows nothing of Elastic.

pub mod json;
pub mod model;
pub mod msgpack;
pub mod type_json;
pub mod value;

pub mod decode;
pub mod diag;
pub mod plan;
pub mod schema;
pub mod traits;
