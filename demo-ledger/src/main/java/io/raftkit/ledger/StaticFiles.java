package io.raftkit.ledger;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The dashboard's files, read once from the jar ({@code src/main/resources/dashboard/}). Only the
 * files named here are served, so a request path never becomes a resource lookup.
 */
final class StaticFiles {

    /** A file and its content type. */
    record File(String contentType, byte[] body) {
    }

    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "style.css", "text/css; charset=utf-8");

    private final Map<String, File> files;

    private StaticFiles(Map<String, File> files) {
        this.files = Map.copyOf(files);
    }

    /** Loads every dashboard file from the class path; fails if one is missing (a broken build). */
    static StaticFiles load() {
        Map<String, File> loaded = new HashMap<>();
        FILES.forEach((name, type) -> {
            try (InputStream in = StaticFiles.class.getResourceAsStream("/dashboard/" + name)) {
                if (in == null) {
                    throw new IllegalStateException("dashboard file " + name + " is missing from the class path");
                }
                loaded.put(name, new File(type, in.readAllBytes()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read dashboard file " + name, e);
            }
        });
        return new StaticFiles(loaded);
    }

    /** The file called {@code name}, or null. */
    File get(String name) {
        return files.get(name);
    }
}
