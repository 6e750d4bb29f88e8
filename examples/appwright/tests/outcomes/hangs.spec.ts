// Never ends (AppWright sets no test timeout): only qgjob's run timeout or a cancel stops it.
// It starts a child process too, and writes both pids to a file per job, for whoever checks
// that both are gone afterwards.
import { test } from "appwright";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

test("waits for a screen that never comes", async () => {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
  const dir = process.env.SHOP_E2E_STATE_DIR ?? os.tmpdir();
  const file = path.join(dir, `hang-${process.env.QGJOB_JOB_ID ?? "local"}.pids`);
  fs.writeFileSync(`${file}.tmp`, `${process.pid} ${child.pid}\n`);
  fs.renameSync(`${file}.tmp`, file);
  await new Promise(() => {});
});
