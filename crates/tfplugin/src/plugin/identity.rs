//! Who the provider is: the names the plugin layer puts on the wire and in the logs.
//!
//! The plugin layer is generic; a provider binary passes its identity in once, to
//! [`crate::plugin::logging::init_from_env`] and [`crate::plugin::ServeOptions::from_args`].

/// The crate name of this library: its own log targets (`tfplugin::plugin`) count as the
/// provider's.
const OWN_CRATE: &str = "tfplugin";

/// The provider's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProviderIdentity {
    /// The provider type name, the prefix of its resource names (e.g. `example`); log lines
    /// carry `@module` `provider.<type_name>`.
    pub type_name: &'static str,
    /// The registry address (`registry.terraform.io/<namespace>/<type_name>`), printed in the
    /// `--debug` reattach line.
    pub registry_address: &'static str,
    /// Crate names whose `tracing` targets belong to the provider (library and binary crate).
    /// Events of other crates (h2, hyper, tonic...) are only logged at `warn` and `error`.
    pub crates: &'static [&'static str],
}

impl ProviderIdentity {
    /// The `@module` of the provider's own log lines: `provider.<type_name>`.
    pub fn log_module(&self) -> String {
        format!("provider.{}", self.type_name)
    }

    /// Whether events with this target are the provider's own (or this library's).
    pub fn owns_target(&self, target: &str) -> bool {
        let first = target.split("::").next().unwrap_or_default();
        first == OWN_CRATE || self.crates.contains(&first)
    }

    /// The `@module` for an event target: `<crate>::client::cloud` gives
    /// `provider.<type_name>.client`, `<crate>::provider::resources::x` gives
    /// `provider.<type_name>.resources` (a leading `provider` segment is dropped), a foreign
    /// crate `h2::codec` gives `provider.<type_name>.h2`.
    pub fn module_for_target(&self, target: &str) -> String {
        let module = self.log_module();
        let mut segments = target.split("::");
        let first = segments.next().unwrap_or_default();
        if self.owns_target(target) {
            let mut sub = segments.next();
            if sub == Some("provider") {
                sub = segments.next();
            }
            match sub {
                Some(s) if !s.is_empty() => format!("{module}.{s}"),
                _ => module,
            }
        } else if first.is_empty() {
            module
        } else {
            format!("{module}.{first}")
        }
    }
}

#[cfg(test)]
pub(crate) const TEST_IDENTITY: ProviderIdentity = ProviderIdentity {
    type_name: "crosscluster",
    registry_address: "registry.terraform.io/crosscluster/crosscluster",
    crates: &["crosscluster", "terraform_provider_crosscluster"],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_targets_keep_their_sub_module() {
        let id = TEST_IDENTITY;
        assert_eq!(
            id.module_for_target("tfplugin::plugin::server"),
            "provider.crosscluster.plugin"
        );
        assert_eq!(id.module_for_target("tfplugin"), "provider.crosscluster");
        assert!(id.owns_target("tfplugin::framework"));
        assert!(!id.owns_target("hyper::proto"));
    }
}
