import { defineConfig, Platform } from "appwright";

// qgjob runs `npx appwright test {test_path} --project {project}`, where {project} is the
// worker's target (`emulator`, `device` or `browserstack`), and sets:
//   QGJOB_APP_PATH       the build file it installed (adb) or uploaded (browserstack)
//   BROWSERSTACK_APP_URL the bs:// URL it uploaded (browserstack driver)
//   QGJOB_OUTPUT_DIR     this run's folder: everything written there is a job artifact
//   PLAYWRIGHT_JUNIT_OUTPUT_FILE, PLAYWRIGHT_JSON_OUTPUT_FILE  where the reports go
//   ANDROID_SERIAL       the device the worker owns (adb driver)
export default defineConfig({
  testDir: "./tests",
  outputDir: process.env.QGJOB_OUTPUT_DIR ?? "test-results",
  // qgjob reads the counts from JUnit and JSON; the JSON report also tells it when a run
  // could not start (global setup) or a test could not get its device. Under qgjob the
  // PLAYWRIGHT_*_OUTPUT_FILE variables put them in the run's folder instead.
  reporter: [
    ["list"],
    ["junit", { outputFile: "reports/junit.xml" }],
    ["json", { outputFile: "reports/report.json" }],
  ],
  // Playwright's own retries, inside one run; qgjob's `flaky_retries` reruns the command.
  retries: 0,
  workers: 1,
  // AppWright's defineConfig keeps only its own top-level `use`: options go per project.
  projects: [
    {
      // An emulator AppWright starts itself (it needs ANDROID_HOME, JAVA_HOME and an AVD).
      name: "emulator",
      use: {
        platform: Platform.ANDROID,
        device: { provider: "emulator", name: "Pixel 8 API 34", osVersion: "14" },
        buildPath: process.env.QGJOB_APP_PATH,
        trace: "retain-on-failure",
      },
    },
    {
      // The device or emulator the qgjob worker owns (QGJOB_ADB_SERIAL), already booted.
      name: "device",
      use: {
        platform: Platform.ANDROID,
        device: { provider: "local-device", name: "worker device", udid: process.env.ANDROID_SERIAL },
        buildPath: process.env.QGJOB_APP_PATH,
        trace: "retain-on-failure",
      },
    },
    {
      name: "browserstack",
      use: {
        platform: Platform.ANDROID,
        device: { provider: "browserstack", name: "Google Pixel 8", osVersion: "14.0" },
        // AppWright 0.1.1 uploads the build itself and takes a bs:// URL for a file name
        // ("Build file not found: bs://…"): give it the file.
        buildPath: process.env.QGJOB_APP_PATH,
        trace: "retain-on-failure",
      },
    },
  ],
});
