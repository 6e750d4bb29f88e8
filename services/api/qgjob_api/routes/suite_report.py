"""``GET /v1/suites/{id}/junit``: a suite's JUnit XML report, the same report
``qgjob submit --junit`` writes (one writer for both), for the dashboard's download and CI."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from fastapi import APIRouter
from fastapi.responses import Response

from qgjob_api.auth import PrincipalDep
from qgjob_api.deps import JobsDep, SuitesDep
from qgjob_api.errors import ERROR_RESPONSES, NOT_FOUND
from qgjob_api.routes.suites import SuiteId, visible_suite
from qgjob_core.junit import ReportSubject, report
from qgjob_schemas import Job
from qgjob_store import JobStore

router = APIRouter(prefix="/v1", tags=["suites"])
PAGE = 500

JUNIT_EXAMPLE = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<testsuites name="qgjob suite s01JDY4T6M3Q9W8K7R2N5P1X0AB nightly" tests="1" '
    'failures="0" errors="0" time="2.000">\n'
    '  <testsuite name="xyz123 on emulator" tests="1" failures="0" errors="0" skipped="0" '
    'time="2.000">\n'
    '    <testcase name="tests/login.spec.js" classname="emulator" '
    'file="tests/login.spec.js" time="2.000" />\n'
    "  </testsuite>\n</testsuites>\n"
)


async def suite_jobs(jobs: JobStore, suite_id: str) -> list[Job]:
    out: list[Job] = []
    cursor: str | None = None
    while True:
        page = await jobs.page(suite_id=suite_id, limit=PAGE, cursor=cursor)
        out += page.items
        cursor = page.next_cursor
        if cursor is None:
            return out


@router.get(
    "/suites/{suite_id}/junit",
    operation_id="getSuiteJunit",
    summary="Get a suite's JUnit report",
    response_class=Response,
    responses={
        200: {
            "description": "JUnit XML: one testsuite per target, one testcase per job; jobs "
            'not finished yet are errors of type "unfinished".',
            "content": {"text/xml": {"schema": {"type": "string"}, "example": JUNIT_EXAMPLE}},
        },
        **NOT_FOUND,
        **ERROR_RESPONSES,
    },
)
async def get_suite_junit(
    suite_id: SuiteId, principal: PrincipalDep, suites: SuitesDep, jobs: JobsDep
) -> Response:
    """The suite's results as JUnit XML, as they are now (download it once the suite is
    finished for the final report)."""
    suite = await visible_suite(suites, principal, suite_id, with_jobs=False)
    found = await suite_jobs(jobs, suite_id)
    subject = ReportSubject(
        kind="suite",
        id=suite.id,
        org_id=suite.org_id,
        app_version_id=suite.app_version_id,
        created_at=suite.created_at,
        name=suite.name,
    )
    tree = report(subject, found)
    ET.indent(tree)
    body = ET.tostring(tree.getroot(), encoding="utf-8", xml_declaration=True)
    filename = f"junit-{suite.id}.xml"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(body, media_type="text/xml; charset=utf-8", headers=headers)
