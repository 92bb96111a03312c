//! Writes the example study's synthetic data into `datasets/example/`:
//! `cargo run --example generate-example`.

#[path = "generator.rs"]
mod generator;

fn main() -> std::io::Result<()> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../datasets/example");
    for (name, text) in generator::all() {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, text)?;
    }
    println!("wrote the example data into {}", dir.display());
    Ok(())
}
