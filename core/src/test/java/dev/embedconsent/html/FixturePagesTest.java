package dev.embedconsent.html;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.embedconsent.provider.Provider;
import dev.embedconsent.provider.ProviderCatalogue;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every provider fixture page through the default rewriter, as jsoup sees the result: nothing outside a template loads
 * from any built-in provider's host, whatever the chunking; negative fixtures come out byte-identical.
 */
class FixturePagesTest {
    private static final PageContext UTF8 =
            new PageContext(StandardCharsets.UTF_8, null, Set.of(), "/", EmbedListener.NONE, null);
    /** The fixtures state what providers claim; generic blocking of unknown hosts is tested in UnknownFramesTest. */
    private static final EmbedRewriter PROVIDERS_ONLY = EmbedRewriter.builder().blockUnknownFrames(false).build();
    private static final Pattern EXPECT = Pattern.compile("<!-- expect: ([^>]*?) -->");

    static Stream<String> fixtures() throws IOException, URISyntaxException {
        URL root = FixturePagesTest.class.getResource("/fixtures");
        assertTrue(root != null, "provider fixtures missing from the test classpath");
        Path dir = Path.of(root.toURI());
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.toString().endsWith(".html")).map(p -> dir.relativize(p).toString()).sorted()
                    .toList().stream();
        }
    }

    /**
     * What the rewriter reports finding, as {@code provider:element} in document order, equals the fixture's
     * {@code <!-- expect: ... -->} line: the same line {@code ProviderFixturesTest} holds the catalogue to, so a
     * fixture states once what is in it and both the matcher and the streaming rewriter are judged by it. A match in
     * parentheses lies inside another embed: it goes inert with the outer one and is not reported on its own.
     */
    @ParameterizedTest
    @MethodSource("fixtures")
    void rewriterFindsExactlyTheExpectedEmbeds(String fixture) throws Exception {
        byte[] page = Files.readAllBytes(Path.of(FixturePagesTest.class.getResource("/fixtures/" + fixture).toURI()));
        String html = new String(page, StandardCharsets.UTF_8);
        Matcher expect = EXPECT.matcher(html.lines().findFirst().orElse(""));
        assertTrue(expect.matches(), fixture + ": first line must be <!-- expect: ... -->");
        List<String> expected = expect.group(1).strip().equals("none") ? List.of()
                : Stream.of(expect.group(1).strip().split("\\s+")).filter(m -> !m.startsWith("(")).toList();
        for (int seed = 0; seed <= 3; seed++) {
            List<FoundEmbed> found = new ArrayList<>();
            Rewrites.rewrite(PROVIDERS_ONLY, page, Rewrites.collecting(found), seed == 0 ? null : new Random(seed));
            List<String> actual = found.stream().map(f -> f.provider() + ":" + f.element()).toList();
            assertEquals(expected, actual, fixture + " (chunking seed " + seed + "): embeds found in document order");
            assertTrue(found.stream().allMatch(FoundEmbed::neutralized), fixture + ": all neutralized without consent");
        }
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void rewrittenFixtureLoadsNothingFromProviders(String fixture) throws Exception {
        byte[] page = Files.readAllBytes(Path.of(FixturePagesTest.class.getResource("/fixtures/" + fixture).toURI()));
        byte[] out = Rewrites.rewrite(PROVIDERS_ONLY, page, UTF8, null);
        for (int seed = 1; seed <= 3; seed++) {
            assertArrayEquals(out, Rewrites.rewrite(PROVIDERS_ONLY, page, UTF8, new Random(seed)), fixture);
        }
        if (fixture.startsWith("negative/")) {
            assertArrayEquals(page, out, fixture + " has no embeds and must come out unchanged");
            return;
        }
        Document doc = Jsoup.parse(new String(out, StandardCharsets.UTF_8));
        for (Provider provider : ProviderCatalogue.builtIn().all()) {
            for (String host : provider.hosts()) {
                String bare = host.startsWith("*.") ? host.substring(2) : host;
                assertFalse(Loads.from(doc, bare), () -> fixture + " still loads from " + host + ":\n"
                        + new String(out, StandardCharsets.UTF_8));
            }
        }
        assertTrue(new String(out, StandardCharsets.UTF_8).contains("data-consent-provider="), fixture);
    }
}
