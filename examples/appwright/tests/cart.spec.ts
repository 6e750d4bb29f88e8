// Needs no device: AppWright's `device` fixture is set up only for tests that ask for it.
import { test, expect } from "appwright";
import { totalCents } from "../src/cart";

test("a cart's total adds every line", async () => {
  const lines = [
    { sku: "tee", unitCents: 1500, quantity: 2 },
    { sku: "cap", unitCents: 999, quantity: 1 },
  ];
  expect(totalCents(lines)).toBe(3999);
});

test("a discount is taken off the total", async () => {
  expect(totalCents([{ sku: "tee", unitCents: 2000, quantity: 1 }], 25)).toBe(1500);
});
