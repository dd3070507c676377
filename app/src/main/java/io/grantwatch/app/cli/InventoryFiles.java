package io.grantwatch.app.cli;

import io.grantwatch.detector.inventory.Snapshots;
import io.grantwatch.model.inventory.InventoryRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Snapshot files of the official CLIs' JSON, read the same way for {@code inventory import} and {@code scan --inventory}:
 * a file, or a folder read recursively ({@code *.json}, {@code *.jsonl}, in path order); a file's modification time is
 * when the snapshot was taken, unless an envelope or {@code asOf} says otherwise.
 */
final class InventoryFiles {
    /** A snapshot file larger than this is refused (a whole account's IAM is some MB at most). */
    static final long MAX_FILE_BYTES = 64L << 20;

    private InventoryFiles() {
    }

    record Read(List<InventoryRecord> records, List<String> problems) {
    }

    /**
     * @param asOf    when the snapshot was taken, or null for each file's modification time
     * @param account the account of outputs that do not name one, or null
     * @throws IOException for a path named that does not exist or cannot be read (a usage error)
     */
    static Read read(List<Path> paths, Instant asOf, String account) throws IOException {
        List<InventoryRecord> records = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Path p : paths) {
            if (!Files.exists(p)) {
                throw new IOException(p + ": no such file or folder");
            }
            List<Path> files;
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    files = walk.filter(Files::isRegularFile).filter(InventoryFiles::snapshotName).sorted().toList();
                }
            } else {
                files = List.of(p);
            }
            for (Path f : files) {
                if (Files.size(f) > MAX_FILE_BYTES) {
                    problems.add(f + ": larger than " + (MAX_FILE_BYTES >> 20) + " MiB, not read");
                    continue;
                }
                String text = Files.readString(f, StandardCharsets.UTF_8);
                Instant at = asOf != null ? asOf : Files.getLastModifiedTime(f).toInstant();
                Snapshots.Result r = Snapshots.read(f.toString(), text, at, account);
                records.addAll(r.records());
                problems.addAll(r.problems());
            }
        }
        return new Read(List.copyOf(records), List.copyOf(problems));
    }

    private static boolean snapshotName(Path f) {
        String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
        return !n.startsWith(".") && (n.endsWith(".json") || n.endsWith(".jsonl"));
    }
}
