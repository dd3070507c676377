package io.grantwatch.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Where a record came from: a file and the position in it (record index for arrays and JSON Lines,
 * byte offset where known), or an HTTP request / API page.
 *
 * @param kind     file | http | api | demo | test
 * @param location file path, request id or API name
 * @param position index of the record inside the location (0-based), -1 when not applicable
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SourceRef(String kind, String location, long position) {

    public static SourceRef file(String path, long position) {
        return new SourceRef("file", path, position);
    }

    @Override
    public String toString() {
        return position >= 0 ? location + "#" + position : location;
    }
}
