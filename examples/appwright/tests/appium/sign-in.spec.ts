// Taps and asserts on an app with no device: Appium's fake driver (fake-device.ts).
import { expect } from "appwright";
import { test } from "./fake-device";

test("a shopper signs in", async ({ device }) => {
  const signIn = device.getByXpath("//MockButton[@id='sign-in']");
  await expect(signIn).toBeVisible();
  await signIn.tap();
  // the fake app answers the tap with the alert its XML names
  expect(await device.webdriverClient.getAlertText()).toBe("Welcome back");
});
