//! framework layer.
