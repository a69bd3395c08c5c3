//! AUTH-2..AUTH-5, ENV-10, LIST-*: static resources and their visibility.

use crate::coordinator::ConnectionCoordinator;
use crate::error::ErrorKind;
use crate::page::PageRequest;
use crate::request;
use crate::testing::Fixture;

/// AUTH-4, AUTH-5: `ListProviders` shows the server and the caller only.
pub async fn list_providers_shows_the_server_and_the_caller<C: ConnectionCoordinator>(
    f: &Fixture<C>,
) {
    let list = f
        .target
        .list_providers(&f.caller(), request::ListProviders {})
        .await
        .expect("AUTH-5: ListProviders");
    let names: Vec<_> = list
        .providers
        .iter()
        .filter_map(|p| p.name.clone())
        .collect();
    assert_eq!(names, vec![f.local.clone(), f.partner.clone()], "AUTH-5");
    assert_eq!(list.next_page_token, None, "LIST-9");
    let theirs = f
        .target
        .list_providers(&f.stranger(), request::ListProviders {})
        .await
        .expect("AUTH-5");
    let names: Vec<_> = theirs
        .providers
        .iter()
        .filter_map(|p| p.name.clone())
        .collect();
    assert_eq!(
        names,
        vec![f.local.clone()],
        "AUTH-3: a stranger sees only the server"
    );
    let own = f
        .target
        .get_provider(
            &f.stranger(),
            request::GetProvider {
                name: f.local.clone(),
            },
        )
        .await
        .expect("AUTH-4");
    assert_eq!(own.name.as_ref(), Some(&f.local));
}

/// AUTH-2, AUTH-3: another partner's namespace is refused with 403, and
/// nothing under it is revealed.
pub async fn another_partners_namespace_is_refused<C: ConnectionCoordinator>(f: &Fixture<C>) {
    let err = f
        .target
        .list_environments(
            &f.stranger(),
            request::ListEnvironments {
                parent: f.partner.clone(),
                page: PageRequest::first(),
            },
        )
        .await
        .expect_err("AUTH-2: a stranger may not list the partner's environments");
    assert_eq!(err.kind(), ErrorKind::PermissionDenied, "AUTH-2");
    assert_eq!(err.rule(), "AUTH-2");
    let err = f
        .target
        .get_channel(
            &f.stranger(),
            request::GetChannel {
                name: f.channel("ix1", "ch1"),
            },
        )
        .await
        .expect_err("AUTH-2");
    assert_eq!(err.kind(), ErrorKind::PermissionDenied);
    let err = f
        .target
        .get_provider(
            &f.stranger(),
            request::GetProvider {
                name: f.partner.clone(),
            },
        )
        .await
        .expect_err("AUTH-3");
    assert_eq!(err.kind(), ErrorKind::PermissionDenied);
}

/// AUTH-13: a stranger gets the same 403 whether or not the resource exists,
/// so nothing about the partner's namespace is revealed.
pub async fn refusals_do_not_reveal_existence<C: ConnectionCoordinator>(f: &Fixture<C>) {
    let existing = f.channel("ix1", "ch1");
    let missing = f.interconnect("ix1").channel("ch9").expect("valid id");
    let a = f
        .target
        .get_channel(&f.stranger(), request::GetChannel { name: existing })
        .await
        .expect_err("AUTH-13");
    let b = f
        .target
        .get_channel(&f.stranger(), request::GetChannel { name: missing })
        .await
        .expect_err("AUTH-13");
    assert_eq!(a.kind(), ErrorKind::PermissionDenied, "AUTH-13");
    assert_eq!(
        (a.kind(), a.rule(), a.message()),
        (b.kind(), b.rule(), b.message()),
        "AUTH-13: same answer"
    );
}

/// ENV-10: missing static resources are 404.
pub async fn missing_static_resources_are_not_found<C: ConnectionCoordinator>(f: &Fixture<C>) {
    let c = f.caller();
    let env = f.environment_id("nowhere");
    let err = f
        .target
        .get_environment(&c, request::GetEnvironment { name: env.clone() })
        .await
        .expect_err("ENV-10");
    assert_eq!((err.kind(), err.rule()), (ErrorKind::NotFound, "ENV-10"));
    let ix = f.environment().interconnect("ix9").expect("valid id");
    let err = f
        .target
        .get_interconnect(&c, request::GetInterconnect { name: ix.clone() })
        .await
        .expect_err("ENV-10");
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let err = f
        .target
        .list_channels(
            &c,
            request::ListChannels {
                parent: ix,
                page: PageRequest::first(),
            },
        )
        .await
        .expect_err("ENV-10");
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let ch = f.interconnect("ix1").channel("ch9").expect("valid id");
    let err = f
        .target
        .get_channel(&c, request::GetChannel { name: ch })
        .await
        .expect_err("ENV-10");
    assert_eq!(err.kind(), ErrorKind::NotFound);
}

/// ENV-7, NEG-9: the static resources are served as configured and listed
/// in name order.
pub async fn static_resources_are_listed_in_name_order<C: ConnectionCoordinator>(f: &Fixture<C>) {
    let c = f.caller();
    let envs = f
        .target
        .list_environments(
            &c,
            request::ListEnvironments {
                parent: f.partner.clone(),
                page: PageRequest::first(),
            },
        )
        .await
        .expect("ListEnvironments");
    let ids: Vec<_> = envs
        .environments
        .iter()
        .filter_map(|e| e.name.as_ref().map(|n| n.id().to_owned()))
        .collect();
    assert_eq!(ids, vec!["aws-gcp-eu-west", "aws-gcp-us-east"], "LIST-7");
    let ixs = f
        .target
        .list_interconnects(
            &c,
            request::ListInterconnects {
                parent: f.environment(),
                page: PageRequest::first(),
            },
        )
        .await
        .expect("ListInterconnects");
    assert_eq!(ixs.interconnects.len(), 2);
    let channels = f
        .target
        .list_channels(
            &c,
            request::ListChannels {
                parent: f.interconnect("ix1"),
                page: PageRequest::first(),
            },
        )
        .await
        .expect("ListChannels");
    let ids: Vec<_> = channels
        .channels
        .iter()
        .filter_map(|ch| ch.name.as_ref().map(|n| n.id().to_owned()))
        .collect();
    assert_eq!(ids, vec!["ch1", "ch2", "ch3", "ch4"]);
    let one = f
        .target
        .get_channel(
            &c,
            request::GetChannel {
                name: f.channel("ix1", "ch3"),
            },
        )
        .await
        .expect("GetChannel");
    assert_eq!(
        one.macsec_manager_provider.as_ref(),
        Some(&f.partner),
        "ch3 is managed by gcp in the default pair"
    );
}

/// LIST-1..LIST-6: paging through a static list with page size 1, and a
/// token replayed against another parent.
pub async fn static_lists_page_with_bound_tokens<C: ConnectionCoordinator>(f: &Fixture<C>) {
    let c = f.caller();
    let first = f
        .target
        .list_channels(
            &c,
            request::ListChannels {
                parent: f.interconnect("ix1"),
                page: PageRequest::of_size(1),
            },
        )
        .await
        .expect("first page");
    assert_eq!(first.channels.len(), 1, "LIST-8");
    let token = first
        .next_page_token
        .clone()
        .expect("LIST-6: a token while items remain");
    let mut page = PageRequest::of_size(3).next(token.clone());
    let rest = f
        .target
        .list_channels(
            &c,
            request::ListChannels {
                parent: f.interconnect("ix1"),
                page: page.clone(),
            },
        )
        .await
        .expect("LIST-5: pageSize may change between pages");
    assert_eq!(rest.channels.len(), 3);
    assert_eq!(
        rest.next_page_token, None,
        "LIST-6: no token on the last page"
    );
    page.page_size = Some(1);
    let err = f
        .target
        .list_channels(
            &c,
            request::ListChannels {
                parent: f.interconnect("ix2"),
                page,
            },
        )
        .await
        .expect_err("LIST-5: a token from another parent");
    assert_eq!(
        (err.kind(), err.rule()),
        (ErrorKind::InvalidArgument, "LIST-5")
    );
    let err = f
        .target
        .list_channels(
            &c,
            request::ListChannels {
                parent: f.interconnect("ix1"),
                page: PageRequest::of_size(-1),
            },
        )
        .await
        .expect_err("LIST-3");
    assert_eq!(err.rule(), "LIST-3");
    let err = f
        .target
        .list_channels(
            &c,
            request::ListChannels {
                parent: f.interconnect("ix1"),
                page: PageRequest::first().next(format!("{token}x")),
            },
        )
        .await
        .expect_err("LIST-4: altered token");
    assert_eq!(err.rule(), "LIST-4");
}
