//! UpdateFeature (upstream-next `paths/features.yaml`): 404 for a missing
//! feature, 405 for one that is not updatable (FEAT-16), and `updatable`
//! served on every feature (FEAT-17).

use std::sync::Arc;

use interconnect_core::wire::{self, FeatureType};

use super::ReferenceProvider;
use crate::clock::Clock;
use crate::coordinator::ConnectionCoordinator;
use crate::error::{CoordinatorResult, ErrorKind};
use crate::request;
use crate::store::{FeatureRecord, StoreExt};
use crate::testing::Fixture;
use crate::testing::seed::seed_connection;

type F = Fixture<Arc<ReferenceProvider>>;

fn l3_feature(f: &F, name: &interconnect_core::names::FeatureName) -> wire::Feature {
    wire::Feature {
        name: Some(name.clone()),
        channel: Some(f.channel("ix1", "ch1")),
        feature_config: Some(wire::FeatureConfig {
            feature_type: Some(FeatureType::L3Base),
            l3_base_config: None,
        }),
        provisioning_state: None,
        updatable: None,
    }
}

#[tokio::test]
async fn an_l3_base_feature_is_not_updatable_and_says_so() -> CoordinatorResult<()> {
    let f = Fixture::new();
    let conn = seed_connection(&f, "ix1", "66666666-6666-4666-8666-666666666666", 1000);
    let name = conn
        .feature("f1")
        .map_err(|e| crate::CoordinatorError::internal("FEAT-16", e.to_string()))?;
    let feature = l3_feature(&f, &name);
    f.server.store().update(|s| {
        s.features.insert(
            name.clone(),
            FeatureRecord {
                feature: feature.clone(),
                created_at: f.clock.now(),
            },
        );
        Ok(())
    })?;
    let served = f
        .server
        .get_feature(&f.caller(), request::GetFeature { name: name.clone() })
        .await?;
    assert_eq!(
        served.updatable,
        Some(false),
        "FEAT-17: served, false for L3_BASE"
    );
    let e = f
        .server
        .update_feature(
            &f.caller(),
            request::UpdateFeature {
                name: name.clone(),
                update_mask: Some("featureConfig.l3BaseConfig.mtuBytes".into()),
                feature: feature.clone(),
            },
        )
        .await
        .expect_err("FEAT-16");
    assert_eq!(
        (e.kind(), e.rule(), e.http_status()),
        (ErrorKind::MethodNotAllowed, "FEAT-16", 405)
    );
    let unchanged = f
        .server
        .get_feature(&f.caller(), request::GetFeature { name: name.clone() })
        .await?;
    assert_eq!(unchanged.feature_config, feature.feature_config);
    let missing = conn
        .feature("f2")
        .map_err(|e| crate::CoordinatorError::internal("FEAT-16", e.to_string()))?;
    let e = f
        .server
        .update_feature(
            &f.caller(),
            request::UpdateFeature {
                name: missing,
                update_mask: None,
                feature: wire::Feature::default(),
            },
        )
        .await
        .expect_err("404");
    assert_eq!(e.kind(), ErrorKind::NotFound);
    Ok(())
}
