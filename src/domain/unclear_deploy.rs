//! A deploy whose answer was lost (a timeout, a 5xx, a dropped connection after the POST was
//! sent) may or may not have created the deployment, and a POST is not idempotent: sending it
//! again may rent a second instance. It is settled from the deployments list read after the
//! failure, across every page and team: the deployment the POST named (its `name`, and its
//! `offerId` where the listing has one) is found, or a complete list proves it was not
//! created; anything else is unknown, and the user checks before retrying.
//!
//! The dashboard's deploy wizard and the `deploy` command both settle through [`settle`].

use chrono::{DateTime, Duration, Utc};

use crate::api::{Completeness, DeployRequest, Deployment};

/// A deployment created before the POST cannot be its result; one whose start the list gives
/// as earlier than this before the POST is not taken for it (the platform's clock may differ).
const CLOCK_SLACK_MINUTES: i64 = 5;

/// What was sent, and what was known when it was.
#[derive(Debug, Clone, Copy)]
pub struct Sent<'a> {
    pub request: &'a DeployRequest,
    pub posted_at: DateTime<Utc>,
    /// Ids of the deployments listed before the POST went out: none of them is its result.
    pub known_before: &'a [String],
}

/// What the list read after the failure says about the deploy.
#[derive(Debug, Clone, PartialEq)]
pub enum Settlement {
    /// The deployment exists: it must not be sent again.
    Created(Box<Deployment>),
    /// Every page of every team was read, every item of it, unfiltered, and no new deployment
    /// of this name and offer is in it: a retry is a NEW deploy.
    NotCreated,
    /// The list cannot tell: check before retrying. Why, for the user.
    Unknown(String),
}

impl Settlement {
    /// The one line both the dashboard and the command print about it, after the POST's
    /// `error`.
    pub fn explain(&self, error: &str) -> String {
        match self {
            Settlement::Created(d) => format!(
                "The deploy answered with an error ({error}), but {} exists ({}): NOT retrying.",
                label(d),
                d.status
            ),
            Settlement::NotCreated => format!(
                "The deploy failed ({error}). The deployments list read after it, every page, team and status, has no new deployment of this name and offer: it was not created. Retry sends a NEW deploy."
            ),
            Settlement::Unknown(why) => format!(
                "The deploy failed ({error}), and it is unknown whether the deployment was created: check before retrying ({why})."
            ),
        }
    }
}

fn label(d: &Deployment) -> &str {
    if d.name.is_empty() { &d.id } else { &d.name }
}

/// Whether `d` may be the result of `sent`: new since the POST, of the same offer where the
/// listing names one, started no earlier than the POST (with slack).
fn new_of_offer(sent: &Sent, d: &Deployment) -> bool {
    let offer = d.offer_id.as_deref().filter(|o| !o.is_empty());
    !sent.known_before.contains(&d.id)
        && offer.is_none_or(|o| o == sent.request.offer_id)
        && d.since()
            .is_none_or(|t| t >= sent.posted_at - Duration::minutes(CLOCK_SLACK_MINUTES))
}

/// Settle `sent` by `list` (every page and team read after the failure) and what that read may
/// be missing.
pub fn settle(sent: &Sent, list: &[Deployment], completeness: &Completeness) -> Settlement {
    let sent_name = sent
        .request
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    let candidates: Vec<&Deployment> = list.iter().filter(|d| new_of_offer(sent, d)).collect();
    let same_name = |d: &&&Deployment| sent_name.is_some_and(|n| d.name.trim() == n);
    if let Some(d) = candidates.iter().find(same_name) {
        return Settlement::Created(Box::new((*d).clone()));
    }
    // Without a name on either side, the offer alone says it (the listing must name it).
    if sent_name.is_none()
        && let Some(d) = candidates
            .iter()
            .find(|d| d.offer_id.as_deref() == Some(sent.request.offer_id.as_str()))
    {
        return Settlement::Created(Box::new((*d).clone()));
    }
    // A new deployment that may be this one but does not say so (no name, or another name on
    // the same offer, or no offer): not proof either way.
    if let Some(d) = candidates.first() {
        let named = if d.name.trim().is_empty() {
            format!("deployment {} (no name)", d.id)
        } else {
            format!("{} ({})", d.name.trim(), d.id)
        };
        return Settlement::Unknown(format!(
            "a new deployment, {named}, appeared and its name does not match the one sent"
        ));
    }
    if completeness.is_complete() {
        Settlement::NotCreated
    } else {
        Settlement::Unknown(format!("the list is incomplete: {completeness}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Gap, InstanceType, decode};
    use chrono::TimeZone;
    use serde_json::json;

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap()
    }

    fn request(name: Option<&str>) -> DeployRequest {
        DeployRequest {
            provider: "voltage-park".into(),
            offer_id: "o-1".into(),
            gpu_type: "H100".into(),
            gpu_count: 8,
            region: "r".into(),
            operating_system: "ubuntu-22.04".into(),
            instance_type: InstanceType::Dedicated,
            ssh_key_id: Some("k".into()),
            ssh_public_key: None,
            team_id: None,
            name: name.map(str::to_owned),
            cloud_init: None,
            kubernetes_addon: None,
            volume_ids: vec![],
        }
    }

    fn dep(v: serde_json::Value) -> Deployment {
        decode(v).unwrap()
    }

    #[test]
    fn found_by_name_and_offer_on_any_page_and_team_even_in_an_incomplete_list() {
        let req = request(Some("train-7"));
        let known = vec!["old".to_string()];
        let sent = Sent {
            request: &req,
            posted_at: at(),
            known_before: &known,
        };
        let list = vec![
            dep(json!({"id": "old", "name": "train-7", "offerId": "o-1"})),
            dep(json!({"id": "other", "name": "train-8", "offerId": "o-2"})),
            dep(
                json!({"id": "new", "name": "train-7", "offerId": "o-1", "teamId": "t2",
                        "createdAt": "2026-11-28T12:00:30Z"}),
            ),
        ];
        let incomplete = Completeness::with(Gap::Unreadable(1));
        match settle(&sent, &list, &incomplete) {
            Settlement::Created(d) => assert_eq!(d.id, "new"),
            other => panic!("{other:?}"),
        }
        // A listing without `offerId` is matched by its name.
        let list = vec![dep(json!({"id": "new", "name": "train-7"}))];
        assert!(matches!(
            settle(&sent, &list, &Completeness::complete()),
            Settlement::Created(_)
        ));
    }

    #[test]
    fn absence_is_concluded_only_from_a_complete_list() {
        let req = request(Some("train-7"));
        let known = vec!["old".to_string()];
        let sent = Sent {
            request: &req,
            posted_at: at(),
            known_before: &known,
        };
        let list = vec![
            dep(json!({"id": "old", "name": "train-7", "offerId": "o-1"})),
            // an old one of the same name, started long before the POST
            dep(json!({"id": "older", "name": "train-7", "offerId": "o-1",
                        "startedAt": "2026-11-20T12:00:00Z"})),
            dep(json!({"id": "x", "name": "train-7", "offerId": "o-2"})),
        ];
        assert_eq!(
            settle(&sent, &list, &Completeness::complete()),
            Settlement::NotCreated
        );
        for gap in [
            Gap::Unreadable(1),
            Gap::Pages { read: 100, of: 101 },
            Gap::Truncated {
                expected: 3,
                got: 2,
            },
            Gap::Team {
                team: "t2".into(),
                error: "HTTP 500".into(),
            },
            Gap::Filtered("active deployments".into()),
            Gap::NotRead("HTTP 500".into()),
        ] {
            let why = gap.to_string();
            let s = settle(&sent, &list, &Completeness::with(gap));
            assert_eq!(
                s,
                Settlement::Unknown(format!("the list is incomplete: {why}"))
            );
            let text = s.explain("timed out");
            assert!(text.contains("check before retrying"), "{text}");
            assert!(!text.contains("not created"), "{text}");
        }
        assert!(
            Settlement::NotCreated
                .explain("HTTP 502")
                .contains("it was not created. Retry sends a NEW deploy.")
        );
    }

    #[test]
    fn a_new_deployment_of_the_offer_under_another_name_is_not_proof_either_way() {
        let req = request(Some("train-7"));
        let sent = Sent {
            request: &req,
            posted_at: at(),
            known_before: &[],
        };
        for v in [
            json!({"id": "n", "name": "someone-else", "offerId": "o-1"}),
            json!({"id": "n", "offerId": "o-1"}),
            json!({"id": "n"}),
        ] {
            let s = settle(&sent, &[dep(v.clone())], &Completeness::complete());
            assert!(
                matches!(&s, Settlement::Unknown(why) if why.contains("deployment")),
                "{v}: {s:?}"
            );
        }
        // Without a name sent, the offer alone settles it.
        let req = request(None);
        let sent = Sent {
            request: &req,
            ..sent
        };
        let d = dep(json!({"id": "n", "name": "whatever", "offerId": "o-1"}));
        assert_eq!(
            settle(&sent, std::slice::from_ref(&d), &Completeness::complete()),
            Settlement::Created(Box::new(d))
        );
    }
}
