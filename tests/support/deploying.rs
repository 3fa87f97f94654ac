//! One deploy through the real client on the first offer the demo server can deploy now.

use spheron_tui::api::{Client, DeployRequest, Deployment, OffersQuery};

/// Deploy `name` to `team` with the saved SSH key `ssh_key_id`, on the first offer that is not
/// in maintenance and names a region and an OS.
pub async fn deploy_first_offer(
    client: &Client,
    name: &str,
    team: &str,
    ssh_key_id: &str,
) -> Deployment {
    let page = client.gpu_offers(&OffersQuery::default()).await.unwrap();
    let (g, o) = page
        .groups
        .iter()
        .flat_map(|g| g.offers.iter().map(move |o| (g, o)))
        .find(|(_, o)| !o.maintenance && !o.clusters.is_empty() && !o.os_options.is_empty())
        .expect("a deployable offer");
    let req = DeployRequest {
        provider: o.provider.clone(),
        offer_id: o.offer_id.clone(),
        gpu_type: g.gpu_type.clone(),
        gpu_count: o.gpu_count,
        region: o.clusters[0].clone(),
        operating_system: o.os_options[0].clone(),
        instance_type: o.instance_type.clone(),
        ssh_key_id: Some(ssh_key_id.into()),
        ssh_public_key: None,
        team_id: Some(team.into()),
        name: Some(name.into()),
        cloud_init: None,
        kubernetes_addon: None,
        volume_ids: Vec::new(),
    };
    client.create_deployment(&req).await.unwrap()
}
