package dev.embedconsent.provider;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * How a provider's embed URL leads to a preview still: a regular expression that picks ids out of the embed URL,
 * and templates of https URLs on the provider's own hosts that the ids are put into. Immutable.
 *
 * <pre>{@code
 * "preview": [{
 *   "match": "^https://(?:www\\.)?youtube(?:-nocookie)?\\.com/embed/([A-Za-z0-9_-]{11})",
 *   "image": "https://i.ytimg.com/vi/{1}/hqdefault.jpg",
 *   "oembed": "https://www.youtube.com/oembed?format=json&url=https%3A%2F%2Fwww.youtube.com%2Fwatch%3Fv%3D{1}"
 * }]
 * }</pre>
 *
 * <p>{@code match} is applied to the start of the absolute embed URL ({@link Matcher#lookingAt()}). Its groups are
 * the ids: each must be 1 to 128 URL-unreserved characters ({@code A-Z a-z 0-9 - . _ ~}) and neither {@code .} nor
 * {@code ..}, else the embed has no preview. Only the ids travel in a preview URL; every upstream URL is the template
 * with the ids put in, so no page can make the server fetch anything but the provider's own thumbnail URLs.
 *
 * @param match the regular expression, starting with {@code ^https://}
 * @param image template of the still's URL, or null when only {@code oembed} leads to one
 * @param oembed template of the provider's oEmbed endpoint (JSON with {@code thumbnail_url} and {@code title}), or null
 */
public record PreviewRule(String match, @Nullable String image, @Nullable String oembed) {

    /** Longest id taken from an embed URL. */
    public static final int MAX_ID_LENGTH = 128;
    /** Most ids one rule may take. */
    public static final int MAX_IDS = 4;

    private static final Pattern UNRESERVED = Pattern.compile("[A-Za-z0-9._~-]{1," + MAX_ID_LENGTH + "}");
    private static final Pattern SLOT = Pattern.compile("\\{([0-9])}");

    public PreviewRule {
        Objects.requireNonNull(match, "match");
    }

    /**
     * The ids this rule takes from an embed URL, or null when the rule does not apply to it or an id is not safe to
     * use.
     *
     * @throws PatternSyntaxException if {@code match} is not a regular expression (the validator reports it first)
     */
    public @Nullable List<String> ids(String embedUrl) {
        Matcher matcher = pattern().matcher(embedUrl);
        if (!matcher.lookingAt()) {
            return null;
        }
        List<String> ids = new ArrayList<>(matcher.groupCount());
        for (int g = 1; g <= matcher.groupCount(); g++) {
            String id = matcher.group(g);
            if (!isSafeId(id)) {
                return null;
            }
            ids.add(id);
        }
        return List.copyOf(ids);
    }

    /** Whether {@code id} may be put into a template: unreserved characters only, not a dot segment. */
    public static boolean isSafeId(@Nullable String id) {
        return id != null && UNRESERVED.matcher(id).matches() && !id.equals(".") && !id.equals("..");
    }

    /**
     * The template with {@code {1}}, {@code {2}}… replaced by the ids.
     *
     * @throws IllegalArgumentException if an id is unsafe or the template names an id that is not there
     */
    public static String fill(String template, List<String> ids) {
        Matcher slot = SLOT.matcher(template);
        StringBuilder out = new StringBuilder(template.length() + 32);
        while (slot.find()) {
            int n = slot.group(1).charAt(0) - '0';
            if (n < 1 || n > ids.size()) {
                throw new IllegalArgumentException("template " + template + " names {" + n + "} but there are "
                        + ids.size() + " ids");
            }
            String id = ids.get(n - 1);
            if (!isSafeId(id)) {
                throw new IllegalArgumentException("unsafe id \"" + id + "\"");
            }
            slot.appendReplacement(out, Matcher.quoteReplacement(id));
        }
        slot.appendTail(out);
        return out.toString();
    }

    /** How many ids the rule's templates use: the highest {@code {n}} either names. */
    public int idsNeeded() {
        return Math.max(image == null ? 0 : highestSlot(image), oembed == null ? 0 : highestSlot(oembed));
    }

    /** The highest {@code {n}} a template names; 0 for none. */
    static int highestSlot(String template) {
        Matcher slot = SLOT.matcher(template);
        int highest = 0;
        while (slot.find()) {
            highest = Math.max(highest, slot.group(1).charAt(0) - '0');
        }
        return highest;
    }

    /** The compiled {@code match}; compiled once per rule. */
    Pattern pattern() {
        return Compiled.of(match);
    }

    /** Compiled patterns by source; rules are few and live as long as their catalogue. */
    private static final class Compiled {
        private static final ConcurrentHashMap<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

        static Pattern of(String regex) {
            Pattern pattern = PATTERNS.get(regex);
            if (pattern == null) {
                pattern = Pattern.compile(regex);
                if (PATTERNS.size() < 4096) {
                    PATTERNS.put(regex, pattern);
                }
            }
            return pattern;
        }
    }
}
