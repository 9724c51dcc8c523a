package dev.embedconsent.provider;

import dev.embedconsent.internal.CharacterReferences;
import dev.embedconsent.provider.MatchIndex.ElementRules;
import dev.embedconsent.provider.MatchIndex.MarkerCandidate;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Fails closed for documents a frame carries inline ({@code srcdoc}, {@code data:text/html,...},
 * {@code javascript:'...'}): the browser loads their markup as a page of its own that the rewriter never sees, so
 * anything in them that looks like an embed counts as one. This is the only place {@code srcdoc} is handled.
 *
 * <p>What counts: an absolute or protocol-relative URL on a provider's host anywhere in the text, links included
 * ({@code //}, {@code \\}, {@code /\} and {@code https:} with any number of slashes, as URL parsing reads
 * {@code http(s)}), or a start tag of a rule's custom element or with a rule's marker class. The text is read as
 * written, without its tabs and line breaks (URL parsing removes them), and again after each decoding the browser
 * applies one level further in, until none changes it: character references (the inner document's attribute values
 * are decoded once more, so a {@code srcdoc} inside a {@code srcdoc} is decoded twice), then percent-escapes and then
 * base64 (a {@code data:} URL inside the document).
 *
 * <pre>{@code
 * scanner.match("iframe", "srcdoc", "<img src=https:&#47;&#47;i.ytimg.com/vi/x/0.jpg>") // youtube
 * scanner.match("iframe", "srcdoc", "<iframe src=\\\\www.youtube.com\\embed\\x>")     // youtube
 * scanner.match("iframe", "srcdoc", "<p>Hello <a href=/about>us</a></p>")             // null
 * }</pre>
 *
 * <p>References are decoded as in attribute values ({@link CharacterReferences#decodeAttributeValue}): that is the
 * decoding every loading attribute of the inner document gets, while {@code <script>} and {@code <style>} text is not
 * decoded at all and is found as written. Decoding as text would differ only for a legacy name without {@code ;}
 * before a letter, digit or {@code =} ({@code &copy=1}), which an attribute value keeps as written. Each decoding is
 * scanned in linear time, and at most twelve are undone.
 */
final class InlineDocumentScanner {

    /** Longest URL read inside an inline document; keeps scanning linear in pathological input. */
    private static final int MAX_URL = 4096;
    /** Longest host read past a quote, backtick or parenthesis, which ends a URL in markup but not a host. */
    private static final int MAX_HOST = 256;
    /** Longest start tag read for a widget's {@code class}; keeps scanning linear in pathological input. */
    private static final int MAX_TAG = 4096;
    /** Decodings undone, one inside the other: enough for four frames nested in each other's inline documents. */
    private static final int MAX_DECODINGS = 12;
    private static final int DECODERS = 3;

    private final MatchIndex index;

    InlineDocumentScanner(MatchIndex index) {
        this.index = index;
    }

    /**
     * For a frame's URL attribute: the match in its document when it is a {@code data:} or {@code javascript:} URL
     * (tabs and line breaks removed, as URL parsing does, {@code java\nscript:} included). Allocation-free for a URL
     * without tabs and line breaks that carries no document.
     */
    @Nullable EmbedMatch matchUrl(String element, String attribute, String value) {
        String url = UrlView.hasTabOrNewline(value, 0, value.length())
                ? UrlView.withoutTabsAndNewlines(value, 0, value.length()) : value;
        return InlineDocuments.isInlineDocumentUrl(url)
                ? match(element, attribute, InlineDocuments.content(url)) : null;
    }

    /**
     * The first embed in an inline document, reported as the frame's: its {@code element} and {@code attribute}, and
     * the URL found (as {@code https}), or for a widget {@code element.class} or the custom element's name.
     *
     * @param document the document text as the frame's attribute holds it (decoded once)
     */
    @Nullable EmbedMatch match(String element, String attribute, String document) {
        EmbedMatch match = scan(element, attribute, document);
        String text = document;
        int decodings = 0;
        for (int step = 0, idle = 0; match == null && idle < DECODERS && decodings < MAX_DECODINGS; step++) {
            String next = decode(step % DECODERS, text);
            if (next.equals(text)) {
                idle++;
                continue;
            }
            idle = 0;
            decodings++;
            text = next;
            match = scan(element, attribute, text);
        }
        return match;
    }

    /** One decoding the browser applies one document further in. */
    private static String decode(int decoder, String text) {
        return switch (decoder) {
            case 0 -> CharacterReferences.decodeAttributeValue(text);
            case 1 -> InlineDocuments.percentDecoded(text);
            default -> base64Decoded(text);
        };
    }

    private @Nullable EmbedMatch scan(String element, String attribute, String text) {
        EmbedMatch match = urls(element, attribute, text);
        if (match == null && UrlView.hasTabOrNewline(text, 0, text.length())) {
            match = urls(element, attribute, UrlView.withoutTabsAndNewlines(text, 0, text.length()));
        }
        return match != null ? match : widgets(element, attribute, text);
    }

    /** The first URL on a provider's host: read from each slash pair, and from each {@code http(s):} without one. */
    private @Nullable EmbedMatch urls(String element, String attribute, String text) {
        int n = text.length();
        // The first character at or after the anchor that ends a URL, and the first that ends any host; both only
        // move forward, so finding them is linear in the text.
        int urlStop = 0;
        int hostStop = 0;
        for (int i = 1; i < n; i++) {
            char c = text.charAt(i);
            int start;
            if (isSlash(c) && isSlash(text.charAt(i - 1))) {
                if (i >= 2 && isSlash(text.charAt(i - 2))) {
                    continue;
                }
                start = i - 1;
            } else if (c == ':' && !(i + 2 < n && isSlash(text.charAt(i + 1)) && isSlash(text.charAt(i + 2)))) {
                start = httpSchemeStart(text, i);
                if (start < 0) {
                    continue;
                }
            } else {
                continue;
            }
            if (urlStop <= i) {
                urlStop = i + 1;
                while (urlStop < n && !endsUrl(text.charAt(urlStop))) {
                    urlStop++;
                }
            }
            int limit = Math.min(n, i + MAX_URL);
            int end = Math.min(urlStop, limit);
            EmbedMatch match = url(element, attribute, text, start, end);
            if (match == null && end < limit && !endsHost(text.charAt(end))) {
                // URL parsing keeps quotes, backticks and parentheses in a host: "www.youtube.com is a subdomain.
                if (hostStop <= i) {
                    hostStop = i + 1;
                    while (hostStop < n && !endsHost(text.charAt(hostStop))) {
                        hostStop++;
                    }
                }
                match = url(element, attribute, text, start, Math.min(hostStop, Math.min(limit, end + MAX_HOST)));
            }
            if (match != null) {
                return match;
            }
        }
        return null;
    }

    /** The match for the URL in {@code text[start, end)} when its host is a provider's. */
    private @Nullable EmbedMatch url(String element, String attribute, String text, int start, int end) {
        long range = UrlView.locateHost(text, start, end);
        if (range == UrlView.NONE) {
            return null;
        }
        int hostStart = UrlView.start(range);
        int hostEnd = UrlView.end(range);
        String host = UrlView.needsMapping(text, hostStart, hostEnd)
                ? UrlView.mappedHost(text, hostStart, hostEnd) : null;
        Provider provider = host != null ? index.providerForHost(host, 0, host.length())
                : index.providerForHost(text, hostStart, hostEnd);
        if (provider == null) {
            return null;
        }
        if (host == null) {
            host = text.substring(hostStart, hostEnd).toLowerCase(Locale.ROOT);
        }
        return new EmbedMatch(provider, element, attribute, UrlView.toHttps(text, host, hostEnd, end));
    }

    /**
     * Where the scheme {@code http} or {@code https} that ends at the colon at {@code colon} starts, or -1 (also when
     * the word is longer, {@code xhttps:}, which is another scheme).
     */
    private static int httpSchemeStart(String text, int colon) {
        int start = colon >= 5 && text.regionMatches(true, colon - 5, "https", 0, 5) ? colon - 5
                : colon >= 4 && text.regionMatches(true, colon - 4, "http", 0, 4) ? colon - 4 : -1;
        return start > 0 && isSchemeChar(text.charAt(start - 1)) ? -1 : start;
    }

    private static boolean isSchemeChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '-'
                || c == '.';
    }

    /** The first start tag of a rule's custom element, or of a marker's element with the marker among its classes. */
    private @Nullable EmbedMatch widgets(String element, String attribute, String text) {
        int n = text.length();
        int lt = text.indexOf('<');
        while (lt >= 0) {
            int next = lt + 1;
            for (ElementRules widget : index.widgets()) {
                int nameEnd = lt + 1 + widget.element.length();
                if (!text.regionMatches(true, lt + 1, widget.element, 0, widget.element.length())
                        || (nameEnd < n && !endsTagName(text.charAt(nameEnd)))) {
                    continue;
                }
                if (widget.component != null) {
                    return new EmbedMatch(widget.component.provider(), element, attribute, widget.element);
                }
                long classes = firstClassValue(text, nameEnd);
                MarkerCandidate marker = widget.marker(text, UrlView.start(classes), UrlView.end(classes));
                if (marker != null) {
                    return new EmbedMatch(marker.provider(), element, attribute,
                            widget.element + "." + marker.rule().className());
                }
                // A '<' inside the attributes just read is no tag.
                next = Math.max(next, UrlView.end(classes));
                break;
            }
            lt = text.indexOf('<', next);
        }
        return null;
    }

    /**
     * The value of the first {@code class} attribute of the start tag whose attributes begin at {@code from}, read as
     * the tokenizer's attribute states read them (quoted and unquoted values), packed as {@code start << 32 | end}
     * like a host range; without one, the empty range where reading stopped: at the tag's {@code >}, or after
     * {@code MAX_TAG} characters.
     */
    private static long firstClassValue(String text, int from) {
        int n = Math.min(text.length(), from + MAX_TAG);
        int i = from;
        while (i < n) {
            while (i < n && (LoadingAttributes.isAsciiWhitespace(text.charAt(i)) || text.charAt(i) == '/')) {
                i++;
            }
            if (i >= n || text.charAt(i) == '>') {
                break;
            }
            int nameStart = i++;
            while (i < n && !endsTagName(text.charAt(i)) && text.charAt(i) != '=') {
                i++;
            }
            int nameEnd = i;
            while (i < n && LoadingAttributes.isAsciiWhitespace(text.charAt(i))) {
                i++;
            }
            if (i >= n || text.charAt(i) != '=') {
                continue;
            }
            i++;
            while (i < n && LoadingAttributes.isAsciiWhitespace(text.charAt(i))) {
                i++;
            }
            int valueStart;
            int valueEnd;
            if (i < n && (text.charAt(i) == '"' || text.charAt(i) == '\'')) {
                valueStart = i + 1;
                valueEnd = text.indexOf(text.charAt(i), valueStart);
                valueEnd = valueEnd < 0 ? text.length() : valueEnd;
                i = valueEnd + 1;
            } else {
                valueStart = i;
                while (i < n && !LoadingAttributes.isAsciiWhitespace(text.charAt(i)) && text.charAt(i) != '>') {
                    i++;
                }
                valueEnd = i;
            }
            if (nameEnd - nameStart == 5 && text.regionMatches(true, nameStart, "class", 0, 5)) {
                // The first of duplicated attributes is the one the element gets.
                return ((long) valueStart << 32) | valueEnd;
            }
        }
        int stop = Math.min(i, text.length());
        return ((long) stop << 32) | stop;
    }

    /** Each base64 run after {@code base64,} replaced by the text it decodes to; the same string when none does. */
    private static String base64Decoded(String text) {
        StringBuilder out = null;
        int copied = 0;
        int n = text.length();
        for (int comma = text.indexOf(','); comma >= 0; comma = text.indexOf(',', comma + 1)) {
            if (comma < 6 || comma < copied || !text.regionMatches(true, comma - 6, "base64", 0, 6)) {
                continue;
            }
            // As for a frame's own data: URL, characters outside the alphabet are skipped, up to where the URL ends.
            int end = comma + 1;
            while (end < n && !endsUrl(text.charAt(end))) {
                end++;
            }
            byte[] bytes = base64(text, comma + 1, end);
            if (bytes == null) {
                continue;
            }
            if (out == null) {
                out = new StringBuilder(n);
            }
            out.append(text, copied, comma + 1).append(new String(bytes, StandardCharsets.UTF_8));
            copied = end;
        }
        return out == null ? text : out.append(text, copied, n).toString();
    }

    /** MIME-decoded (characters outside the alphabet skipped) {@code text[from, to)}; {@code null} when invalid. */
    private static byte @Nullable [] base64(String text, int from, int to) {
        try {
            return Base64.getMimeDecoder().decode(text.substring(from, to));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean isSlash(char c) {
        return c == '/' || c == '\\';
    }

    private static boolean endsUrl(char c) {
        return c <= ' ' || c == '"' || c == '\'' || c == '`' || c == '<' || c == '>' || c == '(' || c == ')';
    }

    /** Whitespace, controls and {@code < >}: what ends a URL in markup and can never be part of a host. */
    private static boolean endsHost(char c) {
        return c <= ' ' || c == '<' || c == '>';
    }

    private static boolean endsTagName(char c) {
        return LoadingAttributes.isAsciiWhitespace(c) || c == '/' || c == '>';
    }
}
