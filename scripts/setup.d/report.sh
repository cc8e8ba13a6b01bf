#!/usr/bin/env bash
# Set-up for the run report (issue 8): Debian's chromium, used headless by the
# browser test in tests/pipelines/report_browser_test.cc (screenshot + DOM dump
# of a rendered report.html). Idempotent: does nothing when chromium is present.
set -euo pipefail

bash "$(dirname "${BASH_SOURCE[0]}")/../apt_ensure.sh" setup.d/report chromium fonts-dejavu-core
