//! The scenario runner: discovery, steps, assertions, cleanup, outcomes.
//!
//! After each scenario the runner deletes what that scenario created
//! (connections, with their features; MACsec keys; issues are closed), in
//! reverse order, ignoring 404; it never touches anything else. A cleanup
//! failure fails the scenario.

use interconnect_core::names::{ChannelName, ConnectionName, EnvironmentName, ProviderName};
use interconnect_core::wire::Secret;
use interconnect_provider::{ConnectionCoordinator, CoordinatorError, ErrorKind, request};
use serde_json::Value;

use super::bind::{BindError, Bindings, discover};
use super::model::{Assertion, HookCall, PeerCall, Role, Scenario, Step};
use super::operations::{AnyRequest, OperationCall, error_json, invoke};
use super::peer::EmbeddedPeer;
use super::redact::{redact_text, redact_value};
use super::target::Target;
use crate::outcome::{Outcome, Verdict};

pub use crate::filter::Filter;

/// The default destination account of issued keys.
const DEFAULT_ACCOUNT: &str = "123456789012";

/// Something a scenario created, to be removed after it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Created {
    Connection(String),
    MacSecKey(String),
    Issue(String),
}

/// The state of one scenario's run.
struct Run<'a, T: Target> {
    target: &'a T,
    peer: &'a EmbeddedPeer,
    vars: Bindings,
    secrets: Vec<String>,
    created: Vec<Created>,
    /// MACsec keys the scenario made active through the hook: the target
    /// refuses to delete an active key (MACSEC-7), so cleanup leaves them.
    activated: Vec<String>,
}

/// Runs the scenarios `filter` selects against `target`; one outcome per
/// selected scenario, in order (unselected ones are not reported).
pub async fn run_scenarios<T: Target>(
    target: &T,
    scenarios: &[Scenario],
    filter: &Filter,
) -> Vec<Outcome> {
    run_scenarios_in(target, scenarios, filter, None).await
}

/// [`run_scenarios`], with discovery restricted to one `environment` of the
/// target (`--environment ID`): `{environment}` is that environment and the
/// other discovered names are under it.
pub async fn run_scenarios_in<T: Target>(
    target: &T,
    scenarios: &[Scenario],
    filter: &Filter,
    environment: Option<&EnvironmentName>,
) -> Vec<Outcome> {
    let peer = EmbeddedPeer::new(target.partner().clone());
    let base = discover(
        target.coordinator(),
        &target.caller(Role::Partner),
        target.partner(),
        environment,
    )
    .await;
    let mut out = Vec::with_capacity(scenarios.len());
    for scenario in scenarios {
        if !filter.selects(&scenario.id, &scenario.family, scenario.requirements()) {
            continue;
        }
        let verdict = if let Some(missing) = scenario.needs.iter().find(|h| !target.has_hook(**h)) {
            Verdict::Skip {
                reason: format!("the target offers no `{}` hook", missing.as_str()),
            }
        } else if let Some(role) = scenario
            .steps
            .iter()
            .map(|s| s.role)
            .find(|r| !target.has_role(*r))
        {
            Verdict::Skip {
                reason: format!(
                    "the runner has no credentials for the `{}` role",
                    match role {
                        Role::Partner => "partner",
                        Role::Stranger => "stranger",
                    }
                ),
            }
        } else {
            match &base {
                Err(e) => Verdict::Fail {
                    mismatch: e.to_string(),
                },
                Ok(base) => run_one(target, &peer, base.clone_base(), scenario).await,
            }
        };
        out.push(Outcome {
            vector: scenario.id.clone(),
            requirement: scenario.requirement.clone(),
            family: scenario.family.clone(),
            description: scenario.description.clone(),
            verdict,
        });
    }
    out
}

async fn run_one<T: Target>(
    target: &T,
    peer: &EmbeddedPeer,
    vars: Bindings,
    scenario: &Scenario,
) -> Verdict {
    let mut run = Run {
        target,
        peer,
        vars,
        secrets: Vec::new(),
        created: Vec::new(),
        activated: Vec::new(),
    };
    let mut verdict = Verdict::Pass;
    for (i, step) in scenario.steps.iter().enumerate() {
        match run.step(step).await {
            Ok(()) => {}
            Err(StepFailure::Skip(reason)) => {
                verdict = Verdict::Skip {
                    reason: format!("step {i}: {reason}"),
                };
                break;
            }
            Err(StepFailure::Mismatch(m)) => {
                verdict = Verdict::Fail {
                    mismatch: redact_text(
                        &format!("step {i} ({}): {m}", step_label(step)),
                        &run.secrets,
                    ),
                };
                break;
            }
        }
    }
    if let Err(e) = run.cleanup().await {
        let e = redact_text(&e, &run.secrets);
        verdict = match verdict {
            Verdict::Fail { mismatch } => Verdict::Fail {
                mismatch: format!("{mismatch}; cleanup: {e}"),
            },
            _ => Verdict::Fail {
                mismatch: format!("cleanup: {e}"),
            },
        };
    }
    verdict
}

fn step_label(step: &Step) -> String {
    if let Some(op) = &step.op {
        op.clone()
    } else if let Some(h) = &step.hook {
        format!("hook {}", h.hook().as_str())
    } else {
        "peer".to_owned()
    }
}

enum StepFailure {
    /// The target lacks something the scenario needs (a discovered name).
    Skip(String),
    /// The target did not behave as expected.
    Mismatch(String),
}

impl From<BindError> for StepFailure {
    fn from(e: BindError) -> Self {
        match e {
            BindError::Unknown(_) => StepFailure::Skip(e.to_string()),
            BindError::Discovery { .. } => StepFailure::Mismatch(e.to_string()),
        }
    }
}

fn mismatch(m: impl Into<String>) -> StepFailure {
    StepFailure::Mismatch(m.into())
}

/// Sets the member at `pointer`: replaces it, or adds it to its parent
/// object.
fn set_member(body: &mut Value, pointer: &str, v: Value) -> Result<(), StepFailure> {
    if let Some(slot) = body.pointer_mut(pointer) {
        *slot = v;
        return Ok(());
    }
    let missing = || mismatch(format!("`set`: the body has no object to hold {pointer}"));
    let (parent, last) = pointer.rsplit_once('/').ok_or_else(missing)?;
    let key = last.replace("~1", "/").replace("~0", "~");
    match body.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.insert(key, v);
            Ok(())
        }
        _ => Err(missing()),
    }
}

fn shown(v: Option<&Value>) -> String {
    match v {
        None => "(absent)".to_owned(),
        Some(v) => redact_value(v).to_string(),
    }
}

impl<T: Target> Run<'_, T> {
    async fn step(&mut self, step: &Step) -> Result<(), StepFailure> {
        if let Some(op) = &step.op {
            return self.operation(op, step).await;
        }
        let result = if let Some(hook) = &step.hook {
            self.hook(hook).await?
        } else if let Some(peer) = &step.peer {
            self.peer(peer, step.role).await?
        } else {
            return Err(mismatch("a step has no `op`, `hook` or `peer`"));
        };
        self.check_and_save(step, &result)
    }

    async fn hook(&mut self, hook: &HookCall) -> Result<Value, StepFailure> {
        let t = self.target;
        match hook {
            HookCall::IssueActivationKey {
                environment,
                bandwidth_mbps,
                destination_account_id,
            } => {
                let env_text = self.vars.fill_text(environment)?;
                let env = env_text
                    .parse()
                    .map_err(|e| mismatch(format!("environment `{env_text}`: {e}")))?;
                let account = destination_account_id
                    .clone()
                    .unwrap_or_else(|| DEFAULT_ACCOUNT.to_owned());
                let key = t
                    .issue_activation_key(&env, *bandwidth_mbps, Secret::new(account))
                    .await
                    .map_err(|e| mismatch(e.to_string()))?;
                let text = key.expose().to_owned();
                self.secrets.push(text.clone());
                let decoded = interconnect_core::activation_key::EncodedActivationKey::new(&text)
                    .and_then(|k| k.decode())
                    .map_err(|e| mismatch(format!("the issued key does not decode: {e}")))?;
                let uuid = match decoded {
                    interconnect_core::activation_key::DecodedActivationKey::V1(v1) => {
                        v1.shared_connection_uuid().as_str().to_owned()
                    }
                    _ => return Err(mismatch("the issued key is not a version 1 key")),
                };
                Ok(serde_json::json!({
                    "encodedKey": text,
                    "sharedConnectionUuid": uuid,
                }))
            }
            HookCall::AdvanceClock { seconds } => {
                t.advance_clock(*seconds)
                    .await
                    .map_err(|e| mismatch(e.to_string()))?;
                Ok(Value::Object(Default::default()))
            }
            HookCall::AwaitProvisioning {} => {
                t.await_provisioning()
                    .await
                    .map_err(|e| mismatch(e.to_string()))?;
                Ok(Value::Object(Default::default()))
            }
            HookCall::ActivateMacSecKey { name } => {
                let text = self.vars.fill_text(name)?;
                let key = text
                    .parse()
                    .map_err(|e| mismatch(format!("MACsec key `{text}`: {e}")))?;
                t.activate_mac_sec_key(&key)
                    .await
                    .map_err(|e| mismatch(e.to_string()))?;
                self.activated.retain(|k| *k != text);
                self.activated.push(text);
                Ok(Value::Object(Default::default()))
            }
        }
    }

    async fn peer(&mut self, call: &PeerCall, role: Role) -> Result<Value, StepFailure> {
        match call {
            PeerCall::FeatureProposal {
                connection,
                channel,
            } => {
                let connection_text = self.vars.fill_text(connection)?;
                let channel_text = self.vars.fill_text(channel)?;
                let server_text = self.vars.fill_text("{server}")?;
                let connection: ConnectionName = connection_text
                    .parse()
                    .map_err(|e| mismatch(format!("connection `{connection_text}`: {e}")))?;
                let channel: ChannelName = channel_text
                    .parse()
                    .map_err(|e| mismatch(format!("channel `{channel_text}`: {e}")))?;
                let server = ProviderName::parse_reference(&server_text)
                    .map_err(|e| mismatch(format!("server `{server_text}`: {e}")))?;
                self.peer
                    .feature_proposal(
                        self.target.coordinator(),
                        &self.target.caller(role),
                        &server,
                        &connection,
                        &channel,
                    )
                    .await
                    .map_err(|e| mismatch(format!("embedded peer: {e}")))
            }
            PeerCall::MacSecKey {} => {
                let key = self.peer.mac_sec_key();
                for member in ["cak", "ckn"] {
                    if let Some(Value::String(s)) = key.get(member) {
                        self.secrets.push(s.clone());
                    }
                }
                Ok(key)
            }
        }
    }

    async fn operation(&mut self, op: &str, step: &Step) -> Result<(), StepFailure> {
        let path = match &step.path {
            Some(p) => Some(self.vars.fill_text(p)?),
            None => None,
        };
        let mut query = std::collections::BTreeMap::new();
        for (k, v) in &step.query {
            query.insert(k.clone(), self.vars.fill(v)?);
        }
        let mut body = match &step.body {
            Some(b) => Some(self.vars.fill(b)?),
            None => None,
        };
        if !step.set.is_empty() {
            let b = body.get_or_insert_with(|| Value::Object(Default::default()));
            for (pointer, v) in &step.set {
                let v = self.vars.fill(v)?;
                set_member(b, pointer, v)?;
            }
        }
        let call = OperationCall {
            operation: op.to_owned(),
            path,
            query,
            body,
        };
        let request = call
            .parse()
            .map_err(|e| mismatch(format!("the step does not build a request: {e}")))?;
        // REQ-1..REQ-4: a `requestId` query parameter travels with the caller
        // (the HTTP target's client sends it as the query parameter).
        let request_id = match call.query.get("requestId") {
            None | Some(Value::Null) => None,
            Some(v) => Some(
                v.as_str()
                    .and_then(|t| uuid::Uuid::parse_str(t).ok())
                    .ok_or_else(|| mismatch("the step's requestId is not a UUID"))?,
            ),
        };
        let caller = self.target.caller(step.role).with_request_id(request_id);
        let result = invoke(self.target.coordinator(), &caller, request.clone()).await;
        self.check_outcome(step, &result)?;
        let value = match &result {
            Ok(v) => v.clone(),
            Err(e) => error_json(e),
        };
        if result.is_ok() {
            self.track(&request, &value);
        }
        self.check_and_save(step, &value)
    }

    fn check_outcome(
        &self,
        step: &Step,
        result: &Result<Value, CoordinatorError>,
    ) -> Result<(), StepFailure> {
        let expect = &step.expect;
        match result {
            Ok(_) if expect.status == 200 => Ok(()),
            Ok(v) => Err(mismatch(format!(
                "expected status {}{}, got 200 {}",
                expect.status,
                expect
                    .rule
                    .as_deref()
                    .map(|r| format!(" naming {r}"))
                    .unwrap_or_default(),
                shown(Some(v)),
            ))),
            Err(e) => {
                if e.http_status() != expect.status {
                    return Err(mismatch(format!(
                        "expected status {}, got {} {} ({e})",
                        expect.status,
                        e.http_status(),
                        e.kind().status_name(),
                    )));
                }
                if let Some(kind) = &expect.kind
                    && e.kind().status_name() != kind
                {
                    return Err(mismatch(format!(
                        "expected {kind}, got {} ({e})",
                        e.kind().status_name()
                    )));
                }
                if let Some(rule) = &expect.rule
                    && e.rule() != rule
                    && !e.message().contains(rule.as_str())
                {
                    return Err(mismatch(format!(
                        "expected the error to name {rule}, got ({e})"
                    )));
                }
                Ok(())
            }
        }
    }

    fn check_and_save(&mut self, step: &Step, value: &Value) -> Result<(), StepFailure> {
        for a in &step.assert {
            self.check_assertion(a, value)?;
        }
        for (var, pointer) in &step.save {
            let v = value.pointer(pointer).cloned().ok_or_else(|| {
                mismatch(format!(
                    "cannot save `{var}`: the response has no member at {pointer}"
                ))
            })?;
            self.vars.set(var.clone(), v);
        }
        Ok(())
    }

    fn check_assertion(&mut self, a: &Assertion, value: &Value) -> Result<(), StepFailure> {
        let actual = value.pointer(&a.pointer).filter(|v| !v.is_null());
        let at = if a.pointer.is_empty() {
            "(response)"
        } else {
            a.pointer.as_str()
        };
        if let Some(expected) = &a.equals {
            let expected = self.vars.fill(expected)?;
            if actual != Some(&expected) {
                return Err(mismatch(format!(
                    "{at}: expected {}, got {}",
                    shown(Some(&expected)),
                    shown(actual)
                )));
            }
        }
        if a.exists == Some(true) && actual.is_none() || a.absent == Some(false) && actual.is_none()
        {
            return Err(mismatch(format!("{at}: expected a value, got (absent)")));
        }
        if a.absent == Some(true) && actual.is_some() || a.exists == Some(false) && actual.is_some()
        {
            return Err(mismatch(format!(
                "{at}: expected (absent), got {}",
                shown(actual)
            )));
        }
        if let Some(options) = &a.one_of {
            let options = options
                .iter()
                .map(|o| self.vars.fill(o))
                .collect::<Result<Vec<_>, _>>()?;
            if !actual.is_some_and(|v| options.contains(v)) {
                return Err(mismatch(format!(
                    "{at}: expected one of {}, got {}",
                    shown(Some(&Value::Array(options))),
                    shown(actual)
                )));
            }
        }
        if let Some(len) = a.length {
            let got = match actual {
                None => Some(0),
                Some(Value::Array(items)) => Some(items.len()),
                Some(_) => None,
            };
            if got != Some(len) {
                return Err(mismatch(format!(
                    "{at}: expected {len} items, got {}",
                    shown(actual)
                )));
            }
        }
        if let Some(pattern) = &a.contains {
            let pattern = self.vars.fill(pattern)?;
            let found = match actual {
                Some(Value::Array(items)) => items.iter().any(|i| item_matches(i, &pattern)),
                _ => false,
            };
            if !found {
                return Err(mismatch(format!(
                    "{at}: expected an item matching {}, got {}",
                    shown(Some(&pattern)),
                    shown(actual)
                )));
            }
        }
        if let Some(pattern) = &a.excludes {
            let pattern = self.vars.fill(pattern)?;
            let clean = match actual {
                None => true,
                Some(Value::Array(items)) => !items.iter().any(|i| item_matches(i, &pattern)),
                Some(_) => false,
            };
            if !clean {
                return Err(mismatch(format!(
                    "{at}: expected no item matching {}, got {}",
                    shown(Some(&pattern)),
                    shown(actual)
                )));
            }
        }
        Ok(())
    }

    /// Records what a successful operation created or removed.
    fn track(&mut self, request: &AnyRequest, response: &Value) {
        let name = || {
            response
                .get("name")
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        match request {
            AnyRequest::CreateConnection(_) => {
                if let Some(n) = name() {
                    self.created.push(Created::Connection(n));
                }
            }
            AnyRequest::CreateMacSecKey(_) => {
                if let Some(n) = name() {
                    self.created.push(Created::MacSecKey(n));
                }
            }
            AnyRequest::CreateIssue(_) => {
                if let Some(n) = name() {
                    self.created.push(Created::Issue(n));
                }
            }
            AnyRequest::DeleteConnection(r) => {
                let n = r.name.to_string();
                self.created
                    .retain(|c| *c != Created::Connection(n.clone()));
            }
            AnyRequest::DeleteMacSecKey(r) => {
                let n = r.name.to_string();
                self.created.retain(|c| *c != Created::MacSecKey(n.clone()));
            }
            AnyRequest::CloseIssue(r) => {
                let n = r.name.to_string();
                self.created.retain(|c| *c != Created::Issue(n.clone()));
            }
            _ => {}
        }
    }

    /// Removes what the scenario created, newest first, ignoring 404.
    async fn cleanup(&mut self) -> Result<(), String> {
        let coordinator = self.target.coordinator();
        let caller = self.target.caller(Role::Partner);
        let mut errors = Vec::new();
        while let Some(item) = self.created.pop() {
            let result = match &item {
                Created::Connection(n) => match n.parse() {
                    Ok(name) => coordinator
                        .delete_connection(&caller, request::DeleteConnection { name })
                        .await
                        .map(|_| ()),
                    Err(e) => Err(CoordinatorError::internal("NAME-1", e.to_string())),
                },
                Created::MacSecKey(n) => match n.parse() {
                    Ok(name) => coordinator
                        .delete_mac_sec_key(&caller, request::DeleteMacSecKey { name })
                        .await
                        .map(|_| ()),
                    Err(e) => Err(CoordinatorError::internal("NAME-1", e.to_string())),
                },
                Created::Issue(n) => match n.parse() {
                    Ok(name) => coordinator
                        .close_issue(
                            &caller,
                            request::CloseIssue {
                                name,
                                body: Default::default(),
                            },
                        )
                        .await
                        .map(|_| ()),
                    Err(e) => Err(CoordinatorError::internal("NAME-1", e.to_string())),
                },
            };
            let left_active = matches!(&item, Created::MacSecKey(n) if self.activated.contains(n));
            match result {
                Ok(()) => {}
                Err(e) if e.kind() == ErrorKind::NotFound => {}
                Err(e) if left_active && e.rule() == "MACSEC-7" => {}
                Err(e) => errors.push(format!("removing {item:?}: {e}")),
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors.join("; "))
        }
    }
}

/// Whether `item` matches `pattern` (`contains`/`excludes`): an object
/// pattern matches an object holding each of its members with an equal
/// value; any other pattern matches an equal value.
fn item_matches(item: &Value, pattern: &Value) -> bool {
    match (item, pattern) {
        (Value::Object(item), Value::Object(pattern)) => pattern
            .iter()
            .all(|(k, v)| item.get(k).is_some_and(|got| got == v)),
        _ => item == pattern,
    }
}
