//! `paths/features.yaml` and `paths/connections.yaml`
//! `GenerateFeatureGuidance` (GUIDE-1..GUIDE-20, FEAT-1..FEAT-15).

use interconnect_provider::request;

use super::handler;

handler!(
    /// `POST .../connections/{connection}/GenerateFeatureGuidance` (body optional).
    generate_feature_guidance => generate_feature_guidance, |seg, q, body| request::GenerateFeatureGuidance {
        name: seg.connection()?,
        body: body.decode("GenerateFeatureGuidance", false)?,
    }
);
handler!(
    /// `GET .../connections/{connection}/features`.
    list_features => list_features, |seg, q, _body| request::ListFeatures {
        parent: seg.connection()?,
        page: q.page()?,
    }
);
handler!(
    /// `POST .../connections/{connection}/features?featureId=` (body required).
    create_feature => create_feature, |seg, q, body| request::CreateFeature {
        parent: seg.connection()?,
        feature_id: q.required_id("featureId")?,
        feature: body.decode("CreateFeature", true)?,
    }
);
handler!(
    /// `GET .../features/{feature}`.
    get_feature => get_feature, |seg, q, _body| request::GetFeature { name: seg.feature()? }
);
/// `PATCH .../features/{feature}?updateMask=` (body required). UpdateFeature
/// has no `requestId` parameter (upstream-next `paths/features.yaml`), so one
/// sent is an unknown parameter and ignored (ERR-4).
pub(crate) async fn update_feature<C: interconnect_provider::ConnectionCoordinator>(
    axum::extract::State(coordinator): axum::extract::State<std::sync::Arc<C>>,
    caller: crate::routes::AuthedCaller,
    seg: crate::segments::Segments,
    q: crate::query::Params,
    body: crate::body::RawBody,
) -> Result<axum::response::Response, crate::error_body::ApiError> {
    let request = request::UpdateFeature {
        name: seg.feature()?,
        update_mask: q.get("updateMask").map(str::to_owned),
        feature: body.decode("UpdateFeature", true)?,
    };
    let out = coordinator.update_feature(&caller.0, request).await?;
    Ok(crate::routes::reply(&q, &out))
}

handler!(
    /// `DELETE .../features/{feature}`.
    delete_feature => delete_feature, |seg, q, _body| request::DeleteFeature {
        name: seg.feature()?,
    }
);
