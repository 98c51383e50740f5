//! Compiles the protocol definitions in `proto/` with tonic-prost-build, using the
//! vendored `protoc` so that no system protoc is needed.
//! TODO(merge): minimal version written by the schema helper; the plugin helper's
//! build.rs (which compiles every proto/*.proto) replaces it.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let protoc = protoc_bin_vendored::protoc_bin_path()?;
    // SAFETY: build scripts are single-threaded at this point.
    unsafe { std::env::set_var("PROTOC", protoc) };
    println!("cargo:rerun-if-changed=proto/tfplugin6.proto");
    tonic_prost_build::configure()
        .build_client(true)
        .build_server(true)
        // Same setting as the plugin helper's build.rs: unimplemented RPCs default to
        // `Unimplemented`, streaming RPCs return `BoxStream`.
        .generate_default_stubs(true)
        .compile_protos(
            &[std::path::PathBuf::from("proto/tfplugin6.proto")],
            &[
                std::path::PathBuf::from("proto"),
                protoc_bin_vendored::include_path()?,
            ],
        )?;
    Ok(())
}
