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
use super::inventory::Inventory;
use super::model::{Assertion, HookCall, PeerCall, Probe, ProbeCredentials, Role, Scenario, Step};
use super::operations::{AnyRequest, OperationCall, error_json, invoke};
use super::peer::EmbeddedPeer;
use super::probe::{PROBES, ProbeRequest};
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
    /// A connection the stranger created (removed as the stranger).
    StrangerConnection(String),
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
    /// refuses to delete an active key (MACSEC-7), so cleanup first makes
    /// another key of the channel active when it can.
    activated: Vec<String>,
    /// The target's own secrets (tokens): no answer may contain one.
    target_secrets: Vec<String>,
    /// Values a target may answer back but the runner never prints (the
    /// CKN of a MACsec key).
    printed_never: Vec<String>,
    /// The token sent by `probe` steps with wrong credentials.
    wrong_token: String,
}

/// How the scenarios run: the environment discovery is restricted to and
/// the partner's declared inventory.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// `--environment ID`.
    pub environment: Option<EnvironmentName>,
    /// `--inventory FILE`: takes precedence over what the target shows.
    pub inventory: Option<Inventory>,
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
    let options = RunOptions {
        environment: environment.cloned(),
        inventory: None,
    };
    run_scenarios_with(target, scenarios, filter, &options).await
}

/// [`run_scenarios`] with [`RunOptions`].
pub async fn run_scenarios_with<T: Target>(
    target: &T,
    scenarios: &[Scenario],
    filter: &Filter,
    options: &RunOptions,
) -> Vec<Outcome> {
    let peer = EmbeddedPeer::new(target.partner().clone());
    let mut base = discover(
        target.coordinator(),
        &target.caller(Role::Partner),
        target.partner(),
        options.environment.as_ref(),
    )
    .await;
    if let Ok(b) = &mut base {
        declare(b, options.inventory.as_ref());
        if target.has_role(Role::Stranger) {
            discover_stranger(target, b).await;
        }
    }
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
            kind: crate::outcome::Kind::Scenario,
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
        target_secrets: target
            .secrets()
            .into_iter()
            .filter(|s| s.len() >= MIN_SECRET_LEN)
            .collect(),
        wrong_token: format!("wrong-{}", uuid::Uuid::new_v4().simple()),
        printed_never: Vec::new(),
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
                        &run.all_secrets(),
                    ),
                };
                break;
            }
        }
    }
    if let Err(e) = run.cleanup().await {
        let e = redact_text(&e, &run.all_secrets());
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
    } else if step.probe.is_some() {
        "probe".to_owned()
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
            BindError::Unknown(name) if name.starts_with("channel.disabled") => StepFailure::Skip(
                "the target shows no disabled channel and no declared inventory names one \
                 (--inventory FILE, `disabledChannels`)"
                    .to_owned(),
            ),
            BindError::Unknown(name) if name == "interconnect.inactive" => StepFailure::Skip(
                "the target shows no interconnect outside INTERCONNECT_STATE_ACTIVE and no \
                 declared inventory names one (--inventory FILE, `inactiveInterconnects`)"
                    .to_owned(),
            ),
            BindError::Unknown(name) if name.starts_with("stranger.") => {
                StepFailure::Skip("the stranger owns no environment on the target".to_owned())
            }
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
        if let Some(probe) = &step.probe {
            return self.probe(probe, step).await;
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
                deviate,
                ipv6,
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
                        *deviate,
                        *ipv6,
                    )
                    .await
                    .map_err(|e| match e.strip_prefix("skip: ") {
                        Some(reason) => StepFailure::Skip(reason.to_owned()),
                        None => mismatch(format!("embedded peer: {e}")),
                    })
            }
            PeerCall::MacSecKey {} => {
                let key = self.peer.mac_sec_key();
                // The CAK never comes back (MACSEC-14, MACSEC-15); the CKN
                // may (the key's identity), but is never printed.
                if let Some(Value::String(s)) = key.get("cak") {
                    self.secrets.push(s.clone());
                }
                if let Some(Value::String(s)) = key.get("ckn") {
                    self.printed_never.push(s.clone());
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
        // Secret members written in the vector itself (a literal key, say)
        // are never printed either (KEY-13).
        if let Some(b) = &body {
            collect_secret_members(b, &mut self.printed_never);
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
        if let Some(items) = &step.walk {
            let value = self.walk(call, items, &caller).await?;
            return self.check_and_save(step, &value);
        }
        // a body left by an earlier call (a hook, discovery) is not this one's
        let _ = self.target.take_answer_document();
        let result = invoke(self.target.coordinator(), &caller, request.clone()).await;
        let value = match &result {
            // the document the target wrote, when it is reached over a wire
            Ok(v) => match self.target.take_answer_document() {
                Some(Ok(document)) => document,
                Some(Err(e)) => return Err(mismatch(e)),
                None => v.clone(),
            },
            Err(e) => error_json(e),
        };
        // Tracked first: what the target created is removed even when the
        // step then fails.
        if result.is_ok() {
            self.track(&request, &value, step.role);
        }
        self.check_no_secret(&value)?;
        self.check_outcome(step, &result)?;
        self.check_and_save(step, &value)
    }

    /// The secrets no answer may contain: what the runner sent (keys,
    /// CAKs) and the tokens.
    fn never_answered(&self) -> Vec<String> {
        let mut all = self.secrets.clone();
        all.extend(self.target_secrets.iter().cloned());
        all.push(self.wrong_token.clone());
        all
    }

    /// Everything never printed: [`Self::never_answered`] and the CKNs.
    fn all_secrets(&self) -> Vec<String> {
        let mut all = self.never_answered();
        all.extend(self.printed_never.iter().cloned());
        all
    }

    /// Fails when `answer` holds a secret the runner sent: an activation
    /// key, a MACsec CAK, an MD5 password or a token (AUTH-9, KEY-13,
    /// MACSEC-14).
    fn check_no_secret(&self, answer: &Value) -> Result<(), StepFailure> {
        let text = answer.to_string();
        self.check_no_secret_text(&text)
    }

    fn check_no_secret_text(&self, text: &str) -> Result<(), StepFailure> {
        let leaked = self
            .never_answered()
            .into_iter()
            .filter(|s| s.len() >= MIN_SECRET_LEN)
            .any(|s| text.contains(&s));
        if leaked {
            return Err(mismatch(format!(
                "the answer contains a secret the runner sent (AUTH-9, KEY-13, MACSEC-14): {}",
                redact_text(text, &self.all_secrets())
            )));
        }
        Ok(())
    }

    /// Follows `nextPageToken` from the step's first page to the end
    /// (LIST-6, LIST-7): every token a non-empty string never seen before,
    /// no item twice, at most [`MAX_PAGES`] pages. Answers
    /// `{<items member>: [every item]}`.
    async fn walk(
        &mut self,
        mut call: OperationCall,
        items: &str,
        caller: &interconnect_provider::Caller,
    ) -> Result<Value, StepFailure> {
        let member = items.trim_start_matches('/').to_owned();
        let mut seen_tokens: Vec<String> = Vec::new();
        let mut all: Vec<Value> = Vec::new();
        for page in 0..MAX_PAGES {
            let request = call
                .parse()
                .map_err(|e| mismatch(format!("the step does not build a request: {e}")))?;
            let _ = self.target.take_answer_document();
            let answer = invoke(self.target.coordinator(), caller, request)
                .await
                .map_err(|e| {
                    mismatch(format!(
                        "page {page}: expected 200, got {} ({e})",
                        e.http_status()
                    ))
                })?;
            let answer = match self.target.take_answer_document() {
                Some(document) => document.map_err(|e| mismatch(format!("page {page}: {e}")))?,
                None => answer,
            };
            self.check_no_secret(&answer)?;
            match answer.pointer(items) {
                None | Some(Value::Null) => {}
                Some(Value::Array(got)) => {
                    for item in got {
                        let key = item.get("name").cloned().unwrap_or_else(|| item.clone());
                        if all
                            .iter()
                            .any(|i| i.get("name").cloned().unwrap_or_else(|| i.clone()) == key)
                        {
                            return Err(mismatch(format!(
                                "page {page}: {} came back a second time while paging (LIST-7)",
                                shown(Some(&key))
                            )));
                        }
                        all.push(item.clone());
                    }
                }
                Some(other) => {
                    return Err(mismatch(format!(
                        "page {page}: {items} is not a list: {}",
                        shown(Some(other))
                    )));
                }
            }
            match answer.get("nextPageToken") {
                None | Some(Value::Null) => {
                    return Ok(serde_json::json!({ member: all }));
                }
                Some(Value::String(t)) if t.is_empty() => {
                    return Err(mismatch(format!(
                        "page {page}: nextPageToken is empty; the last page omits it (LIST-6)"
                    )));
                }
                Some(Value::String(t)) => {
                    if seen_tokens.contains(t) {
                        return Err(mismatch(format!(
                            "page {page}: nextPageToken repeats an earlier token, the paging never ends (LIST-6)"
                        )));
                    }
                    seen_tokens.push(t.clone());
                    call.query
                        .insert("pageToken".to_owned(), Value::String(t.clone()));
                }
                Some(other) => {
                    return Err(mismatch(format!(
                        "page {page}: nextPageToken is not a string: {} (LIST-6)",
                        shown(Some(other))
                    )));
                }
            }
        }
        Err(mismatch(format!(
            "the paging did not end within {MAX_PAGES} pages (LIST-6)"
        )))
    }

    /// Sends the raw requests of a `probe` step (AUTH-1, ERR-1).
    async fn probe(&mut self, probe: &Probe, step: &Step) -> Result<(), StepFailure> {
        let connection = match &probe.connection {
            Some(c) => self.vars.fill_text(c)?,
            None => self.vars.fill_text("{uuid:probe}")?,
        };
        let selected: Vec<&ProbeRequest> = PROBES
            .iter()
            .filter(|p| {
                probe.operations.is_empty() || probe.operations.iter().any(|o| o == p.operation)
            })
            .collect();
        if selected.is_empty() {
            return Err(mismatch(
                "the probe names no operation of the specification",
            ));
        }
        for p in selected {
            let path = self
                .vars
                .fill_text(&p.path.replace("{connectionId}", &connection))?;
            let mut answer = None;
            for attempt in 0..=crate::scenario::patient::RATE_LIMIT_RETRIES {
                let a = self
                    .target
                    .raw(
                        p.method,
                        &path,
                        p.body().as_ref(),
                        probe.credentials,
                        &self.wrong_token,
                    )
                    .await
                    .map_err(|e| mismatch(e.to_string()))?;
                if a.status != 429 {
                    answer = Some(a);
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(
                    50 * u64::from(attempt + 1),
                ))
                .await;
            }
            let Some(answer) = answer else {
                return Err(mismatch(format!(
                    "{}: the target kept answering 429",
                    p.operation
                )));
            };
            let text = String::from_utf8_lossy(&answer.body).into_owned();
            self.check_no_secret_text(&text)
                .map_err(|e| prefix(p.operation, e))?;
            let credentials = match probe.credentials {
                ProbeCredentials::None => "without credentials",
                ProbeCredentials::Wrong => "with a wrong token",
                ProbeCredentials::Partner => "as the partner",
            };
            if answer.status != step.expect.status {
                return Err(mismatch(format!(
                    "{} {} {credentials}: expected status {}, got {}",
                    p.operation, p.method, step.expect.status, answer.status
                )));
            }
            if answer.status >= 400 {
                let doc: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                let code = doc.pointer("/error/code").and_then(Value::as_u64);
                let status = doc.pointer("/error/status").and_then(Value::as_str);
                let message = doc.pointer("/error/message").and_then(Value::as_str);
                if code != Some(u64::from(answer.status)) || status.is_none() || message.is_none() {
                    return Err(mismatch(format!(
                        "{} {credentials}: the error is not the document {{\"error\": {{\"code\", \"status\", \"message\"}}}} with code {} (ERR-1): {}",
                        p.operation,
                        answer.status,
                        redact_text(&text, &self.all_secrets())
                    )));
                }
                if let (Some(kind), Some(status)) = (&step.expect.kind, status)
                    && kind != status
                {
                    return Err(mismatch(format!(
                        "{} {credentials}: expected status {kind}, got {status}",
                        p.operation
                    )));
                }
            }
        }
        Ok(())
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
                if e.http_status() != expect.status && !expect.or_status.contains(&e.http_status())
                {
                    let also: String = expect
                        .or_status
                        .iter()
                        .map(|s| format!(" or {s}"))
                        .collect();
                    return Err(mismatch(format!(
                        "expected status {}{also}, got {} {} ({e})",
                        expect.status,
                        e.http_status(),
                        e.kind().status_name(),
                    )));
                }
                if let Some(kind) = &expect.kind
                    && e.http_status() == expect.status
                    && e.kind().status_name() != kind
                {
                    return Err(mismatch(format!(
                        "expected {kind}, got {} ({e})",
                        e.kind().status_name()
                    )));
                }
                // The rule id is a label (E-36 is this project's
                // convention): the specification defines the status and the
                // error document, never the words of the message.
                if e.rule() == ERR_TRANSPORT && e.message().contains(NO_ERROR_BODY) {
                    return Err(mismatch(format!(
                        "the error answered with status {} is not the document {{\"error\": {{\"code\", \"status\", \"message\"}}}} (ERR-1)",
                        e.http_status()
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
            // proto3 JSON omits members holding their default value: an
            // absent member equals false, 0, "", [] or {}.
            let omitted_default = actual.is_none() && is_proto3_default(&expected);
            if actual != Some(&expected) && !omitted_default {
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
        if let Some(bound) = &a.after {
            let bound = self.vars.fill_text(bound)?;
            let bound_time = chrono::DateTime::parse_from_rfc3339(&bound)
                .map_err(|e| mismatch(format!("`after` {bound} is not an RFC 3339 time: {e}")))?;
            let got = actual
                .and_then(Value::as_str)
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok());
            if got.is_none_or(|t| t <= bound_time) {
                return Err(mismatch(format!(
                    "{at}: expected an RFC 3339 time after {bound}, got {}",
                    shown(actual)
                )));
            }
        }
        if let Some(wanted) = &a.includes {
            let wanted = self.vars.fill(wanted)?;
            let wanted = match &wanted {
                Value::Array(items) => items.clone(),
                other => vec![other.clone()],
            };
            let got: &[Value] = match actual {
                Some(Value::Array(items)) => items,
                _ => &[],
            };
            if let Some(missing) = wanted.iter().find(|w| !got.contains(w)) {
                return Err(mismatch(format!(
                    "{at}: expected a list holding {}, got {}",
                    shown(Some(missing)),
                    shown(actual)
                )));
            }
        }
        if let Some(join) = &a.matches_each {
            let of = self.vars.fill(&join.of)?;
            let Value::Array(wanted) = &of else {
                return Err(mismatch(format!(
                    "{at}: `matchesEach.of` is not a list: {}",
                    shown(Some(&of))
                )));
            };
            let got: &[Value] = match actual {
                Some(Value::Array(items)) => items,
                _ => &[],
            };
            for element in wanted {
                let pattern: serde_json::Map<String, Value> = join
                    .as_members
                    .iter()
                    .filter_map(|(member, pointer)| {
                        element
                            .pointer(pointer)
                            .filter(|v| !v.is_null())
                            .map(|v| (member.clone(), v.clone()))
                    })
                    .collect();
                let pattern = Value::Object(pattern);
                if !got.iter().any(|i| item_matches(i, &pattern)) {
                    return Err(mismatch(format!(
                        "{at}: expected an item matching {}, got {}",
                        shown(Some(&pattern)),
                        shown(actual)
                    )));
                }
            }
        }
        if let Some(pattern) = &a.every {
            let pattern = self.vars.fill(pattern)?;
            let ok = match actual {
                None => true,
                Some(Value::Array(items)) => items.iter().all(|i| item_matches(i, &pattern)),
                Some(_) => false,
            };
            if !ok {
                return Err(mismatch(format!(
                    "{at}: expected every item to match {}, got {}",
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
    fn track(&mut self, request: &AnyRequest, response: &Value, role: Role) {
        let name = || {
            response
                .get("name")
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        match request {
            AnyRequest::CreateConnection(_) => {
                if let Some(n) = name() {
                    self.created.push(match role {
                        Role::Partner => Created::Connection(n),
                        Role::Stranger => Created::StrangerConnection(n),
                    });
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
                self.created.retain(|c| {
                    *c != Created::Connection(n.clone())
                        && *c != Created::StrangerConnection(n.clone())
                });
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
                Created::Connection(n) | Created::StrangerConnection(n) => match n.parse() {
                    Ok(name) => {
                        let caller = match &item {
                            Created::StrangerConnection(_) => self.target.caller(Role::Stranger),
                            _ => caller.clone(),
                        };
                        coordinator
                            .delete_connection(&caller, request::DeleteConnection { name })
                            .await
                            .map(|_| ())
                    }
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
                // The target refuses to delete the active key (MACSEC-7),
                // whatever words or status its refusal uses.
                Err(_) if left_active => {}
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

/// Secrets shorter than this are not searched for in answers (a short
/// token would match unrelated text).
const MIN_SECRET_LEN: usize = 8;

/// The most pages a `walk` follows before it declares the paging endless.
pub const MAX_PAGES: usize = 1000;

/// The rule our HTTP client gives an error answer it could not read
/// (`interconnect-http`, ERR-8) and the words of its message when the body
/// was not an error document.
const ERR_TRANSPORT: &str = "ERR-8";
const NO_ERROR_BODY: &str = "without an error body";

fn prefix(operation: &str, e: StepFailure) -> StepFailure {
    match e {
        StepFailure::Mismatch(m) => StepFailure::Mismatch(format!("{operation}: {m}")),
        other => other,
    }
}

/// Whether `v` is what proto3 JSON leaves out: false, 0, "", [] or {}.
fn is_proto3_default(v: &Value) -> bool {
    match v {
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        Value::Null => true,
    }
}

/// `{channel.disabled}`, `{channel.disabled.interconnect}` and
/// `{interconnect.inactive}` from the declared inventory, when it declares
/// a channel or interconnect of `{environment}`: the
/// declaration wins over what the target shows (a target that hides the
/// state then fails GUIDE-2 and FEAT-13 instead of skipping them).
fn declare(b: &mut Bindings, inventory: Option<&Inventory>) {
    let Some(inventory) = inventory else {
        return;
    };
    let environment = b
        .get("environment")
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    if let Some(ch) = inventory
        .disabled_channels
        .iter()
        .find(|c| c.to_string().starts_with(&format!("{environment}/")))
    {
        b.set("channel.disabled", Value::String(ch.to_string()));
        b.set(
            "channel.disabled.interconnect",
            Value::String(ch.interconnect().to_string()),
        );
    }
    if let Some(ix) = inventory
        .inactive_interconnects
        .iter()
        .find(|i| i.to_string().starts_with(&format!("{environment}/")))
    {
        b.set("interconnect.inactive", Value::String(ix.to_string()));
    }
}

/// `{stranger.environment}` and `{stranger.interconnect}`: the first of
/// the stranger's own environments on the target and its first
/// interconnect, so that the stranger owns resources during the run
/// (AUTH-3). A stranger with none leaves them unset.
async fn discover_stranger<T: Target>(target: &T, b: &mut Bindings) {
    let caller = target.caller(Role::Stranger);
    let Some(stranger) = caller.acts_as().next().cloned() else {
        return;
    };
    let Ok(envs) = target
        .coordinator()
        .list_environments(
            &caller,
            request::ListEnvironments {
                parent: stranger.clone(),
                page: interconnect_provider::PageRequest {
                    page_size: Some(1000),
                    page_token: None,
                },
            },
        )
        .await
    else {
        return;
    };
    let Some(env) = envs.environments.iter().find_map(|e| e.name.clone()) else {
        return;
    };
    b.set("stranger", Value::String(stranger.to_string()));
    b.set("stranger.environment", Value::String(env.to_string()));
    if let Ok(ixs) = target
        .coordinator()
        .list_interconnects(
            &caller,
            request::ListInterconnects {
                parent: env,
                page: interconnect_provider::PageRequest {
                    page_size: Some(1000),
                    page_token: None,
                },
            },
        )
        .await
        // an active one (a state the target does not show counts as
        // active), wherever the target lists it (CONN-6)
        && let Some(ix) = ixs
            .interconnects
            .iter()
            .filter(|i| {
                i.state
                    .as_ref()
                    .is_none_or(|s| *s == interconnect_core::wire::InterconnectState::Active)
            })
            .find_map(|i| i.name.clone())
    {
        b.set("stranger.interconnect", Value::String(ix.to_string()));
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

/// The string values of the secret members of `value`
/// ([`SECRET_MEMBERS`](super::redact::SECRET_MEMBERS)), added to `out`.
fn collect_secret_members(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match v {
                    Value::String(s) if super::redact::SECRET_MEMBERS.contains(&k.as_str()) => {
                        if !out.contains(s) {
                            out.push(s.clone());
                        }
                    }
                    other => collect_secret_members(other, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_secret_members(v, out)),
        _ => {}
    }
}
