// A tour of the generated client: submit a job, submit a suite, poll it to its end, page
// through the jobs, meet a 404 and a 422, and follow a job's live events.
// Run: QGJOB_API_URL=http://127.0.0.1:8080 QGJOB_TOKEN=... node dist-examples/examples/tour.js
import { createClient } from "../src/client/index.js";
import {
  getJob,
  getSuite,
  listJobs,
  streamJobEvents,
  submitJob,
  submitSuite,
} from "../src/sdk.gen.js";
import type { Job, JobPage, JobPayload, Suite, SuitePayload } from "../src/types.gen.js";

const TERMINAL = new Set(["passed", "failed", "dead", "cancelled"]);

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const client = createClient({
  baseUrl: required("QGJOB_API_URL"),
  auth: () => required("QGJOB_TOKEN"),
});

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`unexpected: ${what}`);
}

async function submitOne(): Promise<Job> {
  const body: JobPayload = { app_version_id: "build-7", test_path: "tests/login.spec.js" };
  const { data, error, response } = await submitJob({
    client,
    body,
    headers: { "Idempotency-Key": `tour-${Date.now()}` },
  });
  check(response.status === 201 && data !== undefined, `submit: ${response.status} ${JSON.stringify(error)}`);
  return data as Job;
}

async function suiteToItsEnd(): Promise<Suite> {
  const body: SuitePayload = {
    app_version_id: "build-7",
    tests: ["tests/cart.spec.js", "tests/fail_search.spec.js"],
    targets: ["emulator"],
    name: "tour",
  };
  const created = await submitSuite({ client, body });
  check(created.response.status === 201 && created.data !== undefined, "suite submitted");
  const id = created.data!.id;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { data } = await getSuite({ client, path: { suite_id: id } });
    if (data?.finished) return data;
    check(Date.now() < deadline, `suite ${id} finished within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function everyJob(): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null | undefined = undefined;
  let pages = 0;
  do {
    const page: JobPage | undefined = (
      await listJobs({ client, query: { limit: 2, cursor: cursor ?? undefined } })
    ).data;
    check(page !== undefined, "a page of jobs");
    ids.push(...page!.items.map((job) => job.id));
    cursor = page!.next_cursor;
    pages += 1;
  } while (cursor);
  check(pages > 1, "more than one page");
  return ids;
}

async function notFound(): Promise<string> {
  const { error, response } = await getJob({ client, path: { job_id: "NOPE" } });
  check(response.status === 404 && error !== undefined, "404 for an unknown job");
  return error!.error.code;
}

async function invalid(): Promise<string[]> {
  const body: JobPayload = { app_version_id: "not a version!", test_path: "tests/x.spec.js" };
  const { error, response } = await submitJob({ client, body });
  check(response.status === 422 && error !== undefined, "422 for an invalid version");
  return (error!.error.details ?? []).map((d) => d.field ?? "(body)");
}

async function eventsOf(jobId: string): Promise<string[]> {
  const statuses: string[] = [];
  const stop = new AbortController();
  const { stream } = await streamJobEvents({
    client,
    path: { job_id: jobId },
    signal: stop.signal,
    sseMaxRetryAttempts: 1,
  });
  for await (const frame of stream) {
    const status = (frame as unknown as { status?: string }).status;
    if (status) statuses.push(status);
    if (status && TERMINAL.has(status)) break;
  }
  stop.abort();
  return statuses;
}

async function main(): Promise<void> {
  const job = await submitOne();
  const events = await eventsOf(job.id);
  const suite = await suiteToItsEnd();
  const jobs = await everyJob();
  const summary = {
    job: job.id,
    events,
    suite: { id: suite.id, passed: suite.passed, counts: suite.counts, total: suite.total },
    listed: jobs.length,
    listed_job: jobs.includes(job.id),
    not_found: await notFound(),
    invalid_fields: await invalid(),
  };
  console.log(JSON.stringify(summary));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
