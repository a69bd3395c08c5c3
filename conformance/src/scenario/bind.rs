//! Placeholders of scenario steps (`conformance/vectors/scenarios/README.md`
//! "Placeholders"): names discovered from the target with its List
//! operations, generated UUIDs and values saved from earlier responses.

use std::collections::BTreeMap;

use interconnect_core::names::{EnvironmentName, InterconnectName, ProviderName};
use interconnect_core::wire::{AdminState, InterconnectState};
use interconnect_provider::request;
use interconnect_provider::{Caller, ConnectionCoordinator, PageRequest};
use serde_json::Value;

/// Why a placeholder could not be filled or the target not discovered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BindError {
    /// A placeholder names nothing known (a vector defect or a target with
    /// fewer resources than the scenario needs).
    #[error("placeholder `{{{0}}}` names nothing the runner discovered or saved")]
    Unknown(String),
    /// A List operation of the discovery failed.
    #[error("discovery: {operation}: {message}")]
    Discovery {
        /// The operation.
        operation: &'static str,
        /// The error.
        message: String,
    },
}

/// The values placeholders stand for.
#[derive(Debug, Clone, Default)]
pub struct Bindings {
    values: BTreeMap<String, Value>,
}

impl Bindings {
    /// Sets `{name}`.
    pub fn set(&mut self, name: impl Into<String>, value: Value) {
        self.values.insert(name.into(), value);
    }

    /// The value of `{name}`; `{uuid:x}` is generated on first use.
    pub fn get(&mut self, name: &str) -> Option<Value> {
        if let Some((base, filter)) = name.split_once('|') {
            let text = self.get(base)?;
            let text = text.as_str()?;
            return filtered(text, filter).map(Value::String);
        }
        if let Some(v) = self.values.get(name) {
            return Some(v.clone());
        }
        if name.starts_with("uuid:") {
            let v = Value::String(uuid::Uuid::new_v4().to_string());
            self.values.insert(name.to_owned(), v.clone());
            return Some(v);
        }
        None
    }

    /// A copy holding only the discovered names (the start of a scenario).
    pub fn clone_base(&self) -> Bindings {
        self.clone()
    }

    /// Fills every placeholder of `value`: a string that is exactly one
    /// placeholder becomes the value (of any JSON type); placeholders inside
    /// a longer string are replaced by their text.
    pub fn fill(&mut self, value: &Value) -> Result<Value, BindError> {
        Ok(match value {
            Value::String(s) => self.fill_str(s)?,
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|v| self.fill(v))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| Ok((k.clone(), self.fill(v)?)))
                    .collect::<Result<_, BindError>>()?,
            ),
            other => other.clone(),
        })
    }

    /// Fills the placeholders of a string.
    pub fn fill_str(&mut self, s: &str) -> Result<Value, BindError> {
        let spans = placeholders(s);
        if let [(0, end, name)] = spans.as_slice()
            && *end == s.len()
        {
            return self
                .get(name)
                .ok_or_else(|| BindError::Unknown(name.clone()));
        }
        let mut out = String::with_capacity(s.len());
        let mut at = 0;
        for (start, end, name) in spans {
            out.push_str(s.get(at..start).unwrap_or_default());
            let v = self.get(&name).ok_or(BindError::Unknown(name))?;
            match v {
                Value::String(text) => out.push_str(&text),
                other => out.push_str(&other.to_string()),
            }
            at = end;
        }
        out.push_str(s.get(at..).unwrap_or_default());
        Ok(Value::String(out))
    }

    /// Fills a string and answers text.
    pub fn fill_text(&mut self, s: &str) -> Result<String, BindError> {
        Ok(match self.fill_str(s)? {
            Value::String(text) => text,
            other => other.to_string(),
        })
    }
}

/// The text of a placeholder `{name|filter}`: `upper` (upper case, as a
/// peer may write a UUID, CONN-3) or `wrap76` (base64 text broken into lines
/// of 76 characters with CRLF, as MIME writes it, CONN-25). `None` for an
/// unknown filter.
fn filtered(text: &str, filter: &str) -> Option<String> {
    match filter {
        "upper" => Some(text.to_uppercase()),
        "wrap76" => Some(
            text.as_bytes()
                .chunks(76)
                .map(|line| String::from_utf8_lossy(line).into_owned())
                .collect::<Vec<_>>()
                .join("\r\n"),
        ),
        _ => None,
    }
}

/// `(start, end, name)` of every `{name}` whose name is made of letters,
/// digits and `_ . : - |` (`|` introduces a filter, see [`filtered`]).
fn placeholders(s: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut search = 0;
    while let Some(open) = s
        .get(search..)
        .and_then(|t| t.find('{'))
        .map(|i| i + search)
    {
        let Some(close) = s.get(open..).and_then(|t| t.find('}')).map(|i| i + open) else {
            break;
        };
        let name = s.get(open + 1..close).unwrap_or_default();
        if !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '-' | '|'))
        {
            out.push((open, close + 1, name.to_owned()));
            search = close + 1;
        } else {
            search = open + 1;
        }
    }
    out
}

fn discovery(operation: &'static str, e: impl std::fmt::Display) -> BindError {
    BindError::Discovery {
        operation,
        message: e.to_string(),
    }
}

fn page(token: Option<String>) -> PageRequest {
    PageRequest {
        page_size: Some(1000),
        page_token: token,
    }
}

/// At most this many pages are read per List during discovery.
const MAX_PAGES: usize = 50;

/// Discovers the names placeholders stand for, calling the target's List
/// operations as the partner: `{provider}`, `{server}`, `{environment}`,
/// `{environment.N}`, `{interconnect}`, `{interconnect.N}` (the active
/// interconnects of the first environment), `{channel}`, `{channel.N}` (the
/// enabled channels of the first interconnect),
/// `{channel.managed}` / `{channel.unmanaged}` (a channel whose MACsec
/// manager is / is not the partner, enabled ones first; `{channel.managed.N}`
/// the N-th such) and `{interconnect.N/channel.M}` (enabled ones), each numbered in
/// the order the target lists them (the specification defines none, so no
/// scenario may rely on it); `{channel.disabled}` is the first
/// channel (of any interconnect of the first environment) whose admin state
/// is not enabled, `{channel.disabled.interconnect}` its interconnect.
/// With `only`, the environments are that one alone (it must be listed).
pub async fn discover<C: ConnectionCoordinator + ?Sized>(
    coordinator: &C,
    caller: &Caller,
    partner: &ProviderName,
    only: Option<&EnvironmentName>,
) -> Result<Bindings, BindError> {
    let mut b = Bindings::default();
    b.set("provider", Value::String(partner.to_string()));
    let providers = coordinator
        .list_providers(caller, request::ListProviders {})
        .await
        .map_err(|e| discovery("ListProviders", e))?;
    if let Some(server) = providers
        .providers
        .iter()
        .filter_map(|p| p.name.as_ref())
        .find(|n| *n != partner)
    {
        b.set("server", Value::String(server.to_string()));
    }
    let mut environments: Vec<EnvironmentName> = Vec::new();
    let mut token = None;
    for _ in 0..MAX_PAGES {
        let r = coordinator
            .list_environments(
                caller,
                request::ListEnvironments {
                    parent: partner.clone(),
                    page: page(token),
                },
            )
            .await
            .map_err(|e| discovery("ListEnvironments", e))?;
        environments.extend(r.environments.into_iter().filter_map(|e| e.name));
        token = r.next_page_token.filter(|t| !t.is_empty());
        if token.is_none() {
            break;
        }
    }
    if let Some(only) = only {
        if !environments.contains(only) {
            return Err(BindError::Discovery {
                operation: "ListEnvironments",
                message: format!("{only} is not listed to {partner}"),
            });
        }
        environments = vec![only.clone()];
    }
    numbered(
        &mut b,
        "environment",
        environments.iter().map(ToString::to_string),
    );
    let Some(first_env) = environments.first() else {
        return Ok(b);
    };
    let mut listed = Vec::new();
    let mut token = None;
    for _ in 0..MAX_PAGES {
        let r = coordinator
            .list_interconnects(
                caller,
                request::ListInterconnects {
                    parent: first_env.clone(),
                    page: page(token),
                },
            )
            .await
            .map_err(|e| discovery("ListInterconnects", e))?;
        listed.extend(r.interconnects);
        token = r.next_page_token.filter(|t| !t.is_empty());
        if token.is_none() {
            break;
        }
    }
    // An interconnect that is not INTERCONNECT_STATE_ACTIVE takes no new
    // connection (CONN-6): the first one is `{interconnect.inactive}`, and
    // the others (a state the target does not show counts as active) are
    // the `{interconnect.N}` the scenarios create connections on.
    if !b.values.contains_key("interconnect.inactive")
        && let Some(inactive) = listed
            .iter()
            .filter(|i| {
                i.state
                    .as_ref()
                    .is_some_and(|s| *s != InterconnectState::Active)
            })
            .find_map(|i| i.name.as_ref())
    {
        b.set("interconnect.inactive", Value::String(inactive.to_string()));
    }
    let interconnects: Vec<InterconnectName> = listed
        .into_iter()
        .filter(|i| {
            i.state
                .as_ref()
                .is_none_or(|s| *s == InterconnectState::Active)
        })
        .filter_map(|i| i.name)
        .collect();
    numbered(
        &mut b,
        "interconnect",
        interconnects.iter().map(ToString::to_string),
    );
    let mut macsec_from = None;
    let mut first_channels = Vec::new();
    for (i, ix) in interconnects.iter().enumerate() {
        let mut channels = Vec::new();
        let mut token = None;
        for _ in 0..MAX_PAGES {
            let r = coordinator
                .list_channels(
                    caller,
                    request::ListChannels {
                        parent: ix.clone(),
                        page: page(token),
                    },
                )
                .await
                .map_err(|e| discovery("ListChannels", e))?;
            channels.extend(r.channels);
            token = r.next_page_token.filter(|t| !t.is_empty());
            if token.is_none() {
                break;
            }
        }
        // `{channel.N}` are the channels that take features (FEAT-13), in
        // the order the target lists them (no order is specified): a
        // state the target does not show counts as enabled
        let names: Vec<String> = channels
            .iter()
            .filter(|c| enabled(c))
            .filter_map(|c| c.name.as_ref().map(ToString::to_string))
            .collect();
        if !b.values.contains_key("channel.disabled")
            && let Some(disabled) = channels
                .iter()
                .filter(|c| {
                    c.admin_state
                        .as_ref()
                        .is_some_and(|s| *s != AdminState::Enabled)
                })
                .find_map(|c| c.name.as_ref())
        {
            b.set("channel.disabled", Value::String(disabled.to_string()));
            b.set(
                "channel.disabled.interconnect",
                Value::String(ix.to_string()),
            );
        }
        for (j, name) in names.iter().enumerate() {
            b.set(
                format!("interconnect.{}/channel.{}", i + 1, j + 1),
                Value::String(name.clone()),
            );
        }
        if i == 0 {
            numbered(&mut b, "channel", names.into_iter());
        }
        // The MACsec channels come from the first interconnect whose
        // channels the partner manages hold no key yet: a rotation a
        // previous run finished leaves an active key that no one may
        // delete (MACSEC-7), so a second run moves on (issue 18 item 5).
        if macsec_from.is_none() {
            let managed: Vec<_> = channels
                .iter()
                .filter(|c| c.macsec_manager_provider.as_ref() == Some(partner))
                .filter_map(|c| c.name.clone())
                .collect();
            let mut fresh = true;
            for ch in &managed {
                let keys = coordinator
                    .list_mac_sec_keys(caller, request::ListMacSecKeys { parent: ch.clone() })
                    .await
                    .map_err(|e| discovery("ListMacSecKeys", e))?;
                fresh &= keys.mac_sec_keys.is_empty();
            }
            if fresh && !managed.is_empty() {
                macsec_from = Some(channels.clone());
            }
        }
        if i == 0 {
            first_channels = channels;
        }
    }
    let mut macsec = macsec_from.unwrap_or(first_channels);
    // enabled channels first (a disabled one takes MACsec keys on our
    // server, but the specification does not say that every server must),
    // each group in the target's order
    macsec.sort_by_key(|c| !enabled(c));
    for (label, ours) in [("channel.managed", true), ("channel.unmanaged", false)] {
        numbered(
            &mut b,
            label,
            macsec
                .iter()
                .filter(|c| (c.macsec_manager_provider.as_ref() == Some(partner)) == ours)
                .filter_map(|c| c.name.as_ref().map(ToString::to_string)),
        );
    }
    Ok(b)
}

/// Whether a channel takes features: its admin state is enabled, or not
/// shown.
fn enabled(c: &interconnect_core::wire::Channel) -> bool {
    c.admin_state
        .as_ref()
        .is_none_or(|s| *s == AdminState::Enabled)
}

fn numbered(b: &mut Bindings, base: &str, names: impl Iterator<Item = String>) {
    for (i, name) in names.enumerate() {
        if i == 0 {
            b.set(base, Value::String(name.clone()));
        }
        b.set(format!("{base}.{}", i + 1), Value::String(name));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_fill_whole_values_and_text() -> Result<(), BindError> {
        let mut b = Bindings::default();
        b.set("n", Value::from(5));
        b.set(
            "ix",
            Value::from("providers/gcp/environments/e/interconnects/ix1"),
        );
        assert_eq!(b.fill_str("{n}")?, Value::from(5));
        assert_eq!(
            b.fill_str("{ix}/connections/{n}")?,
            Value::from("providers/gcp/environments/e/interconnects/ix1/connections/5")
        );
        let a = b.fill_str("{uuid:a}")?;
        assert_eq!(b.fill_str("{uuid:a}")?, a, "the same within a scenario");
        assert_ne!(b.fill_str("{uuid:b}")?, a);
        assert_eq!(
            b.fill_str("{not a placeholder}")?,
            Value::from("{not a placeholder}")
        );
        assert_eq!(
            b.fill_str("{missing}"),
            Err(BindError::Unknown("missing".into()))
        );
        Ok(())
    }
}
