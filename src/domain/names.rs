//! How a GPU model and a region are named to a person, in every pane, message and command
//! output. The raw strings (`H100_SXM5`, `166e655a:culpeper-usa-1`) stay in `--json` and in
//! what is sent.

/// A GPU model as people read it, from its id alone, so that a model reads the same wherever
/// it appears (offers, deployments, charts, messages, command output), whether or not an
/// offer's display name is at hand: `H100_SXM5` → "H100 SXM5", `rtx-4090` → "RTX 4090",
/// `A100_80G` → "A100 80GB", `L40S-PCIE` → "L40S PCIe". The id itself stays in `--json` and
/// in what is sent.
pub fn gpu_name(gpu_type: &str) -> String {
    let words: Vec<String> = gpu_type
        .split(['_', '-', ' '])
        .filter(|w| !w.is_empty())
        .map(|w| gpu_word(&w.to_uppercase()))
        .collect();
    if words.is_empty() {
        gpu_type.to_string()
    } else {
        words.join(" ")
    }
}

/// One word of a GPU id as people write it: `PCIe`, `80GB`, `RTX 4090`, `RTX PRO 6000`, and the
/// workstation cards' family (`A6000` → `RTX A6000`; `A100`, `A40` are not RTX cards).
fn gpu_word(upper: &str) -> String {
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if upper == "PCIE" {
        return "PCIe".into();
    }
    if let Some(n) = upper.strip_suffix('G').filter(|n| digits(n)) {
        return format!("{n}GB");
    }
    if let Some(rest) = upper.strip_prefix("RTX").filter(|r| !r.is_empty()) {
        return format!("RTX {}", gpu_word(rest));
    }
    if let Some(n) = upper.strip_prefix("PRO").filter(|n| digits(n)) {
        return format!("PRO {n}");
    }
    if upper.len() == 5 && upper.starts_with('A') && digits(&upper[1..]) {
        return format!("RTX {upper}");
    }
    upper.to_string()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gpu_names_come_from_the_id_alone() {
        assert_eq!(gpu_name("H100_SXM5"), "H100 SXM5");
        assert_eq!(gpu_name("rtx-4090"), "RTX 4090");
        assert_eq!(gpu_name("A100_80G"), "A100 80GB");
        assert_eq!(gpu_name("L40S-PCIE"), "L40S PCIe");
        assert_eq!(gpu_name("GH200"), "GH200");
        assert_eq!(gpu_name("A6000-PCIE"), "RTX A6000 PCIe");
        assert_eq!(gpu_name("RTXPRO6000-PCIE"), "RTX PRO 6000 PCIe");
        assert_eq!(gpu_name("RTX4090"), "RTX 4090");
        assert_eq!(gpu_name("A100"), "A100");
        assert_eq!(gpu_name("_"), "_");
        assert_eq!(gpu_name(""), "");
    }
}
