// A failed assertion: a test result (`failed`), with the trace Playwright keeps on failure.
import { test, expect } from "appwright";
import http from "node:http";
import type { AddressInfo } from "node:net";

test("the cart API answers the cart's total", async ({ request }) => {
  const server = http.createServer((_, res) => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ totalCents: 3999 }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const answer = await request.get(`http://127.0.0.1:${port}/cart`);
    expect(answer.ok()).toBe(true);
    expect((await answer.json()).totalCents).toBe(4999);
  } finally {
    server.close();
  }
});
