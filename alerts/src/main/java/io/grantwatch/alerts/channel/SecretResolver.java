package io.grantwatch.alerts.channel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * Resolves {@code env:NAME} and {@code file:/path} references. A literal secret in a config file is
 * refused: configs get committed and printed, secrets must not. Errors name the reference, never
 * the value.
 */
public final class SecretResolver {
    private final UnaryOperator<String> env;

    public SecretResolver(UnaryOperator<String> env) {
        this.env = env;
    }

    public static SecretResolver system() {
        return new SecretResolver(System::getenv);
    }

    public Secret resolve(String reference) {
        if (reference == null || reference.isBlank()) {
            throw new IllegalArgumentException("a secret reference is required (env:NAME or file:/path)");
        }
        if (reference.startsWith("env:")) {
            String name = reference.substring(4);
            String v = env.apply(name);
            if (v == null || v.isBlank()) {
                throw new IllegalArgumentException("environment variable " + name + " is not set (secret " + reference + ")");
            }
            return new Secret(reference, v.strip());
        }
        if (reference.startsWith("file:")) {
            Path p = Path.of(reference.substring(5));
            try {
                String v = Files.readString(p, StandardCharsets.UTF_8).strip();
                if (v.isEmpty()) {
                    throw new IllegalArgumentException("secret file " + p + " is empty");
                }
                return new Secret(reference, v);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read secret file " + p + ": " + e.getClass().getSimpleName(), e);
            }
        }
        throw new IllegalArgumentException("secrets must be given as env:NAME or file:/path, not literally");
    }
}
