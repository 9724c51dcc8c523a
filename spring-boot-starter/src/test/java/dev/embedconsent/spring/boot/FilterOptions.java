package dev.embedconsent.spring.boot;

import dev.embedconsent.servlet.EmbedConsentFilter;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The filter's options as the filter itself lists them, and the starter's documented properties. */
final class FilterOptions {
    private static final String MARKER = "known options: ";

    private FilterOptions() {}

    /** The option names the filter's builder knows, read from its own error message for an unknown one. */
    static List<String> names() {
        try {
            EmbedConsentFilter.builder().option("no-such-option", "x");
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            int at = message.indexOf(MARKER);
            if (at >= 0) {
                return Arrays.stream(message.substring(at + MARKER.length()).split(","))
                        .map(String::strip).filter(s -> !s.isEmpty()).toList();
            }
            throw new AssertionError("the filter's message no longer lists its options: " + message, e);
        }
        throw new AssertionError("the filter accepted an unknown option");
    }

    /** The {@code embed-consent.*} property that stands for a filter option. */
    static String propertyFor(String option) {
        return switch (option) {
            case "hmac-key" -> "embed-consent.keys";
            case "jdbc-url", "jdbc-user", "jdbc-password" -> "embed-consent.store";
            default -> "embed-consent." + option;
        };
    }

    /** Property name to description, from the generated {@code META-INF/spring-configuration-metadata.json}. */
    static Map<String, String> documentedProperties() throws IOException {
        for (URL url : Collections.list(FilterOptions.class.getClassLoader()
                .getResources("META-INF/spring-configuration-metadata.json"))) {
            JsonNode root;
            try (InputStream in = url.openStream()) {
                root = JsonMapper.builder().build().readTree(in);
            }
            Map<String, String> properties = new LinkedHashMap<>();
            for (JsonNode property : root.path("properties")) {
                String name = property.path("name").asString();
                if (name.startsWith("embed-consent.")) {
                    properties.put(name, property.path("description").asString());
                }
            }
            if (!properties.isEmpty()) {
                return properties;
            }
        }
        throw new AssertionError("no embed-consent metadata on the class path");
    }
}
