//! Requests of `paths/features.yaml`.

use interconnect_core::names::{ConnectionName, FeatureName};
use interconnect_core::wire;

use crate::page::PageRequest;

/// `GET .../connections/{connection}/features`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListFeatures {
    /// The connection.
    pub parent: ConnectionName,
    /// `pageSize`, `pageToken`.
    pub page: PageRequest,
}

/// `POST .../connections/{connection}/features?featureId=`.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateFeature {
    /// The connection.
    pub parent: ConnectionName,
    /// `featureId` (required; opaque, FEAT-4).
    pub feature_id: String,
    /// The proposed feature.
    pub feature: wire::Feature,
}

/// `GET .../features/{feature}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetFeature {
    /// The feature.
    pub name: FeatureName,
}

/// `PATCH .../features/{feature}?updateMask=` (upstream-next
/// `paths/features.yaml` UpdateFeature; it has no `requestId`).
#[derive(Debug, Clone, PartialEq)]
pub struct UpdateFeature {
    /// The feature.
    pub name: FeatureName,
    /// `updateMask`: the members to change.
    pub update_mask: Option<String>,
    /// The body holding the new values.
    pub feature: wire::Feature,
}

/// `DELETE .../features/{feature}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteFeature {
    /// The feature.
    pub name: FeatureName,
}

// Where each field travels in a call.
binding! {
    ListFeatures(ConnectionName) { parent: target, page: page }
    CreateFeature(ConnectionName) {
        parent: target,
        feature_id: id("featureId"),
        feature: body(required),
    }
    GetFeature(FeatureName) { name: target }
    UpdateFeature(FeatureName) without request_id {
        name: target,
        update_mask: optional("updateMask"),
        feature: body(required),
    }
    DeleteFeature(FeatureName) { name: target }
}
