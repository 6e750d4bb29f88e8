// Needs a device: the `device` fixture starts an Appium session on the project's device.
import { test, expect } from "appwright";

test("a shopper signs in", async ({ device }) => {
  await device.getByText("Sign in").tap();
  await device.getByText("Email").fill("shopper@example.com");
  await device.getByText("Continue").tap();
  await expect(device.getByText("Welcome back")).toBeVisible();
});
