package io.grantwatch.alerts.channel;

/** Time for rate limits and backoff; tests substitute a fake one. */
public interface Clock {
    Clock SYSTEM = new Clock() {
        @Override
        public long millis() {
            return System.currentTimeMillis();
        }

        @Override
        public void sleep(long millis) throws InterruptedException {
            if (millis > 0) {
                Thread.sleep(millis);
            }
        }
    };

    long millis();

    void sleep(long millis) throws InterruptedException;
}
