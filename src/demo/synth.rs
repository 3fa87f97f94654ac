//! Synthetic catalogs and fleets of any size, in the wire shapes of `docs/wire-shapes.md`, for
//! load tests and benchmarks (5,000 offers, 300 deployments …). Deterministic for a given size.

use serde_json::{Value, json};

const GPUS: [(&str, &str, f64, f64); 8] = [
    ("H100_SXM5", "NVIDIA H100 SXM5 80GB", 80.0, 2.2),
    ("H200_SXM5", "NVIDIA H200 SXM5 141GB", 141.0, 3.1),
    ("A100_80G", "NVIDIA A100 80GB", 80.0, 1.2),
    ("B200_SXM6", "NVIDIA B200 180GB", 180.0, 4.2),
    ("RTX4090", "NVIDIA GeForce RTX 4090 24GB", 24.0, 0.4),
    ("L40S", "NVIDIA L40S 48GB", 48.0, 0.8),
    ("RTXPRO6000-PCIE", "NVIDIA RTX PRO 6000 96GB", 96.0, 1.4),
    ("A6000", "NVIDIA RTX A6000 48GB", 48.0, 0.5),
];
const PROVIDERS: [&str; 6] = [
    "spheron-ai",
    "voltage-park",
    "data-crunch",
    "sesterce",
    "massed-compute",
    "verda",
];
const TYPES: [&str; 3] = ["DEDICATED", "SPOT", "CLUSTER"];

/// One `GET /api/gpu-offers` answer holding `n` offers spread over the GPU groups.
pub fn offers_page(n: usize) -> Value {
    let mut groups: Vec<Vec<Value>> = vec![Vec::new(); GPUS.len()];
    for i in 0..n {
        let g = i % GPUS.len();
        let (ty, name, vram, per_gpu) = GPUS[g];
        let count = [1u32, 2, 4, 8][(i / GPUS.len()) % 4];
        let price = per_gpu * f64::from(count) * (1.0 + (i % 7) as f64 * 0.03);
        let discounted = (i % 3 == 0).then(|| (price * 0.85 * 100.0).round() / 100.0);
        groups[g].push(json!({
            "provider": PROVIDERS[i % PROVIDERS.len()],
            "offerId": format!("{ty}-{i}"),
            "name": format!("{count}x {name}"),
            "description": "synthetic",
            "vcpus": 8 * count, "memory": 64 * count, "storage": 500,
            "gpuCount": count,
            "price": (price * 100.0).round() / 100.0,
            "discountedPrice": discounted,
            "available": i % 11 != 0,
            "maintenance": i % 29 == 0,
            "clusters": [format!("region-{}", i % 17), format!("region-{}", (i + 5) % 17)],
            "gpu_memory": vram,
            "os_options": ["ubuntu-22.04", "ubuntu-24.04"],
            "instanceType": TYPES[i % TYPES.len()],
            "supportsCloudInit": i % 2 == 0,
            "extras": {"technical": {"units_available": i % 20}},
        }));
    }
    let data: Vec<Value> = groups
        .into_iter()
        .enumerate()
        .map(|(g, offers)| {
            json!({"gpuType": GPUS[g].0, "gpuModel": GPUS[g].0, "displayName": GPUS[g].1,
                   "providers": PROVIDERS, "offers": offers})
        })
        .collect();
    json!({"data": data, "total": GPUS.len(), "page": 1, "limit": 100, "totalPages": 1})
}

/// `n` active deployments, as `GET /api/deployments?status=active` sends them.
pub fn deployments(n: usize) -> Value {
    let items: Vec<Value> = (0..n)
        .map(|i| {
            let (ty, _, _, per_gpu) = GPUS[i % GPUS.len()];
            json!({
                "id": format!("dep_{i:06}"), "name": format!("job-{i}"),
                "provider": PROVIDERS[i % PROVIDERS.len()], "gpuType": ty, "gpuCount": 1,
                "region": format!("region-{}", i % 17), "instanceType": TYPES[i % 2],
                "status": if i % 10 == 0 { "deploying" } else { "running" },
                "ipAddress": format!("10.{}.{}.{}", i / 65_536 % 256, i / 256 % 256, i % 256),
                "user": "ubuntu", "sshPort": 22,
                "createdAt": "2026-11-28T10:00:00Z", "startedAt": "2026-11-28T10:01:00Z",
                "hourlyRate": per_gpu, "totalCost": per_gpu * 2.0,
            })
        })
        .collect();
    json!({"deployments": items, "total": n, "page": 1, "totalPages": 1})
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Deployment, OffersPage, decode_list};

    #[test]
    fn sizes_are_what_was_asked_and_decode() {
        let page = OffersPage::decode(offers_page(5000)).unwrap();
        assert_eq!(
            page.groups.iter().map(|g| g.offers.len()).sum::<usize>(),
            5000
        );
        let l = decode_list::<Deployment>(deployments(300), &["deployments"]).unwrap();
        assert_eq!(l.items.len(), 300);
        assert!(l.unreadable.is_empty());
    }
}
