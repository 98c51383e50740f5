//! provider layer.
