#!/usr/bin/env bash
# GrantWatch benchmark: bench/run.sh [--quick] [--events N] [--rounds R] [--seed S] [--no-jmh]
# Builds the bench jar offline if needed, then runs io.grantwatch.bench.e2e.BenchMain on one
# in-process KRaft broker. The last line printed is:
#   ratio=<d/a> eps=<d> passthrough_eps=<a> p99_ms=<...> scan_mb_s=<...>
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
JAR="$ROOT/bench/target/grantwatch-bench.jar"
cd "$ROOT"
if [[ ! -f "$JAR" || -n "$(find bench/src -newer "$JAR" -type f 2>/dev/null | head -1)" ]]; then
  if [[ -f "$HOME/.m2/repository/io/grantwatch/grantwatch-app/0.1.0-SNAPSHOT/grantwatch-app-0.1.0-SNAPSHOT.jar" ]]; then
    mvn -B -o -q -Dquick -pl bench install >&2
  else
    mvn -B -o -q -Dquick install >&2
  fi
fi
HEAP="${GRANTWATCH_BENCH_HEAP:-2g}"
exec java -Xms"$HEAP" -Xmx"$HEAP" -XX:+UseG1GC -cp "$JAR" io.grantwatch.bench.e2e.BenchMain "$@"
