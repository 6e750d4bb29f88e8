// Fails on its first attempt, passes on Playwright's retry: one run, reported `flaky`.
import { test, expect } from "appwright";

test.describe.configure({ retries: 1 });

test("passes on Playwright's retry", async ({}, testInfo) => {
  expect(testInfo.retry, "the first attempt fails").toBeGreaterThan(0);
});
