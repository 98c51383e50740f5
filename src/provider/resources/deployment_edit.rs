//! Why a resource refused a read-modify-write of a deployment's settings: the one error type
//! of the edit closures of `crosscluster_trusted_environment` (trust settings) and
//! `crosscluster_deployment_remote_cluster` (the remote-clusters list). The client carries it
//! back as `ClientError::Edit`.

/// Why an edit of a deployment's trust settings or remote-clusters list was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(super) enum EditError {
    /// `settings.trust` or one of its lists has an unexpected shape.
    #[error("the deployment's settings.trust has an unexpected shape: {0}")]
    Shape(String),
    /// Creating a trust entry that is already there (not managed by this resource).
    #[error(
        "{what} already exists on deployment {deployment_id}: to manage it with Terraform, import it (terraform import <address> {import_id})"
    )]
    AlreadyExists {
        /// What exists.
        what: String,
        /// Deployment id.
        deployment_id: String,
        /// The id to import it with.
        import_id: String,
    },
    /// Updating a direct trust entry that is no longer there.
    #[error(
        "the direct trust entry with uid {uid} no longer exists on deployment {deployment_id}: run terraform apply again to create it anew"
    )]
    DirectGone {
        /// The entry's uid.
        uid: String,
        /// Deployment id.
        deployment_id: String,
    },
    /// Creating a remote-cluster alias that is already in the list.
    #[error(
        "the deployment already has a remote cluster with alias {alias:?} (pointing at deployment {remote}), which this configuration does not manage; import it with `terraform import <address> {id}` or choose another alias"
    )]
    AliasExists {
        /// The alias.
        alias: String,
        /// Where the existing alias points.
        remote: String,
        /// The import id.
        id: String,
    },
}
