//! Build script: generates Rust code (prost messages, tonic server and client) for every
//! `*.proto` file in `proto/`.
//!
//! All files are compiled in one protoc run so that files sharing a protobuf package (the three
//! go-plugin files all use package `plugin`) end up in one generated module per package
//! (`OUT_DIR/<package>.rs`, pulled in with `tonic::include_proto!("<package>")`).
//! `protoc` comes from the `protoc-bin-vendored` crate, so no system protoc is needed.

use std::path::{Path, PathBuf};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let proto_dir = Path::new("proto");
    println!("cargo:rerun-if-changed={}", proto_dir.display());

    let mut files: Vec<PathBuf> = Vec::new();
    for entry in std::fs::read_dir(proto_dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|ext| ext == "proto") {
            println!("cargo:rerun-if-changed={}", path.display());
            files.push(path);
        }
    }
    // Stable order keeps the generated code reproducible.
    files.sort();
    if files.is_empty() {
        return Ok(());
    }

    let mut config = prost_build::Config::new();
    config.protoc_executable(protoc_bin_vendored::protoc_bin_path()?);
    let well_known = protoc_bin_vendored::include_path()?;

    let includes = [proto_dir.to_path_buf(), well_known];
    tonic_prost_build::configure()
        .build_server(true)
        .build_client(true)
        // Methods a service does not override answer `Unimplemented`, which Terraform
        // tolerates for optional RPCs.
        .generate_default_stubs(true)
        .compile_with_config(config, &files, &includes)?;
    Ok(())
}
