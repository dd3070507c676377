# Sourced by run.sh: cd to the repo root and make sure
# bench/target/grantwatch-bench.jar exists and is newer than every module's sources,
# building the reactor (offline first, online when the local repository lacks a plugin).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$ROOT/bench/target/grantwatch-bench.jar"
cd "$ROOT"
if [[ ! -f "$JAR" || -n "$(find ./*/src ./*/pom.xml pom.xml -newer "$JAR" -type f 2>/dev/null | head -1)" ]]; then
  # package, not install: nothing is written to the local repository (~/.m2)
  mvn -B -o -q -Dquick package -pl bench -am >&2 || mvn -B -q -Dquick package -pl bench -am >&2
fi
