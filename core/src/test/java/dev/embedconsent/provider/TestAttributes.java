package dev.embedconsent.provider;

import dev.embedconsent.provider.Attributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Attributes for tests: names lowercased, the first of duplicated names kept, values taken as already decoded. */
public final class TestAttributes implements Attributes {
    private final Map<String, String> values = new LinkedHashMap<>();

    /** From alternating names and values: {@code of("src", "https://...", "width", "560")}. */
    public static TestAttributes of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values must alternate");
        }
        TestAttributes attributes = new TestAttributes();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            attributes.values.putIfAbsent(namesAndValues[i].toLowerCase(Locale.ROOT), namesAndValues[i + 1]);
        }
        return attributes;
    }

    public static TestAttributes of(Map<String, String> map) {
        TestAttributes attributes = new TestAttributes();
        map.forEach((k, v) -> attributes.values.putIfAbsent(k.toLowerCase(Locale.ROOT), v));
        return attributes;
    }

    @Override
    public @Nullable String get(String lowercaseName) {
        return values.get(lowercaseName);
    }

    @Override
    public List<String> names() {
        return new ArrayList<>(values.keySet());
    }
}
