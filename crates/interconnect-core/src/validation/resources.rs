//! Validation of the other resources: connection bandwidth
//! (`schemas/connection.yaml` Connection, `schemas/interconnect.yaml`
//! maxBandwidthMbps), environments (`schemas/environment.yaml`
//! providerSites), MACsec keys (`schemas/macseckey.yaml`), maintenance
//! events (`schemas/channel.yaml` MaintenanceEvent) and issues
//! (`schemas/issues.yaml` Issue).

use super::rules::*;
use super::violation::{Collector, Violation};
use crate::wire::{Environment, Interconnect, Issue, IssueContext, MacSecKey, MaintenanceEvent};

/// Checks a connection's bandwidth against its interconnect and environment.
/// `reserved_mbps` is what other connections on the interconnect already hold.
pub fn validate_connection_bandwidth(
    bandwidth_mbps: Option<i32>,
    interconnect: &Interconnect,
    environment: &Environment,
    reserved_mbps: i64,
) -> Vec<Violation> {
    let mut c = Collector::default();
    let Some(bw) = bandwidth_mbps.filter(|bw| *bw > 0) else {
        c.push(
            CONN_BANDWIDTH_POSITIVE,
            "bandwidthMbps",
            format!("bandwidthMbps must be positive, got {bandwidth_mbps:?}"),
        );
        return c.violations;
    };
    let offered_env = environment.supported_connection_size_mbps.is_empty()
        || environment.supported_connection_size_mbps.contains(&bw);
    let offered_ix = interconnect.supported_connection_size_mbps.contains(&bw);
    if !offered_ix || !offered_env {
        c.push(
            CONN_BANDWIDTH_OFFERED,
            "bandwidthMbps",
            format!(
                "{bw} Mbps is not offered (interconnect offers {:?}, environment {:?})",
                interconnect.supported_connection_size_mbps,
                environment.supported_connection_size_mbps
            ),
        );
    }
    let max = interconnect.max_bandwidth_mbps.map(i64::from).unwrap_or(0);
    if reserved_mbps + i64::from(bw) > max {
        c.push(
            CONN_BANDWIDTH_FITS,
            "bandwidthMbps",
            format!("{bw} Mbps does not fit: {reserved_mbps} of {max} Mbps are already reserved"),
        );
    }
    c.violations
}

/// Checks an environment has exactly two provider sites with distinct providers.
pub fn validate_environment(env: &Environment) -> Vec<Violation> {
    let mut c = Collector::default();
    let sites = &env.provider_sites;
    if sites.len() != 2 {
        c.push(
            ENV_TWO_SITES,
            "providerSites",
            format!("{} provider sites; exactly two are required", sites.len()),
        );
    }
    for (i, s) in sites.iter().enumerate() {
        if s.provider_id.is_none() {
            c.push(
                ENV_TWO_SITES,
                format!("providerSites[{i}].providerId"),
                "the site names no provider",
            );
        }
    }
    for (i, a) in sites.iter().enumerate() {
        if let Some((j, _)) = sites
            .iter()
            .enumerate()
            .skip(i + 1)
            .find(|(_, b)| a.provider_id.is_some() && b.provider_id == a.provider_id)
        {
            c.push(
                ENV_DISTINCT_PROVIDERS,
                format!("providerSites[{j}].providerId"),
                format!("the same provider as providerSites[{i}]"),
            );
        }
    }
    c.violations
}

/// Checks the CAK and CKN of a MACsec key in the default hexadecimal
/// encoding ([`validate_mac_sec_key_as`](super::validate_mac_sec_key_as)
/// checks another agreed one). Messages never show either value.
pub fn validate_mac_sec_key(key: &MacSecKey) -> Vec<Violation> {
    super::validate_mac_sec_key_as(key, super::MacSecKeyEncoding::Hex)
}

/// Checks a maintenance event has a start before its end.
pub fn validate_maintenance_event(event: &MaintenanceEvent) -> Vec<Violation> {
    let mut c = Collector::default();
    match (event.start_time, event.end_time) {
        (Some(start), Some(end)) if start < end => {}
        (Some(start), Some(end)) => c.push(
            MAINT_START_BEFORE_END,
            "endTime",
            format!("the end {end} is not after the start {start}"),
        ),
        (None, _) => c.push(MAINT_START_BEFORE_END, "startTime", "startTime is required"),
        (_, None) => c.push(MAINT_START_BEFORE_END, "endTime", "endTime is required"),
    }
    c.violations
}

/// Checks an issue's title, body and required contexts.
pub fn validate_issue(issue: &Issue) -> Vec<Violation> {
    let mut c = Collector::default();
    if issue.title.trim().is_empty() || issue.title.contains(['\n', '\r']) {
        c.push(
            ISSUE_TITLE_ONE_LINE,
            "title",
            "the title must be one non-empty line",
        );
    }
    if issue.body.trim().is_empty() {
        c.push(ISSUE_BODY_PRESENT, "body", "the body must not be empty");
    }
    match issue.issue_context {
        Some(IssueContext::ConnectionIssue) if issue.connection_contexts.is_empty() => c.push(
            ISSUE_CONNECTION_CONTEXT,
            "connectionContexts",
            "ISSUE_CONTEXT_CONNECTION_ISSUE requires at least one connection context",
        ),
        Some(IssueContext::InterconnectIssue) if issue.interconnect_contexts.is_empty() => c.push(
            ISSUE_INTERCONNECT_CONTEXT,
            "interconnectContexts",
            "ISSUE_CONTEXT_INTERCONNECT_ISSUE requires at least one interconnect context",
        ),
        _ => {}
    }
    c.violations
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::ProviderName;
    use crate::wire::{ProviderSites, Secret, Timestamp};

    fn ix() -> Interconnect {
        Interconnect {
            supported_connection_size_mbps: vec![1000, 10000],
            max_bandwidth_mbps: Some(20000),
            ..Default::default()
        }
    }

    fn env() -> Environment {
        Environment {
            supported_connection_size_mbps: vec![1000, 10000],
            ..Default::default()
        }
    }

    fn rules(v: Vec<Violation>) -> Vec<&'static str> {
        v.iter().map(|v| v.rule).collect()
    }

    #[test]
    fn bandwidth_rules() {
        assert_eq!(
            rules(validate_connection_bandwidth(Some(1000), &ix(), &env(), 0)),
            Vec::<&str>::new()
        );
        assert_eq!(
            rules(validate_connection_bandwidth(Some(0), &ix(), &env(), 0)),
            vec![CONN_BANDWIDTH_POSITIVE]
        );
        assert_eq!(
            rules(validate_connection_bandwidth(None, &ix(), &env(), 0)),
            vec![CONN_BANDWIDTH_POSITIVE]
        );
        assert_eq!(
            rules(validate_connection_bandwidth(Some(500), &ix(), &env(), 0)),
            vec![CONN_BANDWIDTH_OFFERED]
        );
        let mut narrow_env = env();
        narrow_env.supported_connection_size_mbps = vec![1000];
        assert_eq!(
            rules(validate_connection_bandwidth(
                Some(10000),
                &ix(),
                &narrow_env,
                0
            )),
            vec![CONN_BANDWIDTH_OFFERED]
        );
        assert_eq!(
            rules(validate_connection_bandwidth(
                Some(10000),
                &ix(),
                &env(),
                10000
            )),
            Vec::<&str>::new()
        );
        assert_eq!(
            rules(validate_connection_bandwidth(
                Some(10000),
                &ix(),
                &env(),
                10001
            )),
            vec![CONN_BANDWIDTH_FITS]
        );
    }

    #[test]
    fn environment_sites() -> Result<(), crate::names::NameError> {
        let site = |p: &str| -> Result<ProviderSites, crate::names::NameError> {
            Ok(ProviderSites {
                provider_id: Some(ProviderName::new(p)?),
                site: Some("s".into()),
                display_name: None,
            })
        };
        let mut e = env();
        e.provider_sites = vec![site("aws")?, site("gcp")?];
        assert_eq!(validate_environment(&e), vec![]);
        e.provider_sites = vec![site("aws")?, site("aws")?];
        assert_eq!(
            rules(validate_environment(&e)),
            vec![ENV_DISTINCT_PROVIDERS]
        );
        e.provider_sites = vec![site("aws")?];
        assert_eq!(rules(validate_environment(&e)), vec![ENV_TWO_SITES]);
        e.provider_sites = vec![site("aws")?, site("gcp")?, site("azure")?];
        assert_eq!(rules(validate_environment(&e)), vec![ENV_TWO_SITES]);
        Ok(())
    }

    #[test]
    fn mac_sec_key_formats() {
        let key = |cak: &str, ckn: &str| MacSecKey {
            cak: Some(Secret::new(cak)),
            ckn: Some(Secret::new(ckn)),
            ..Default::default()
        };
        assert_eq!(validate_mac_sec_key(&key(&"ab".repeat(16), "01")), vec![]);
        assert_eq!(
            validate_mac_sec_key(&key(&"AB".repeat(32), &"ff".repeat(32))),
            vec![]
        );
        assert_eq!(
            rules(validate_mac_sec_key(&key(&"ab".repeat(17), "01"))),
            vec![MACSEC_CAK_FORMAT]
        );
        assert_eq!(
            rules(validate_mac_sec_key(&key(&"zz".repeat(16), "01"))),
            vec![MACSEC_CAK_FORMAT]
        );
        assert_eq!(
            rules(validate_mac_sec_key(&key(&"ab".repeat(16), "012"))),
            vec![MACSEC_CKN_FORMAT]
        );
        assert_eq!(
            rules(validate_mac_sec_key(&key(&"ab".repeat(16), ""))),
            vec![MACSEC_CKN_FORMAT]
        );
        assert_eq!(
            rules(validate_mac_sec_key(&key(
                &"ab".repeat(16),
                &"ab".repeat(33)
            ))),
            vec![MACSEC_CKN_FORMAT]
        );
        let v = validate_mac_sec_key(&key("secretvalue", "othersecret"));
        assert!(
            v.iter()
                .all(|v| !v.message.contains("secretvalue") && !v.message.contains("othersecret"))
        );
    }

    #[test]
    fn maintenance_start_before_end() {
        let t = |s: i64| Timestamp::from_unix_seconds(s);
        let ev = |a, b| MaintenanceEvent {
            start_time: a,
            end_time: b,
            maintenance_id: None,
        };
        assert_eq!(validate_maintenance_event(&ev(t(1), t(2))), vec![]);
        assert_eq!(
            rules(validate_maintenance_event(&ev(t(2), t(2)))),
            vec![MAINT_START_BEFORE_END]
        );
        assert_eq!(
            rules(validate_maintenance_event(&ev(t(3), t(2)))),
            vec![MAINT_START_BEFORE_END]
        );
        assert_eq!(
            rules(validate_maintenance_event(&ev(None, t(2)))),
            vec![MAINT_START_BEFORE_END]
        );
    }

    #[test]
    fn issue_rules() {
        let ok = Issue {
            title: "BGP down on ch1".into(),
            body: "Since 10:00 UTC".into(),
            ..Default::default()
        };
        assert_eq!(validate_issue(&ok), vec![]);
        assert_eq!(
            rules(validate_issue(&Issue {
                title: "two\nlines".into(),
                ..ok.clone()
            })),
            vec![ISSUE_TITLE_ONE_LINE]
        );
        assert_eq!(
            rules(validate_issue(&Issue {
                title: "  ".into(),
                ..ok.clone()
            })),
            vec![ISSUE_TITLE_ONE_LINE]
        );
        assert_eq!(
            rules(validate_issue(&Issue {
                body: String::new(),
                ..ok.clone()
            })),
            vec![ISSUE_BODY_PRESENT]
        );
        let conn_issue = Issue {
            issue_context: Some(IssueContext::ConnectionIssue),
            ..ok.clone()
        };
        assert_eq!(
            rules(validate_issue(&conn_issue)),
            vec![ISSUE_CONNECTION_CONTEXT]
        );
        let ix_issue = Issue {
            issue_context: Some(IssueContext::InterconnectIssue),
            ..ok
        };
        assert_eq!(
            rules(validate_issue(&ix_issue)),
            vec![ISSUE_INTERCONNECT_CONTEXT]
        );
    }
}
