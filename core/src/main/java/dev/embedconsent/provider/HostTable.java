package dev.embedconsent.provider;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An immutable map from host patterns ({@code example.com}, {@code *.example.com}) to values, looked up by a region of
 * a string without allocating. Exact hosts win over wildcards; a longer wildcard suffix wins over a shorter one.
 */
final class HostTable<V> {

    private final String[] keys;
    private final @Nullable Object[] values;
    private final String[] wildcardKeys;
    private final @Nullable Object[] wildcardValues;

    private HostTable(Map<String, V> exact, Map<String, V> wildcard) {
        int size = tableSize(exact.size());
        keys = new String[size];
        values = new Object[size];
        exact.forEach((k, v) -> put(keys, values, k, v));
        int wildcardSize = tableSize(wildcard.size());
        wildcardKeys = new String[wildcardSize];
        wildcardValues = new Object[wildcardSize];
        wildcard.forEach((k, v) -> put(wildcardKeys, wildcardValues, k, v));
    }

    /** A table from host patterns ({@code *.} prefix for subdomains) to values. */
    static <T> HostTable<T> of(Map<String, T> patterns) {
        Map<String, T> exact = new LinkedHashMap<>();
        Map<String, T> wildcard = new LinkedHashMap<>();
        patterns.forEach((pattern, value) -> {
            if (pattern.startsWith("*.")) {
                wildcard.put(pattern.substring(2), value);
            } else {
                exact.put(pattern, value);
            }
        });
        return new HostTable<>(exact, wildcard);
    }

    /** The value for the host {@code s[from, to)} (ASCII case-insensitive), or {@code null}. */
    @SuppressWarnings("unchecked")
    @Nullable V get(String s, int from, int to) {
        Object exact = find(keys, values, s, from, to);
        if (exact != null) {
            return (V) exact;
        }
        for (int i = from; i < to; i++) {
            if (s.charAt(i) == '.') {
                Object wildcard = find(wildcardKeys, wildcardValues, s, i + 1, to);
                if (wildcard != null) {
                    return (V) wildcard;
                }
            }
        }
        return null;
    }

    private static int tableSize(int entries) {
        int size = 2;
        while (size < entries * 2) {
            size <<= 1;
        }
        return size;
    }

    private static void put(String[] keys, @Nullable Object[] values, String key, Object value) {
        int mask = keys.length - 1;
        int i = hash(key, 0, key.length()) & mask;
        while (keys[i] != null) {
            i = (i + 1) & mask;
        }
        keys[i] = key;
        values[i] = value;
    }

    private static @Nullable Object find(String[] keys, @Nullable Object[] values, String s, int from, int to) {
        int mask = keys.length - 1;
        int length = to - from;
        int i = hash(s, from, to) & mask;
        String key;
        while ((key = keys[i]) != null) {
            if (key.length() == length && s.regionMatches(true, from, key, 0, length)) {
                return values[i];
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    private static int hash(String s, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            h = 31 * h + c;
        }
        return h ^ (h >>> 16);
    }
}
