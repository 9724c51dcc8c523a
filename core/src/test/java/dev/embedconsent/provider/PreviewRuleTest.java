package dev.embedconsent.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PreviewRuleTest {
    private static final ProviderCatalogue BUILT_IN = ProviderCatalogue.builtIn();

    private static List<String> ids(String provider, String url) {
        for (PreviewRule rule : BUILT_IN.get(provider).orElseThrow().previews()) {
            List<String> ids = rule.ids(url);
            if (ids != null) {
                return ids;
            }
        }
        return null;
    }

    @Test
    void youtubeTakesTheVideoIdFromEveryPlayerForm() {
        assertEquals(List.of("kU1_gDqGmQk"), ids("youtube", "https://www.youtube.com/embed/kU1_gDqGmQk?si=x"));
        assertEquals(List.of("kU1_gDqGmQk"), ids("youtube", "https://www.youtube-nocookie.com/embed/kU1_gDqGmQk"));
        assertEquals(List.of("PL0123456789"),
                ids("youtube", "https://www.youtube.com/embed/videoseries?list=PL0123456789"));
        assertNull(ids("youtube", "https://www.youtube.com/watch?v=kU1_gDqGmQk"));
        assertNull(ids("youtube", "http://www.youtube.com/embed/kU1_gDqGmQk"), "only https URLs");
    }

    @Test
    void vimeoKeepsTheHashOfAnUnlistedVideo() {
        assertEquals(List.of("76979871", "8272103f6e"),
                ids("vimeo", "https://player.vimeo.com/video/76979871?h=8272103f6e&badge=0"));
        assertEquals(List.of("76979871"), ids("vimeo", "https://player.vimeo.com/video/76979871"));
    }

    @Test
    void idsAreFilledIntoTemplatesAsTheyAre() {
        assertEquals("https://i.ytimg.com/vi/abc_-1/hqdefault.jpg",
                PreviewRule.fill("https://i.ytimg.com/vi/{1}/hqdefault.jpg", List.of("abc_-1")));
        assertThrows(IllegalArgumentException.class,
                () -> PreviewRule.fill("https://x.example/{2}", List.of("a")), "a slot without an id");
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", ".", "a/b", "a%2Fb", "a b", "a?b", "a#b", "ä", ""})
    void unsafeIdsAreRefused(String id) {
        assertTrue(!PreviewRule.isSafeId(id));
        assertThrows(IllegalArgumentException.class, () -> PreviewRule.fill("https://x.example/{1}", List.of(id)));
    }

    @Test
    void aRuleTakingAnUnsafeIdGivesNoPreview() {
        PreviewRule rule = new PreviewRule("^https://v\\.example/e/([^?]+)", "https://v.example/t/{1}.jpg", null);
        assertEquals(List.of("abc"), rule.ids("https://v.example/e/abc"));
        assertNull(rule.ids("https://v.example/e/..%2F..%2Fadmin"), "percent-encoded traversal");
        assertNull(rule.ids("https://v.example/e/.."));
    }

    @Test
    void everyBuiltInTemplateIsHttpsOnItsProvidersHosts() {
        int rules = 0;
        for (Provider provider : BUILT_IN.all()) {
            for (PreviewRule rule : provider.previews()) {
                rules++;
                for (String template : new String[] {rule.image(), rule.oembed()}) {
                    if (template == null) {
                        continue;
                    }
                    URI uri = URI.create(PreviewRule.fill(template, List.of("a", "b", "c", "d")));
                    assertEquals("https", uri.getScheme(), template);
                    assertTrue(provider.servesFrom(uri.getHost()), provider.id() + ": " + template);
                }
            }
        }
        assertTrue(rules >= 24, "built-in preview rules: " + rules);
    }

    private static String provider(String preview) {
        return "{\"providers\": [{\"id\": \"myvideo\", \"name\": \"MyVideo\", \"recipient\": \"MyVideo GmbH\","
                + "\"privacyPolicyUrl\": \"https://myvideo.example/privacy\", \"purposes\": [\"embedding\"],"
                + "\"dataCategories\": [\"ip-address\"], \"transfersOutsideEu\": false, \"noticeVersion\": \"1\","
                + "\"hosts\": [\"myvideo.example\", \"*.myvideo.example\"],"
                + "\"rules\": [{\"elements\": [\"iframe\"], \"hosts\": [\"player.myvideo.example\"]}],"
                + "\"preview\": " + preview + "}]}";
    }

    private static ProviderDefinitionException invalid(String preview) {
        return assertThrows(ProviderDefinitionException.class, () -> ProviderCatalogue.builder()
                .load("site.json", new ByteArrayInputStream(provider(preview).getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void aSiteCanGiveItsOwnProviderPreviews() {
        ProviderCatalogue catalogue = ProviderCatalogue.builder().load("site.json", new ByteArrayInputStream(provider(
                "[{\"match\": \"^https://player\\\\.myvideo\\\\.example/e/([0-9]+)\","
                        + "\"image\": \"https://img.myvideo.example/{1}.jpg\"}]").getBytes(StandardCharsets.UTF_8)))
                .build();
        PreviewRule rule = catalogue.get("myvideo").orElseThrow().previews().get(0);
        assertEquals(List.of("42"), rule.ids("https://player.myvideo.example/e/42?autoplay=1"));
    }

    @Test
    void previewTemplatesOffTheProvidersHostsAreRefused() {
        String message = invalid("[{\"match\": \"^https://player\\\\.myvideo\\\\.example/e/([0-9]+)\","
                + "\"image\": \"https://evil.example/{1}.jpg\"}]").getMessage();
        assertTrue(message.contains("preview[0].image") && message.contains("evil.example"), message);
    }

    @Test
    void previewTemplatesMustBeHttpsWithAWrittenOutHost() {
        assertTrue(invalid("[{\"match\": \"^https://player\\\\.myvideo\\\\.example/e/([0-9]+)\","
                + "\"image\": \"http://img.myvideo.example/{1}.jpg\"}]").getMessage().contains("https"));
        assertTrue(invalid("[{\"match\": \"^https://([a-z]+)\\\\.myvideo\\\\.example/\","
                + "\"image\": \"https://{1}.myvideo.example/x.jpg\"}]").getMessage().contains("host written out"));
        assertTrue(invalid("[{\"match\": \"^https://player\\\\.myvideo\\\\.example/e/([0-9]+)\","
                + "\"image\": \"https://img.myvideo.example:8443/{1}.jpg\"}]").getMessage().contains("https"));
    }

    @Test
    void previewRulesAreCheckedForShape() {
        assertTrue(invalid("[{\"match\": \"player\\\\.myvideo\\\\.example/e/([0-9]+)\","
                + "\"image\": \"https://img.myvideo.example/{1}.jpg\"}]").getMessage().contains("^https://"));
        assertTrue(invalid("[{\"match\": \"^https://player\\\\.myvideo\\\\.example/e/([0-9]+)\"}]")
                .getMessage().contains("needs \"image\", \"oembed\" or both"));
        assertTrue(invalid("[{\"match\": \"^https://player\\\\.myvideo\\\\.example/e/([0-9]+)\","
                + "\"image\": \"https://img.myvideo.example/{2}.jpg\"}]").getMessage().contains("names {2}"));
        assertTrue(invalid("[{\"match\": \"^https://player\\\\.myvideo\\\\.example/e/([0-9]+\","
                + "\"image\": \"https://img.myvideo.example/{1}.jpg\"}]").getMessage()
                .contains("not a regular expression"));
        assertTrue(invalid("[{\"match\": \"^https://player\\\\.myvideo\\\\.example/e/([0-9]+)\","
                + "\"image\": \"https://img.myvideo.example/{1}.jpg\", \"thumb\": \"x\"}]").getMessage()
                .contains("unknown field"));
    }
}
