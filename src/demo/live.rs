//! The live service's shapes (`docs/wire-shapes.md`, "Live shapes"), served when `DemoOptions::alt_shapes` is on
//! (`demo-server --live-shapes`): the same world, written the other ways the live API has been
//! seen to write it. Each function takes the default wire JSON of one object and rewrites it;
//! nothing is dropped that the live service is known to send.

use serde_json::{Map, Value, json};

/// Numbers the live service has sent as strings.
fn stringify(m: &mut Map<String, Value>, keys: &[&str]) {
    for k in keys {
        if let Some(v) = m.get_mut(*k)
            && let Some(n) = v.as_f64()
        {
            *v = json!(n.to_string());
        }
    }
}

fn rename(m: &mut Map<String, Value>, from: &str, to: &str) {
    if let Some(v) = m.remove(from) {
        m.insert(to.to_string(), v);
    }
}

/// An offer without `region` (its regions only in `clusters[]`), prices and sizes as strings.
pub fn offer(mut v: Value) -> Value {
    let Some(m) = v.as_object_mut() else { return v };
    if let Some(Value::String(r)) = m.remove("region") {
        let clusters = m.entry("clusters").or_insert_with(|| json!([]));
        if let Some(list) = clusters.as_array_mut()
            && !list.iter().any(|c| c.as_str() == Some(r.as_str()))
        {
            list.push(json!(r));
        }
    }
    stringify(
        m,
        &[
            "price",
            "discountedPrice",
            "originalPrice",
            "spot_price",
            "vcpus",
            "memory",
            "gpu_memory",
        ],
    );
    v
}

/// A `GET /api/gpu-offers` page with every offer in the live shape.
pub fn offers_page(mut v: Value) -> Value {
    if let Some(groups) = v["data"].as_array_mut() {
        for g in groups {
            if let Some(offers) = g["offers"].as_array_mut() {
                for o in offers.iter_mut() {
                    *o = offer(o.take());
                }
            }
            if let Some(m) = g.as_object_mut() {
                stringify(m, &["lowestPrice", "highestPrice", "averagePrice"]);
            }
        }
    }
    v
}

/// A deployment with `gpuModelId` (not `gpuType`), no `sshCommand` (built from `user`,
/// `ipAddress` and `sshPort`), no `sshPort` where `portForwards` says which port reaches 22,
/// money as strings.
pub fn deployment(mut v: Value) -> Value {
    let Some(m) = v.as_object_mut() else { return v };
    rename(m, "gpuType", "gpuModelId");
    m.remove("sshCommand");
    if m.get("portForwards").is_some_and(Value::is_array) {
        m.remove("sshPort");
    }
    stringify(
        m,
        &[
            "hourlyRate",
            "originalHourlyRate",
            "totalCost",
            "discountPercentage",
        ],
    );
    v
}

/// A volume with `attachedDeployments` (not `attachedTo`), sizes and rates as strings.
pub fn volume(mut v: Value) -> Value {
    let Some(m) = v.as_object_mut() else { return v };
    rename(m, "attachedTo", "attachedDeployments");
    stringify(m, &["sizeInGb", "hourlyRate", "hourlyRatePerGb", "usedGb"]);
    v
}

/// `/api/balance` with each team's balance as a string.
pub fn balance(mut v: Value) -> Value {
    if let Some(teams) = v["teams"].as_array_mut() {
        for t in teams {
            if let Some(m) = t.as_object_mut() {
                stringify(m, &["balance"]);
            }
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_keep_every_value() {
        let o = offer(json!({"region": "us-1", "clusters": ["a:eu-1"], "price": 2.5}));
        assert_eq!(o, json!({"clusters": ["a:eu-1", "us-1"], "price": "2.5"}));
        let d = deployment(json!({"gpuType": "H100", "sshCommand": "ssh x", "hourlyRate": 2}));
        assert_eq!(d, json!({"gpuModelId": "H100", "hourlyRate": "2"}));
        let v = volume(json!({"attachedTo": ["d"], "sizeInGb": 100}));
        assert_eq!(v, json!({"attachedDeployments": ["d"], "sizeInGb": "100"}));
        let b = balance(json!({"teams": [{"balance": 1.5}]}));
        assert_eq!(b, json!({"teams": [{"balance": "1.5"}]}));
    }
}
