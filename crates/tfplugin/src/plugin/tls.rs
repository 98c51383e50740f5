//! AutoMTLS as go-plugin does it.
//!
//! The provider generates a fresh self-signed server certificate at every start and prints
//! its DER in the handshake line; Terraform pins it. Terraform in turn generates its own
//! self-signed client certificate (ECDSA P-521/SHA-512, flagged as a CA) and passes it in
//! `PLUGIN_CLIENT_CERT`. We require a client certificate on every connection and accept only
//! that exact certificate (byte-equal DER): webpki's path building would reject a
//! CA-flagged self-signed end-entity certificate, and exact pinning is stricter anyway.
//! The handshake signatures are still verified with the aws-lc-rs provider's algorithms
//! (the only pure-rustls provider that verifies P-521/SHA-512).

use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose, SerialNumber,
};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{
    CertificateError, DigitallySignedStruct, DistinguishedName as TlsDn, Error as TlsError,
    ServerConfig, SignatureScheme,
};

use super::PluginError;

/// The ALPN protocol gRPC runs over.
pub const ALPN_H2: &[u8] = b"h2";

/// The TLS crypto provider used everywhere in the plugin layer (aws-lc-rs).
pub fn crypto_provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// A freshly generated server certificate and its private key.
#[derive(Debug)]
pub struct ServerIdentity {
    /// The certificate DER (printed, base64, in the handshake line).
    pub cert_der: CertificateDer<'static>,
    key_der: PrivatePkcs8KeyDer<'static>,
}

impl ServerIdentity {
    /// Generates a self-signed ECDSA P-256 certificate shaped like go-plugin's own: subject
    /// and SAN `localhost`, CA flag, key usages digital signature + key encipherment + cert
    /// sign, extended key usages server and client auth, valid from 30 s ago for 30 years.
    pub fn generate() -> Result<Self, PluginError> {
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
        let mut params = CertificateParams::new(vec!["localhost".to_owned()])?;
        let mut dn = DistinguishedName::new();
        dn.push(DnType::OrganizationName, "Terraform provider plugin");
        dn.push(DnType::CommonName, "localhost");
        params.distinguished_name = dn;
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
            KeyUsagePurpose::KeyCertSign,
        ];
        params.extended_key_usages = vec![
            ExtendedKeyUsagePurpose::ClientAuth,
            ExtendedKeyUsagePurpose::ServerAuth,
        ];
        let now = time::OffsetDateTime::now_utc();
        params.not_before = now - time::Duration::seconds(30);
        params.not_after = now + time::Duration::hours(262_980);
        params.serial_number = Some(random_serial()?);
        let cert = params.self_signed(&key)?;
        Ok(Self {
            cert_der: cert.der().clone(),
            key_der: PrivatePkcs8KeyDer::from(key.serialize_der()),
        })
    }

    fn key(&self) -> PrivateKeyDer<'static> {
        PrivateKeyDer::Pkcs8(self.key_der.clone_key())
    }
}

/// A positive 128-bit random serial number.
fn random_serial() -> Result<SerialNumber, PluginError> {
    let mut bytes = [0u8; 16];
    rustls::crypto::aws_lc_rs::default_provider()
        .secure_random
        .fill(&mut bytes)
        .map_err(|_| TlsError::FailedToGetRandomBytes)?;
    bytes[0] &= 0x7f;
    bytes[0] |= 0x01;
    Ok(SerialNumber::from_slice(&bytes))
}

/// Parses the certificate(s) of a PEM bundle such as `PLUGIN_CLIENT_CERT`.
pub fn parse_pem_certificates(pem: &str) -> Result<Vec<CertificateDer<'static>>, PluginError> {
    let certs = CertificateDer::pem_slice_iter(pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| PluginError::InvalidClientCertificate(e.to_string()))?;
    if certs.is_empty() {
        return Err(PluginError::InvalidClientCertificate(
            "no CERTIFICATE block found".to_owned(),
        ));
    }
    Ok(certs)
}

/// Builds the rustls server configuration: our certificate, ALPN `h2`, and a client
/// certificate verifier that requires one of `allowed_client_certs` exactly.
pub fn server_config(
    identity: &ServerIdentity,
    allowed_client_certs: Vec<CertificateDer<'static>>,
) -> Result<Arc<ServerConfig>, PluginError> {
    let provider = crypto_provider();
    let verifier = Arc::new(ExactClientCertVerifier::new(
        allowed_client_certs,
        provider.signature_verification_algorithms,
    ));
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_client_cert_verifier(verifier)
        .with_single_cert(vec![identity.cert_der.clone()], identity.key())?;
    config.alpn_protocols = vec![ALPN_H2.to_vec()];
    Ok(Arc::new(config))
}

/// Client certificate verifier that requires a certificate and accepts only the exact
/// (byte-equal DER) certificates it was given, verifying handshake signatures with the
/// provider's algorithms.
#[derive(Debug)]
pub struct ExactClientCertVerifier {
    allowed: Vec<CertificateDer<'static>>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ExactClientCertVerifier {
    /// A verifier accepting exactly `allowed`.
    pub fn new(
        allowed: Vec<CertificateDer<'static>>,
        algorithms: WebPkiSupportedAlgorithms,
    ) -> Self {
        Self {
            allowed,
            algorithms,
        }
    }
}

impl ClientCertVerifier for ExactClientCertVerifier {
    fn offer_client_auth(&self) -> bool {
        true
    }

    fn client_auth_mandatory(&self) -> bool {
        true
    }

    fn root_hint_subjects(&self) -> &[TlsDn] {
        // No hints: Go's TLS client then offers its only certificate unconditionally.
        &[]
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, TlsError> {
        if self
            .allowed
            .iter()
            .any(|c| c.as_ref() == end_entity.as_ref())
        {
            Ok(ClientCertVerified::assertion())
        } else {
            tracing::warn!(
                "refused a TLS client presenting a certificate other than PLUGIN_CLIENT_CERT"
            );
            Err(TlsError::InvalidCertificate(
                CertificateError::ApplicationVerificationFailure,
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// Server certificate verifier for clients of the plugin (tests, tools): accepts only the
/// exact certificate from the handshake line, the way go-plugin pins it, and verifies the
/// handshake signatures.
#[derive(Debug)]
pub struct PinnedServerCertVerifier {
    pinned: CertificateDer<'static>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl PinnedServerCertVerifier {
    /// A verifier accepting exactly `pinned`.
    pub fn new(pinned: CertificateDer<'static>, algorithms: WebPkiSupportedAlgorithms) -> Self {
        Self { pinned, algorithms }
    }
}

impl ServerCertVerifier for PinnedServerCertVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, TlsError> {
        if end_entity.as_ref() == self.pinned.as_ref() {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(TlsError::InvalidCertificate(
                CertificateError::ApplicationVerificationFailure,
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_certificate_shape() {
        let id = ServerIdentity::generate().unwrap();
        // A DER SEQUENCE that names localhost and builds a working server config.
        assert_eq!(id.cert_der.first(), Some(&0x30));
        assert!(
            id.cert_der
                .windows(b"localhost".len())
                .any(|w| w == b"localhost")
        );
        let client = ServerIdentity::generate().unwrap();
        let cfg = server_config(&id, vec![client.cert_der.clone()]).unwrap();
        assert_eq!(cfg.alpn_protocols, vec![b"h2".to_vec()]);
        // Two generated certificates are distinct (fresh key, fresh serial).
        assert_ne!(id.cert_der.as_ref(), client.cert_der.as_ref());
    }

    #[test]
    fn exact_verifier_accepts_only_the_given_certificate() {
        let a = ServerIdentity::generate().unwrap();
        let b = ServerIdentity::generate().unwrap();
        let v = ExactClientCertVerifier::new(
            vec![a.cert_der.clone()],
            crypto_provider().signature_verification_algorithms,
        );
        assert!(v.client_auth_mandatory());
        let now = UnixTime::now();
        assert!(v.verify_client_cert(&a.cert_der, &[], now).is_ok());
        assert!(v.verify_client_cert(&b.cert_der, &[], now).is_err());
        assert!(
            v.supported_verify_schemes()
                .contains(&SignatureScheme::ECDSA_NISTP521_SHA512)
        );
    }

    #[test]
    fn pem_parsing() {
        let pem = "-----BEGIN CERTIFICATE-----\nAQID\n-----END CERTIFICATE-----\n";
        let certs = parse_pem_certificates(pem).unwrap();
        assert_eq!(certs.len(), 1);
        assert_eq!(certs[0].as_ref(), &[1u8, 2, 3]);
        assert!(parse_pem_certificates("not a pem").is_err());
    }
}
