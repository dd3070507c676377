package io.grantwatch.ingest.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grantwatch.model.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A full disk: the checkpoint's last write goes into the space held in reserve, so a restart re-sends nothing. */
class FileCheckpointReserveTest {

    @Test
    void shouldSaveTheLastProgressIntoTheReserveAndStillStopWhenTheDiskIsFull(@TempDir Path tmp) throws IOException {
        Path cp = tmp.resolve("checkpoints/watch.json");
        Path reserve = cp.resolveSibling("watch.json.reserve");
        // a disk that is full until the reserve is freed
        FileCheckpoint.Writer disk = (f, entries) -> {
            if (Files.exists(reserve)) {
                throw new IOException("No space left on device");
            }
            Json.wire().writeValue(f.toFile(), entries);
        };
        FileCheckpoint checkpoint = FileCheckpoint.load(cp, disk);
        assertThat(Files.size(reserve)).isGreaterThanOrEqualTo(FileCheckpoint.RESERVE_MIN_BYTES);
        Path file = tmp.resolve("a.jsonl");

        assertThatThrownBy(() -> checkpoint.put(file, new FileCheckpoint.Entry(80, true, 4000, 1L)))
                .isInstanceOf(FileCheckpoint.WriteFailed.class)
                .hasMessageContaining("cannot go on writing the watch checkpoint " + cp.toAbsolutePath())
                .hasMessageContaining("No space left on device")
                .hasMessageContaining("nothing is read twice after the restart");

        assertThat(reserve).doesNotExist();
        assertThat(FileCheckpoint.load(cp).get(file).nextPosition()).isEqualTo(80);
        assertThat(reserve).exists(); // held again once there is space
    }

    @Test
    void shouldNameTheCheckpointWhenEvenTheReserveDoesNotHelp(@TempDir Path tmp) throws IOException {
        Path cp = tmp.resolve("watch.json");
        FileCheckpoint checkpoint = FileCheckpoint.load(cp, (f, entries) -> {
            throw new IOException("Read-only file system");
        });

        assertThatThrownBy(() -> checkpoint.put(tmp.resolve("a.jsonl"), new FileCheckpoint.Entry(1, true, 10, 1L)))
                .isInstanceOf(FileCheckpoint.WriteFailed.class)
                .hasMessageStartingWith("cannot write the watch checkpoint " + cp.toAbsolutePath())
                .hasMessageContaining("Read-only file system");
    }

    @Test
    void shouldHoldAReserveThatFitsTheCheckpointsTempCopyNotFourTimesTheCheckpoint(@TempDir Path tmp) throws IOException {
        Path cp = tmp.resolve("watch.json");
        Path reserve = cp.resolveSibling("watch.json.reserve");
        FileCheckpoint checkpoint = FileCheckpoint.load(cp);
        for (int i = 0; i < 4000; i++) { // a checkpoint of about 500 KB, as the outsider's
            checkpoint.put(tmp.resolve("f" + i + "-" + "x".repeat(60) + ".jsonl"), new FileCheckpoint.Entry(i, true, 4000, 1L));
        }
        checkpoint.flush();
        long size = Files.size(cp);
        assertThat(size).isGreaterThan(400_000);

        // the temp copy of an atomic save (the checkpoint and what it may grow by) fits into the reserve, and the
        // reserve is not several times the checkpoint (4x filled a small volume by itself)
        assertThat(Files.size(reserve)).isGreaterThanOrEqualTo(size + 32 * 1024).isLessThan(2 * size);
    }

    @Test
    void shouldRefuseToStartAndSayHowMuchSpaceItNeedsWhenTheCheckpointCannotBeWritten(@TempDir Path tmp) throws IOException {
        Path cp = tmp.resolve("watch.json");
        FileCheckpoint checkpoint = FileCheckpoint.load(cp, (f, entries) -> {
            throw new IOException("No space left on device");
        });

        assertThatThrownBy(checkpoint::ensureWritable)
                .isInstanceOf(FileCheckpoint.WriteFailed.class)
                .hasMessageStartingWith("cannot write the watch checkpoint " + cp.toAbsolutePath())
                .hasMessageContaining("No space left on device")
                .hasMessageContaining("nothing was read or sent")
                .hasMessageContaining("KiB free in " + tmp.toAbsolutePath());
    }
}
