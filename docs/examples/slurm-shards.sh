#!/bin/bash
# Checks the notebooks as a Slurm job array of 8 shards, 4 cores each. Submit from the
# project folder, then merge when every task has ended (docs/ci.md):
#
#   mkdir -p reports
#   job=$(sbatch --parsable docs/examples/slurm-shards.sh)
#   sbatch --dependency=afterany:$job --wrap \
#     "tangent report merge reports/shard-*.json --json reports/notebooks.json --junit reports/notebooks.xml"
#
#SBATCH --job-name=tangent-check
#SBATCH --array=1-8
#SBATCH --cpus-per-task=4
#SBATCH --time=01:00:00
#SBATCH --output=reports/slurm-%A_%a.out
set -euo pipefail

shards=${SLURM_ARRAY_TASK_COUNT:-8}     # N: the number of tasks in --array
shard=${SLURM_ARRAY_TASK_ID}            # i: this task, 1..N
timings=()
[ -f ci/timings.json ] && timings=(--timings ci/timings.json)

# -j: notebooks at once on this task's cores (Tangent gives each cores/jobs BLAS threads).
tangent check notebooks --shard "$shard/$shards" "${timings[@]}" -j "${SLURM_CPUS_PER_TASK:-1}" \
  --json "reports/shard-$shard.json"
