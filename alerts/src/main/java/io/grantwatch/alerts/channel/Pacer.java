package io.grantwatch.alerts.channel;

/** The time rate limits and backoff read and wait on (named apart from java.time.Clock: it also sleeps); tests substitute a fake one. */
public interface Pacer {
    Pacer SYSTEM = new Pacer() {
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
