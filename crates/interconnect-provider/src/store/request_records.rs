//! The outcomes of mutations made with a `requestId` (upstream-next
//! `parameters/_index.yaml` `x-request-id`: "used for tracing and
//! idempotency"; REQ-3..REQ-5): kept in the [`State`](super::State), so they
//! survive whatever the store survives, and forgotten after the configured
//! window.

use chrono::{DateTime, SecondsFormat, Utc};
use imbl::OrdMap;
use serde::{Deserialize, Serialize};

/// One recorded mutation: what was asked and what was answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestRecord {
    /// The operation id (`CreateConnection`, ...).
    pub operation: String,
    /// A digest of the operation's target and content (not the content
    /// itself, which may hold secrets).
    pub fingerprint: String,
    /// The response answered, as JSON.
    pub outcome: serde_json::Value,
    /// When it was answered.
    pub recorded_at: DateTime<Utc>,
}

/// The records, by caller and `requestId`, with an index by time so that
/// expired records are dropped without a scan of the whole map.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestRecords {
    records: OrdMap<String, RequestRecord>,
    by_time: OrdMap<String, String>,
}

/// The key of a record: the caller's principal and the id.
pub fn record_key(principal: &str, request_id: &uuid::Uuid) -> String {
    format!("{principal}\n{request_id}")
}

fn time_key(at: DateTime<Utc>, key: &str) -> String {
    format!("{}\n{key}", at.to_rfc3339_opts(SecondsFormat::Nanos, true))
}

impl RequestRecords {
    /// The record under `key` made after `not_before`.
    pub fn get(&self, key: &str, not_before: DateTime<Utc>) -> Option<&RequestRecord> {
        self.records
            .get(key)
            .filter(|r| r.recorded_at >= not_before)
    }

    /// Keeps `record` under `key` and drops every record made before
    /// `not_before`.
    pub fn insert(&mut self, key: String, record: RequestRecord, not_before: DateTime<Utc>) {
        self.expire(not_before);
        self.restore(key, record);
    }

    /// Drops every record made before `not_before`.
    pub fn expire(&mut self, not_before: DateTime<Utc>) {
        let cutoff = time_key(not_before, "");
        let expired: Vec<(String, String)> = self
            .by_time
            .range(..cutoff)
            .map(|(t, k)| (t.clone(), k.clone()))
            .collect();
        for (t, k) in expired {
            self.by_time.remove(&t);
            self.records.remove(&k);
        }
    }

    /// The records by key (the time index is derived from them): a durable
    /// store compares two versions of it with [`OrdMap::diff`].
    pub fn as_map(&self) -> &OrdMap<String, RequestRecord> {
        &self.records
    }

    /// Puts back a record read from a durable store, as it was, without
    /// expiring others (the store replays what a transaction kept).
    pub fn restore(&mut self, key: String, record: RequestRecord) {
        if let Some(old) = self.records.get(&key) {
            self.by_time.remove(&time_key(old.recorded_at, &key));
        }
        self.by_time
            .insert(time_key(record.recorded_at, &key), key.clone());
        self.records.insert(key, record);
    }

    /// Removes the record under `key` (a durable store replaying an
    /// expiry), with its time index entry.
    pub fn remove(&mut self, key: &str) -> Option<RequestRecord> {
        let old = self.records.remove(key)?;
        self.by_time.remove(&time_key(old.recorded_at, key));
        Some(old)
    }

    /// How many records are kept.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether no record is kept.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    fn record(at: DateTime<Utc>) -> RequestRecord {
        RequestRecord {
            operation: "CreateConnection".into(),
            fingerprint: "f".into(),
            outcome: serde_json::json!({}),
            recorded_at: at,
        }
    }

    #[test]
    fn records_expire_after_the_window() {
        let t0 = DateTime::parse_from_rfc3339("2026-09-01T00:00:00Z")
            .expect("time")
            .with_timezone(&Utc);
        let mut records = RequestRecords::default();
        records.insert("a".into(), record(t0), t0 - Duration::hours(1));
        records.insert(
            "b".into(),
            record(t0 + Duration::minutes(30)),
            t0 - Duration::hours(1),
        );
        assert!(records.get("a", t0).is_some());
        assert!(records.get("a", t0 + Duration::seconds(1)).is_none());
        records.expire(t0 + Duration::minutes(1));
        assert_eq!(records.len(), 1);
        assert!(records.get("b", t0).is_some());
        // serde round trip: the records live in the store's state
        let text = serde_json::to_string(&records).expect("writes");
        let back: RequestRecords = serde_json::from_str(&text).expect("reads");
        assert_eq!(back.len(), 1);
    }
}
