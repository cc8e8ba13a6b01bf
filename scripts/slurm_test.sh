#!/usr/bin/env bash
# The `slurm` test suite (CI: .ci/run calls this): installs the Slurm packages
# if missing, starts a local single-node Slurm (scripts/slurm_local.sh), runs
# the pipelines tests tagged [slurm], and stops Slurm by PID.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD="${BUILD_DIR:-build}"
if ! command -v sbatch >/dev/null || ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null \
   || ! command -v munged >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge
fi
[[ -x "$BUILD/tests/pipelines_test" ]] || ninja -C "$BUILD" -j2 sluice pipelines_test
eval "$(scripts/slurm_local.sh start)"
trap 'scripts/slurm_local.sh stop' EXIT
export SLURM_CONF SLUICE_SLURM_TESTS=1
"$BUILD/tests/pipelines_test" "[slurm]"
