package dev.embedconsent.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.embedconsent.provider.Attributes;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the catalogue over every fixture in {@code src/test/resources/fixtures/<provider-id>/*.html}: official embed
 * snippets (current generator output, legacy forms, lazy-load, noscript, script and marker forms) and, under
 * {@code negative/}, markup that must not match. The first line of each fixture states what must match, in document
 * order: {@code <!-- expect: youtube:iframe youtube:script -->} or {@code <!-- expect: none -->}. A match in
 * parentheses, {@code (twitch:param)}, lies inside another embed; the catalogue matches it all the same (see
 * {@code fixtures/README.md}).
 *
 * <p>The rewriter's tokenizer is tested elsewhere; here jsoup enumerates the start tags (including those inside
 * {@code <noscript>}, which a browser without JavaScript loads) and each is fed to {@link ProviderCatalogue#match}.
 */
class ProviderFixturesTest {

    private static final Pattern EXPECT = Pattern.compile("<!-- expect: ([^>]*?) -->");
    private static final ProviderCatalogue CATALOGUE = ProviderCatalogue.builtIn();

    static Path fixturesDir() {
        try {
            return Path.of(Objects.requireNonNull(ProviderFixturesTest.class.getResource("/fixtures"),
                    "fixtures on the test classpath").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<Arguments> fixtures() throws IOException {
        List<Arguments> all = new ArrayList<>();
        try (Stream<Path> files = Files.walk(fixturesDir())) {
            files.filter(f -> f.toString().endsWith(".html")).sorted().forEach(f ->
                    all.add(Arguments.of(fixturesDir().relativize(f).toString(), f)));
        }
        return all.stream();
    }

    static Attributes attributes(Element element) {
        Map<String, String> map = new LinkedHashMap<>();
        for (Attribute attribute : element.attributes()) {
            map.putIfAbsent(attribute.getKey(), attribute.getValue());
        }
        return TestAttributes.of(map);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void matchesExactlyTheExpectedEmbeds(String name, Path file) throws IOException {
        String html = Files.readString(file, StandardCharsets.UTF_8);
        Matcher expect = EXPECT.matcher(html.lines().findFirst().orElse(""));
        assertTrue(expect.matches(), name + ": first line must be <!-- expect: ... -->");
        List<String> expected = expect.group(1).strip().equals("none") ? List.of()
                : Stream.of(expect.group(1).strip().split("\\s+")).map(m -> m.replaceAll("^\\((.*)\\)$", "$1"))
                        .toList();
        String directory = file.getParent().getFileName().toString();

        List<String> actual = new ArrayList<>();
        Document document = Jsoup.parse(html);
        for (Element element : document.getAllElements()) {
            EmbedMatch match = CATALOGUE.match(element.normalName(), attributes(element));
            if (match == null) {
                continue;
            }
            actual.add(match.provider().id() + ":" + match.element());
            assertEquals(element.normalName(), match.element());
            if (match.marker()) {
                assertTrue(match.url().startsWith("https://") || match.url().startsWith(match.element()),
                        name + ": marker URL " + match.url());
            } else {
                assertTrue(match.url().startsWith("https://"), name + ": " + match.url() + " is not absolute https");
                assertTrue(element.attr(match.attribute()).length() > 0, name + ": attribute " + match.attribute());
            }
        }
        assertEquals(expected, actual, name + ": matches in document order");
        if (!directory.equals("negative")) {
            assertTrue(actual.stream().allMatch(m -> m.startsWith(directory + ":")), name + ": only " + directory);
        }
    }

    @Test
    void everyBuiltInProviderHasAtLeastThreeFixtures() throws IOException {
        for (Provider provider : CATALOGUE.all()) {
            Path dir = fixturesDir().resolve(provider.id());
            assertTrue(Files.isDirectory(dir), "fixtures for " + provider.id());
            try (Stream<Path> files = Files.list(dir)) {
                long count = files.filter(f -> f.toString().endsWith(".html")).count();
                assertTrue(count >= 3, provider.id() + " has " + count + " fixtures");
            }
        }
        assertTrue(Files.isDirectory(fixturesDir().resolve("negative")));
    }
}
