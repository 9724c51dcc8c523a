package dev.embedconsent.preview;

import dev.embedconsent.provider.PreviewRule;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What one preview URL refers to: a provider, the index of its preview rule and the ids the rule took from the embed
 * URL. Its path form {@code provider/rule/id1[/id2...]} is what a preview URL carries (followed by the signature).
 */
record PreviewKey(String provider, int rule, List<String> ids) {

    private static final Pattern PROVIDER = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    PreviewKey {
        ids = List.copyOf(ids);
    }

    /** {@code provider/rule/id1/id2}; every part is URL-unreserved, so it needs no escaping. */
    String path() {
        StringBuilder out = new StringBuilder(provider.length() + 40);
        out.append(provider).append('/').append(rule);
        for (String id : ids) {
            out.append('/').append(id);
        }
        return out.toString();
    }

    /**
     * Reads the path form (without the signature); null when it is not one: an unknown shape, a provider id that
     * cannot be one, a rule index out of range, an id that is not URL-unreserved, or too many ids.
     */
    static @Nullable PreviewKey parse(List<String> segments) {
        if (segments.size() < 2 || segments.size() > 2 + PreviewRule.MAX_IDS) {
            return null;
        }
        String provider = segments.get(0);
        String rule = segments.get(1);
        if (!PROVIDER.matcher(provider).matches() || rule.length() != 1 || rule.charAt(0) < '0'
                || rule.charAt(0) > '7') {
            return null;
        }
        List<String> ids = new ArrayList<>(segments.size() - 2);
        for (String id : segments.subList(2, segments.size())) {
            if (!PreviewRule.isSafeId(id)) {
                return null;
            }
            ids.add(id);
        }
        return new PreviewKey(provider, rule.charAt(0) - '0', ids);
    }
}
