package dev.embedconsent.internal;

import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Determines a page's encoding as browsers do (WHATWG HTML "determining the character encoding"): a byte order mark
 * wins, then the transport charset, then a {@code <meta charset>} or {@code http-equiv} found by the prescan of the
 * first {@value #PRESCAN_BYTES} bytes, and finally windows-1252.
 *
 * <pre>{@code
 * CharsetSniffer.Result r = CharsetSniffer.sniff(first1024Bytes, length, transportCharset);
 * r.charset();    // e.g. UTF-8
 * r.bomLength();  // bytes of BOM at the start (they stay in the page)
 * }</pre>
 */
public final class CharsetSniffer {
    /** How many bytes the {@code <meta>} prescan looks at. */
    public static final int PRESCAN_BYTES = 1024;

    /** Encodings browsers know under a different name than Java, or that the Encoding standard maps elsewhere. */
    private static final Map<String, String> ALIASES = Map.ofEntries(
            Map.entry("unicode-1-1-utf-8", "UTF-8"), Map.entry("unicode11utf8", "UTF-8"),
            Map.entry("unicode20utf8", "UTF-8"), Map.entry("x-unicode20utf8", "UTF-8"), Map.entry("utf8", "UTF-8"),
            Map.entry("ascii", "windows-1252"), Map.entry("us-ascii", "windows-1252"),
            Map.entry("ansi_x3.4-1968", "windows-1252"), Map.entry("iso-8859-1", "windows-1252"),
            Map.entry("iso8859-1", "windows-1252"), Map.entry("iso88591", "windows-1252"),
            Map.entry("iso_8859-1", "windows-1252"), Map.entry("iso_8859-1:1987", "windows-1252"),
            Map.entry("latin1", "windows-1252"), Map.entry("l1", "windows-1252"), Map.entry("cp819", "windows-1252"),
            Map.entry("ibm819", "windows-1252"), Map.entry("csisolatin1", "windows-1252"),
            Map.entry("iso-ir-100", "windows-1252"), Map.entry("x-cp1252", "windows-1252"),
            Map.entry("x-user-defined", "windows-1252"),
            Map.entry("utf-16", "UTF-16LE"), Map.entry("unicode", "UTF-16LE"), Map.entry("ucs-2", "UTF-16LE"),
            Map.entry("csunicode", "UTF-16LE"), Map.entry("iso-10646-ucs-2", "UTF-16LE"),
            Map.entry("unicodefeff", "UTF-16LE"), Map.entry("unicodefffe", "UTF-16BE"),
            Map.entry("gb2312", "GBK"), Map.entry("x-gbk", "GBK"), Map.entry("chinese", "GBK"),
            Map.entry("iso-8859-8-i", "ISO-8859-8"), Map.entry("tis-620", "x-windows-874"),
            Map.entry("windows-874", "x-windows-874"), Map.entry("iso-8859-11", "x-windows-874"),
            Map.entry("ks_c_5601-1987", "EUC-KR"), Map.entry("x-sjis", "Shift_JIS"), Map.entry("ms932", "Shift_JIS"),
            Map.entry("windows-31j", "Shift_JIS"));

    /** The encoding of a page that declares none. */
    public static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

    private CharsetSniffer() {}

    /**
     * The outcome of sniffing.
     *
     * @param charset the page's encoding
     * @param bomLength length of the byte order mark the page starts with, 0 if none
     * @param declared false when nothing declared the encoding and {@code charset} is the windows-1252 default
     */
    public record Result(Charset charset, int bomLength, boolean declared) {}

    /** Sniffs {@code bytes[0, length)}, the start of the page (up to {@value #PRESCAN_BYTES} bytes, or all of it). */
    public static Result sniff(byte[] bytes, int length, @Nullable Charset transport) {
        if (length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF) {
            return new Result(StandardCharsets.UTF_8, 3, true);
        }
        if (length >= 2 && (bytes[0] & 0xFF) == 0xFE && (bytes[1] & 0xFF) == 0xFF) {
            return new Result(StandardCharsets.UTF_16BE, 2, true);
        }
        if (length >= 2 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xFE) {
            return new Result(StandardCharsets.UTF_16LE, 2, true);
        }
        Charset fromTransport = transport == null ? null : forLabel(transport.name());
        if (fromTransport != null) {
            return new Result(fromTransport, 0, true);
        }
        Charset meta = prescan(bytes, Math.min(length, PRESCAN_BYTES));
        return meta != null ? new Result(meta, 0, true) : new Result(WINDOWS_1252, 0, false);
    }

    /** Whether the page's bytes can be tokenized as they are (UTF-16 pages cannot). */
    public static boolean isAsciiCompatible(Charset charset) {
        return charset.equals(StandardCharsets.UTF_8) || !charset.name().startsWith("UTF-16");
    }

    /**
     * The encoding for a label ("get an encoding"), or {@code null} when browsers do not know it (or Java cannot
     * decode it). UTF-32 is not an encoding of the web.
     */
    public static @Nullable Charset forLabel(String label) {
        String key = label.strip().toLowerCase(Locale.ROOT);
        if (key.isEmpty() || key.startsWith("utf-32") || key.startsWith("utf32")) {
            return null;
        }
        String name = ALIASES.getOrDefault(key, key);
        try {
            return Charset.forName(name);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            return null;
        }
    }

    /** The "prescan a byte stream to determine its encoding" algorithm over {@code b[0, n)}. */
    static @Nullable Charset prescan(byte[] b, int n) {
        int p = 0;
        @Nullable Attribute skipping = null;
        while (p < n) {
            // Every step below starts at a '<'; the bytes before the next one are passed over.
            p = ByteScan.indexOf(b, p, n, (byte) '<');
            if (p >= n) {
                break;
            }
            if (startsWith(b, n, p, "<!--")) {
                // The first '>' preceded by "--"; the dashes of "<!--" count, so "<!-->" ends here.
                int q = p + 2;
                while (q + 2 < n && !(b[q] == '-' && b[q + 1] == '-' && b[q + 2] == '>')) {
                    q++;
                }
                if (q + 2 >= n) {
                    return null;
                }
                p = q + 3;
                continue;
            }
            if (startsWithIgnoreCase(b, n, p, "<meta") && p + 5 < n && (isSpace(b[p + 5]) || b[p + 5] == '/')) {
                Meta meta = new Meta();
                p = meta.scan(b, n, p + 6);
                if (p < 0) {
                    return null;
                }
                Charset found = meta.result();
                if (found != null) {
                    return found;
                }
                p++;
                continue;
            }
            if (p + 1 < n && b[p] == '<' && (isAsciiLetter(b[p + 1])
                    || (b[p + 1] == '/' && p + 2 < n && isAsciiLetter(b[p + 2])))) {
                int q = p + 2;
                while (q < n && !isSpace(b[q]) && b[q] != '>') {
                    q++;
                }
                // Another tag: its attributes are read only to find where it ends.
                if (skipping == null) {
                    skipping = new Attribute(false);
                }
                Attribute attr = skipping;
                while ((q = attr.read(b, n, q)) >= 0 && attr.name != null) {
                    attr.clear();
                }
                if (q < 0) {
                    return null;
                }
                p = q + 1;
                continue;
            }
            if (p + 1 < n && b[p] == '<' && (b[p + 1] == '!' || b[p + 1] == '/' || b[p + 1] == '?')) {
                int gt = p + 2;
                while (gt < n && b[gt] != '>') {
                    gt++;
                }
                if (gt >= n) {
                    return null;
                }
                p = gt + 1;
                continue;
            }
            p++;
        }
        return null;
    }

    /** State of one {@code <meta>} tag in the prescan. */
    private static final class Meta {
        private final java.util.Set<String> seen = new java.util.HashSet<>();
        private boolean gotPragma;
        private @Nullable Boolean needPragma;
        private @Nullable String charset;

        /** Reads the attributes; returns the position of the tag's end or -1 when the input ran out. */
        int scan(byte[] b, int n, int p) {
            Attribute attr = new Attribute();
            while (true) {
                p = attr.read(b, n, p);
                if (p < 0) {
                    return -1;
                }
                if (attr.name == null) {
                    return p;
                }
                String name = attr.name;
                String value = attr.value.toString();
                attr.clear();
                if (!seen.add(name)) {
                    continue;
                }
                switch (name) {
                    case "http-equiv":
                        gotPragma |= value.equals("content-type");
                        break;
                    case "content":
                        if (charset == null) {
                            String extracted = extractFromContent(value);
                            if (extracted != null) {
                                charset = extracted;
                                needPragma = Boolean.TRUE;
                            }
                        }
                        break;
                    case "charset":
                        charset = value;
                        needPragma = Boolean.FALSE;
                        break;
                    default:
                        break;
                }
            }
        }

        @Nullable Charset result() {
            if (needPragma == null || (needPragma && !gotPragma) || charset == null) {
                return null;
            }
            Charset found = forLabel(charset);
            if (found == null) {
                return null;
            }
            if (found.equals(StandardCharsets.UTF_16LE) || found.equals(StandardCharsets.UTF_16BE)) {
                return StandardCharsets.UTF_8;
            }
            return found;
        }
    }

    /** One attribute read by the prescan's "get an attribute" algorithm; names and values lowercased. */
    private static final class Attribute {
        @Nullable String name;
        final StringBuilder value = new StringBuilder();
        private final boolean collect;

        Attribute() {
            this(true);
        }

        /** With {@code collect} false, reads attributes without keeping names or values (every name reads as ""). */
        Attribute(boolean collect) {
            this.collect = collect;
        }

        void clear() {
            name = null;
            if (collect) {
                value.setLength(0);
            }
        }

        /** Reads from {@code p}; returns the new position (name null when there is none) or -1 at end of input. */
        int read(byte[] b, int n, int p) {
            while (p < n && (isSpace(b[p]) || b[p] == '/')) {
                p++;
            }
            if (p >= n) {
                return -1;
            }
            if (b[p] == '>') {
                return p;
            }
            StringBuilder attrName = collect ? new StringBuilder() : null;
            int nameLength = 0;
            while (true) {
                if (p >= n) {
                    return -1;
                }
                byte c = b[p];
                if (c == '=' && nameLength > 0) {
                    p++;
                    break;
                }
                if (isSpace(c)) {
                    while (p < n && isSpace(b[p])) {
                        p++;
                    }
                    if (p >= n) {
                        return -1;
                    }
                    if (b[p] != '=') {
                        name = attrName == null ? "" : attrName.toString();
                        return p;
                    }
                    p++;
                    break;
                }
                if (c == '/' || c == '>') {
                    name = attrName == null ? "" : attrName.toString();
                    return p;
                }
                if (attrName != null) {
                    attrName.append(lower(c));
                }
                nameLength++;
                p++;
            }
            name = attrName == null ? "" : attrName.toString();
            while (p < n && isSpace(b[p])) {
                p++;
            }
            if (p >= n) {
                return -1;
            }
            byte c = b[p];
            if (c == '"' || c == '\'') {
                p++;
                while (p < n && b[p] != c) {
                    if (collect) {
                        value.append(lower(b[p]));
                    }
                    p++;
                }
                return p < n ? p + 1 : -1;
            }
            if (c == '>') {
                return p;
            }
            while (p < n && !isSpace(b[p]) && b[p] != '>') {
                if (collect) {
                    value.append(lower(b[p]));
                }
                p++;
            }
            return p < n ? p : -1;
        }
    }

    /** "Extract a character encoding from a meta element" for a {@code content} value (already lowercase). */
    static @Nullable String extractFromContent(String s) {
        int p = 0;
        while (true) {
            int at = s.indexOf("charset", p);
            if (at < 0) {
                return null;
            }
            p = at + 7;
            while (p < s.length() && isSpace((byte) s.charAt(p))) {
                p++;
            }
            if (p >= s.length() || s.charAt(p) != '=') {
                continue;
            }
            p++;
            while (p < s.length() && isSpace((byte) s.charAt(p))) {
                p++;
            }
            if (p >= s.length()) {
                return null;
            }
            char c = s.charAt(p);
            if (c == '"' || c == '\'') {
                int close = s.indexOf(c, p + 1);
                return close < 0 ? null : s.substring(p + 1, close);
            }
            int end = p;
            while (end < s.length() && !isSpace((byte) s.charAt(end)) && s.charAt(end) != ';') {
                end++;
            }
            return s.substring(p, end);
        }
    }

    private static boolean startsWith(byte[] b, int n, int p, String s) {
        if (p + s.length() > n) {
            return false;
        }
        for (int k = 0; k < s.length(); k++) {
            if (b[p + k] != s.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static boolean startsWithIgnoreCase(byte[] b, int n, int p, String s) {
        if (p + s.length() > n) {
            return false;
        }
        for (int k = 0; k < s.length(); k++) {
            if (lower(b[p + k]) != s.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static char lower(byte c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + 32) : (char) (c & 0xFF);
    }

    private static boolean isAsciiLetter(byte c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
    }
}
