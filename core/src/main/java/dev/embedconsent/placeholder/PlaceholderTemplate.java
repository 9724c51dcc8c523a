package dev.embedconsent.placeholder;

import dev.embedconsent.internal.EncodedText;
import java.io.IOException;
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
 * {@code preview} (the preview still, {@code <img class="ec-preview">} and the play symbol, or nothing),
 * {@code embedTitle}, {@code notice}, {@code details}, {@code consentUrl}, {@code returnPath}, {@code loadOnce},
 * {@code alwaysAllow}, {@code privacyUrl}, {@code privacyLink}, {@code withdraw} (text with the settings link),
 * {@code settingsUrl}, {@code original}.
 */
final class PlaceholderTemplate {

    /** The slots a template may use. */
    enum Slot {
        INDEX, PROVIDER, PROVIDER_NAME, RECIPIENT, LANGUAGE, SIZER, PREVIEW, EMBED_TITLE, NOTICE, DETAILS, CONSENT_URL,
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

    /** Literal text ({@link EncodedText}) and slots, in order; split at {@link Slot#ORIGINAL}. */
    private final Object[] before;
    private final Object[] after;

    private PlaceholderTemplate(Object[] before, Object[] after) {
        this.before = before;
        this.after = after;
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
                current.add(EncodedText.of(template.substring(i)));
                break;
            }
            if (open > i) {
                current.add(EncodedText.of(template.substring(i, open)));
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
        return new PlaceholderTemplate(before.toArray(), after.toArray());
    }

    /** Appends the markup before {@code {{original}}}, taking each slot's value from {@code values}. */
    void appendBefore(SlotValues values, Appendable out) throws IOException {
        append(before, values, out);
    }

    /** Appends the markup after {@code {{original}}}. */
    void appendAfter(SlotValues values, Appendable out) throws IOException {
        append(after, values, out);
    }

    private static void append(Object[] parts, SlotValues values, Appendable out) throws IOException {
        for (Object part : parts) {
            if (part instanceof Slot slot) {
                values.append(slot, out);
            } else {
                out.append((CharSequence) part);
            }
        }
    }

    /** The values of one placeholder's slots, escaped HTML. */
    interface SlotValues {
        void append(Slot slot, Appendable out) throws IOException;
    }
}
