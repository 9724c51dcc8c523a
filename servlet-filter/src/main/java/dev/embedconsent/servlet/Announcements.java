package dev.embedconsent.servlet;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * The words the activation script announces after a decision ({@code announcements.properties}), sent with the
 * answer of {@code POST {base}/consent} so the script carries no word tables: {@code granted} ("loaded", read after
 * the placeholder's title) and {@code withdrawn}. An unknown language gets English.
 * <pre>{@code
 * Announcements.BUNDLED.text("granted", "de")   // "geladen"
 * }</pre>
 */
final class Announcements {
    static final Announcements BUNDLED = load();

    private final Properties texts;

    private Announcements(Properties texts) {
        this.texts = texts;
    }

    private static Announcements load() {
        Properties texts = new Properties();
        try (InputStream in = Announcements.class.getResourceAsStream("announcements/announcements.properties")) {
            if (in == null) {
                throw new IllegalStateException("announcements/announcements.properties is missing from the jar");
            }
            texts.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read announcements.properties", e);
        }
        return new Announcements(texts);
    }

    /** The text of {@code key} ({@code granted} or {@code withdrawn}) in {@code language}, else in English. */
    String text(String key, String language) {
        String text = texts.getProperty(key + "." + language);
        return text != null ? text : texts.getProperty(key + ".en", key);
    }
}
