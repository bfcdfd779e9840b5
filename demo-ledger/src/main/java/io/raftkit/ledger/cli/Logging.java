package io.raftkit.ledger.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Sends the nodes' logs (slf4j-simple) to a file, so the console shows only what a user needs.
 * slf4j-simple reads its system properties when the first logger is created, so a command calls
 * this before it touches any class that logs; a {@code -D} given by the user wins.
 */
final class Logging {

    private static final String PREFIX = "org.slf4j.simpleLogger.";

    private Logging() {
    }

    /** Logs at INFO to {@code file}, creating its directory. */
    static Path toFile(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the log directory of " + file, e);
        }
        setIfAbsent("logFile", file.toAbsolutePath().toString());
        setIfAbsent("defaultLogLevel", "info");
        setIfAbsent("showDateTime", "true");
        setIfAbsent("dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
        setIfAbsent("showThreadName", "true");
        return file;
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(PREFIX + key) == null) {
            System.setProperty(PREFIX + key, value);
        }
    }
}
