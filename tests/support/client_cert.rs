//! A client certificate shaped like the one go-plugin (Terraform) generates, shared by the
//! plugin transport tests and the start-up bench: ECDSA P-521/SHA-512, self-signed, CA flag,
//! client + server auth.

use rustls::pki_types::{CertificateDer, PrivatePkcs8KeyDer};

/// The certificate (DER and PEM) and its key.
pub(crate) struct ClientCert {
    pub(crate) der: CertificateDer<'static>,
    pub(crate) pem: String,
    pub(crate) key: PrivatePkcs8KeyDer<'static>,
}

impl ClientCert {
    /// A fresh certificate and key.
    pub(crate) fn generate() -> Self {
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512).unwrap();
        let mut params = rcgen::CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
        params
            .distinguished_name
            .push(rcgen::DnType::OrganizationName, "HashiCorp");
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params.key_usages = vec![
            rcgen::KeyUsagePurpose::DigitalSignature,
            rcgen::KeyUsagePurpose::KeyEncipherment,
            rcgen::KeyUsagePurpose::KeyCertSign,
        ];
        params.extended_key_usages = vec![
            rcgen::ExtendedKeyUsagePurpose::ClientAuth,
            rcgen::ExtendedKeyUsagePurpose::ServerAuth,
        ];
        let cert = params.self_signed(&key).unwrap();
        Self {
            der: cert.der().clone(),
            pem: cert.pem(),
            key: PrivatePkcs8KeyDer::from(key.serialize_der()),
        }
    }
}
