#!/usr/bin/env bash
# GrantWatch reliability suite: bench/reliability.sh [--quick] [--events N] [--only 3,7,...] [--keep]
# Each scenario prints its figures and PASS/FAIL/SKIP; the last line is
#   lost=<n> duplicates=<n> leaked=<n> injected=<n> scenarios_passed=<k>/<m>
# Exit status is non-zero when any scenario did not pass. --keep leaves the work folder (child JVM
# logs under logs/). Child JVMs (broker, grantwatch detect, ingest, run)
# are started and signalled by this suite only, by their own process handles.
#
# The scenarios are the system-tests module's ScenarioNN…IT classes (the same ones failsafe runs with
# -Psystem-tests), run in one JVM by io.grantwatch.systemtests.ReliabilitySuite on the module's test classpath.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
MOD="$ROOT/system-tests"
CP_FILE="$MOD/target/suite-classpath.txt"
# Build when the classpath file is missing or any module's sources are newer: package, not install (nothing is written
# to ~/.m2); offline first, online when the local repository lacks a plugin. -Dquick skips tests, not test compilation.
if [[ ! -f "$CP_FILE" || -n "$(find ./*/src ./*/pom.xml pom.xml -newer "$CP_FILE" -type f 2>/dev/null | head -1)" ]]; then
  mvn -B -o -q -Dquick package -pl system-tests -am >&2 || mvn -B -q -Dquick package -pl system-tests -am >&2
fi
exec java -Xmx1536m -XX:+UseG1GC -Dlogback.configurationFile=logback.xml \
  -cp "$MOD/target/test-classes:$MOD/target/classes:$(cat "$CP_FILE")" io.grantwatch.systemtests.ReliabilitySuite "$@"
