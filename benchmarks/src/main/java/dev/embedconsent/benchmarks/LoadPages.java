package dev.embedconsent.benchmarks;

import dev.embedconsent.html.EmbedRewriter;
import dev.embedconsent.html.FoundEmbed;
import dev.embedconsent.html.PageContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The pages {@link FilterLoadBenchmark} serves, built once from the bundled news page:
 * <ul>
 *   <li>{@code embeds}: the bundled ~93 KB page as it is (seven embeds);</li>
 *   <li>{@code plain}: the same page with every embed, loader script and resource hint cut out and the page padded
 *       back to the same length with one of its own paragraphs, so the rewriter finds nothing;</li>
 *   <li>{@code big}: about 5 MB, the contents of {@code <main>} repeated (its embeds with it).</li>
 * </ul>
 */
final class LoadPages {
    static final int BIG_BYTES = 5 * 1024 * 1024;

    private static final Pattern[] EMBEDS = {
        // An iframe element has attributes; "<iframe>" alone occurs in the page's inline script, as a string.
        Pattern.compile("(?is)<iframe\\s[^>]*>.*?</iframe>"),
        Pattern.compile("(?is)<blockquote\\s+class=\"(?:twitter-tweet|instagram-media)\".*?</blockquote>"),
        Pattern.compile("(?is)<script\\b[^>]*\\bsrc=\"(?:https?:)?//[^\"]*\"[^>]*>\\s*</script>"),
        Pattern.compile("(?is)<link\\b[^>]*\\brel=\"(?:preconnect|dns-prefetch)\"[^>]*>"),
    };

    final byte[] embeds;
    final byte[] plain;
    final byte[] big;

    private LoadPages(byte[] embeds, byte[] plain, byte[] big) {
        this.embeds = embeds;
        this.plain = plain;
        this.big = big;
    }

    static LoadPages build() {
        byte[] embeds = RewriteBenchmark.bundledPage();
        String page = new String(embeds, StandardCharsets.UTF_8);
        byte[] plain = withoutEmbeds(page, embeds.length);
        byte[] big = bigPage(page);
        List<FoundEmbed> inPlain = found(plain);
        if (!inPlain.isEmpty()) {
            throw new IllegalStateException("the plain page still has embeds: " + inPlain);
        }
        if (count(plain, "<script") != count(plain, "</script>")) {
            // a pattern cut into a script: the rest of the page would be script text, far cheaper to read
            throw new IllegalStateException("the plain page has a script without its end tag");
        }
        if (found(embeds).isEmpty()) {
            throw new IllegalStateException("the bundled page has no embeds");
        }
        return new LoadPages(embeds, plain, big);
    }

    byte[] get(String name) {
        return switch (name) {
            case "embeds" -> embeds;
            case "plain" -> plain;
            case "big", "slow" -> big;
            default -> throw new IllegalArgumentException("no page " + name);
        };
    }

    private static int count(byte[] page, String what) {
        String text = new String(page, StandardCharsets.UTF_8);
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    /** The page without embeds, padded with copies of its longest paragraph to {@code length} bytes. */
    private static byte[] withoutEmbeds(String page, int length) {
        String stripped = page;
        for (Pattern p : EMBEDS) {
            stripped = p.matcher(stripped).replaceAll("");
        }
        String filler = longestParagraph(stripped);
        int close = stripped.lastIndexOf("</main>");
        StringBuilder padded = new StringBuilder(stripped.substring(0, close));
        int missing = length - stripped.getBytes(StandardCharsets.UTF_8).length;
        while (missing > 0) {
            String p = filler.length() + 1 <= missing ? filler + "\n"
                    : "<p>" + "x".repeat(Math.max(0, missing - 8)) + "</p>\n";
            padded.append(p);
            missing -= p.getBytes(StandardCharsets.UTF_8).length;
        }
        padded.append(stripped, close, stripped.length());
        return padded.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String longestParagraph(String page) {
        var m = Pattern.compile("(?is)<p>[^<]*</p>").matcher(page);
        String best = "<p>text</p>";
        while (m.find()) {
            if (m.group().length() > best.length()) {
                best = m.group();
            }
        }
        return best;
    }

    /** The contents of {@code <main>} repeated until the page is about {@link #BIG_BYTES}. */
    private static byte[] bigPage(String page) {
        int open = page.indexOf('>', page.indexOf("<main")) + 1;
        int close = page.lastIndexOf("</main>");
        String main = page.substring(open, close);
        StringBuilder big = new StringBuilder(BIG_BYTES + page.length()).append(page, 0, open);
        while (big.length() < BIG_BYTES - (page.length() - close)) {
            big.append(main);
        }
        big.append(page, close, page.length());
        return big.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The embeds the default rewriter finds on a page. */
    static List<FoundEmbed> found(byte[] page) {
        List<FoundEmbed> found = new ArrayList<>();
        try {
            EmbedRewriter.withDefaults().rewrite(new ByteArrayInputStream(page), OutputStream.nullOutputStream(),
                    new PageContext(StandardCharsets.UTF_8, null, Set.of(), "/", found::add, null, "127.0.0.1"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }
}
