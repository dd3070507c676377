#!/usr/bin/env bash
# GrantWatch reliability suite: bench/reliability.sh [--quick] [--events N] [--only 3,7,...]
# Each scenario prints its figures and PASS/FAIL/SKIP; the last line is
#   lost=<n> duplicates=<n> leaked=<n> injected=<n> scenarios_passed=<k>/<m>
# Exit status is non-zero when any scenario did not pass. Child JVMs (broker, grantwatch detect)
# are started and signalled by this suite only, by their own process handles.
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
exec java -Xmx1g -XX:+UseG1GC -cp "$JAR" io.grantwatch.bench.reliability.ReliabilityMain "$@"
