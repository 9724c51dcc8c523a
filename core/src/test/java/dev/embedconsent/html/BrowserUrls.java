package dev.embedconsent.html;

import java.net.IDN;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.parser.Parser;

/**
 * A second opinion for {@link Loads}: the host a loading attribute's URL names when read the way the WHATWG URL
 * parser reads it (C0 controls and spaces stripped at the ends, tabs and line breaks removed, {@code \} as {@code /}
 * in special URLs, a scheme only when it starts with an ASCII letter, any number of slashes after a special scheme,
 * userinfo and port dropped, the host percent-decoded and IDNA-mapped), relative URLs against {@code <base href>};
 * a {@code <param>} only inside an {@code <object>} and named {@code src}, {@code movie}, {@code code} or {@code url},
 * the names a browser takes a URL from (the fuzzer's second and third findings, {@code crash-479e36e3...}: a stray
 * {@code <param value=...>} in the body, and {@code crash-dadd5480...}: a param whose name the fuzzer garbled; both
 * load nothing).
 */
final class BrowserUrls {
    private static final Map<String, List<String>> LOADING = Map.ofEntries(
            Map.entry("iframe", List.of("src")), Map.entry("frame", List.of("src")), Map.entry("embed", List.of("src")),
            Map.entry("object", List.of("data")), Map.entry("param", List.of("value")),
            Map.entry("img", List.of("src", "srcset")), Map.entry("image", List.of("src", "srcset")),
            Map.entry("script", List.of("src")), Map.entry("link", List.of("href")),
            Map.entry("source", List.of("src", "srcset")), Map.entry("video", List.of("src", "poster")),
            Map.entry("audio", List.of("src")), Map.entry("track", List.of("src")), Map.entry("input", List.of("src")));
    /** The {@code <param>} names whose value Chromium takes as the object's URL when it has no {@code data}. */
    private static final Set<String> PARAM_URL_NAMES = Set.of("src", "movie", "code", "url");
    private static final Set<String> SPECIAL = Set.of("http", "https", "ws", "wss", "ftp", "file");

    private BrowserUrls() {}

    static boolean loadsFrom(Document doc, String host) {
        return !loading(doc, host).isEmpty();
    }

    /** The loading HTML elements outside any template that a browser would have fetch from {@code host}. */
    static List<Element> loading(Document doc, String host) {
        List<Element> loading = new java.util.ArrayList<>();
        Element baseElement = doc.selectFirst("base[href]");
        String base = baseElement == null ? null : hostOf(baseElement.attr("href"), null);
        for (Element e : doc.getAllElements()) {
            List<String> attributes = LOADING.get(e.normalName());
            if (attributes == null || !Parser.NamespaceHtml.equals(e.tag().namespace()) || insideTemplate(e)
                    || (e.normalName().equals("param") && (e.parent() == null
                            || !e.parent().normalName().equals("object") || !PARAM_URL_NAMES.contains(
                                    e.attr("name").strip().toLowerCase(Locale.ROOT))))
                    || (e.normalName().equals("input") && !e.attr("type").equalsIgnoreCase("image"))) {
                continue;
            }
            for (String attr : attributes) {
                if (!e.hasAttr(attr)) {
                    continue;
                }
                String value = e.attr(attr);
                for (String url : attr.equals("srcset") ? List.of(value.split(",")) : List.of(value)) {
                    String h = hostOf(attr.equals("srcset") ? url.strip().split("\\s+", 2)[0] : url, base);
                    if (h != null && (h.equals(host) || h.endsWith("." + host))) {
                        loading.add(e);
                        break;
                    }
                }
            }
        }
        return loading;
    }

    /** The host {@code url} names, {@code base} for a relative URL, null when it names none. */
    static String hostOf(String url, String base) {
        String u = url.replaceAll("^[\\x00-\\x20]+|[\\x00-\\x20]+$", "").replaceAll("[\\t\\n\\r]", "");
        int colon = u.indexOf(':');
        String scheme = colon > 0 && u.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]*")
                ? u.substring(0, colon).toLowerCase(Locale.ROOT) : null;
        String rest;
        if (scheme == null) {
            String slashes = u.replace('\\', '/');
            if (!slashes.startsWith("//")) {
                return base;
            }
            rest = slashes.substring(2);
        } else if (SPECIAL.contains(scheme)) {
            rest = u.substring(colon + 1).replace('\\', '/').replaceAll("^/+", "");
        } else {
            return null;
        }
        String authority = rest.split("[/?#]", 2)[0];
        String h = authority.substring(authority.lastIndexOf('@') + 1);
        if (!h.startsWith("[")) {
            h = h.split(":", 2)[0];
        }
        try {
            h = URLDecoder.decode(h.replace("+", "%2B"), StandardCharsets.UTF_8);
            h = IDN.toASCII(h, IDN.ALLOW_UNASSIGNED);
        } catch (IllegalArgumentException e) {
            return null;
        }
        h = h.toLowerCase(Locale.ROOT);
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    private static boolean insideTemplate(Element e) {
        for (Element p = e.parent(); p != null; p = p.parent()) {
            if (p.normalName().equals("template") && Parser.NamespaceHtml.equals(p.tag().namespace())) {
                return true;
            }
        }
        return false;
    }
}
