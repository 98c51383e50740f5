//! The typed model of the `crosscluster_remote_info` data source and its pure conversion from
//! the `GET /_remote/info` answer.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::client::elasticsearch::RemoteInfo;
use crate::framework::model::Model;
use crate::framework::value::Type;

use super::schema;

/// The data source's state: every alias.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct RemoteInfoModel {
    pub(super) remotes: BTreeMap<String, RemoteEntry>,
}

impl Model for RemoteInfoModel {
    fn object_type() -> Type {
        schema::schema().block.object_type()
    }
}

/// One alias.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct RemoteEntry {
    pub(super) connected: bool,
    pub(super) mode: String,
    pub(super) proxy_address: Option<String>,
    pub(super) server_name: Option<String>,
    pub(super) seeds: Vec<String>,
    pub(super) skip_unavailable: bool,
    pub(super) credentials_configured: bool,
}

impl From<&RemoteInfo> for RemoteEntry {
    /// The proxy-mode fields only in proxy mode; an empty one reads as null.
    fn from(info: &RemoteInfo) -> Self {
        let proxy = info.mode == "proxy";
        let proxy_only = |s: &Option<String>| s.clone().filter(|s| proxy && !s.is_empty());
        Self {
            connected: info.connected,
            mode: info.mode.clone(),
            proxy_address: proxy_only(&info.proxy_address),
            server_name: proxy_only(&info.server_name),
            seeds: info.seeds.clone(),
            skip_unavailable: info.skip_unavailable,
            credentials_configured: info.credentials_configured(),
        }
    }
}

/// The whole state from the `_remote/info` answer.
pub(super) fn from_api(remotes: &BTreeMap<String, RemoteInfo>) -> RemoteInfoModel {
    RemoteInfoModel {
        remotes: remotes
            .iter()
            .map(|(alias, info)| (alias.clone(), RemoteEntry::from(info)))
            .collect(),
    }
}
