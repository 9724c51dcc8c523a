package dev.embedconsent.servlet;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Request paths (within the web app, without the context path) that the filter leaves alone. A pattern without
 * wildcards is a prefix on segment boundaries: {@code /admin} matches {@code /admin} and {@code /admin/users} but not
 * {@code /administration}. With wildcards it is a glob over the whole path: {@code *} matches within one segment,
 * {@code **} across segments, {@code ?} one character, e.g. {@code /docs/*.html} or {@code /**}{@code /raw/**}.
 * Immutable.
 */
final class PathPatterns {
    static final PathPatterns NONE = new PathPatterns(List.of());

    private final List<String> sources;
    private final List<String> prefixes = new ArrayList<>();
    private final List<Pattern> globs = new ArrayList<>();

    PathPatterns(List<String> patterns) {
        this.sources = List.copyOf(patterns);
        for (String pattern : sources) {
            if (!pattern.startsWith("/")) {
                throw new IllegalArgumentException("exclude pattern '" + pattern + "' must start with '/'");
            }
            if (pattern.indexOf('*') < 0 && pattern.indexOf('?') < 0) {
                prefixes.add(pattern.endsWith("/") && pattern.length() > 1
                        ? pattern.substring(0, pattern.length() - 1) : pattern);
            } else {
                globs.add(Pattern.compile(toRegex(pattern)));
            }
        }
    }

    List<String> sources() {
        return sources;
    }

    boolean matches(String path) {
        for (String prefix : prefixes) {
            if (prefix.equals("/") || path.equals(prefix) || path.startsWith(prefix + "/")) {
                return true;
            }
        }
        for (Pattern glob : globs) {
            if (glob.matcher(path).matches()) {
                return true;
            }
        }
        return false;
    }

    private static String toRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                boolean slashAfter = i + 2 < glob.length() && glob.charAt(i + 2) == '/';
                regex.append(slashAfter ? "(?:.*/)?" : ".*");
                i += slashAfter ? 2 : 1;
            } else if (c == '*') {
                regex.append("[^/]*");
            } else if (c == '?') {
                regex.append("[^/]");
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return regex.toString();
    }

    @Override
    public String toString() {
        return String.join(",", sources);
    }
}
