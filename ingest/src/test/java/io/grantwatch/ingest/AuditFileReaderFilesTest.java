package io.grantwatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditFileReaderFilesTest {

    @Test
    void shouldSkipDocumentationAndPartialFilesInFoldersButReadAuditFiles(@TempDir Path dir) throws Exception {
        Path trail = Files.createDirectories(dir.resolve("AliyunLogs/Actiontrail/cn-hangzhou/2026/11/22"));
        for (String name : new String[] {"Actiontrail_cn-hangzhou_1.gz", "events.json", "events.jsonl", "README.md",
                "SOURCES.md", "manifest.md5", "alerts.yaml", "download.part", ".hidden.json"}) {
            Files.writeString(trail.resolve(name), "{}");
        }
        assertThat(AuditFileReader.files(dir)).extracting(p -> p.getFileName().toString())
                .containsExactly("Actiontrail_cn-hangzhou_1.gz", "events.json", "events.jsonl");
    }

    @Test
    void shouldTellProgressAfterEachFileWithBytesSoFar(@TempDir Path dir) throws Exception {
        Path a = Files.writeString(dir.resolve("a.json"), "[]");
        Path b = Files.writeString(dir.resolve("b.json"), "[ ]");
        List<String> told = new ArrayList<>();
        new AuditFileReader().read(List.of(dir), e -> { }, r -> { },
                (file, filesDone, filesTotal, bytesDone, bytesTotal) ->
                        told.add(file.getFileName() + " " + filesDone + "/" + filesTotal + " " + bytesDone + "/" + bytesTotal));
        assertThat(told).containsExactly("a.json 1/2 2/5", "b.json 2/2 5/5");
        assertThat(a).exists();
        assertThat(b).exists();
    }

    @Test
    void shouldReadAFileNamedExplicitlyWhateverItsExtension(@TempDir Path dir) throws Exception {
        Path readme = Files.writeString(dir.resolve("notes.md"), "{}");
        assertThat(AuditFileReader.files(readme)).containsExactly(readme);
    }
}
