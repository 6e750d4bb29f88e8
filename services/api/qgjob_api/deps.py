"""Dependencies handed to routes through ``Annotated`` aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from qgjob_api.settings import ApiSettings
from qgjob_redis import BuildStore, JobStore, Store


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def get_settings(request: Request) -> ApiSettings:
    settings: ApiSettings = request.app.state.settings
    return settings


def get_jobs(request: Request) -> JobStore:
    jobs: JobStore = request.app.state.jobs
    return jobs


def get_builds(request: Request) -> BuildStore:
    return BuildStore(get_store(request))


StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[ApiSettings, Depends(get_settings)]
JobsDep = Annotated[JobStore, Depends(get_jobs)]
BuildsDep = Annotated[BuildStore, Depends(get_builds)]
