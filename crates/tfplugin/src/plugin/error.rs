//! Errors of the plugin layer.

use std::io;

/// Everything that can stop the plugin server from starting or running.
///
/// The `Display` text is meant for a human reading the terminal: the binary prints it on
/// stderr and exits with status 1.
#[derive(Debug, thiserror::Error)]
pub enum PluginError {
    /// The binary was started without Terraform's magic cookie (e.g. run by hand).
    #[error(
        "This binary is a Terraform provider plugin. It is not meant to be executed directly: \
         run it through terraform (or start it with --debug and set TF_REATTACH_PROVIDERS)."
    )]
    NotLaunchedByTerraform,

    /// Terraform did not offer plugin protocol version 6.
    #[error(
        "This provider speaks plugin protocol version 6 only, but the host offered \
         protocol version(s) \"{offered}\". Use Terraform 1.0 or newer."
    )]
    UnsupportedProtocolVersions {
        /// The raw `PLUGIN_PROTOCOL_VERSIONS` value.
        offered: String,
    },

    /// A command-line argument was not understood.
    #[error("unknown argument {0:?}; the only supported argument is --debug")]
    InvalidArgument(String),

    /// An environment variable held an unusable value.
    #[error("invalid value in environment variable {name}: {reason}")]
    InvalidEnvironment {
        /// The variable name.
        name: &'static str,
        /// Why the value was rejected (never contains secret material).
        reason: String,
    },

    /// `PLUGIN_CLIENT_CERT` could not be read as a PEM certificate.
    #[error("PLUGIN_CLIENT_CERT does not hold a PEM certificate: {0}")]
    InvalidClientCertificate(String),

    /// Generating the server certificate failed.
    #[error("could not generate the TLS server certificate: {0}")]
    Certificate(#[from] rcgen::Error),

    /// Building the TLS configuration failed.
    #[error("could not configure TLS: {0}")]
    Tls(#[from] rustls::Error),

    /// An I/O operation failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The underlying error.
        #[source]
        source: io::Error,
    },

    /// The gRPC server failed.
    #[error("gRPC server error: {0}")]
    Transport(#[from] tonic::transport::Error),
}

impl PluginError {
    /// Wraps an I/O error with a short description of what was being done.
    pub fn io(context: impl Into<String>, source: io::Error) -> Self {
        Self::Io {
            context: context.into(),
            source,
        }
    }
}
