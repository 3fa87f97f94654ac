//! Hostile shapes (`demo-server --hostile-shapes`): every successful answer rewritten as
//! awkwardly as the live service might send it, all at once. Each object carries every spelling
//! observed for its fields (both `id` and `_id`, both `gpuType` and `gpuModelId`, …) with the
//! same value; every number is a string; the optional fields it lacks come as `null`
//! (`portForwards: null`, `kubernetesAddon: null`, …). Nothing is dropped: a client that reads
//! the strict shapes must read these into the same values.
//!
//! The spellings here are the ones the live service has been seen to use (the API notes), kept
//! apart from the client's own table so that one cannot hide the other's gap.

use serde_json::{Map, Value};

/// Spellings seen for one field, written all at once.
const SPELLINGS: &[&[&str]] = &[
    &["id", "_id"],
    &["gpuType", "gpuModelId"],
    &["osOptions", "os_options"],
    &["gpuMemory", "gpu_memory"],
    &["spotPrice", "spot_price"],
    &["attachedTo", "attachedDeployments"],
    &["sizeInGb", "size"],
    &["usedGb", "usedSizeGb"],
    &["publicKey", "public_key"],
    &["k8sClusterId", "k8s_cluster_id"],
    &["serviceLinks", "service_links"],
    &["deploymentType", "deployment_type"],
    &["unitsAvailable", "units_available"],
    &["availabilityLevel", "availability_level"],
    &["totalCostPerHour", "total_cost_per_hour"],
    &["kubernetesAddon", "kubernetes_addon"],
];

/// What kind of object this is, by a field only it has, and the optional fields sent as
/// `null` when it lacks them.
const NULLS: &[(&str, &[&str])] = &[
    // a deployment
    (
        "operatingSystem",
        &[
            "portForwards",
            "sshPort",
            "startedAt",
            "kubernetesAddon",
            "sshCommand",
            "ipAddress",
            "stoppedAt",
            "failureReason",
            "volumeIds",
            "totalCost",
            "originalHourlyRate",
        ],
    ),
    // an offer
    (
        "price",
        &[
            "region",
            "extras",
            "spot_price",
            "discountedPrice",
            "originalPrice",
            "interconnectDescription",
        ],
    ),
    // a volume
    (
        "sizeInGb",
        &["deploymentId", "virtualIp", "cloudId", "usedGb", "teamId"],
    ),
    // an SSH key
    ("fingerprint", &["publicKey", "createdAt"]),
    // a Kubernetes add-on of a deployment
    ("kubeconfig", &["serviceLinks"]),
];

/// The answer, rewritten.
pub fn answer(mut v: Value) -> Value {
    rewrite(&mut v);
    v
}

fn rewrite(v: &mut Value) {
    match v {
        Value::Number(n) => *v = Value::String(n.to_string()),
        Value::Array(items) => items.iter_mut().for_each(rewrite),
        Value::Object(m) => {
            m.values_mut().for_each(rewrite);
            add_nulls(m);
            add_spellings(m);
        }
        _ => {}
    }
}

fn add_nulls(m: &mut Map<String, Value>) {
    for (marker, fields) in NULLS {
        if m.contains_key(*marker) {
            for f in *fields {
                m.entry(*f).or_insert(Value::Null);
            }
        }
    }
}

fn add_spellings(m: &mut Map<String, Value>) {
    for names in SPELLINGS {
        let Some(v) = names.iter().find_map(|n| m.get(*n).cloned()) else {
            continue;
        };
        for n in *names {
            m.entry(*n).or_insert_with(|| v.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_spelling_strings_for_numbers_and_nulls() {
        let d = answer(
            json!({"deployments": [{"id": "d1", "gpuType": "A100", "gpuCount": 2,
            "hourlyRate": 0.05, "operatingSystem": "ubuntu", "status": "running"}],
            "totalPages": 1}),
        );
        assert_eq!(
            d,
            json!({"deployments": [{"id": "d1", "_id": "d1", "gpuType": "A100",
                "gpuModelId": "A100", "gpuCount": "2", "hourlyRate": "0.05",
                "operatingSystem": "ubuntu", "sshPort": null, "startedAt": null,
                "status": "running", "portForwards": null, "kubernetesAddon": null,
                "kubernetes_addon": null, "sshCommand": null, "ipAddress": null,
                "stoppedAt": null, "failureReason": null, "volumeIds": null, "totalCost": null,
                "originalHourlyRate": null}],
                "totalPages": "1"})
        );
    }
}
