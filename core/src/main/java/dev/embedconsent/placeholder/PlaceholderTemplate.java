package dev.embedconsent.placeholder;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Placeholder markup with {@code {{variable}}} slots, parsed once. Every value the renderer puts into a slot is
 * already escaped, so a slot may sit in text or inside a double-quoted attribute value. {@code {{original}}} marks
 * where the rewriter writes the original embed; it must appear exactly once, inside a {@code <template>}.
 *
 * <p>Slots: {@code index}, {@code provider} (id), {@code providerName}, {@code recipient}, {@code language},
 * {@code sizer} (the sizer's {@code width}/{@code height}/{@code viewBox} attributes, with a leading space),
 * {@code embedTitle}, {@code notice}, {@code details}, {@code consentUrl}, {@code returnPath}, {@code loadOnce},
 * {@code alwaysAllow}, {@code privacyUrl}, {@code privacyLink}, {@code withdraw} (text with the settings link),
 * {@code settingsUrl}, {@code original}.
 */
final class PlaceholderTemplate {

    /** The slots a template may use. */
    enum Slot {
        INDEX, PROVIDER, PROVIDER_NAME, RECIPIENT, LANGUAGE, SIZER, EMBED_TITLE, NOTICE, DETAILS, CONSENT_URL,
        RETURN_PATH, LOAD_ONCE, ALWAYS_ALLOW, PRIVACY_URL, PRIVACY_LINK, WITHDRAW, SETTINGS_URL, ORIGINAL;

        /** The name used in templates, e.g. {@code providerName}. */
        String slotName() {
            String[] words = name().toLowerCase(Locale.ROOT).split("_");
            StringBuilder out = new StringBuilder(words[0]);
            for (int i = 1; i < words.length; i++) {
                out.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
            }
            return out.toString();
        }
    }

    private static final Map<String, Slot> BY_NAME =
            Stream.of(Slot.values()).collect(Collectors.toUnmodifiableMap(Slot::slotName, s -> s));

    /** Literal strings and slots, alternating; split at {@link Slot#ORIGINAL}. */
    private final List<Object> before;
    private final List<Object> after;
    private final int sizeHint;

    private PlaceholderTemplate(List<Object> before, List<Object> after, int sizeHint) {
        this.before = before;
        this.after = after;
        this.sizeHint = sizeHint;
    }

    /**
     * Parses a template.
     *
     * @throws IllegalArgumentException naming an unknown or unclosed slot, or a missing or repeated
     *     {@code {{original}}}
     */
    static PlaceholderTemplate parse(String template) {
        Objects.requireNonNull(template, "template");
        List<Object> before = new ArrayList<>();
        List<Object> after = new ArrayList<>();
        List<Object> current = before;
        int originals = 0;
        int i = 0;
        while (i < template.length()) {
            int open = template.indexOf("{{", i);
            if (open < 0) {
                current.add(template.substring(i));
                break;
            }
            if (open > i) {
                current.add(template.substring(i, open));
            }
            int close = template.indexOf("}}", open + 2);
            if (close < 0) {
                throw new IllegalArgumentException("placeholder template: \"{{\" at index " + open + " is not closed");
            }
            String name = template.substring(open + 2, close).strip();
            Slot slot = BY_NAME.get(name);
            if (slot == null) {
                throw new IllegalArgumentException("placeholder template: unknown slot {{" + name + "}}; known: "
                        + BY_NAME.keySet().stream().sorted().collect(Collectors.joining(", ")));
            }
            if (slot == Slot.ORIGINAL) {
                originals++;
                current = after;
            } else {
                current.add(slot);
            }
            i = close + 2;
        }
        if (originals != 1) {
            throw new IllegalArgumentException("placeholder template: needs {{original}} exactly once (inside a "
                    + "<template>), found it " + originals + " times");
        }
        return new PlaceholderTemplate(List.copyOf(before), List.copyOf(after), template.length() + 1024);
    }

    /** Fills the slots; {@code values} is indexed by {@link Slot#ordinal()} and holds escaped HTML. */
    Placeholder fill(String[] values) {
        return new Placeholder(fill(before, values), fill(after, values));
    }

    private String fill(List<Object> parts, String[] values) {
        StringBuilder out = new StringBuilder(sizeHint);
        for (Object part : parts) {
            out.append(part instanceof Slot slot ? values[slot.ordinal()] : (String) part);
        }
        return out.toString();
    }
}
