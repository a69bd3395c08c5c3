//! Providers, environments, interconnects and channels: the static
//! resources (`paths/providers.yaml`, `paths/environments.yaml`,
//! `paths/interconnects.yaml`, `paths/channels.yaml`; `docs/Protocols.md`
//! "Static Resources").
//!
//! A caller sees the server's own provider and the providers it may act as
//! (AUTH-4, AUTH-5), and only the environments, interconnects and channels
//! under a provider it may act as (AUTH-2, AUTH-3).

use interconnect_core::wire;

use super::ReferenceProvider;
use super::listing::name_text;
use crate::caller::Caller;
use crate::error::CoordinatorResult;
use crate::request;

fn provider_resource(
    name: &interconnect_core::names::ProviderName,
    display_name: &str,
) -> wire::Provider {
    wire::Provider {
        name: Some(name.clone()),
        display_name: Some(display_name.to_owned()),
    }
}

/// The server's own provider, then every partner the caller may act as.
pub(super) fn list_providers(
    p: &ReferenceProvider,
    caller: &Caller,
    _request: request::ListProviders,
) -> CoordinatorResult<wire::ListProvidersResponse> {
    let mut providers = vec![provider_resource(
        &p.config.provider,
        &p.config.display_name,
    )];
    providers.extend(
        p.config
            .inventory
            .partners
            .iter()
            .filter(|partner| caller.may_act_as(&partner.provider))
            .map(|partner| provider_resource(&partner.provider, &partner.display_name)),
    );
    Ok(wire::ListProvidersResponse {
        providers,
        next_page_token: None,
    })
}

pub(super) fn get_provider(
    p: &ReferenceProvider,
    caller: &Caller,
    request: request::GetProvider,
) -> CoordinatorResult<wire::Provider> {
    if request.name == p.config.provider {
        return Ok(provider_resource(
            &p.config.provider,
            &p.config.display_name,
        ));
    }
    let partner = p.partner(caller, &request.name)?;
    Ok(provider_resource(&partner.provider, &partner.display_name))
}

pub(super) fn list_environments(
    p: &ReferenceProvider,
    caller: &Caller,
    request: request::ListEnvironments,
) -> CoordinatorResult<wire::ListEnvironmentsResponse> {
    let partner = p.partner(caller, &request.parent)?;
    let items: Vec<wire::Environment> = partner
        .environments
        .iter()
        .map(|e| e.environment.clone())
        .collect();
    let page = p.page_of(
        "ListEnvironments",
        &request.parent,
        caller,
        &request.page,
        items,
        name_text,
    )?;
    Ok(wire::ListEnvironmentsResponse {
        environments: page.items,
        next_page_token: page.next_page_token,
    })
}

pub(super) fn get_environment(
    p: &ReferenceProvider,
    caller: &Caller,
    request: request::GetEnvironment,
) -> CoordinatorResult<wire::Environment> {
    Ok(p.environment(caller, &request.name)?.environment.clone())
}

pub(super) fn list_interconnects(
    p: &ReferenceProvider,
    caller: &Caller,
    request: request::ListInterconnects,
) -> CoordinatorResult<wire::ListInterconnectsResponse> {
    let env = p.environment(caller, &request.parent)?;
    let items: Vec<wire::Interconnect> = env
        .interconnects
        .iter()
        .map(|i| i.interconnect.clone())
        .collect();
    let page = p.page_of(
        "ListInterconnects",
        &request.parent,
        caller,
        &request.page,
        items,
        name_text,
    )?;
    Ok(wire::ListInterconnectsResponse {
        interconnects: page.items,
        next_page_token: page.next_page_token,
    })
}

pub(super) fn get_interconnect(
    p: &ReferenceProvider,
    caller: &Caller,
    request: request::GetInterconnect,
) -> CoordinatorResult<wire::Interconnect> {
    Ok(p.interconnect(caller, &request.name)?.interconnect.clone())
}

pub(super) fn list_channels(
    p: &ReferenceProvider,
    caller: &Caller,
    request: request::ListChannels,
) -> CoordinatorResult<wire::ListChannelsResponse> {
    let ix = p.interconnect(caller, &request.parent)?;
    let items = ix.channels.clone();
    let page = p.page_of(
        "ListChannels",
        &request.parent,
        caller,
        &request.page,
        items,
        name_text,
    )?;
    Ok(wire::ListChannelsResponse {
        channels: page.items,
        next_page_token: page.next_page_token,
    })
}

pub(super) fn get_channel(
    p: &ReferenceProvider,
    caller: &Caller,
    request: request::GetChannel,
) -> CoordinatorResult<wire::Channel> {
    p.channel(caller, &request.name).cloned()
}
