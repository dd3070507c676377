#!/usr/bin/env bash
# GrantWatch benchmark: bench/run.sh [--quick | --full] [--min-seconds S] [--events N] [--rounds R] [--seed S] [--no-jmh]
# Builds the bench jar if needed (build-jar.sh), then runs io.grantwatch.bench.e2e.BenchMain on one
# in-process KRaft broker. The last line printed is:
#   ratio=<d/a> eps=<d> passthrough_eps=<a> p99_ms=<...> scan_mb_s=<...>
set -euo pipefail
source "$(dirname "$0")/build-jar.sh"
HEAP="${GRANTWATCH_BENCH_HEAP:-2g}"
exec java -Xms"$HEAP" -Xmx"$HEAP" -XX:+UseG1GC -cp "$JAR" io.grantwatch.bench.e2e.BenchMain "$@"
