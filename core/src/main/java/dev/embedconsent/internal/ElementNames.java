package dev.embedconsent.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The tag names the rewriter reacts to, recognised on lowercase bytes without creating strings. Every other name maps
 * to {@link #OTHER}. Immutable; a rewriter builds one from the fixed names below plus its candidate elements.
 */
public final class ElementNames {
    /** Id of every name not in the table. */
    public static final int OTHER = 0;
    /** Names longer than this are never in the table. */
    public static final int MAX_LENGTH = 32;

    /** Start tag switches the tokenizer to RCDATA in HTML content. */
    public static final int RCDATA_ELEMENT = 1;
    /** Start tag switches the tokenizer to RAWTEXT in HTML content (noscript: scripting enabled). */
    public static final int RAWTEXT_ELEMENT = 1 << 1;
    /** {@code script}. */
    public static final int SCRIPT_ELEMENT = 1 << 2;
    /** {@code plaintext}. */
    public static final int PLAINTEXT_ELEMENT = 1 << 3;
    /** Start tag in foreign content that pops back to HTML ("breakout"); {@code font} only with color/face/size. */
    public static final int BREAKOUT = 1 << 4;
    /** May appear in {@code <head>} without starting the body. */
    public static final int HEAD_CONTENT = 1 << 5;
    /** The catalogue may claim it. */
    public static final int CANDIDATE = 1 << 6;
    /** Void element: no content, no end tag ({@code image} too: the tree builder turns it into {@code img}). */
    public static final int VOID = 1 << 7;
    /** End tag that closes elements through "table scope", past foreign integration points. */
    public static final int TABLE_SCOPE_END = 1 << 8;
    /** Loads something without showing it (script, resource hints, media sources): neutralized without a notice. */
    public static final int LOADER = 1 << 9;
    /**
     * A start tag the rewriter must look at even in plain HTML content: a candidate, an element whose content is not
     * markup, or one of html (lang), base (href), noscript, svg and math.
     */
    public static final int NOTEWORTHY = 1 << 10;
    /**
     * A candidate that is {@link #NOTEWORTHY} for that alone: in plain HTML content, a start tag that cannot match
     * changes nothing (no text element, not html, base, noscript, svg, math or template).
     */
    public static final int MATCHED_ONLY = 1 << 11;

    private static final String[] RCDATA = {"title", "textarea"};
    private static final String[] RAWTEXT = {"style", "xmp", "iframe", "noembed", "noframes", "noscript"};
    private static final String[] BREAKOUTS = {
        "b", "big", "blockquote", "body", "br", "center", "code", "dd", "div", "dl", "dt", "em", "embed", "h1", "h2",
        "h3", "h4", "h5", "h6", "head", "hr", "i", "img", "li", "listing", "menu", "meta", "nobr", "ol", "p", "pre",
        "ruby", "s", "small", "span", "strong", "strike", "sub", "sup", "table", "tt", "u", "ul", "var", "font"
    };
    private static final String[] HEAD = {
        "html", "head", "base", "basefont", "bgsound", "link", "meta", "noframes", "script", "style", "template",
        "title", "noscript"
    };
    private static final String[] VOIDS = {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "param",
        "basefont", "bgsound", "frame", "keygen", "image"
    };
    private static final String[] LOADERS = {"script", "link", "param", "source", "track"};
    private static final String[] TABLE_SCOPE_ENDS = {"table", "tbody", "thead", "tfoot", "tr", "td", "th", "caption"};
    /** Names whose handling depends on the name alone (namespaces, integration points, structure). */
    private static final String[] STRUCTURE = {
        "svg", "math", "foreignobject", "desc", "mi", "mo", "mn", "ms", "mtext", "annotation-xml", "mglyph",
        "malignmark", "template", "script", "plaintext", "html", "font", "noscript"
    };

    private final byte[][] names;
    private final String[] strings;
    private final int[] flags;
    /** Each name's first eight bytes packed little-endian ({@link #pack}); most names are no longer. */
    private final long[] prefixes;
    /**
     * Open-addressing table by packed prefix and length, in two flat arrays so that a look-up per tag usually reads
     * one slot: the prefix, and the length and id as {@code length << 16 | id}, 0 for an empty slot. A quarter full at
     * most (half for very many names), and no larger, so that it stays in the first-level cache as pages stream by.
     */
    private final long[] slotPrefixes;
    private final int[] slotEntries;
    /** {@code slotPrefixes.length - 1}. */
    private final int slotMask;
    /** Shift that takes a hash's top bits as a slot. */
    private final int slotShift;
    /** The most slots: the table holds fewer than half as many names. */
    private static final int MAX_SLOTS = 1024;

    /** Ids of the names the rewriter's tree-builder logic asks about by name. */
    public final int noscript;
    public final int template;
    public final int html;
    public final int font;
    public final int annotationXml;
    public final int image;
    public final int iframe;
    public final int base;
    public final int script;
    public final int svg;
    public final int math;
    public final int br;
    public final int p;
    public final int mglyph;
    public final int malignmark;
    public final int body;
    public final int span;

    private ElementNames(List<String> all, Collection<String> candidates) {
        if (all.size() >= MAX_SLOTS / 2) {
            throw new IllegalArgumentException(
                    "too many element names: " + all.size() + ", at most " + (MAX_SLOTS / 2 - 1));
        }
        int slots = Math.min(MAX_SLOTS, Math.max(64, Integer.highestOneBit(all.size() * 4 - 1) << 1));
        slotPrefixes = new long[slots];
        slotEntries = new int[slots];
        slotMask = slots - 1;
        slotShift = 64 - Integer.numberOfTrailingZeros(slots);
        names = new byte[all.size() + 1][];
        strings = new String[all.size() + 1];
        flags = new int[all.size() + 1];
        prefixes = new long[all.size() + 1];
        names[OTHER] = new byte[0];
        strings[OTHER] = "";
        for (int id = 1; id <= all.size(); id++) {
            String name = all.get(id - 1);
            names[id] = name.getBytes(StandardCharsets.US_ASCII);
            strings[id] = name;
            flags[id] = flagsOf(name, candidates);
            prefixes[id] = pack(names[id], names[id].length);
            int slot = slot(prefixes[id], names[id].length);
            while (slotEntries[slot] != 0) {
                slot = (slot + 1) & slotMask;
            }
            slotPrefixes[slot] = prefixes[id];
            slotEntries[slot] = names[id].length << 16 | id;
        }
        noscript = id("noscript");
        template = id("template");
        html = id("html");
        font = id("font");
        annotationXml = id("annotation-xml");
        image = id("image");
        iframe = id("iframe");
        base = id("base");
        script = id("script");
        svg = id("svg");
        math = id("math");
        br = id("br");
        p = id("p");
        mglyph = id("mglyph");
        malignmark = id("malignmark");
        body = id("body");
        span = id("span");
    }

    /** The first (up to) eight bytes of {@code name[0, len)}, little-endian, as the tokenizer accumulates them. */
    public static long pack(byte[] name, int len) {
        long packed = 0;
        for (int i = 0; i < Math.min(len, 8); i++) {
            packed |= (name[i] & 0xFFL) << (8 * i);
        }
        return packed;
    }

    private int slot(long prefix, int len) {
        long h = (prefix ^ len) * 0x9E3779B97F4A7C15L;
        return (int) (h >>> slotShift);
    }

    /** A table of the structural names plus {@code candidates} (lowercase element names the catalogue may claim). */
    public static ElementNames withCandidates(Collection<String> candidates) {
        Set<String> all = new LinkedHashSet<>();
        for (String[] group : List.of(RCDATA, RAWTEXT, BREAKOUTS, HEAD, VOIDS, TABLE_SCOPE_ENDS, LOADERS, STRUCTURE)) {
            all.addAll(Arrays.asList(group));
        }
        for (String candidate : candidates) {
            if (candidate.isEmpty() || candidate.length() > MAX_LENGTH || !candidate.equals(asciiLower(candidate))
                    || !candidate.chars().allMatch(c -> c > ' ' && c < 0x7F && c != '/' && c != '>')) {
                throw new IllegalArgumentException("not a lowercase element name of at most " + MAX_LENGTH
                        + " ASCII characters: '" + candidate + "'");
            }
            all.add(candidate);
        }
        return new ElementNames(List.copyOf(all), Set.copyOf(candidates));
    }

    private static int flagsOf(String name, Collection<String> candidates) {
        int f = 0;
        if (Arrays.asList(RCDATA).contains(name)) {
            f |= RCDATA_ELEMENT;
        }
        if (Arrays.asList(RAWTEXT).contains(name)) {
            f |= RAWTEXT_ELEMENT;
        }
        if (name.equals("script")) {
            f |= SCRIPT_ELEMENT;
        }
        if (name.equals("plaintext")) {
            f |= PLAINTEXT_ELEMENT;
        }
        if (Arrays.asList(BREAKOUTS).contains(name)) {
            f |= BREAKOUT;
        }
        if (Arrays.asList(HEAD).contains(name)) {
            f |= HEAD_CONTENT;
        }
        if (Arrays.asList(VOIDS).contains(name)) {
            f |= VOID;
        }
        if (Arrays.asList(LOADERS).contains(name)) {
            f |= LOADER;
        }
        if (Arrays.asList(TABLE_SCOPE_ENDS).contains(name)) {
            f |= TABLE_SCOPE_END;
        }
        if (candidates.contains(name)) {
            f |= CANDIDATE;
        }
        int reasons = f & (CANDIDATE | RCDATA_ELEMENT | RAWTEXT_ELEMENT | SCRIPT_ELEMENT | PLAINTEXT_ELEMENT);
        boolean structural = List.of("html", "base", "noscript", "svg", "math").contains(name);
        if (reasons != 0 || structural) {
            f |= NOTEWORTHY;
        }
        if (reasons == CANDIDATE && !structural && !name.equals("template")) {
            f |= MATCHED_ONLY;
        }
        return f;
    }

    private static String asciiLower(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
        }
        return b.toString();
    }

    /** The id of the lowercase name in {@code buf[0, len)}, or {@link #OTHER}. */
    public int lookup(byte[] buf, int len) {
        return lookup(pack(buf, len), buf, len);
    }

    /** As {@link #lookup(byte[], int)}, with the name's first eight bytes already {@link #pack packed}. */
    public int lookup(long prefix, byte[] buf, int len) {
        if (len == 0 || len > MAX_LENGTH) {
            return OTHER;
        }
        int slot = slot(prefix, len);
        int entry;
        while ((entry = slotEntries[slot]) != 0) {
            int id = entry & 0xFFFF;
            if (slotPrefixes[slot] == prefix && entry >>> 16 == len && (len <= 8 || sameTail(names[id], buf, len))) {
                return id;
            }
            slot = (slot + 1) & slotMask;
        }
        return OTHER;
    }

    private static boolean sameTail(byte[] name, byte[] buf, int len) {
        for (int i = 8; i < len; i++) {
            if (name[i] != buf[i]) {
                return false;
            }
        }
        return true;
    }

    /** The id of {@code name}, or {@link #OTHER}. Not for hot paths: it encodes the string. */
    public int id(String name) {
        byte[] b = name.getBytes(StandardCharsets.ISO_8859_1);
        return b.length == name.length() ? lookup(b, b.length) : OTHER;
    }

    /** All flags of {@code id}, for testing several with one look-up. */
    public int flags(int id) {
        return flags[id];
    }

    public boolean is(int id, int flag) {
        return (flags[id] & flag) != 0;
    }

    public String name(int id) {
        return strings[id];
    }

    /** Ids run from {@link #OTHER} to {@code size() - 1}. */
    public int size() {
        return names.length;
    }

    /** The name's bytes; do not modify. */
    byte[] bytes(int id) {
        return names[id];
    }
}
