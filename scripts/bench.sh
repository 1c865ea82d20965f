#!/usr/bin/env bash
# Builds the CLI in Release and runs the benchmark over every lesson; writes bench.json
# and rewrites docs/guide/performance.md's tables from the same numbers.
# Usage: scripts/bench.sh [--runs N] [--lesson ID ...]
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build Lessons.Cli -c Release -v quiet -nologo
cli=$(find Lessons.Cli/bin/Release -name lessons -type f -perm -u+x | head -n 1)
"$cli" bench --json data/bench.json --update-readme docs/guide/performance.md "$@"
