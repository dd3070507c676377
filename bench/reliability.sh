#!/usr/bin/env bash
# GrantWatch reliability suite: bench/reliability.sh [--quick] [--events N] [--only 3,7,...] [--keep]
# Each scenario prints its figures and PASS/FAIL/SKIP; the last line is
#   lost=<n> duplicates=<n> leaked=<n> injected=<n> scenarios_passed=<k>/<m>
# Exit status is non-zero when any scenario did not pass. --keep leaves the work folder (child JVM
# logs under logs/). Child JVMs (broker, grantwatch detect, ingest, run)
# are started and signalled by this suite only, by their own process handles.
set -euo pipefail
source "$(dirname "$0")/build-jar.sh"
exec java -Xmx1g -XX:+UseG1GC -cp "$JAR" io.grantwatch.bench.reliability.ReliabilityMain "$@"
