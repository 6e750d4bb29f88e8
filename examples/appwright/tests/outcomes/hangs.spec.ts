// Never ends (AppWright sets no test timeout): only qgjob's run timeout or a cancel stops it.
// It starts a child process too, and writes both pids where the run's artifacts go.
import { test } from "appwright";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

test("waits for a screen that never comes", async () => {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
  const out = process.env.QGJOB_OUTPUT_DIR ?? "test-results";
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, "hang.pids"), `${process.pid} ${child.pid}\n`);
  await new Promise(() => {});
});
