//! The go-plugin handshake: environment checks, the listener and the handshake line.
//!
//! Terraform starts the provider with `TF_PLUGIN_MAGIC_COOKIE`, `PLUGIN_PROTOCOL_VERSIONS`,
//! `PLUGIN_MIN_PORT`/`PLUGIN_MAX_PORT` and (unless `TF_DISABLE_PLUGIN_TLS` is set)
//! `PLUGIN_CLIENT_CERT`, then reads exactly one line from the provider's stdout:
//! `1|6|unix|/path/to.sock|grpc|<server cert DER, base64 without padding>`.
//! Nothing else may ever be written to stdout.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, UnixListener};

use super::PluginError;

/// Environment variable holding Terraform's magic cookie.
pub const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
/// The magic cookie value Terraform sets for providers.
pub const MAGIC_COOKIE_VALUE: &str =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
/// The plugin protocol version this provider speaks (tfplugin6).
pub const PROTOCOL_VERSION: u32 = 6;
/// go-plugin's core protocol version (first field of the handshake line).
pub const CORE_PROTOCOL_VERSION: u32 = 1;

/// Environment variable listing the protocol versions the host accepts (e.g. `5,6`).
pub const PROTOCOL_VERSIONS_ENV: &str = "PLUGIN_PROTOCOL_VERSIONS";
/// Environment variable holding the host's client certificate (PEM) for AutoMTLS.
pub const CLIENT_CERT_ENV: &str = "PLUGIN_CLIENT_CERT";
/// Lowest TCP port the plugin may listen on (TCP fallback only).
pub const MIN_PORT_ENV: &str = "PLUGIN_MIN_PORT";
/// Highest TCP port the plugin may listen on (TCP fallback only).
pub const MAX_PORT_ENV: &str = "PLUGIN_MAX_PORT";
/// Optional directory in which to create the unix socket directory (go-plugin's variable).
pub const UNIX_SOCKET_DIR_ENV: &str = "PLUGIN_UNIX_SOCKET_DIR";

/// Reads an environment variable, treating non-UTF-8 values as absent.
pub(crate) fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// Checks that the process was started by Terraform (the magic cookie is set and correct).
pub fn check_magic_cookie(value: Option<&str>) -> Result<(), PluginError> {
    match value {
        Some(v) if v == MAGIC_COOKIE_VALUE => Ok(()),
        _ => Err(PluginError::NotLaunchedByTerraform),
    }
}

/// Picks the protocol version from the host's `PLUGIN_PROTOCOL_VERSIONS` value.
///
/// Version 6 must be among the offered versions (any order, whitespace tolerated, entries
/// that are not numbers ignored as go-plugin does). When the variable is absent or empty the
/// host predates version negotiation and, like go-plugin, we fall back to our only version.
pub fn negotiate_protocol(offered: Option<&str>) -> Result<u32, PluginError> {
    let Some(raw) = offered.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(PROTOCOL_VERSION);
    };
    let offers_ours = raw
        .split(',')
        .filter_map(|part| part.trim().parse::<u32>().ok())
        .any(|v| v == PROTOCOL_VERSION);
    if offers_ours {
        Ok(PROTOCOL_VERSION)
    } else {
        Err(PluginError::UnsupportedProtocolVersions {
            offered: raw.to_owned(),
        })
    }
}

/// The TCP port range from `PLUGIN_MIN_PORT`/`PLUGIN_MAX_PORT` (used only when a unix socket
/// cannot be created). Absent values mean "any free port".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortRange {
    /// Lowest port to try.
    pub min: u16,
    /// Highest port to try.
    pub max: u16,
}

impl PortRange {
    /// Parses the range from the two environment values.
    pub fn parse(min: Option<&str>, max: Option<&str>) -> Result<Self, PluginError> {
        fn port(name: &'static str, v: Option<&str>) -> Result<Option<u16>, PluginError> {
            match v.map(str::trim).filter(|s| !s.is_empty()) {
                None => Ok(None),
                Some(s) => {
                    s.parse::<u16>()
                        .map(Some)
                        .map_err(|_| PluginError::InvalidEnvironment {
                            name,
                            reason: format!("{s:?} is not a port number"),
                        })
                }
            }
        }
        let min_port = port(MIN_PORT_ENV, min)?;
        let max_port = port(MAX_PORT_ENV, max)?;
        let range = match (min_port, max_port) {
            (None, None) => PortRange { min: 0, max: 0 },
            (Some(a), None) => PortRange {
                min: a,
                max: u16::MAX,
            },
            (None, Some(b)) => PortRange { min: 1, max: b },
            (Some(a), Some(b)) => PortRange { min: a, max: b },
        };
        if range.min > range.max {
            return Err(PluginError::InvalidEnvironment {
                name: MIN_PORT_ENV,
                reason: format!("{} is above {MAX_PORT_ENV} {}", range.min, range.max),
            });
        }
        Ok(range)
    }

    /// Reads the range from the process environment.
    pub fn from_env() -> Result<Self, PluginError> {
        Self::parse(
            env_var(MIN_PORT_ENV).as_deref(),
            env_var(MAX_PORT_ENV).as_deref(),
        )
    }
}

/// Builds the go-plugin handshake line (without the trailing newline).
///
/// `server_cert_der` is the DER of the TLS server certificate; `None` when TLS is disabled
/// (the last field is then empty, as go-plugin prints it).
pub fn handshake_line(network: &str, address: &str, server_cert_der: Option<&[u8]>) -> String {
    let cert = server_cert_der
        .map(|der| base64::engine::general_purpose::STANDARD_NO_PAD.encode(der))
        .unwrap_or_default();
    format!("{CORE_PROTOCOL_VERSION}|{PROTOCOL_VERSION}|{network}|{address}|grpc|{cert}")
}

/// Writes one line to stdout and flushes it (used only for the handshake line and the
/// `--debug` reattach instructions).
pub fn print_stdout_line(line: &str) -> Result<(), PluginError> {
    let mut out = std::io::stdout().lock();
    out.write_all(line.as_bytes())
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush())
        .map_err(|e| PluginError::io("writing to stdout", e))
}

/// A private temporary directory holding the plugin's unix socket; removed on drop.
#[derive(Debug)]
pub struct SocketDir {
    dir: PathBuf,
    socket: PathBuf,
}

impl SocketDir {
    /// Creates a fresh directory (mode 0700) under `base`.
    pub fn create(base: &Path) -> Result<Self, PluginError> {
        use std::os::unix::fs::DirBuilderExt as _;
        let mut last_err = None;
        for _ in 0..8 {
            let dir = base.join(format!("tfplugin-{}", random_hex(8)?));
            match std::fs::DirBuilder::new().mode(0o700).create(&dir) {
                Ok(()) => {
                    let socket = dir.join("plugin.sock");
                    return Ok(Self { dir, socket });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last_err = Some(e),
                Err(e) => return Err(PluginError::io("creating the unix socket directory", e)),
            }
        }
        Err(PluginError::io(
            "creating the unix socket directory",
            last_err.unwrap_or_else(|| std::io::Error::other("no unique name found")),
        ))
    }

    /// The socket path inside the directory.
    pub fn socket_path(&self) -> &Path {
        &self.socket
    }
}

impl Drop for SocketDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.socket);
        let _ = std::fs::remove_dir(&self.dir);
    }
}

/// `n` random bytes as lowercase hex, from the TLS provider's secure random source.
fn random_hex(n: usize) -> Result<String, PluginError> {
    let mut buf = vec![0u8; n];
    rustls::crypto::aws_lc_rs::default_provider()
        .secure_random
        .fill(&mut buf)
        .map_err(|_| {
            PluginError::io("reading random bytes", std::io::Error::other("no entropy"))
        })?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

/// Any byte stream a connection can run over (unix socket, TCP or TLS on top of either).
pub trait IoStream: AsyncRead + AsyncWrite + Send + Unpin + 'static {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin + 'static> IoStream for T {}

/// A boxed connection stream.
pub type BoxedIo = Box<dyn IoStream>;

/// The listener the plugin serves on.
#[derive(Debug)]
pub enum PluginListener {
    /// A unix socket in a private temporary directory (the normal case).
    Unix {
        /// The listening socket.
        listener: UnixListener,
        /// The directory holding it, removed when the listener is dropped.
        dir: SocketDir,
    },
    /// A TCP socket on 127.0.0.1 (fallback when no unix socket can be created).
    Tcp {
        /// The listening socket.
        listener: TcpListener,
        /// The bound address, `127.0.0.1:PORT`.
        address: String,
    },
}

impl PluginListener {
    /// Binds a unix socket in a fresh temporary directory, falling back to TCP on 127.0.0.1
    /// within `ports` when that fails.
    pub async fn bind(ports: PortRange) -> Result<Self, PluginError> {
        match Self::bind_unix() {
            Ok(l) => Ok(l),
            Err(unix_err) => {
                tracing::debug!(error = %unix_err, "unix socket unavailable, falling back to TCP");
                Self::bind_tcp(ports).await
            }
        }
    }

    /// Binds a unix socket in a fresh temporary directory (under `PLUGIN_UNIX_SOCKET_DIR` when
    /// set, else the system temp dir).
    pub fn bind_unix() -> Result<Self, PluginError> {
        let base = env_var(UNIX_SOCKET_DIR_ENV)
            .filter(|s| !s.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(std::env::temp_dir);
        let dir = SocketDir::create(&base)?;
        let listener = UnixListener::bind(dir.socket_path())
            .map_err(|e| PluginError::io("binding the unix socket", e))?;
        Ok(Self::Unix { listener, dir })
    }

    /// Binds the first free TCP port on 127.0.0.1 within `ports`.
    pub async fn bind_tcp(ports: PortRange) -> Result<Self, PluginError> {
        let mut last_err = None;
        for port in ports.min..=ports.max {
            match TcpListener::bind(("127.0.0.1", port)).await {
                Ok(listener) => {
                    let address = listener
                        .local_addr()
                        .map_err(|e| PluginError::io("reading the TCP listener address", e))?
                        .to_string();
                    return Ok(Self::Tcp { listener, address });
                }
                Err(e) => last_err = Some(e),
            }
        }
        Err(PluginError::io(
            format!("binding a TCP port between {} and {}", ports.min, ports.max),
            last_err.unwrap_or_else(|| std::io::Error::other("empty port range")),
        ))
    }

    /// The go-plugin network name: `unix` or `tcp`.
    pub fn network(&self) -> &'static str {
        match self {
            Self::Unix { .. } => "unix",
            Self::Tcp { .. } => "tcp",
        }
    }

    /// The address as go-plugin prints it: the socket path or `127.0.0.1:PORT`.
    pub fn address(&self) -> String {
        match self {
            Self::Unix { dir, .. } => dir.socket_path().display().to_string(),
            Self::Tcp { address, .. } => address.clone(),
        }
    }

    /// Accepts the next connection.
    pub async fn accept(&self) -> std::io::Result<BoxedIo> {
        match self {
            Self::Unix { listener, .. } => {
                let (stream, _) = listener.accept().await?;
                Ok(Box::new(stream))
            }
            Self::Tcp { listener, .. } => {
                let (stream, _) = listener.accept().await?;
                let _ = stream.set_nodelay(true);
                Ok(Box::new(stream))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_must_match_exactly() {
        assert!(check_magic_cookie(Some(MAGIC_COOKIE_VALUE)).is_ok());
        assert!(matches!(
            check_magic_cookie(None),
            Err(PluginError::NotLaunchedByTerraform)
        ));
        assert!(check_magic_cookie(Some("")).is_err());
        let mut wrong = MAGIC_COOKIE_VALUE.to_owned();
        wrong.push(' ');
        assert!(check_magic_cookie(Some(&wrong)).is_err());
    }

    #[test]
    fn protocol_negotiation() {
        assert_eq!(negotiate_protocol(Some("5,6")).ok(), Some(6));
        assert_eq!(negotiate_protocol(Some("6,5")).ok(), Some(6));
        assert_eq!(negotiate_protocol(Some(" 6 ")).ok(), Some(6));
        assert_eq!(negotiate_protocol(Some("x,6")).ok(), Some(6));
        assert_eq!(negotiate_protocol(None).ok(), Some(6));
        assert_eq!(negotiate_protocol(Some("")).ok(), Some(6));
        let err = negotiate_protocol(Some("4,5")).err();
        match err {
            Some(PluginError::UnsupportedProtocolVersions { offered }) => {
                assert_eq!(offered, "4,5")
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(negotiate_protocol(Some("66")).is_err());
    }

    #[test]
    fn port_range_parsing() {
        assert_eq!(
            PortRange::parse(Some("10000"), Some("25000")).ok(),
            Some(PortRange {
                min: 10000,
                max: 25000
            })
        );
        assert_eq!(
            PortRange::parse(None, None).ok(),
            Some(PortRange { min: 0, max: 0 })
        );
        assert!(PortRange::parse(Some("9"), Some("8")).is_err());
        assert!(PortRange::parse(Some("abc"), Some("8")).is_err());
        assert!(PortRange::parse(Some("1"), Some("70000")).is_err());
    }

    #[test]
    fn handshake_line_format() {
        let der = [0xde, 0xad, 0xbe, 0xef, 0x01];
        let line = handshake_line("unix", "/tmp/x/plugin.sock", Some(&der));
        // base64 of 5 bytes would need one '=' of padding; go-plugin's RawStdEncoding has none.
        assert_eq!(line, "1|6|unix|/tmp/x/plugin.sock|grpc|3q2+7wE");
        assert_eq!(
            handshake_line("tcp", "127.0.0.1:1234", None),
            "1|6|tcp|127.0.0.1:1234|grpc|"
        );
    }

    #[test]
    fn socket_dir_is_private_and_removed() {
        use std::os::unix::fs::PermissionsExt as _;
        let base = std::env::temp_dir();
        let dir = SocketDir::create(&base).unwrap();
        let parent = dir.socket_path().parent().unwrap().to_path_buf();
        let mode = std::fs::metadata(&parent).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
        std::fs::write(dir.socket_path(), b"x").unwrap();
        drop(dir);
        assert!(!parent.exists());
    }

    #[tokio::test]
    async fn tcp_fallback_binds_within_range() {
        // Find a free port, release it, then ask for exactly that range.
        let probe = TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
        let port = probe.local_addr().unwrap().port();
        drop(probe);
        let l = PluginListener::bind_tcp(PortRange {
            min: port,
            max: port,
        })
        .await
        .unwrap();
        assert_eq!(l.network(), "tcp");
        assert_eq!(l.address(), format!("127.0.0.1:{port}"));
        // The same single-port range is now taken: binding again must fail.
        assert!(
            PluginListener::bind_tcp(PortRange {
                min: port,
                max: port
            })
            .await
            .is_err()
        );
    }
}
