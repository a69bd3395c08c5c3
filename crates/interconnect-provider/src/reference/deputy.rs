//! Confused-deputy verification of `CreateConnection`, `UpdateConnection`
//! and `DeleteConnection` (`docs/Protocols.md` § Confused Deputy
//! Resolution; governance § Authentication and Authorization;
//! `spec/REQUIREMENTS.md` AUTH-7, AUTH-10..AUTH-12; `spec/ERRATA.md` E-61,
//! E-72, E-81).
//!
//! The specification requires that these three operations be proven to come
//! from a customer's own request, but gives the proof no wire form (E-61).
//! The reference provider therefore asks a pluggable [`DeputyVerifier`],
//! set with [`ReferenceProvider::with_deputy_verifier`](super::ReferenceProvider::with_deputy_verifier);
//! a refusal is 403 naming the rule the verifier gives.
//!
//! # The default policy: [`ConfirmedKeyHolder`]
//!
//! Without per-request evidence, the strongest fact a server holds is the
//! activation key it issued: its customer handed the key to the partner's
//! customer, and the partner proved it holds that key by confirming it
//! (KEY-14..KEY-19), which also bound the connection to the key's
//! `destinationAccountId`. The default verifier accepts a call exactly when
//! this server issued the key of the connection's shared UUID and the
//! calling provider is the one that confirmed it; it refuses (403, AUTH-12)
//! when no key of this server is on record for the UUID (the caller is the
//! key issuer's side, whose account was not exchanged with this server,
//! E-81) or when another provider confirmed it.
//!
//! This is weaker than AUTH-11's evidence from the customer's own session,
//! and is documented as such: a provider with an evidence mechanism (a
//! presigned identity request, a signed token in a header) plugs its own
//! verifier. [`TrustAuthenticatedPartner`] accepts every authenticated
//! partner; it exists for laboratories, must be chosen explicitly, and logs
//! a warning on every call it lets through.
//!
//! The delete exception of AUTH-10 (unfinished connections after their
//! window) is decided by the provider, not the verifier: it applies only
//! after the verifier refused.

use std::fmt;

use interconnect_core::names::{ConnectionName, ProviderName};

use crate::caller::Caller;
use crate::rules;
use crate::store::IssuedKey;

/// The operations that need a confused-deputy verification (AUTH-7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeputyOperation {
    /// `CreateConnection`.
    CreateConnection,
    /// `UpdateConnection`.
    UpdateConnection,
    /// `DeleteConnection`.
    DeleteConnection,
}

/// What a verifier is asked about.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct DeputyCheck<'a> {
    /// The operation.
    pub operation: DeputyOperation,
    /// The authenticated caller.
    pub caller: &'a Caller,
    /// The connection created, updated or deleted.
    pub connection: &'a ConnectionName,
    /// The activation key this server issued for the connection's shared
    /// UUID, if any (its secrets stay redacted in `Debug`).
    pub issued_key: Option<&'a IssuedKey>,
    /// When this server is the key receiver of the connection: the provider
    /// whose activation key its customer accepted here (the issuer).
    pub accepted_key_from: Option<&'a ProviderName>,
}

/// Why a verifier refused: answered as 403 naming `rule`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{rule}: {reason}")]
pub struct DeputyRefusal {
    /// The requirement id (AUTH-7 or AUTH-12).
    pub rule: &'static str,
    /// What could not be verified (never a secret).
    pub reason: String,
}

/// Decides whether a connection call comes from a customer's request.
pub trait DeputyVerifier: Send + Sync {
    /// `Ok` when the call is verified, else the refusal.
    fn verify(&self, check: &DeputyCheck<'_>) -> Result<(), DeputyRefusal>;
}

/// The default policy: the caller must be the provider that confirmed the
/// activation key this server issued for the connection (see the module
/// documentation).
#[derive(Debug, Clone, Copy, Default)]
pub struct ConfirmedKeyHolder;

impl DeputyVerifier for ConfirmedKeyHolder {
    fn verify(&self, check: &DeputyCheck<'_>) -> Result<(), DeputyRefusal> {
        let provider = check.connection.interconnect().provider();
        if check.accepted_key_from == Some(provider) {
            // this server's customer accepted the caller's key for it
            return Ok(());
        }
        match check.issued_key {
            None => Err(DeputyRefusal {
                rule: rules::DEPUTY_ACCOUNT,
                reason: format!(
                    "{:?} on {}: this server issued no activation key for the connection, so no \
                     account of the caller's customer is on record to verify",
                    check.operation, check.connection
                ),
            }),
            Some(key) if key.confirmed_by.as_ref() == Some(provider) => Ok(()),
            Some(_) => Err(DeputyRefusal {
                rule: rules::DEPUTY_ACCOUNT,
                reason: format!(
                    "{:?} on {}: the connection's activation key was not confirmed by {provider}",
                    check.operation, check.connection
                ),
            }),
        }
    }
}

/// Accepts every authenticated partner, with a warning in the log for each
/// call: it does not protect against a confused deputy and must be chosen
/// explicitly.
#[derive(Clone, Copy, Default)]
pub struct TrustAuthenticatedPartner;

impl fmt::Debug for TrustAuthenticatedPartner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TrustAuthenticatedPartner(no confused-deputy protection)")
    }
}

impl DeputyVerifier for TrustAuthenticatedPartner {
    fn verify(&self, check: &DeputyCheck<'_>) -> Result<(), DeputyRefusal> {
        tracing::warn!(
            operation = ?check.operation,
            connection = %check.connection,
            caller = check.caller.principal(),
            "AUTH-7 not verified: TrustAuthenticatedPartner accepts every authenticated partner"
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use interconnect_core::names::ProviderName;

    fn conn() -> ConnectionName {
        "providers/gcp/environments/e/interconnects/ix1/connections/c"
            .parse()
            .expect("valid literal")
    }

    fn gcp() -> Caller {
        Caller::partner(ProviderName::new("gcp").expect("valid"))
    }

    #[test]
    fn the_default_accepts_the_issuer_of_a_key_accepted_here() {
        let name = conn();
        let gcp_name = ProviderName::new("gcp").expect("valid");
        let aws_name = ProviderName::new("aws").expect("valid");
        let check = |from: Option<&ProviderName>| {
            ConfirmedKeyHolder.verify(&DeputyCheck {
                operation: DeputyOperation::DeleteConnection,
                caller: &gcp(),
                connection: &name,
                issued_key: None,
                accepted_key_from: from,
            })
        };
        assert_eq!(check(Some(&gcp_name)), Ok(()), "AUTH-7: the key's issuer");
        assert!(
            check(Some(&aws_name)).is_err(),
            "another provider's key proves nothing"
        );
        assert!(check(None).is_err());
    }

    #[test]
    fn the_default_accepts_only_the_provider_that_confirmed_the_key() {
        let name = conn();
        let caller = gcp();
        let mut key = IssuedKey::for_tests("u");
        let check = |key: Option<&IssuedKey>| {
            ConfirmedKeyHolder.verify(&DeputyCheck {
                operation: DeputyOperation::UpdateConnection,
                caller: &caller,
                connection: &name,
                issued_key: key,
                accepted_key_from: None,
            })
        };
        assert_eq!(
            check(None).map_err(|r| r.rule),
            Err(rules::DEPUTY_ACCOUNT),
            "AUTH-12: no account on record"
        );
        assert_eq!(
            check(Some(&key)).map_err(|r| r.rule),
            Err(rules::DEPUTY_ACCOUNT),
            "AUTH-12: not confirmed"
        );
        key.confirmed_by = Some(ProviderName::new("azure").expect("valid"));
        assert!(check(Some(&key)).is_err(), "AUTH-12: another confirmer");
        key.confirmed_by = Some(ProviderName::new("gcp").expect("valid"));
        assert_eq!(check(Some(&key)), Ok(()));
    }

    #[test]
    fn trusting_the_partner_accepts_and_says_so_in_its_debug() {
        let name = conn();
        let caller = gcp();
        let check = DeputyCheck {
            operation: DeputyOperation::DeleteConnection,
            caller: &caller,
            connection: &name,
            issued_key: None,
            accepted_key_from: None,
        };
        assert_eq!(TrustAuthenticatedPartner.verify(&check), Ok(()));
        assert!(format!("{TrustAuthenticatedPartner:?}").contains("no confused-deputy"));
    }
}
