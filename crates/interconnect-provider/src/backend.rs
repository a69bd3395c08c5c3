//! The `Backend` trait: how a partner cloud plugs its routers into the
//! reference provider.
//!
//! The specification describes what two providers tell each other; what a
//! provider does on its own devices is its business (`docs/Protocols.md`
//! "Provision Appropriate Features", "MACsec Key Rotation"). The reference
//! provider calls a `Backend` at those points: to provision and remove an
//! accepted L3 feature, to install, activate and remove MACsec keys, and to
//! ask whether an interconnect can take more work.
//!
//! Calls are synchronous and must return promptly: a backend starts the
//! work (a job on a router API, a message on a queue) and reports progress
//! through [`Backend::feature_status`] and [`Backend::mac_sec_key_active`],
//! which the provider reads whenever it answers for that resource. This keeps
//! the provider free of any particular async runtime.
//!
//! [`InMemoryBackend`] completes provisioning after a configurable delay of
//! clock time, which is what tests and the demo use.
//!
//! # A partner's backend
//!
//! ```
//! use std::sync::Mutex;
//! use interconnect_core::names::{FeatureName, InterconnectName, MacSecKeyName};
//! use interconnect_core::wire::{L3BaseConfig, Secret};
//! use interconnect_provider::backend::{Backend, BackendError, FeatureStatus, LocalAvailability};
//!
//! /// Sends every change to a router-automation queue and remembers what it sent.
//! struct RouterQueue {
//!     sent: Mutex<Vec<String>>,
//! }
//!
//! impl RouterQueue {
//!     fn send(&self, job: String) -> Result<(), BackendError> {
//!         self.sent
//!             .lock()
//!             .map_err(|_| BackendError::new("queue lock poisoned"))?
//!             .push(job);
//!         Ok(())
//!     }
//! }
//!
//! impl Backend for RouterQueue {
//!     fn provision_feature(&self, feature: &FeatureName, config: &L3BaseConfig) -> Result<(), BackendError> {
//!         self.send(format!("configure {feature} vlan {:?}", config.vlan_id))
//!     }
//!     fn feature_status(&self, _feature: &FeatureName) -> FeatureStatus {
//!         FeatureStatus::Pending // a real backend asks its job system
//!     }
//!     fn remove_feature(&self, feature: &FeatureName) -> Result<(), BackendError> {
//!         self.send(format!("remove {feature}"))
//!     }
//!     fn install_mac_sec_key(&self, key: &MacSecKeyName, _cak: &Secret, _ckn: &Secret) -> Result<(), BackendError> {
//!         self.send(format!("install {key} standby")) // the CAK goes to the device, never to a log
//!     }
//!     fn activate_mac_sec_key(&self, key: &MacSecKeyName) -> Result<(), BackendError> {
//!         self.send(format!("activate {key}"))
//!     }
//!     fn mac_sec_key_active(&self, _key: &MacSecKeyName) -> bool {
//!         false
//!     }
//!     fn remove_mac_sec_key(&self, key: &MacSecKeyName) -> Result<(), BackendError> {
//!         self.send(format!("remove {key}"))
//!     }
//!     fn local_availability(&self, _interconnect: &InterconnectName) -> LocalAvailability {
//!         LocalAvailability::default()
//!     }
//! }
//!
//! let queue = RouterQueue { sent: Mutex::new(Vec::new()) };
//! let name: FeatureName = "providers/gcp/environments/e/interconnects/ix1/connections/c/features/f1".parse()?;
//! queue.provision_feature(&name, &L3BaseConfig { vlan_id: Some(1100), ..Default::default() })?;
//! assert_eq!(queue.sent.lock().map(|s| s.len()).unwrap_or(0), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use interconnect_core::names::{ChannelName, FeatureName, InterconnectName, MacSecKeyName};
use interconnect_core::wire::{L3BaseConfig, Secret};

use crate::clock::Clock;

/// A backend failure. The message must not contain secrets.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("backend: {message}")]
pub struct BackendError {
    message: String,
}

impl BackendError {
    /// A failure described by `message`.
    pub fn new(message: impl Into<String>) -> Self {
        BackendError {
            message: message.into(),
        }
    }
}

/// Where provisioning of a feature stands on the local devices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeatureStatus {
    /// Not (yet) known to the backend.
    Unknown,
    /// Provisioning started and has not finished.
    Pending,
    /// Configured and carrying traffic: `PROVISIONING_STATE_FINAL`.
    Provisioned,
    /// Provisioning failed; the feature stays pending and the operator is told.
    Failed(String),
}

/// Whether an interconnect can take new connections, from the local side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalAvailability {
    /// `false` while the local devices cannot take new work (maintenance,
    /// fault); `CreateConnection` then answers 503.
    pub accepting: bool,
    /// A local limit on the interconnect's total bandwidth, below
    /// `maxBandwidthMbps`, if any.
    pub capacity_mbps: Option<i64>,
}

impl Default for LocalAvailability {
    fn default() -> Self {
        LocalAvailability {
            accepting: true,
            capacity_mbps: None,
        }
    }
}

/// The local devices of a provider, as the reference provider sees them.
pub trait Backend: Send + Sync {
    /// Starts provisioning an accepted L3 base feature.
    fn provision_feature(
        &self,
        feature: &FeatureName,
        config: &L3BaseConfig,
    ) -> Result<(), BackendError>;
    /// How provisioning of `feature` stands.
    fn feature_status(&self, feature: &FeatureName) -> FeatureStatus;
    /// Removes a feature's configuration (its connection or the feature was deleted).
    fn remove_feature(&self, feature: &FeatureName) -> Result<(), BackendError>;
    /// Installs a MACsec key on the channel's devices, in standby.
    fn install_mac_sec_key(
        &self,
        key: &MacSecKeyName,
        cak: &Secret,
        ckn: &Secret,
    ) -> Result<(), BackendError>;
    /// Makes `key` the active key of its channel (the others become inactive).
    fn activate_mac_sec_key(&self, key: &MacSecKeyName) -> Result<(), BackendError>;
    /// Whether the devices currently use `key` (MACSEC-9).
    fn mac_sec_key_active(&self, key: &MacSecKeyName) -> bool;
    /// Removes a MACsec key from the devices.
    fn remove_mac_sec_key(&self, key: &MacSecKeyName) -> Result<(), BackendError>;
    /// Whether the interconnect can take new connections.
    fn local_availability(&self, interconnect: &InterconnectName) -> LocalAvailability;
    /// Limits the prefixes announced to the peer on `feature`'s BGP session
    /// to `max`, the peer's `maxReceivedBgpRoutePrefixes` (NEG-17). The
    /// default does nothing, for devices that cannot cap announcements.
    /// Called again on every provisioning pass of the connection: it must be
    /// idempotent.
    fn limit_announced_prefixes(
        &self,
        feature: &FeatureName,
        max: i32,
    ) -> Result<(), BackendError> {
        let _ = (feature, max);
        Ok(())
    }
    /// Limits the IPv6 prefixes announced to the peer on `feature`'s BGP
    /// session to `max`: the peer's `maxReceivedBgpRoutePrefixesIpv6`, or
    /// its IPv4 limit when it states none (NEG-17). Called only for features
    /// with an IPv6 session; idempotent like
    /// [`Backend::limit_announced_prefixes`]. The default does nothing.
    fn limit_announced_ipv6_prefixes(
        &self,
        feature: &FeatureName,
        max: i32,
    ) -> Result<(), BackendError> {
        let _ = (feature, max);
        Ok(())
    }
}

impl<T: Backend + ?Sized> Backend for Arc<T> {
    fn provision_feature(
        &self,
        feature: &FeatureName,
        config: &L3BaseConfig,
    ) -> Result<(), BackendError> {
        (**self).provision_feature(feature, config)
    }
    fn feature_status(&self, feature: &FeatureName) -> FeatureStatus {
        (**self).feature_status(feature)
    }
    fn remove_feature(&self, feature: &FeatureName) -> Result<(), BackendError> {
        (**self).remove_feature(feature)
    }
    fn install_mac_sec_key(
        &self,
        key: &MacSecKeyName,
        cak: &Secret,
        ckn: &Secret,
    ) -> Result<(), BackendError> {
        (**self).install_mac_sec_key(key, cak, ckn)
    }
    fn activate_mac_sec_key(&self, key: &MacSecKeyName) -> Result<(), BackendError> {
        (**self).activate_mac_sec_key(key)
    }
    fn mac_sec_key_active(&self, key: &MacSecKeyName) -> bool {
        (**self).mac_sec_key_active(key)
    }
    fn remove_mac_sec_key(&self, key: &MacSecKeyName) -> Result<(), BackendError> {
        (**self).remove_mac_sec_key(key)
    }
    fn local_availability(&self, interconnect: &InterconnectName) -> LocalAvailability {
        (**self).local_availability(interconnect)
    }
    fn limit_announced_prefixes(
        &self,
        feature: &FeatureName,
        max: i32,
    ) -> Result<(), BackendError> {
        (**self).limit_announced_prefixes(feature, max)
    }
    fn limit_announced_ipv6_prefixes(
        &self,
        feature: &FeatureName,
        max: i32,
    ) -> Result<(), BackendError> {
        (**self).limit_announced_ipv6_prefixes(feature, max)
    }
}

#[derive(Debug, Default)]
struct Devices {
    features: BTreeMap<FeatureName, DateTime<Utc>>,
    failing: BTreeMap<FeatureName, String>,
    keys: BTreeMap<MacSecKeyName, bool>,
    unavailable: Vec<InterconnectName>,
    announce_limits: BTreeMap<FeatureName, i32>,
    announce_limits_ipv6: BTreeMap<FeatureName, i32>,
    configs: BTreeMap<FeatureName, L3BaseConfig>,
}

/// A backend without devices: a feature is provisioned a fixed delay of
/// clock time after it was started; MACsec keys are active when activated.
pub struct InMemoryBackend {
    clock: Arc<dyn Clock>,
    delay: Duration,
    devices: Mutex<Devices>,
}

impl std::fmt::Debug for InMemoryBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InMemoryBackend")
            .field("delay", &self.delay)
            .finish_non_exhaustive()
    }
}

impl InMemoryBackend {
    /// A backend that completes provisioning `delay` after it started.
    pub fn new(clock: Arc<dyn Clock>, delay: Duration) -> Self {
        InMemoryBackend {
            clock,
            delay,
            devices: Mutex::new(Devices::default()),
        }
    }

    fn devices(&self) -> std::sync::MutexGuard<'_, Devices> {
        self.devices
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Makes provisioning of `feature` fail (tests of the failure path).
    pub fn fail_feature(&self, feature: &FeatureName, reason: impl Into<String>) {
        self.devices()
            .failing
            .insert(feature.clone(), reason.into());
    }

    /// Marks an interconnect as not accepting new work.
    pub fn set_unavailable(&self, interconnect: &InterconnectName, unavailable: bool) {
        let mut devices = self.devices();
        devices.unavailable.retain(|i| i != interconnect);
        if unavailable {
            devices.unavailable.push(interconnect.clone());
        }
    }

    /// The features currently configured.
    pub fn provisioned_features(&self) -> Vec<FeatureName> {
        self.devices().features.keys().cloned().collect()
    }

    /// The configuration `feature` was provisioned with (its BGP MD5
    /// password stays a [`Secret`]).
    pub fn provisioned_config(&self, feature: &FeatureName) -> Option<L3BaseConfig> {
        self.devices().configs.get(feature).cloned()
    }

    /// The announce limit set on `feature`'s BGP session (NEG-17).
    pub fn announce_limit(&self, feature: &FeatureName) -> Option<i32> {
        self.devices().announce_limits.get(feature).copied()
    }

    /// The IPv6 announce limit set on `feature`'s BGP session (NEG-17).
    pub fn announce_limit_ipv6(&self, feature: &FeatureName) -> Option<i32> {
        self.devices().announce_limits_ipv6.get(feature).copied()
    }

    /// The MACsec keys installed on `channel`, with whether each is active.
    pub fn mac_sec_keys_on(&self, channel: &ChannelName) -> Vec<(MacSecKeyName, bool)> {
        self.devices()
            .keys
            .iter()
            .filter(|(k, _)| k.channel() == channel)
            .map(|(k, a)| (k.clone(), *a))
            .collect()
    }
}

impl Backend for InMemoryBackend {
    fn provision_feature(
        &self,
        feature: &FeatureName,
        config: &L3BaseConfig,
    ) -> Result<(), BackendError> {
        let now = self.clock.now();
        let mut devices = self.devices();
        devices.features.entry(feature.clone()).or_insert(now);
        devices.configs.insert(feature.clone(), config.clone());
        Ok(())
    }

    fn feature_status(&self, feature: &FeatureName) -> FeatureStatus {
        let devices = self.devices();
        if let Some(reason) = devices.failing.get(feature) {
            return FeatureStatus::Failed(reason.clone());
        }
        match devices.features.get(feature) {
            None => FeatureStatus::Unknown,
            Some(started) if self.clock.now() - *started >= self.delay => {
                FeatureStatus::Provisioned
            }
            Some(_) => FeatureStatus::Pending,
        }
    }

    fn remove_feature(&self, feature: &FeatureName) -> Result<(), BackendError> {
        let mut devices = self.devices();
        devices.features.remove(feature);
        devices.failing.remove(feature);
        devices.announce_limits.remove(feature);
        devices.announce_limits_ipv6.remove(feature);
        devices.configs.remove(feature);
        Ok(())
    }

    fn limit_announced_prefixes(
        &self,
        feature: &FeatureName,
        max: i32,
    ) -> Result<(), BackendError> {
        self.devices().announce_limits.insert(feature.clone(), max);
        Ok(())
    }

    fn limit_announced_ipv6_prefixes(
        &self,
        feature: &FeatureName,
        max: i32,
    ) -> Result<(), BackendError> {
        self.devices()
            .announce_limits_ipv6
            .insert(feature.clone(), max);
        Ok(())
    }

    fn install_mac_sec_key(
        &self,
        key: &MacSecKeyName,
        _cak: &Secret,
        _ckn: &Secret,
    ) -> Result<(), BackendError> {
        self.devices().keys.entry(key.clone()).or_insert(false);
        Ok(())
    }

    fn activate_mac_sec_key(&self, key: &MacSecKeyName) -> Result<(), BackendError> {
        let mut devices = self.devices();
        if !devices.keys.contains_key(key) {
            return Err(BackendError::new(format!("{key} is not installed")));
        }
        for (name, active) in devices.keys.iter_mut() {
            if name.channel() == key.channel() {
                *active = name == key;
            }
        }
        Ok(())
    }

    fn mac_sec_key_active(&self, key: &MacSecKeyName) -> bool {
        self.devices().keys.get(key).copied().unwrap_or(false)
    }

    fn remove_mac_sec_key(&self, key: &MacSecKeyName) -> Result<(), BackendError> {
        self.devices().keys.remove(key);
        Ok(())
    }

    fn local_availability(&self, interconnect: &InterconnectName) -> LocalAvailability {
        LocalAvailability {
            accepting: !self.devices().unavailable.contains(interconnect),
            capacity_mbps: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    fn feature() -> FeatureName {
        "providers/gcp/environments/e/interconnects/ix1/connections/c/features/f"
            .parse()
            .expect("valid name")
    }

    #[test]
    fn provisioning_completes_after_the_configured_clock_delay() -> Result<(), BackendError> {
        let clock = Arc::new(ManualClock::at_epoch());
        let backend = InMemoryBackend::new(clock.clone(), Duration::seconds(30));
        assert_eq!(backend.feature_status(&feature()), FeatureStatus::Unknown);
        backend.provision_feature(&feature(), &L3BaseConfig::default())?;
        assert_eq!(backend.feature_status(&feature()), FeatureStatus::Pending);
        clock.advance(Duration::seconds(29));
        assert_eq!(backend.feature_status(&feature()), FeatureStatus::Pending);
        clock.advance(Duration::seconds(1));
        assert_eq!(
            backend.feature_status(&feature()),
            FeatureStatus::Provisioned
        );
        backend.remove_feature(&feature())?;
        assert_eq!(backend.feature_status(&feature()), FeatureStatus::Unknown);
        Ok(())
    }

    #[test]
    fn activating_a_key_deactivates_the_others_on_its_channel() -> Result<(), BackendError> {
        let backend = InMemoryBackend::new(Arc::new(ManualClock::at_epoch()), Duration::zero());
        let ch: ChannelName = "providers/gcp/environments/e/interconnects/ix1/channels/ch1"
            .parse()
            .expect("valid");
        let k1 = ch.mac_sec_key("k1").expect("valid");
        let k2 = ch.mac_sec_key("k2").expect("valid");
        let secret = Secret::new("00".repeat(16));
        assert!(
            backend.activate_mac_sec_key(&k1).is_err(),
            "not installed yet"
        );
        backend.install_mac_sec_key(&k1, &secret, &secret)?;
        backend.install_mac_sec_key(&k2, &secret, &secret)?;
        assert!(!backend.mac_sec_key_active(&k1));
        backend.activate_mac_sec_key(&k1)?;
        assert!(backend.mac_sec_key_active(&k1));
        backend.activate_mac_sec_key(&k2)?;
        assert!(!backend.mac_sec_key_active(&k1));
        assert!(backend.mac_sec_key_active(&k2));
        assert_eq!(backend.mac_sec_keys_on(&ch).len(), 2);
        Ok(())
    }
}
