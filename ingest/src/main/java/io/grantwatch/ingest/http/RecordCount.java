package io.grantwatch.ingest.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.grantwatch.model.json.Json;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts, without building a tree, the records a push body can hold: top-level values (JSON Lines),
 * elements of a top-level array and elements of arrays directly inside a top-level object (CTS
 * {@code {"Records":[...]}}, ActionTrail {@code {"Events":[...]}}). Stops at {@code limit}; a body that
 * is not JSON counts what was read before the error (the parser reports the rest).
 */
final class RecordCount {
    private RecordCount() {
    }

    static long atMost(byte[] body, long limit) {
        try {
            return atMost(Json.wire().getFactory().createParser(body), limit);
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * The same count over what a stream yields, e.g. a gzip body as it decompresses, without keeping it.
     *
     * @throws io.grantwatch.ingest.parse.LimitedInputStream.LimitExceeded the stream passed its limit while read
     */
    static long atMost(InputStream in, long limit) throws io.grantwatch.ingest.parse.LimitedInputStream.LimitExceeded {
        try {
            return atMost(Json.wire().getFactory().createParser(in), limit);
        } catch (io.grantwatch.ingest.parse.LimitedInputStream.LimitExceeded e) {
            throw e;
        } catch (IOException e) {
            return 0;
        }
    }

    private static long atMost(JsonParser parser, long limit) throws io.grantwatch.ingest.parse.LimitedInputStream.LimitExceeded {
        long count = 0;
        // depth: 0 outside any value; arrays[d] = whether the container at depth d is an array
        boolean[] arrays = new boolean[3];
        int depth = 0;
        try (JsonParser p = parser) {
            JsonToken t;
            while (count < limit && (t = p.nextToken()) != null) {
                if (t == JsonToken.FIELD_NAME) {
                    continue;
                }
                boolean valueStart = t != JsonToken.END_OBJECT && t != JsonToken.END_ARRAY;
                // a top-level array holds records and is none itself; its elements (and a wrapper's) are
                if (valueStart && (depth == 0 && t != JsonToken.START_ARRAY || depth >= 1 && depth <= 2 && arrays[depth])) {
                    count++;
                }
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    depth++;
                    if (depth <= 2) {
                        arrays[depth] = t == JsonToken.START_ARRAY;
                    }
                } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    depth--;
                }
            }
        } catch (io.grantwatch.ingest.parse.LimitedInputStream.LimitExceeded e) {
            throw e;
        } catch (IOException e) {
            return count;
        }
        return count;
    }
}
