"""Dependencies handed to routes through ``Annotated`` aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from qgjob_api.events_hub import EventHub
from qgjob_api.metrics import ApiMetrics
from qgjob_api.settings import ApiSettings
from qgjob_store import (
    BuildStore,
    EventLog,
    GroupStore,
    JobStore,
    StatsStore,
    Store,
    SuiteStore,
    TokenStore,
)


async def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


async def get_settings(request: Request) -> ApiSettings:
    settings: ApiSettings = request.app.state.settings
    return settings


async def get_jobs(request: Request) -> JobStore:
    jobs: JobStore = request.app.state.jobs
    return jobs


async def get_builds(request: Request) -> BuildStore:
    return BuildStore(request.app.state.store)


async def get_suites(request: Request) -> SuiteStore:
    return SuiteStore(request.app.state.store)


async def get_groups(request: Request) -> GroupStore:
    return GroupStore(request.app.state.store)


async def get_stats(request: Request) -> StatsStore:
    return StatsStore(request.app.state.store)


async def get_tokens(request: Request) -> TokenStore:
    tokens: TokenStore = request.app.state.tokens
    return tokens


async def get_event_log(request: Request) -> EventLog:
    return EventLog(request.app.state.store)


async def get_hub(request: Request) -> EventHub:
    hub: EventHub = request.app.state.hub
    return hub


async def get_metrics(request: Request) -> ApiMetrics:
    metrics: ApiMetrics = request.app.state.metrics
    return metrics


StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[ApiSettings, Depends(get_settings)]
JobsDep = Annotated[JobStore, Depends(get_jobs)]
BuildsDep = Annotated[BuildStore, Depends(get_builds)]
SuitesDep = Annotated[SuiteStore, Depends(get_suites)]
GroupsDep = Annotated[GroupStore, Depends(get_groups)]
StatsDep = Annotated[StatsStore, Depends(get_stats)]
TokensDep = Annotated[TokenStore, Depends(get_tokens)]
EventLogDep = Annotated[EventLog, Depends(get_event_log)]
HubDep = Annotated[EventHub, Depends(get_hub)]
MetricsDep = Annotated[ApiMetrics, Depends(get_metrics)]
