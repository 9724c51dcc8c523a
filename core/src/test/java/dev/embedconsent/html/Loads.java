package dev.embedconsent.html;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.parser.Parser;

/** What an independent HTML5 parser (jsoup) says a page would load. */
final class Loads {
    private Loads() {}

    /** For each element that makes a browser fetch something, the attributes that name what it fetches. */
    private static final Map<String, List<String>> LOADING = Map.ofEntries(
            Map.entry("iframe", List.of("src")), Map.entry("frame", List.of("src")), Map.entry("embed", List.of("src")),
            Map.entry("object", List.of("data")), Map.entry("param", List.of("value")),
            Map.entry("img", List.of("src", "srcset")), Map.entry("image", List.of("src", "srcset")),
            Map.entry("script", List.of("src")), Map.entry("link", List.of("href")),
            Map.entry("source", List.of("src", "srcset")), Map.entry("video", List.of("src", "poster")),
            Map.entry("audio", List.of("src")), Map.entry("track", List.of("src")), Map.entry("input", List.of("src")));

    /** Whether a loading HTML element outside any template would fetch a URL on {@code host} or a subdomain. */
    static boolean from(String html, String host) {
        return from(Jsoup.parse(html), host);
    }

    static boolean from(Document doc, String host) {
        for (Element e : doc.getAllElements()) {
            List<String> attributes = LOADING.get(e.normalName());
            if (attributes == null || !Parser.NamespaceHtml.equals(e.tag().namespace()) || insideTemplate(e)
                    || (e.normalName().equals("input") && !e.attr("type").equalsIgnoreCase("image"))) {
                continue;
            }
            for (String attr : attributes) {
                if (e.hasAttr(attr) && (onHost(e.attr(attr), host) || onHost(e.absUrl(attr), host))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean insideTemplate(Element e) {
        for (Element p = e.parent(); p != null; p = p.parent()) {
            if (p.normalName().equals("template") && Parser.NamespaceHtml.equals(p.tag().namespace())) {
                return true;
            }
        }
        return false;
    }

    private static boolean onHost(String url, String host) {
        String u = url.strip().toLowerCase(Locale.ROOT);
        int slashes = u.indexOf("//");
        while (slashes >= 0) {
            String h = u.substring(slashes + 2).split("[/?#:\\s]", 2)[0];
            if (h.equals(host) || h.endsWith("." + host)) {
                return true;
            }
            slashes = u.indexOf("//", slashes + 2);
        }
        return false;
    }
}
