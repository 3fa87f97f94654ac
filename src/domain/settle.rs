//! Settling a deploy whose answer was lost (a 5xx, a timeout, a dropped connection): the POST is
//! never sent again; the deployments of every team, every page, read after the failure, say
//! whether it was created. A deployment counts when it has the request's name and offer and was
//! not there before the POST. A list that was not read whole proves nothing: "unknown".

use crate::api::{DeployRequest, Deployment};

#[derive(Debug, Clone, PartialEq)]
pub enum Settled {
    /// It was created: here it is.
    Created(Box<Deployment>),
    /// The whole list, read after the failure, has no such deployment.
    NotCreated,
    /// It cannot be told: why.
    Unknown(String),
}

/// `list`: every deployment of every team, read after the failure, or why it could not be read
/// whole. `known_before`: the ids there were before the POST.
pub fn settle(
    request: &DeployRequest,
    known_before: &[String],
    list: Result<&[Deployment], String>,
) -> Settled {
    let list = match list {
        Ok(l) => l,
        Err(why) => {
            return Settled::Unknown(format!("the deployments could not be read whole: {why}"));
        }
    };
    let name = request.name.as_deref().unwrap_or("");
    let found: Vec<&Deployment> = list
        .iter()
        .filter(|d| !known_before.contains(&d.id))
        .filter(|d| d.offer_id.as_deref() == Some(request.offer_id.as_str()))
        .filter(|d| name.is_empty() || d.name == name)
        .collect();
    match found.as_slice() {
        [] => Settled::NotCreated,
        [one] => Settled::Created(Box::new((*one).clone())),
        many => Settled::Unknown(format!(
            "{} new deployments have this name and offer ({}): which one this deploy made cannot be told",
            many.len(),
            many.iter()
                .map(|d| d.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::decode;
    use serde_json::json;

    fn dep(id: &str, name: &str, offer: &str) -> Deployment {
        decode(json!({"id": id, "name": name, "offerId": offer, "status": "deploying"})).unwrap()
    }

    #[test]
    fn name_offer_and_newness_decide_and_a_partial_list_proves_nothing() {
        let req = DeployRequest {
            provider: "spheron-ai".into(),
            offer_id: "o-1".into(),
            gpu_type: "H100".into(),
            gpu_count: 1,
            region: "us-east-1".into(),
            operating_system: "ubuntu-22.04".into(),
            instance_type: crate::api::InstanceType::Dedicated,
            ssh_key_id: Some("k1".into()),
            ssh_public_key: None,
            team_id: None,
            name: Some("job".into()),
            cloud_init: None,
            kubernetes_addon: None,
            volume_ids: Vec::new(),
        };
        let old = dep("d0", "job", "o-1");
        let new = dep("d1", "job", "o-1");
        let other = dep("d2", "other", "o-1");
        let known = vec!["d0".to_string()];
        let list = [old.clone(), new.clone(), other.clone()];
        assert_eq!(
            settle(&req, &known, Ok(&list)),
            Settled::Created(Box::new(new.clone()))
        );
        assert_eq!(settle(&req, &known, Ok(&[old, other])), Settled::NotCreated);
        assert!(matches!(
            settle(&req, &known, Err("team t2: 500".into())),
            Settled::Unknown(_)
        ));
        let twin = dep("d3", "job", "o-1");
        assert!(matches!(
            settle(&req, &known, Ok(&[new, twin])),
            Settled::Unknown(_)
        ));
    }
}
