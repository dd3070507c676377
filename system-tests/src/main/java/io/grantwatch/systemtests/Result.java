package io.grantwatch.systemtests;

/**
 * One scenario's outcome. {@code status} is PASS, FAIL or SKIP (SKIP never counts as passed).
 * Counts feed the suite's last line.
 */
record Result(String scenario, String status, long lost, long duplicates, long leaked, long injected, String figures) {
    static Result skip(String scenario, String reason) {
        return new Result(scenario, "SKIP", 0, 0, 0, 0, reason);
    }

    boolean passed() {
        return status.equals("PASS");
    }
}
