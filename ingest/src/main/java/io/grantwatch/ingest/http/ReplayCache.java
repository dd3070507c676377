package io.grantwatch.ingest.http;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ids of signed requests accepted within the signature tolerance, so that a captured request cannot be
 * accepted twice. Bounded: expired ids are dropped first; when still full, the oldest goes (a request that
 * old is near the end of its window anyway). Ids are remembered only after their signature was verified,
 * so only a holder of the key can fill it.
 */
final class ReplayCache {
    private final int capacity;
    private final LinkedHashMap<String, Long> expiries = new LinkedHashMap<>();

    ReplayCache(int capacity) {
        this.capacity = capacity;
    }

    synchronized boolean seen(String id, long nowSeconds) {
        Long until = expiries.get(id);
        return until != null && until >= nowSeconds;
    }

    /** @return false if the id was already remembered and not expired (a replay) */
    synchronized boolean remember(String id, long untilSeconds, long nowSeconds) {
        if (seen(id, nowSeconds)) {
            return false;
        }
        for (Iterator<Map.Entry<String, Long>> it = expiries.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Long> e = it.next();
            if (e.getValue() < nowSeconds || expiries.size() >= capacity) {
                it.remove();
            } else {
                break;
            }
        }
        expiries.remove(id);
        expiries.put(id, untilSeconds);
        return true;
    }
}
