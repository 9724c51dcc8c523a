package dev.embedconsent.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Loading provider definitions from JSON and builders: overrides, additions and every validation error. */
class ProviderDefinitionTest {

    private static final String VALID = """
            {"providers": [{
              "id": "myvideo",
              "name": "MyVideo",
              "recipient": "MyVideo GmbH",
              "privacyPolicyUrl": "https://myvideo.example/privacy",
              "purposes": ["embedding"],
              "dataCategories": ["ip-address"],
              "transfersOutsideEu": false,
              "noticeVersion": "1",
              "kind": "video",
              "hosts": ["myvideo.example", "*.myvideo.example"],
              "rules": [
                {"elements": ["iframe"], "hosts": ["player.myvideo.example"], "path": "^/embed/"},
                {"elements": ["div"], "class": "myvideo-widget", "urlAttributes": ["data-href"]}
              ]
            }]}
            """;

    @TempDir
    Path dir;

    private Path write(String name, String json) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, json, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void builtInsHoldEveryRequiredProvider() {
        List<String> ids = ProviderCatalogue.builtIn().all().stream().map(Provider::id).toList();
        assertEquals(List.of("youtube", "vimeo", "dailymotion", "google-maps", "openstreetmap", "x", "instagram",
                "facebook", "tiktok", "spotify", "soundcloud", "twitch", "bluesky", "threads", "linkedin", "pinterest",
                "reddit", "tumblr", "flickr", "giphy", "imgur", "slideshare", "issuu", "calameo", "google-calendar",
                "google-docs", "datawrapper", "flourish", "infogram", "tableau-public", "typeform", "calendly",
                "jotform", "mailchimp", "bandcamp", "mixcloud", "deezer", "apple-podcasts", "apple-music", "podigee",
                "spreaker", "buzzsprout", "podbean", "wistia", "vidyard", "loom", "jw-player", "brightcove", "kaltura",
                "streamable", "rumble", "ted", "arte", "ard-mediathek", "bing-maps", "mapbox", "komoot", "strava",
                "outdooractive", "matterport", "sketchfab", "codepen", "github-gist", "disqus", "padlet", "genially",
                "miro", "figma", "trustpilot", "kick", "prezi", "canva", "scribd"), ids);
        for (Provider p : ProviderCatalogue.builtIn().all()) {
            assertTrue(p.privacyPolicyUrl().startsWith("https://"), p.id());
            assertTrue(!p.purposes().isEmpty() && !p.dataCategories().isEmpty() && !p.hosts().isEmpty(), p.id());
            assertTrue(p.kind() != EmbedKind.CONTENT, p.id() + " has a kind");
        }
        assertEquals("Google Ireland Limited", ProviderCatalogue.builtIn().get("youtube").orElseThrow().recipient());
        assertEquals("Meta Platforms Ireland Limited",
                ProviderCatalogue.builtIn().get("instagram").orElseThrow().recipient());
        assertTrue(ProviderCatalogue.builtIn().get("nope").isEmpty());
    }

    @Test
    void userFileAddsProviders() throws IOException {
        ProviderCatalogue catalogue = ProviderCatalogue.builder().addBuiltIns().load(write("providers.json", VALID))
                .build();
        assertEquals(ProviderCatalogue.builtIn().all().size() + 1, catalogue.all().size());
        Provider mine = catalogue.get("myvideo").orElseThrow();
        assertEquals(EmbedKind.VIDEO, mine.kind());
        EmbedMatch match = catalogue.match("iframe", TestAttributes.of("src", "//player.myvideo.example/embed/42"));
        assertNotNull(match);
        assertEquals("myvideo", match.provider().id());
        assertEquals("https://player.myvideo.example/embed/42", match.url());
        assertNull(catalogue.match("iframe", TestAttributes.of("src", "https://player.myvideo.example/about")));
        EmbedMatch marker = catalogue.match("div", TestAttributes.of("class", "box myvideo-widget",
                "data-href", "https://www.myvideo.example/v/42"));
        assertNotNull(marker);
        assertEquals("https://www.myvideo.example/v/42", marker.url());
        assertEquals("div.myvideo-widget", catalogue.match("div", TestAttributes.of("class", "myvideo-widget",
                "data-href", "https://elsewhere.example/v/42")).url(), "a permalink off the provider's hosts is ignored");
        assertNotNull(catalogue.match("iframe", TestAttributes.of("src", "https://www.youtube.com/embed/x")));
    }

    @Test
    void withoutBuiltInsOnlyTheSitesProvidersMatch() throws IOException {
        ProviderCatalogue catalogue = ProviderCatalogue.builder().load(write("p.json", VALID)).build();
        assertEquals(List.of("myvideo"), catalogue.all().stream().map(Provider::id).toList());
        assertNull(catalogue.match("iframe", TestAttributes.of("src", "https://www.youtube.com/embed/x")));
    }

    @Test
    void sameIdOverridesTheBuiltInWhateverTheCallOrder() throws IOException {
        String override = VALID.replace("\"myvideo\"", "\"youtube\"").replace("MyVideo GmbH", "Example Override Ltd");
        Path file = write("override.json", override);
        for (ProviderCatalogue catalogue : List.of(
                ProviderCatalogue.builder().addBuiltIns().load(file).build(),
                ProviderCatalogue.builder().load(file).addBuiltIns().build())) {
            assertEquals(ProviderCatalogue.builtIn().all().size(), catalogue.all().size());
            assertEquals("youtube", catalogue.all().get(0).id(), "keeps the built-in's place");
            assertEquals("Example Override Ltd", catalogue.get("youtube").orElseThrow().recipient());
            assertNull(catalogue.match("iframe", TestAttributes.of("src", "https://www.youtube.com/embed/x")),
                    "the built-in youtube rules are replaced");
            assertEquals("youtube", catalogue.match("iframe",
                    TestAttributes.of("src", "https://player.myvideo.example/embed/1")).provider().id());
        }
    }

    @Test
    void sitesProvidersWinOverlappingHosts() {
        Provider mine = Provider.builder("tube-mirror").name("Mirror").recipient("Mirror Ltd")
                .privacyPolicyUrl("https://mirror.example/privacy").purposes("embedding")
                .dataCategories("ip-address").transfersOutsideEu(true).noticeVersion("1")
                .hosts("www.youtube.com").kind(EmbedKind.VIDEO)
                .rule(new MatchRule.Url(Set.of("iframe"), List.of("www.youtube.com"), "^/embed/special", List.of()))
                .build();
        ProviderCatalogue catalogue = ProviderCatalogue.builder().add(mine).addBuiltIns().build();
        assertEquals("tube-mirror", catalogue.match("iframe",
                TestAttributes.of("src", "https://www.youtube.com/embed/special1")).provider().id());
        assertEquals("youtube", catalogue.match("iframe",
                TestAttributes.of("src", "https://www.youtube.com/embed/other")).provider().id());
    }

    /** Providers sharing a domain: the longer host pattern wins, then a rule with a path, whatever the order. */
    @Test
    void theMostSpecificRuleWinsWhereProvidersShareADomain() {
        Provider wide = Provider.builder("wide").name("Wide").recipient("Wide Ltd")
                .privacyPolicyUrl("https://wide.example/privacy").purposes("embedding").dataCategories("ip-address")
                .transfersOutsideEu(false).noticeVersion("1").hosts("*.wide.example").kind(EmbedKind.MAP)
                .rule(new MatchRule.Url(Set.of("iframe"), List.of("*.wide.example"), null, List.of()))
                .build();
        Provider narrow = Provider.builder("narrow").name("Narrow").recipient("Narrow Ltd")
                .privacyPolicyUrl("https://narrow.example/privacy").purposes("embedding")
                .dataCategories("ip-address").transfersOutsideEu(false).noticeVersion("1")
                .hosts("cal.wide.example").kind(EmbedKind.CALENDAR)
                .rule(new MatchRule.Url(Set.of("iframe"), List.of("cal.wide.example"), null, List.of()))
                .build();
        for (ProviderCatalogue catalogue : List.of(ProviderCatalogue.builder().add(wide).add(narrow).build(),
                ProviderCatalogue.builder().add(narrow).add(wide).build())) {
            assertEquals("narrow", catalogue.match("iframe",
                    TestAttributes.of("src", "https://cal.wide.example/embed")).provider().id());
            assertEquals("wide", catalogue.match("iframe",
                    TestAttributes.of("src", "https://maps.wide.example/embed")).provider().id());
        }
        ProviderCatalogue builtIn = ProviderCatalogue.builtIn();
        assertEquals("google-calendar", builtIn.match("iframe", TestAttributes.of("src",
                "https://calendar.google.com/calendar/embed?src=en.german%23holiday%40group.v.calendar.google.com"))
                .provider().id());
        assertEquals("google-docs", builtIn.match("iframe", TestAttributes.of("src",
                "https://docs.google.com/document/d/e/2PACX-1vQ/pub?embedded=true")).provider().id());
        assertEquals("google-maps", builtIn.match("iframe", TestAttributes.of("src",
                "https://www.google.com/maps/embed?pb=!1m18")).provider().id());
    }

    @Test
    void idsOfUnknownHostsStandForThoseHosts() {
        ProviderCatalogue catalogue = ProviderCatalogue.builtIn();
        Provider host = catalogue.get("host:videos.example.org").orElseThrow();
        assertEquals("host:videos.example.org", host.id());
        assertEquals("videos.example.org", host.recipient());
        assertTrue(host.isUnknownHost());
        assertTrue(host.transfersOutsideEu());
        assertEquals("https://videos.example.org/", host.privacyPolicyUrl());
        assertTrue(catalogue.get("host:xn--bcher-kva.example").isPresent());
        assertTrue(catalogue.get("host:[2001:db8::1]").isPresent());
        for (String bad : List.of("host:", "host:Videos.example.org", "host:a b", "host:-x.example", "host:x..example",
                "host:<script>", "host:bücher.example", "host:" + "a".repeat(64) + ".example")) {
            assertTrue(catalogue.get(bad).isEmpty(), bad);
            assertThrows(IllegalArgumentException.class,
                    () -> Provider.forUnknownHost(bad.substring("host:".length())), bad);
        }
        assertFalse(catalogue.get("youtube").orElseThrow().isUnknownHost());
        assertTrue(catalogue.get("host:www.youtube.com").isEmpty(), "a provider's host is that provider's");
    }

    @Test
    void customAttributesAreChecked() {
        Provider mine = Provider.builder("lazyvideo").name("Lazy").recipient("Lazy Ltd")
                .privacyPolicyUrl("https://lazy.example/privacy").purposes("embedding").dataCategories("ip-address")
                .transfersOutsideEu(false).noticeVersion("1").hosts("lazy.example")
                .rule(new MatchRule.Url(Set.of("div"), List.of("lazy.example"), null, List.of("data-video-src")))
                .build();
        ProviderCatalogue catalogue = ProviderCatalogue.builder().add(mine).build();
        EmbedMatch match = catalogue.match("div", TestAttributes.of("data-video-src", "https://lazy.example/v/1"));
        assertNotNull(match);
        assertEquals("data-video-src", match.attribute());
        assertNull(catalogue.match("div", TestAttributes.of("data-src", "https://lazy.example/v/1")));
    }

    @Test
    void oneIdFromTwoSiteSourcesIsAnError() throws IOException {
        Path a = write("a.json", VALID);
        Path b = write("b.json", VALID);
        ProviderDefinitionException e = assertThrows(ProviderDefinitionException.class,
                () -> ProviderCatalogue.builder().load(a).load(b));
        assertEquals(b + ": provider \"myvideo\": field \"id\": is already defined in " + a, e.getMessage());
    }

    @Test
    void addBuiltInsTwiceIsAnError() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ProviderCatalogue.builder().addBuiltIns().addBuiltIns());
        assertEquals("ProviderCatalogue.Builder option \"addBuiltIns\" was already set; set each option once",
                e.getMessage());
    }

    @Test
    void missingFileIsNamed() {
        Path missing = dir.resolve("nope.json");
        ProviderDefinitionException e = assertThrows(ProviderDefinitionException.class,
                () -> ProviderCatalogue.builder().load(missing));
        assertTrue(e.getMessage().startsWith(missing + ": cannot be read"), e.getMessage());
    }

    @Test
    void theExampleMessage() throws IOException {
        Path file = write("providers.json", VALID.replace("https://myvideo.example/privacy", "http://myvideo.example/p"));
        ProviderDefinitionException e = assertThrows(ProviderDefinitionException.class,
                () -> ProviderCatalogue.builder().load(file));
        assertEquals(file + ": provider \"myvideo\": field \"privacyPolicyUrl\": must be an https URL, got "
                + "\"http://myvideo.example/p\"", e.getMessage());
        assertEquals(file.toString(), e.source());
        assertEquals("myvideo", e.providerId());
        assertEquals("privacyPolicyUrl", e.field());
    }

    /** Each row: text to replace in the valid definition, its replacement, the field named, part of the problem. */
    @ParameterizedTest(name = "{2}: {3}")
    @CsvSource(delimiter = '|', value = {
        "\"name\": \"MyVideo\",|| name| is required",
        "\"name\": \"MyVideo\"|\"name\": \" \"|name|must not be blank",
        "\"name\": \"MyVideo\"|\"name\": 42|name|must be a string",
        "\"recipient\": \"MyVideo GmbH\",|\"recipient\": \"MyVideo GmbH\", \"recipientt\": 1,|recipientt|unknown field",
        "https://myvideo.example/privacy|javascript:alert(1)|privacyPolicyUrl|must be an https URL",
        "https://myvideo.example/privacy|https://|privacyPolicyUrl|must be an https URL",
        "[\"embedding\"]|[]|purposes|at least one entry",
        "[\"ip-address\"]|\"ip-address\"|dataCategories|array of strings",
        "\"transfersOutsideEu\": false|\"transfersOutsideEu\": \"no\"|transfersOutsideEu|true or false",
        "\"kind\": \"video\"|\"kind\": \"movie\"|kind|must be one of",
        "\"noticeVersion\": \"1\",||noticeVersion|is required",
        "\"myvideo.example\", \"*.myvideo.example\"|\"MyVideo.example\"|hosts[0]|not a host pattern",
        "\"myvideo.example\", \"*.myvideo.example\"|\"*.example\"|hosts[0]|not a host pattern",
        "\"myvideo.example\", \"*.myvideo.example\"|\"my video.example\"|hosts[0]|not a host pattern",
        "\"myvideo.example\", \"*.myvideo.example\"|\"10.0.0.1\"|hosts[0]|not a host pattern",
        "\"myvideo.example\", \"*.myvideo.example\"|\"myvideo.example\"|rules[0].hosts[0]|not among the provider",
        "\"^/embed/\"|\"^/embed/(\"|rules[0].path|invalid regular expression",
        "\"path\": \"^/embed/\"|\"path\": \"^/embed/\", \"pathh\": 1|rules[0].pathh|unknown field",
        "[\"iframe\"]|[\"a\"]|rules[0].elements|never matched",
        "[\"iframe\"]|[\"DIV\"]|rules[0].elements|not a lowercase element name",
        "[\"iframe\"]|[\"div\"]|rules[0].elements|loads no URL by itself",
        "[\"iframe\"]|[]|rules[0].elements|at least one element",
        "\"class\": \"myvideo-widget\"|\"class\": \"a b\"|rules[1].class|one class name",
        "\"class\": \"myvideo-widget\"|\"class\": \"x\", \"hosts\": [\"myvideo.example\"]|rules[1]|not several",
        "\"urlAttributes\": [\"data-href\"]|\"attributes\": [\"data-href\"]|rules[1].attributes|marker or component rules",
        "\"class\": \"myvideo-widget\"|\"component\": true|rules[1].elements|custom elements",
        "\"class\": \"myvideo-widget\"|\"component\": \"yes\"|rules[1].component|must be true",
        "\"class\": \"myvideo-widget\",||rules[1]|not none",
    })
    void invalidDefinitionsNameFileProviderAndField(String find, String replace, String field, String problem)
            throws IOException {
        assertTrue(VALID.contains(find), "test data: " + find);
        Path file = write("providers.json", VALID.replace(find, replace == null ? "" : replace));
        ProviderDefinitionException e = assertThrows(ProviderDefinitionException.class,
                () -> ProviderCatalogue.builder().load(file));
        String prefix = file + ": provider \"myvideo\": field \"" + field.strip() + "\": ";
        assertTrue(e.getMessage().startsWith(prefix), e.getMessage() + " should start with " + prefix);
        assertTrue(e.getMessage().contains(problem.strip()), e.getMessage());
    }

    @Test
    void duplicateIdInOneFile() throws IOException {
        String provider = VALID.substring(VALID.indexOf('[') + 1, VALID.lastIndexOf(']'));
        Path file = write("dup.json", "{\"providers\": [" + provider + "," + provider + "]}");
        ProviderDefinitionException e = assertThrows(ProviderDefinitionException.class,
                () -> ProviderCatalogue.builder().load(file));
        assertEquals(file + ": provider \"myvideo\": field \"id\": is defined twice in this file", e.getMessage());
    }

    @Test
    void badIdIsNamed() throws IOException {
        Path file = write("id.json", VALID.replace("\"myvideo\"", "\"My Video\""));
        ProviderDefinitionException e = assertThrows(ProviderDefinitionException.class,
                () -> ProviderCatalogue.builder().load(file));
        assertTrue(e.getMessage().startsWith(file + ": provider \"My Video\": field \"id\": "), e.getMessage());
    }

    @Test
    void malformedJsonNamesFileAndPosition() {
        ProviderDefinitionException e = assertThrows(ProviderDefinitionException.class,
                () -> ProviderCatalogue.builder().load("broken.json",
                        new ByteArrayInputStream("{\"providers\": [\n  {\"id\": }]}".getBytes(StandardCharsets.UTF_8))));
        assertTrue(e.getMessage().startsWith("broken.json: not valid JSON: "), e.getMessage());
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void duplicateJsonKeysAreRejected() {
        String json = VALID.replace("\"name\": \"MyVideo\",", "\"name\": \"MyVideo\", \"name\": \"Other\",");
        ProviderDefinitionException e = assertThrows(ProviderDefinitionException.class,
                () -> ProviderCatalogue.builder().load("dup-keys.json",
                        new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))));
        assertTrue(e.getMessage().startsWith("dup-keys.json: not valid JSON: "), e.getMessage());
        assertTrue(e.getMessage().contains("name"), e.getMessage());
    }

    @Test
    void wrongTopLevelShape() {
        for (String json : List.of("[]", "{}", "{\"providers\": {}}", "{\"providers\": [], \"extra\": 1}")) {
            ProviderDefinitionException e = assertThrows(ProviderDefinitionException.class,
                    () -> ProviderCatalogue.builder().load("top.json",
                            new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))));
            assertTrue(e.getMessage().startsWith("top.json: "), e.getMessage());
        }
    }

    @Test
    void builderNamesMissingFieldsAndRepeatedOptions() {
        ProviderDefinitionException missing = assertThrows(ProviderDefinitionException.class,
                () -> Provider.builder("p").name("P").build());
        assertEquals("builder: provider \"p\": field \"recipient\": is required", missing.getMessage());
        IllegalStateException twice = assertThrows(IllegalStateException.class,
                () -> Provider.builder("p").name("P").name("Q"));
        assertEquals("Provider.Builder option \"name\" was already set; set each option once", twice.getMessage());
        IllegalStateException kind = assertThrows(IllegalStateException.class,
                () -> Provider.builder("p").kind(EmbedKind.VIDEO).kind(EmbedKind.MAP));
        assertEquals("Provider.Builder option \"kind\" was already set; set each option once", kind.getMessage());
    }

    @Test
    void addedProvidersAreValidated() {
        Provider invalid = new Provider("bad", "Bad", "Bad Ltd", "http://bad.example/", List.of("embedding"),
                List.of("ip-address"), false, "1", List.of("bad.example"),
                List.of(new MatchRule.Url(Set.of("iframe"), List.of("bad.example"), null, List.of())));
        ProviderDefinitionException e = assertThrows(ProviderDefinitionException.class,
                () -> ProviderCatalogue.builder().add(invalid));
        assertTrue(e.getMessage().startsWith("builder: provider \"bad\": field \"privacyPolicyUrl\": "));
    }
}
