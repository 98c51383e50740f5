//! `crosscluster-sim`: a local simulator of the Elastic Cloud API and of each deployment's
//! Elasticsearch API, with real trust and connection semantics, fault injection and a request
//! log. Tests start it in-process with [`start`]; the binary is a thin wrapper.
//!
//! ```no_run
//! # async fn demo() -> Result<(), crosscluster_sim::SimError> {
//! let sim = crosscluster_sim::start(crosscluster_sim::Fixture::default_fixture(), Default::default()).await?;
//! println!("{}", sim.ready.cloud_url);
//! sim.shutdown().await;
//! # Ok(()) }
//! ```

// Handlers return `Result<_, Reply>` where the error is the HTTP answer itself; boxing it
// would only add noise on a test tool's cold paths.
#![allow(clippy::result_large_err)]

pub mod auth;
pub mod cloud;
pub mod control;
pub mod eligible;
pub mod es;
pub mod fixture;
pub mod server;
pub mod settings;
pub mod signing;
pub mod state;
pub mod tls;
pub mod traffic_filter;
pub mod util;

pub use fixture::Fixture;

use serde::Serialize;
use server::{Sim, Target};
use std::collections::BTreeMap;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Start options.
#[derive(Debug, Clone)]
pub struct Options {
    /// How long a deployment plan stays pending (ms).
    pub plan_ms: u64,
    /// Extra latency added to every Cloud and Elasticsearch request (ms).
    pub latency_ms: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            plan_ms: 200,
            latency_ms: 0,
        }
    }
}

/// Errors starting the simulator.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// A loopback port could not be bound.
    #[error("cannot bind a loopback port: {0}")]
    Bind(#[from] std::io::Error),
    /// The fixture is inconsistent.
    #[error("invalid fixture: {0}")]
    Fixture(#[from] state::FixtureError),
    /// The certificates for `--tls` could not be made.
    #[error(transparent)]
    Tls(#[from] tls::TlsError),
}

/// The ready document: everything a client needs to talk to the simulator.
#[derive(Debug, Clone, Serialize)]
pub struct Ready {
    /// Base URL of the Cloud API (and of `/_sim`).
    pub cloud_url: String,
    /// Organizations by id.
    pub organizations: BTreeMap<String, ReadyOrg>,
    /// Deployments by id.
    pub deployments: BTreeMap<String, ReadyDeployment>,
    /// With TLS: the PEM of the CA that signed every listener's certificate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ca_pem: Option<String>,
    /// With TLS, for the binary: the file next to the ready file holding [`Ready::ca_pem`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<String>,
}

/// An organization in the ready document.
#[derive(Debug, Clone, Serialize)]
pub struct ReadyOrg {
    /// A Cloud API key of the organization.
    pub api_key: String,
    /// Organization name.
    pub name: String,
}

/// A deployment in the ready document.
#[derive(Debug, Clone, Serialize)]
pub struct ReadyDeployment {
    /// Deployment name.
    pub name: String,
    /// Owning organization.
    pub organization_id: String,
    /// Elasticsearch resource ref_id.
    pub ref_id: String,
    /// Elasticsearch cluster id.
    pub cluster_id: String,
    /// Endpoint host name (server_name).
    pub endpoint: String,
    /// Base URL of the simulated Elasticsearch.
    pub es_url: String,
    /// Always `elastic`.
    pub username: String,
    /// Password of `elastic`.
    pub password: String,
    /// Elasticsearch version.
    pub version: String,
}

impl Ready {
    /// The deployment entry with this name, with its id.
    pub fn deployment(&self, name: &str) -> Option<(&str, &ReadyDeployment)> {
        self.deployments
            .iter()
            .find(|(_, d)| d.name == name)
            .map(|(id, d)| (id.as_str(), d))
    }
}

/// A running simulator. Dropping it (or [`Running::shutdown`]) stops every listener.
#[derive(Debug)]
pub struct Running {
    /// The ready document.
    pub ready: Ready,
    sim: Arc<Sim>,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Running {
    /// The shared simulator state (for white-box tests).
    pub fn sim(&self) -> &Arc<Sim> {
        &self.sim
    }

    /// Stops every listener and waits for them to finish.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        for t in self.tasks.drain(..) {
            let _ = t.await;
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

/// Starts the simulator on loopback ports chosen by the OS (plain HTTP).
pub async fn start(fixture: Fixture, opts: Options) -> Result<Running, SimError> {
    start_with(fixture, opts, None).await
}

/// Starts the simulator serving both APIs over HTTPS, with a CA generated now: every URL of
/// the ready document is `https://127.0.0.1:<port>` and [`Ready::ca_pem`] holds the CA.
pub async fn start_tls(fixture: Fixture, opts: Options) -> Result<Running, SimError> {
    start_with(fixture, opts, Some(tls::Tls::generate()?)).await
}

async fn start_with(
    fixture: Fixture,
    opts: Options,
    tls: Option<tls::Tls>,
) -> Result<Running, SimError> {
    let scheme = if tls.is_some() { "https" } else { "http" };
    let cloud = TcpListener::bind("127.0.0.1:0").await?;
    let cloud_url = format!("{scheme}://{}", cloud.local_addr()?);
    let mut es_listeners = Vec::new();
    let mut urls = BTreeMap::new();
    for d in &fixture.deployments {
        let l = TcpListener::bind("127.0.0.1:0").await?;
        let id = state::World::fixture_id(d);
        urls.insert(id.clone(), format!("{scheme}://{}", l.local_addr()?));
        es_listeners.push((id, l));
    }
    let world =
        state::World::from_fixture(&fixture, |id| urls.get(id).cloned().unwrap_or_default())?;
    let ready = Ready {
        cloud_url,
        organizations: world
            .orgs
            .values()
            .map(|o| {
                (
                    o.id.clone(),
                    ReadyOrg {
                        api_key: o.api_keys.first().cloned().unwrap_or_default(),
                        name: o.name.clone(),
                    },
                )
            })
            .collect(),
        deployments: world
            .deployments
            .values()
            .map(|d| {
                (
                    d.id.clone(),
                    ReadyDeployment {
                        name: d.name.clone(),
                        organization_id: d.org_id.clone(),
                        ref_id: d.es.ref_id.clone(),
                        cluster_id: d.es.cluster_id.clone(),
                        endpoint: d.es.endpoint.clone(),
                        es_url: d.es.es_url.clone(),
                        username: "elastic".to_string(),
                        password: d.es.password.clone(),
                        version: d.es.version.clone(),
                    },
                )
            })
            .collect(),
        ca_pem: tls.as_ref().map(|t| t.ca_pem.clone()),
        ca_file: None,
    };
    let sim = Arc::new(Sim::new(world, opts.plan_ms, opts.latency_ms));
    *server::lock(&sim.ready) = serde_json::to_value(&ready).unwrap_or_default();
    let (stop, rx) = watch::channel(false);
    let acceptor = tls.map(|t| t.acceptor);
    let mut tasks = vec![tokio::spawn(server::serve(
        cloud,
        acceptor.clone(),
        sim.clone(),
        Target::Cloud,
        rx.clone(),
    ))];
    for (id, l) in es_listeners {
        tasks.push(tokio::spawn(server::serve(
            l,
            acceptor.clone(),
            sim.clone(),
            Target::Es(id),
            rx.clone(),
        )));
    }
    Ok(Running {
        ready,
        sim,
        stop,
        tasks,
    })
}
