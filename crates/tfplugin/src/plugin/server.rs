//! The gRPC server: go-plugin's internal services, health, signals and the serve loop.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::mpsc;
use tokio_rustls::TlsAcceptor;
use tokio_stream::wrappers::ReceiverStream;
use tokio_util::sync::CancellationToken;
use tonic::codegen::BoxStream;
use tonic::service::Routes;
use tonic::transport::Server;
use tonic::transport::server::Connected;
use tonic::{Request, Response, Status, Streaming};

use super::go_plugin::grpc_broker_server::{GrpcBroker, GrpcBrokerServer};
use super::go_plugin::grpc_controller_server::{GrpcController, GrpcControllerServer};
use super::go_plugin::grpc_stdio_server::{GrpcStdio, GrpcStdioServer};
use super::go_plugin::{ConnInfo, Empty, StdioData};
use super::handshake::{
    self, BoxedIo, CLIENT_CERT_ENV, MAGIC_COOKIE_KEY, PROTOCOL_VERSIONS_ENV, PluginListener,
    PortRange, env_var,
};
use super::identity::ProviderIdentity;
use super::{PluginError, tls};

/// gRPC message size limit, both directions (Terraform sends and expects up to 256 MiB).
///
/// Every service added to the server must use it: `serve` sets it on the services it adds
/// itself, but the tfplugin6 service arrives already built in the `routes`, so its creator
/// must call `.max_decoding_message_size(MAX_MESSAGE_SIZE)` and
/// `.max_encoding_message_size(MAX_MESSAGE_SIZE)` on the generated `ProviderServer`.
pub const MAX_MESSAGE_SIZE: usize = 256 * 1024 * 1024;

/// go-plugin's gRPC health service name; it must report SERVING.
pub const HEALTH_SERVICE_NAME: &str = "plugin";

/// How long a TLS handshake may take before the connection is dropped.
const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long open calls get to finish after shutdown was requested (Terraform kills the
/// process 2 s after asking it to shut down).
const SHUTDOWN_GRACE: Duration = Duration::from_millis(1000);

/// How to run the server.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// `--debug` mode: no magic cookie, no TLS, print a `TF_REATTACH_PROVIDERS` line, stop on
    /// Ctrl-C.
    pub debug: bool,
    /// Registry address used in the reattach line.
    pub provider_address: String,
    /// Cancelled when the server is to stop (GRPCController.Shutdown, SIGTERM, Ctrl-C in
    /// debug mode). Callers may keep a clone to observe or trigger shutdown.
    pub shutdown: CancellationToken,
}

impl ServeOptions {
    /// Normal mode for the provider `identity`.
    pub fn new(identity: &ProviderIdentity) -> Self {
        Self {
            debug: false,
            provider_address: identity.registry_address.to_owned(),
            shutdown: CancellationToken::new(),
        }
    }

    /// Parses the command-line arguments (without the program name): only `--debug`
    /// (or Go-style `-debug`) is accepted.
    pub fn from_args(
        identity: &ProviderIdentity,
        args: impl IntoIterator<Item = String>,
    ) -> Result<Self, PluginError> {
        let mut opts = Self::new(identity);
        for arg in args {
            match arg.as_str() {
                "--debug" | "-debug" => opts.debug = true,
                _ => return Err(PluginError::InvalidArgument(arg)),
            }
        }
        Ok(opts)
    }
}

/// Runs the provider's plugin server until it is told to stop.
///
/// `routes` carries the provider's own services (tfplugin6); go-plugin's controller, stdio
/// and broker services and gRPC health (`plugin` = SERVING) are added here. In normal mode it
/// checks the magic cookie and protocol versions, sets up AutoMTLS when `PLUGIN_CLIENT_CERT`
/// is set, prints the handshake line, ignores SIGINT and stops on
/// GRPCController.Shutdown or SIGTERM. In debug mode see [`ServeOptions::debug`].
///
/// Returns after the unix socket and its directory have been removed.
pub async fn serve(routes: Routes, opts: ServeOptions) -> Result<(), PluginError> {
    let shutdown = opts.shutdown.clone();
    let result = if opts.debug {
        serve_debug(routes, &opts).await
    } else {
        serve_managed(routes, &opts).await
    };
    shutdown.cancel();
    result
}

/// Normal mode: started by Terraform.
async fn serve_managed(routes: Routes, opts: &ServeOptions) -> Result<(), PluginError> {
    handshake::check_magic_cookie(env_var(MAGIC_COOKIE_KEY).as_deref())?;
    handshake::negotiate_protocol(env_var(PROTOCOL_VERSIONS_ENV).as_deref())?;
    let ports = PortRange::from_env()?;
    // Before the (slow-ish, first use of the crypto library) certificate generation, so
    // that an early SIGINT is already ignored and an early SIGTERM still cleans up.
    let shutdown = opts.shutdown.clone();
    install_signal_handlers(&shutdown, false)?;

    let tls = match env_var(CLIENT_CERT_ENV).filter(|v| !v.trim().is_empty()) {
        Some(pem) => {
            let client_certs = tls::parse_pem_certificates(&pem)?;
            let identity = tls::ServerIdentity::generate()?;
            let config = tls::server_config(&identity, client_certs)?;
            Some((TlsAcceptor::from(config), identity.cert_der))
        }
        None => {
            tracing::warn!("PLUGIN_CLIENT_CERT is not set: serving without TLS");
            None
        }
    };

    let listener = Arc::new(PluginListener::bind(ports).await?);
    let (acceptor, cert) = match tls {
        Some((a, c)) => (Some(a), Some(c)),
        None => (None, None),
    };
    let line = handshake::handshake_line(
        listener.network(),
        &listener.address(),
        cert.as_ref().map(|c| c.as_ref()),
    );
    run(routes, listener, acceptor, shutdown, move || {
        handshake::print_stdout_line(&line)
    })
    .await
}

/// Debug mode: started by a developer, Terraform reattaches.
async fn serve_debug(routes: Routes, opts: &ServeOptions) -> Result<(), PluginError> {
    let shutdown = opts.shutdown.clone();
    install_signal_handlers(&shutdown, true)?;
    let listener = Arc::new(PluginListener::bind(PortRange::from_env()?).await?);
    let reattach = reattach_line(
        &opts.provider_address,
        std::process::id(),
        listener.network(),
        &listener.address(),
    );
    run(routes, listener, None, shutdown, move || {
        handshake::print_stdout_line(
            "Provider started in debug mode (no TLS). Give Terraform this environment \
             variable (single-quote the JSON in a shell); Ctrl-C stops the provider:",
        )?;
        handshake::print_stdout_line(&reattach)
    })
    .await
}

/// The `TF_REATTACH_PROVIDERS=...` line for debug mode.
pub fn reattach_line(provider_address: &str, pid: u32, network: &str, address: &str) -> String {
    let mut inner = serde_json::Map::new();
    inner.insert("Protocol".into(), "grpc".into());
    inner.insert("ProtocolVersion".into(), handshake::PROTOCOL_VERSION.into());
    inner.insert("Pid".into(), pid.into());
    inner.insert("Test".into(), true.into());
    let mut addr = serde_json::Map::new();
    addr.insert("Network".into(), network.into());
    addr.insert("String".into(), address.into());
    inner.insert("Addr".into(), addr.into());
    let mut outer = serde_json::Map::new();
    outer.insert(provider_address.to_owned(), inner.into());
    format!("TF_REATTACH_PROVIDERS={}", serde_json::Value::Object(outer))
}

/// SIGINT: ignored in normal mode (Terraform sends StopProvider instead; the whole process
/// group gets Ctrl-C), stops the server in debug mode. SIGTERM always stops the server.
fn install_signal_handlers(shutdown: &CancellationToken, debug: bool) -> Result<(), PluginError> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut sigint = signal(SignalKind::interrupt())
        .map_err(|e| PluginError::io("installing the SIGINT handler", e))?;
    let mut sigterm = signal(SignalKind::terminate())
        .map_err(|e| PluginError::io("installing the SIGTERM handler", e))?;
    let token = shutdown.clone();
    tokio::spawn(async move {
        while sigint.recv().await.is_some() {
            if debug {
                tracing::info!(target: "tfplugin::plugin", "interrupt received, stopping");
                token.cancel();
            } else {
                tracing::debug!(target: "tfplugin::plugin", "interrupt received, ignored");
            }
        }
    });
    let token = shutdown.clone();
    tokio::spawn(async move {
        if sigterm.recv().await.is_some() {
            tracing::info!(target: "tfplugin::plugin", "SIGTERM received, stopping");
            token.cancel();
        }
    });
    Ok(())
}

/// Adds the internal services to `routes`, starts accepting, calls `announce` (which prints
/// the handshake or reattach line) and serves until `shutdown` is cancelled.
async fn run(
    routes: Routes,
    listener: Arc<PluginListener>,
    acceptor: Option<TlsAcceptor>,
    shutdown: CancellationToken,
    announce: impl FnOnce() -> Result<(), PluginError>,
) -> Result<(), PluginError> {
    let routes = add_internal_services(routes, &shutdown).await;

    let (tx, rx) = mpsc::channel::<io::Result<ServerConn>>(16);
    let accept_task = tokio::spawn(accept_loop(
        Arc::clone(&listener),
        acceptor,
        tx,
        shutdown.clone(),
    ));

    announce()?;
    tracing::info!(
        target: "tfplugin::plugin",
        network = listener.network(),
        address = %listener.address(),
        "plugin server started"
    );

    let server = Server::builder()
        .add_routes(routes)
        .serve_with_incoming_shutdown(ReceiverStream::new(rx), shutdown.clone().cancelled_owned());
    tokio::pin!(server);
    let forced = async {
        shutdown.cancelled().await;
        tokio::time::sleep(SHUTDOWN_GRACE).await;
    };
    let result = tokio::select! {
        r = &mut server => r.map_err(PluginError::from),
        () = forced => {
            tracing::debug!(target: "tfplugin::plugin", "open calls did not finish in time");
            Ok(())
        }
    };
    shutdown.cancel();
    let _ = accept_task.await;
    // The accept task has ended: this drops the last listener reference, removing the socket.
    drop(listener);
    tracing::info!(target: "tfplugin::plugin", "plugin server stopped");
    result
}

/// Adds controller, stdio, broker and health (all with 256 MiB limits) to `routes`.
async fn add_internal_services(routes: Routes, shutdown: &CancellationToken) -> Routes {
    let (health_reporter, health_service) = tonic_health::server::health_reporter();
    health_reporter
        .set_service_status(HEALTH_SERVICE_NAME, tonic_health::ServingStatus::Serving)
        .await;
    routes
        .add_service(
            GrpcControllerServer::new(Controller {
                shutdown: shutdown.clone(),
            })
            .max_decoding_message_size(MAX_MESSAGE_SIZE)
            .max_encoding_message_size(MAX_MESSAGE_SIZE),
        )
        .add_service(
            GrpcStdioServer::new(Stdio {
                shutdown: shutdown.clone(),
            })
            .max_decoding_message_size(MAX_MESSAGE_SIZE)
            .max_encoding_message_size(MAX_MESSAGE_SIZE),
        )
        .add_service(
            GrpcBrokerServer::new(Broker {
                shutdown: shutdown.clone(),
            })
            .max_decoding_message_size(MAX_MESSAGE_SIZE)
            .max_encoding_message_size(MAX_MESSAGE_SIZE),
        )
        .add_service(
            health_service
                .max_decoding_message_size(MAX_MESSAGE_SIZE)
                .max_encoding_message_size(MAX_MESSAGE_SIZE),
        )
}

/// Accepts connections (and completes TLS handshakes concurrently) until shutdown.
async fn accept_loop(
    listener: Arc<PluginListener>,
    acceptor: Option<TlsAcceptor>,
    tx: mpsc::Sender<io::Result<ServerConn>>,
    shutdown: CancellationToken,
) {
    loop {
        let accepted = tokio::select! {
            () = shutdown.cancelled() => return,
            r = listener.accept() => r,
        };
        let io = match accepted {
            Ok(io) => io,
            Err(e) => {
                tracing::warn!(target: "tfplugin::plugin", error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        match &acceptor {
            None => {
                if tx.send(Ok(ServerConn(io))).await.is_err() {
                    return;
                }
            }
            Some(acceptor) => {
                let acceptor = acceptor.clone();
                let tx = tx.clone();
                tokio::spawn(async move {
                    match tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, acceptor.accept(io)).await {
                        Ok(Ok(stream)) => {
                            let _ = tx.send(Ok(ServerConn(Box::new(stream)))).await;
                        }
                        Ok(Err(e)) => tracing::warn!(
                            target: "tfplugin::plugin",
                            error = %e,
                            "TLS handshake with a client failed"
                        ),
                        Err(_) => tracing::warn!(
                            target: "tfplugin::plugin",
                            "TLS handshake with a client timed out"
                        ),
                    }
                });
            }
        }
    }
}

/// A served connection (plain or TLS), as tonic needs it.
struct ServerConn(BoxedIo);

impl Connected for ServerConn {
    type ConnectInfo = ();

    fn connect_info(&self) -> Self::ConnectInfo {}
}

impl AsyncRead for ServerConn {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.0).poll_read(cx, buf)
    }
}

impl AsyncWrite for ServerConn {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut *self.0).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.0).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut *self.0).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.0.is_write_vectored()
    }
}

/// A response stream that yields nothing and ends when the server shuts down or the client
/// goes away.
fn idle_stream<T: Send + 'static>(
    shutdown: &CancellationToken,
) -> ReceiverStream<Result<T, Status>> {
    let (tx, rx) = mpsc::channel(1);
    let token = shutdown.clone();
    tokio::spawn(async move {
        tokio::select! {
            () = token.cancelled() => {}
            () = tx.closed() => {}
        }
    });
    ReceiverStream::new(rx)
}

/// GRPCController: Shutdown stops the server.
struct Controller {
    shutdown: CancellationToken,
}

#[tonic::async_trait]
impl GrpcController for Controller {
    async fn shutdown(&self, _request: Request<Empty>) -> Result<Response<Empty>, Status> {
        tracing::info!(target: "tfplugin::plugin", "shutdown requested by the host");
        self.shutdown.cancel();
        Ok(Response::new(Empty {}))
    }
}

/// GRPCStdio: this provider never writes to stdout/stderr outside the handshake line and
/// its log lines (which Terraform reads from the process's stderr), so the stream stays
/// empty until shutdown.
struct Stdio {
    shutdown: CancellationToken,
}

#[tonic::async_trait]
impl GrpcStdio for Stdio {
    async fn stream_stdio(
        &self,
        _request: Request<()>,
    ) -> Result<Response<BoxStream<StdioData>>, Status> {
        Ok(Response::new(Box::pin(idle_stream(&self.shutdown))))
    }
}

/// GRPCBroker: the provider brokers no extra connections; it accepts the host's stream,
/// drains what the host sends and keeps the stream open until shutdown.
struct Broker {
    shutdown: CancellationToken,
}

#[tonic::async_trait]
impl GrpcBroker for Broker {
    async fn start_stream(
        &self,
        request: Request<Streaming<ConnInfo>>,
    ) -> Result<Response<BoxStream<ConnInfo>>, Status> {
        let mut inbound = request.into_inner();
        let token = self.shutdown.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    () = token.cancelled() => return,
                    msg = inbound.message() => match msg {
                        Ok(Some(info)) => tracing::debug!(
                            target: "tfplugin::plugin",
                            service_id = info.service_id,
                            "ignoring broker connection info"
                        ),
                        Ok(None) | Err(_) => return,
                    },
                }
            }
        });
        Ok(Response::new(Box::pin(idle_stream(&self.shutdown))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin::identity::TEST_IDENTITY;

    #[test]
    fn reattach_line_shape() {
        let line = reattach_line(
            TEST_IDENTITY.registry_address,
            4242,
            "unix",
            "/tmp/a b/plugin.sock",
        );
        assert_eq!(
            line,
            "TF_REATTACH_PROVIDERS={\"registry.terraform.io/crosscluster/crosscluster\":\
             {\"Protocol\":\"grpc\",\"ProtocolVersion\":6,\"Pid\":4242,\"Test\":true,\
             \"Addr\":{\"Network\":\"unix\",\"String\":\"/tmp/a b/plugin.sock\"}}}"
        );
    }

    #[test]
    fn argument_parsing() {
        assert!(
            !ServeOptions::from_args(&TEST_IDENTITY, Vec::new())
                .unwrap()
                .debug
        );
        assert!(
            ServeOptions::from_args(&TEST_IDENTITY, vec!["--debug".into()])
                .unwrap()
                .debug
        );
        assert!(
            ServeOptions::from_args(&TEST_IDENTITY, vec!["-debug".into()])
                .unwrap()
                .debug
        );
        assert!(matches!(
            ServeOptions::from_args(&TEST_IDENTITY, vec!["--bogus".into()]),
            Err(PluginError::InvalidArgument(a)) if a == "--bogus"
        ));
    }
}
