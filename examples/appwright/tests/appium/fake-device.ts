// An AppWright `Device` on a local Appium server with Appium's fake driver: the app is an
// XML screen (apps/shop.xml), taps and assertions go through AppWright's own locators and
// the WebDriver protocol, and no Android device or SDK is needed.
//
// AppWright's own `device` fixture cannot be pointed there: its providers ask Appium for
// UiAutomator2 or XCUITest, start `npx appium` on port 4723 themselves and reinstall the
// driver on each run. So this fixture opens the session and wraps it in AppWright's Device.
import { test as base } from "@playwright/test";
import { Device } from "appwright";
import { spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export const test = base.extend<{ device: Device }>({
  device: async ({}, use) => {
    const port = await freePort();
    // With APPIUM_HOME the project, Appium finds the fake driver among its dependencies.
    const appium = spawn(
      path.resolve("node_modules/.bin/appium"),
      ["--address", "127.0.0.1", "--port", String(port), "--use-drivers", "fake"],
      { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, APPIUM_HOME: path.resolve(".") } },
    );
    await new Promise<void>((resolve, reject) => {
      appium.stdout.on("data", (data) => {
        if (String(data).includes("listener started")) resolve();
      });
      appium.on("exit", (code) => reject(new Error(`appium exited with code ${code}`)));
    });
    try {
      const WebDriver = (await import("webdriver")).default;
      const client = await WebDriver.newSession({
        hostname: "127.0.0.1",
        port,
        logLevel: "warn",
        capabilities: {
          platformName: "Fake",
          "appium:automationName": "Fake",
          "appium:deviceName": "Fake",
          "appium:app": path.resolve("apps/shop.xml"),
        } as WebdriverIO.Capabilities,
      });
      await use(new Device(client, undefined, { expectTimeout: 5_000 }, "local-device"));
      await client.deleteSession();
    } finally {
      appium.kill();
    }
  },
});
