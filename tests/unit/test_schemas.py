"""Every bad input gets a 422 whose body names the field."""

from __future__ import annotations

import httpx
import pytest

GOOD = {
    "org_id": "qualgent",
    "app_version_id": "xyz123",
    "test_path": "tests/onboarding.spec.js",
}


def _with(**changes: object) -> dict[str, object]:
    body = {**GOOD, **changes}
    return {k: v for k, v in body.items() if v is not None}


BAD_INPUTS = [
    pytest.param(_with(org_id=""), "org_id", id="empty-org"),
    pytest.param(_with(org_id="a" * 129), "org_id", id="org-too-long"),
    pytest.param(_with(org_id="qual gent"), "org_id", id="org-space"),
    pytest.param(_with(org_id="qual/gent"), "org_id", id="org-slash"),
    pytest.param(_with(app_version_id="v1?x"), "app_version_id", id="app-bad-char"),
    pytest.param(
        {k: v for k, v in GOOD.items() if k != "app_version_id"}, "app_version_id", id="app-missing"
    ),
    pytest.param(_with(test_path="/etc/passwd"), "test_path", id="absolute-path"),
    pytest.param(_with(test_path="C:\\tests\\a.spec.js"), "test_path", id="windows-absolute"),
    pytest.param(_with(test_path="tests/../../secret.js"), "test_path", id="dotdot"),
    pytest.param(_with(test_path="tests/a\x00.js"), "test_path", id="nul"),
    pytest.param(_with(test_path="tests/a\n.js"), "test_path", id="newline"),
    pytest.param(_with(test_path="t/" + "a" * 1023), "test_path", id="path-too-long"),
    pytest.param(_with(test_path=""), "test_path", id="path-empty"),
    pytest.param(_with(priority="asap"), "priority", id="bad-priority"),
    pytest.param(_with(target="iphone"), "target", id="bad-target"),
    pytest.param(_with(max_attempts=0), "max_attempts", id="zero-attempts"),
    pytest.param(_with(max_attempts=1000), "max_attempts", id="too-many-attempts"),
    pytest.param(_with(colour="blue"), "colour", id="unknown-field"),
]


@pytest.mark.parametrize(("body", "field"), BAD_INPUTS)
async def test_bad_input_is_a_422_naming_the_field(
    mem_api: httpx.AsyncClient, body: dict[str, object], field: str
) -> None:
    response = await mem_api.post("/v1/jobs", json=body)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert [d["field"] for d in error["details"]] == [field]
    assert field in error["message"]


async def test_bad_input_creates_nothing(mem_api: httpx.AsyncClient) -> None:
    await mem_api.post("/v1/jobs", json=_with(test_path="../x.js"))
    page = (await mem_api.get("/v1/jobs")).json()
    assert page["items"] == []
    stats = (await mem_api.get("/v1/stats")).json()
    assert sum(stats["jobs_by_status"].values()) == 0


async def test_body_that_is_not_json_is_a_422(mem_api: httpx.AsyncClient) -> None:
    response = await mem_api.post(
        "/v1/jobs", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"


async def test_good_input_is_201_with_the_job(mem_api: httpx.AsyncClient) -> None:
    response = await mem_api.post(
        "/v1/jobs", json={**GOOD, "priority": "urgent", "target": "device", "max_attempts": 5}
    )
    assert response.status_code == 201, response.text
    job = response.json()
    assert job["status"] == "queued"
    assert job["priority"] == "urgent" and job["target"] == "device"
    assert job["max_attempts"] == 5 and job["attempts"] == 0
    assert response.headers["location"] == f"/v1/jobs/{job['id']}"
    fetched = (await mem_api.get(f"/v1/jobs/{job['id']}")).json()
    assert fetched == job


async def test_ids_with_every_allowed_character_are_accepted(mem_api: httpx.AsyncClient) -> None:
    body = _with(org_id="A-z.0_9:x", app_version_id="a" * 128, test_path="tests/x y/é.spec.js")
    response = await mem_api.post("/v1/jobs", json=body)
    assert response.status_code == 201, response.text


async def test_unknown_job_is_404_with_the_error_model(mem_api: httpx.AsyncClient) -> None:
    response = await mem_api.get("/v1/jobs/NOPE")
    assert response.status_code == 404
    assert response.json()["error"] == {
        "code": "not_found",
        "message": "job NOPE not found",
        "details": [],
    }


async def test_bad_job_id_in_path_is_422(mem_api: httpx.AsyncClient) -> None:
    response = await mem_api.get("/v1/jobs/a%20b")
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "job_id"
