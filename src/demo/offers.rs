//! `GET /api/gpu-offers`: search, instanceType filter, sorting, paging, discount fields.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::catalog::{Catalog, Group, round};
use super::error::{ApiError, ApiResult};

fn group_json(g: &Group, authed: bool) -> Value {
    let prices: Vec<f64> = g.offers.iter().map(|o| o.price).collect();
    let lowest = prices.iter().copied().fold(f64::INFINITY, f64::min);
    let highest = prices.iter().copied().fold(0.0, f64::max);
    let average = prices.iter().sum::<f64>() / prices.len().max(1) as f64;
    let mut providers: Vec<&str> = Vec::new();
    for o in &g.offers {
        if !providers.contains(&o.provider.as_str()) {
            providers.push(&o.provider);
        }
    }
    json!({
        "gpuType": g.gpu_type, "gpuModel": g.gpu_model, "displayName": g.display_name,
        "popularity": g.popularity, "totalAvailable": total_available(g),
        "lowestPrice": if prices.is_empty() { 0.0 } else { lowest },
        "highestPrice": highest, "averagePrice": round(average, 2),
        "providers": providers,
        "offers": g.offers.iter().map(|o| o.to_json(authed)).collect::<Vec<_>>(),
    })
}

fn total_available(g: &Group) -> u64 {
    g.offers.iter().map(|o| o.units_available).sum()
}

fn sort_key(g: &Group, by: &str) -> f64 {
    let prices = g.offers.iter().map(|o| o.price);
    match by {
        "lowestPrice" => prices.fold(f64::INFINITY, f64::min),
        "averagePrice" => prices.sum::<f64>() / g.offers.len().max(1) as f64,
        "totalAvailable" => total_available(g) as f64,
        _ => g.popularity,
    }
}

/// A positive integer parameter; values above `max` are clamped to it.
fn parse_num(q: &HashMap<String, String>, key: &str, default: u64, max: u64) -> ApiResult<u64> {
    match q.get(key) {
        None => Ok(default),
        Some(s) => s
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|n| *n >= 1)
            .map(|n| n.min(max))
            .ok_or_else(|| ApiError::validation(key, format!("{key} must be a positive integer"))),
    }
}

/// `g` as the `instanceType` filter leaves it: only its offers of type `t` (the group dropped
/// when none is left), or, with `whole_groups` (the live service's way), the whole group when
/// any offer has the type.
fn of_type(g: &Group, t: &str, whole_groups: bool) -> Option<Group> {
    let has = |o: &super::catalog::Offer| o.instance_type.eq_ignore_ascii_case(t);
    if whole_groups {
        return g.offers.iter().any(has).then(|| g.clone());
    }
    let offers: Vec<_> = g.offers.iter().filter(|o| has(o)).cloned().collect();
    (!offers.is_empty()).then(|| Group {
        offers,
        ..g.clone()
    })
}

/// The answer to `GET /api/gpu-offers?{q}`. `whole_groups`: the `instanceType` filter selects
/// groups and keeps all their offers, as the live service does (api-notes.md); otherwise it
/// applies to each offer.
pub fn search(
    catalog: &Catalog,
    q: &HashMap<String, String>,
    authed: bool,
    whole_groups: bool,
) -> ApiResult<Value> {
    let page = parse_num(q, "page", 1, 1_000_000)?;
    let limit = parse_num(q, "limit", 10, 100)?;
    let search = q
        .get("search")
        .map(|s| s.trim().to_lowercase())
        .unwrap_or_default();
    let instance_type = match q.get("instanceType").map(|s| s.to_uppercase()) {
        None => None,
        Some(t) if t.is_empty() => None,
        Some(t) if ["SPOT", "DEDICATED", "CLUSTER"].contains(&t.as_str()) => Some(t),
        Some(t) => {
            return Err(ApiError::validation(
                "instanceType",
                format!("instanceType '{t}' must be SPOT, DEDICATED or CLUSTER"),
            ));
        }
    };
    let sort_by = q.get("sortBy").map_or("popularity", String::as_str);
    if ![
        "popularity",
        "lowestPrice",
        "averagePrice",
        "totalAvailable",
        "gpuType",
    ]
    .contains(&sort_by)
    {
        return Err(ApiError::validation(
            "sortBy",
            format!("Unknown sortBy '{sort_by}'"),
        ));
    }
    let desc = match q.get("sortOrder").map(|s| s.to_lowercase()) {
        None => matches!(sort_by, "popularity" | "totalAvailable"),
        Some(o) if o == "desc" => true,
        Some(o) if o == "asc" => false,
        Some(o) => {
            return Err(ApiError::validation(
                "sortOrder",
                format!("sortOrder '{o}' must be asc or desc"),
            ));
        }
    };
    let mut groups: Vec<Group> = catalog
        .groups
        .iter()
        .filter(|g| {
            search.is_empty()
                || [&g.gpu_type, &g.gpu_model, &g.display_name]
                    .iter()
                    .any(|s| s.to_lowercase().contains(&search))
        })
        .filter_map(|g| match &instance_type {
            None => Some(g.clone()),
            Some(t) => of_type(g, t, whole_groups),
        })
        .collect();
    if sort_by == "gpuType" {
        groups.sort_by_key(|g| g.gpu_type.to_lowercase());
    } else {
        groups.sort_by(|a, b| sort_key(a, sort_by).total_cmp(&sort_key(b, sort_by)));
    }
    if desc {
        groups.reverse();
    }
    let total = groups.len() as u64;
    let data: Vec<Value> = groups
        .into_iter()
        .skip(usize::try_from((page - 1).saturating_mul(limit)).unwrap_or(usize::MAX))
        .take(limit as usize)
        .map(|g| group_json(&g, authed))
        .collect();
    Ok(json!({
        "data": data, "total": total, "page": page, "limit": limit,
        "totalPages": total.div_ceil(limit).max(1),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn paging_totals_and_default_sort() {
        let c = Catalog::load().unwrap();
        let v = search(&c, &q(&[]), false, false).unwrap();
        assert_eq!(v["total"], json!(c.groups.len()));
        assert_eq!(v["limit"], json!(10));
        assert_eq!(v["data"].as_array().unwrap().len(), 10);
        assert_eq!(v["totalPages"], json!(c.groups.len().div_ceil(10)));
        let pops: Vec<f64> = v["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["popularity"].as_f64().unwrap())
            .collect();
        assert!(pops.windows(2).all(|w| w[0] >= w[1]));
        let p2 = search(&c, &q(&[("page", "2")]), false, false).unwrap();
        assert_eq!(p2["data"].as_array().unwrap().len(), c.groups.len() - 10);
        assert!(
            search(&c, &q(&[("limit", "0")]), false, false)
                .unwrap_err()
                .field()
                == Some("limit")
        );
    }

    #[test]
    fn search_instance_type_and_sort() {
        let c = Catalog::load().unwrap();
        let v = search(&c, &q(&[("search", "h100")]), false, false).unwrap();
        let types: Vec<&str> = v["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["gpuType"].as_str().unwrap())
            .collect();
        assert!(types.contains(&"H100_SXM5") && types.contains(&"H100_NVL"));
        assert!(types.iter().all(|t| t.contains("H100")));
        // Per offer: every offer left is a CLUSTER one, no group is left empty, and the
        // group's figures are those of the offers left.
        let v = search(
            &c,
            &q(&[("instanceType", "cluster"), ("limit", "50")]),
            false,
            false,
        )
        .unwrap();
        let groups = v["data"].as_array().unwrap();
        assert!(!groups.is_empty());
        let expected = c.offers().filter(|o| o.instance_type == "CLUSTER").count();
        let mut seen = 0;
        for g in groups {
            let offers = g["offers"].as_array().unwrap();
            assert!(!offers.is_empty());
            assert!(offers.iter().all(|o| o["instanceType"] == "CLUSTER"), "{g}");
            let lowest = offers
                .iter()
                .map(|o| o["price"].as_f64().unwrap())
                .fold(f64::INFINITY, f64::min);
            assert_eq!(g["lowestPrice"].as_f64().unwrap(), lowest);
            seen += offers.len();
        }
        assert_eq!(seen, expected);
        // The live service's way keeps whole groups: other types come along.
        let live = search(
            &c,
            &q(&[("instanceType", "SPOT"), ("limit", "50")]),
            false,
            true,
        )
        .unwrap();
        assert!(
            live["data"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|g| g["offers"].as_array().unwrap())
                .any(|o| o["instanceType"] != "SPOT")
        );
        let v = search(
            &c,
            &q(&[
                ("sortBy", "lowestPrice"),
                ("sortOrder", "asc"),
                ("limit", "50"),
            ]),
            false,
            false,
        )
        .unwrap();
        let lows: Vec<f64> = v["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["lowestPrice"].as_f64().unwrap())
            .collect();
        assert!(lows.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(
            search(&c, &q(&[("sortBy", "nope")]), false, false)
                .unwrap_err()
                .field(),
            Some("sortBy")
        );
        assert_eq!(
            search(&c, &q(&[("instanceType", "x")]), false, false)
                .unwrap_err()
                .field(),
            Some("instanceType")
        );
    }

    #[test]
    fn discounts_only_when_authenticated() {
        let c = Catalog::load().unwrap();
        let anon = search(&c, &q(&[("limit", "50")]), false, false).unwrap();
        let authed = search(&c, &q(&[("limit", "50")]), true, false).unwrap();
        let first = |v: &Value| v["data"][0]["offers"][0].clone();
        assert!(first(&anon).get("hasDiscount").is_none());
        assert!(first(&authed).get("hasDiscount").is_some());
        let discounted = authed["data"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|g| g["offers"].as_array().unwrap().iter())
            .find(|o| o["hasDiscount"] == true)
            .unwrap();
        assert!(
            discounted["discountedPrice"].as_f64().unwrap() < discounted["price"].as_f64().unwrap()
        );
    }
}
