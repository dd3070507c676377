package io.grantwatch.app;

import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/** Reads the version Maven filtered into {@code grantwatch-version.properties}. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws Exception {
        Properties props = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream("/grantwatch-version.properties")) {
            if (in != null) {
                props.load(in);
            }
        }
        return new String[] {
            "grantwatch " + props.getProperty("version", "unknown"),
            "Kafka " + props.getProperty("kafka.version", "unknown") + ", Java " + System.getProperty("java.version")
        };
    }
}
