//! How a GPU model and a region are named to a person, in every pane, message and command
//! output. The raw strings (`H100_SXM5`, `166e655a:culpeper-usa-1`) stay in `--json` and in
//! what is sent.

/// A GPU name without the vendor words every row would repeat ("NVIDIA GeForce RTX 4090" →
/// "RTX 4090").
pub fn gpu_label(name: &str) -> &str {
    let n = name.strip_prefix("NVIDIA ").unwrap_or(name);
    n.strip_prefix("GeForce ").unwrap_or(n)
}

/// A region as people read it: the live API prefixes some with an opaque id
/// (`166e655a:culpeper-usa-1`); the prefix is dropped for display only — requests send the
/// string verbatim.
pub fn region_label(region: &str) -> &str {
    match region.split_once(':') {
        Some((prefix, rest))
            if prefix.len() >= 6 && prefix.chars().all(|c| c.is_ascii_hexdigit()) =>
        {
            rest
        }
        _ => region,
    }
}
