package dev.embedconsent.placeholder;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;

/** The texts of one language: bundled {@code messages_xx.properties} (UTF-8) plus overrides. Immutable. */
final class PlaceholderMessages {

    /** Languages bundled with the library. */
    static final List<String> BUNDLED = List.of("en", "de", "uk", "fr", "es", "it", "pl", "nl");

    private final String language;
    private final Map<String, String> texts;

    private PlaceholderMessages(String language, Map<String, String> texts) {
        this.language = language;
        this.texts = Map.copyOf(texts);
    }

    /** A bundled language, or an empty set of texts for another one. */
    static Map<String, String> bundled(String language) {
        Map<String, String> texts = new TreeMap<>();
        if (!BUNDLED.contains(language)) {
            return texts;
        }
        String resource = "messages_" + language + ".properties";
        try (InputStream in = PlaceholderMessages.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("bundled " + resource + " is missing from the classpath");
            }
            Properties properties = new Properties();
            properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            properties.stringPropertyNames().forEach(key -> texts.put(key, properties.getProperty(key)));
            return texts;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read bundled " + resource, e);
        }
    }

    /**
     * The bundled texts of a language with overrides applied. Override keys must be known (English has them all);
     * a language that is not bundled must provide every key.
     *
     * @throws IllegalArgumentException naming the unknown or missing keys
     */
    static PlaceholderMessages of(String language, Map<String, String> overrides) {
        Map<String, String> reference = bundled("en");
        TreeSet<String> unknown = new TreeSet<>(overrides.keySet());
        unknown.removeAll(reference.keySet());
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("messages for \"" + language + "\": unknown keys " + unknown
                    + "; known keys are " + reference.keySet());
        }
        Map<String, String> texts = bundled(language);
        texts.putAll(overrides);
        TreeSet<String> missing = new TreeSet<>(reference.keySet());
        missing.removeAll(texts.keySet());
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("messages for \"" + language + "\": missing keys " + missing
                    + " (a language that is not bundled must provide every key)");
        }
        return new PlaceholderMessages(language, texts);
    }

    String language() {
        return language;
    }

    /** The text for a key that every language has. */
    String text(String key) {
        String text = texts.get(key);
        if (text == null) {
            throw new IllegalStateException("no text for \"" + key + "\" in \"" + language + "\"");
        }
        return text;
    }

    /** The translation of a purpose or data-category id, or the id itself when it is a provider's own text. */
    String term(String prefix, String id) {
        return texts.getOrDefault(prefix + id, id);
    }
}
