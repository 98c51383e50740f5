//! Plan-time checks of `crosscluster_ece_trust_relationship` (pure).

use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

use crate::framework::diag::{AttributePath, Diagnostics};
use crate::framework::schema::ValueRule;
use crate::framework::value::Value;

/// Why a CA PEM is rejected, or `None` when it is one certificate.
pub(super) fn pem_problem(pem: &str) -> Option<String> {
    if pem.contains("PRIVATE KEY-----") {
        return Some("contains a private key: give only the CA certificate".into());
    }
    let certs: Result<Vec<CertificateDer<'_>>, _> =
        CertificateDer::pem_slice_iter(pem.as_bytes()).collect();
    match certs {
        Err(e) => Some(format!("the certificate does not decode: {e}")),
        Ok(c) if c.is_empty() => Some(
            "not a PEM certificate: expected -----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----"
                .into(),
        ),
        Ok(c) if c.len() > 1 => Some(format!("contains {} certificates: give one", c.len())),
        Ok(c) => {
            let der: &[u8] = c[0].as_ref();
            (der.len() < 4 || der[0] != 0x30)
                .then(|| "the decoded certificate is not DER (no SEQUENCE)".into())
        }
    }
}

/// Validator: one PEM CA certificate.
pub(super) struct CaCertificate;

impl ValueRule for CaCertificate {
    fn description(&self) -> String {
        "One PEM CA certificate.".to_owned()
    }

    fn check(&self, value: &Value, path: &AttributePath, diags: &mut Diagnostics) {
        let Some(pem) = value.as_str() else { return };
        if let Some(why) = pem_problem(pem) {
            diags.attribute_error(
                path.clone(),
                "Invalid CA certificate",
                format!("Attribute {path} is not usable: {why}."),
            );
        }
    }
}

/// Validator: account ids (letters, digits, `-`, `_`; at most 64 characters each).
pub(super) struct AccountIds;

impl ValueRule for AccountIds {
    fn description(&self) -> String {
        "Account ids: letters, digits, `-` and `_`, at most 64 characters each.".to_owned()
    }

    fn check(&self, value: &Value, path: &AttributePath, diags: &mut Diagnostics) {
        let Some(items) = value.elements() else {
            return;
        };
        for item in items {
            let Some(id) = item.as_str() else { continue };
            let ok = (1..=64).contains(&id.len())
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if !ok {
                diags.attribute_error(
                    path.clone(),
                    "Invalid account id",
                    format!(
                        "Attribute {path} holds {id:?}: an account id is made of letters, digits, '-' and '_' (Elastic Cloud organization ids are 10 digits), at most 64 characters."
                    ),
                );
            }
        }
    }
}
