// Fails in every attempt of the job's first run (Playwright's retry too), passes when qgjob
// runs the command again (`flaky_retries`). The first run is told apart by the Playwright
// runner's pid, kept in a file per job.
import { test, expect } from "appwright";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

test.describe.configure({ retries: 1 });

test("passes when the command runs again", async () => {
  const dir = process.env.SHOP_E2E_STATE_DIR ?? os.tmpdir();
  const marker = path.join(dir, `first-run-${process.env.QGJOB_JOB_ID ?? "local"}`);
  if (!fs.existsSync(marker)) fs.writeFileSync(marker, String(process.ppid));
  expect(fs.readFileSync(marker, "utf8"), "the first run fails").not.toBe(String(process.ppid));
});
