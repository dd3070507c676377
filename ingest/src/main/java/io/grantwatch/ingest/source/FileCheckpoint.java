package io.grantwatch.ingest.source;

import com.fasterxml.jackson.core.type.TypeReference;
import io.grantwatch.model.json.Json;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;

/**
 * The watch source's durable progress: per file the next record position to read and, once a file is
 * done, its size and modification time. Written atomically (temp file + rename) after the records
 * before the position were acknowledged by Kafka, so a crash can re-send records after the last
 * checkpoint but never skip one.
 */
public final class FileCheckpoint {
    /**
     * @param nextPosition records below this position are acknowledged
     * @param done         the whole file was read and acknowledged
     * @param size         file size when done (a larger file later = appended, resume at nextPosition)
     * @param modified     file modification time (epoch ms) when done
     */
    public record Entry(long nextPosition, boolean done, long size, long modified) {
    }

    private final Path file;
    private final Map<String, Entry> entries;

    private FileCheckpoint(Path file, Map<String, Entry> entries) {
        this.file = file;
        this.entries = entries;
    }

    public static FileCheckpoint load(Path file) throws IOException {
        if (!Files.exists(file)) {
            return new FileCheckpoint(file, new TreeMap<>());
        }
        Map<String, Entry> m = Json.wire().readValue(file.toFile(), new TypeReference<TreeMap<String, Entry>>() { });
        return new FileCheckpoint(file, m == null ? new TreeMap<>() : m);
    }

    public synchronized Entry get(Path p) {
        return entries.get(p.toString());
    }

    public synchronized void put(Path p, Entry e) throws IOException {
        entries.put(p.toString(), e);
        save();
    }

    private void save() throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Json.wire().writeValue(tmp.toFile(), entries);
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
