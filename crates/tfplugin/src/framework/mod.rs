//! The provider framework: cty values and types, codecs, schema, diagnostics, plan rules and the
//! resource / data source / function / list resource / action traits and resource identity. Knows nothing of Elastic.

pub mod json;
pub mod model;
pub mod msgpack;
pub mod type_json;
pub mod value;

pub mod action;
pub mod decode;
pub mod diag;
pub mod identity;
pub mod list;
pub mod plan;
pub mod schema;
pub mod traits;
