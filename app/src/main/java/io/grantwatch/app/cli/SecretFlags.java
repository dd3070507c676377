package io.grantwatch.app.cli;

import io.grantwatch.alerts.channel.SecretResolver;
import io.grantwatch.app.config.ConfigKeys;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Secrets on the command line: every user of the machine sees a process's arguments ({@code ps}, /proc). A
 * secret option therefore also takes a reference, {@code env:NAME} or {@code file:/path} (the same references
 * as the config file's, resolved by {@link SecretResolver}), and a secret given literally still works but is
 * warned about, once per option and process, without printing it. {@code --set} / {@code --kafka} settings
 * whose key is a secret ({@link ConfigKeys#isSecret}) are warned about the same way.
 */
public final class SecretFlags {
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private SecretFlags() {
    }

    /**
     * The value of a secret option: {@code value} resolved when a reference, as it is otherwise (with the
     * warning); when absent, the environment variable {@code envName}.
     *
     * @throws IllegalArgumentException a reference that does not resolve (the message names it, not the value)
     */
    public static String option(PrintWriter err, String command, String option, String value, String envName,
                                UnaryOperator<String> env) {
        if (value == null) {
            return envName == null || envName.isEmpty() ? null : env.apply(envName);
        }
        if (value.startsWith("env:") || value.startsWith("file:")) {
            try {
                return new SecretResolver(env).resolve(value).reveal();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
            }
        }
        warnLiteral(err, command, option, (envName == null || envName.isEmpty() ? "" : "set " + envName + " instead, or ")
                + "give " + option + " a reference: env:NAME or file:/path");
        return value;
    }

    /** Warns about each {@code --set} / {@code --kafka} setting whose key is a secret. */
    public static void checkSettings(PrintWriter err, String command, String flag, Map<String, String> settings) {
        settings.forEach((key, value) -> {
            String full = flag.equals("--set") ? key : ConfigKeys.KAFKA_PREFIX + key;
            if (ConfigKeys.isSecret(full)) {
                warnLiteral(err, command, flag + " " + key, "set " + io.grantwatch.app.config.ConfigKey.envName(full)
                        + " instead, or put it in the config file (--config)");
            }
        });
    }

    /** The one warning: once per {@code what} and process, never with the value. */
    static void warnLiteral(PrintWriter err, String command, String what, String instead) {
        if (WARNED.add(what)) {
            err.println("grantwatch " + command + ": warning: " + what + " was given a secret on the command line, where "
                    + "every user of this machine can read it (ps, /proc); " + instead);
            err.flush();
        }
    }
}
