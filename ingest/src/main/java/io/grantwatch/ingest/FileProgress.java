package io.grantwatch.ingest;

import java.nio.file.Path;

/** Told after each file of a long read, so a command can show how far it has come. */
@FunctionalInterface
public interface FileProgress {
    FileProgress NONE = (file, filesDone, filesTotal, bytesDone, bytesTotal) -> {
    };

    /**
     * @param file       the file just read
     * @param filesDone  files read so far, this one included
     * @param filesTotal files to read in all
     * @param bytesDone  bytes (as stored: compressed for gzip) read so far
     * @param bytesTotal bytes to read in all
     */
    void fileDone(Path file, int filesDone, int filesTotal, long bytesDone, long bytesTotal);
}
