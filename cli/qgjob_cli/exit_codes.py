"""Exit codes a CI can branch on."""

from __future__ import annotations

OK = 0
"""Everything asked for succeeded; every test passed (flaky passes included)."""
BAD_ARGUMENTS = 2
"""The command line was wrong."""
TEST_FAILED = 10
"""Some test failed."""
API_ERROR = 15
"""The API could not be reached, refused the request, or answered an error."""
INFRA_FAILED = 20
"""Some job could not run: dead after its retries, or cancelled."""
TIMED_OUT = 30
"""The wait ran out before every job finished."""
