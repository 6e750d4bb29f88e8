#!/usr/bin/env bash
# Copy to .github/qgjob-run.sh (executable) beside the workflow: it runs on the runner once
# its emulator is up. It starts a throwaway qgjob (API, scheduler, one adb worker) on the
# job's Redis service, registers the commit's build, runs the suite and leaves with qgjob's
# exit code.
set -euo pipefail
mkdir -p qgjob-logs
nohup qgjob-api > qgjob-logs/api.log 2>&1 &
nohup qgjob-scheduler > qgjob-logs/scheduler.log 2>&1 &
nohup qgjob-worker --target emulator > qgjob-logs/worker.log 2>&1 &
for _ in $(seq 60); do
  qgjob health > /dev/null 2>&1 && break
  sleep 1
done
qgjob app upload --app-version-id "$GITHUB_SHA" --package com.acme.shop "$APK"
qgjob submit -f qgjob-suite.yaml --app-version-id "$GITHUB_SHA" \
  --wait --junit report.xml --timeout 45m
