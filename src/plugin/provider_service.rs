//! The tfplugin6 `Provider` gRPC service over a framework [`Provider`].
//! (skeleton; implementation follows)

use std::sync::Arc;

use crate::framework::traits::Provider;

/// Serves a framework provider over tfplugin6.
pub struct ProviderService {
    #[allow(dead_code)]
    provider: Arc<dyn Provider>,
}
