package dev.embedconsent.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.embedconsent.consent.ConsentRequest;
import dev.embedconsent.consent.ConsentService;
import dev.embedconsent.html.EmbedListener;
import dev.embedconsent.html.EmbedRewriter;
import dev.embedconsent.html.PageContext;
import dev.embedconsent.placeholder.PlaceholderRenderer;
import dev.embedconsent.provider.EmbedKind;
import dev.embedconsent.provider.MatchRule;
import dev.embedconsent.provider.Provider;
import dev.embedconsent.provider.ProviderCatalogue;
import dev.embedconsent.record.ConsentMethod;
import dev.embedconsent.record.ConsentRecord;
import dev.embedconsent.record.Scope;
import dev.embedconsent.record.SubjectId;
import dev.embedconsent.store.ConsentStore;
import dev.embedconsent.store.JsonLinesConsentStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Period;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The code shown in README.md, run as written, so the README cannot drift from the API. */
class ReadmeExamplesTest {

    @Test
    void providerBuilderExample() throws Exception {
        ProviderCatalogue catalogue = ProviderCatalogue.builder()
                .addBuiltIns()
                .add(Provider.builder("tube-example")
                        .name("Tube Example").recipient("Tube Example GmbH")
                        .privacyPolicyUrl("https://tube.example/privacy")
                        .purposes("embedding").dataCategories("ip-address", "device")
                        .transfersOutsideEu(false).noticeVersion("2026-11-01")
                        .hosts("tube.example", "*.tube.example").kind(EmbedKind.VIDEO)
                        .rule(new MatchRule.Url(Set.of("iframe"), List.of("tube.example"), "^/embed/", List.of()))
                        .build())
                .build();

        EmbedRewriter rewriter = EmbedRewriter.builder()
                .catalogue(catalogue).placeholders(PlaceholderRenderer.defaults()).build();
        byte[] page = "<p>Hi</p><iframe src=\"https://tube.example/embed/42\"></iframe>".getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        rewriter.rewrite(new ByteArrayInputStream(page), out,
                new PageContext(null, null, Set.of(), "/", EmbedListener.NONE, null));
        String html = out.toString(StandardCharsets.UTF_8);
        assertTrue(html.contains("data-consent-provider=\"tube-example\""), html);
        assertTrue(html.contains("Tube Example GmbH"), html);
    }

    @Test
    void consentApiExample(@TempDir Path dir) {
        try (ConsentStore store = JsonLinesConsentStore.open(dir)) {
            ConsentService consent = ConsentService.builder(store, ProviderCatalogue.builtIn()).build();

            SubjectId visitor = SubjectId.random();
            ConsentRecord record = consent.grant(ConsentRequest.of(visitor, "youtube")
                    .withScope(Scope.PROVIDER).withMethod(ConsentMethod.API).withLanguage("de")
                    .withPage("/news/visit"));
            assertEquals("youtube", record.provider());
            assertTrue(consent.state(visitor).granted("youtube"));
            consent.withdraw(ConsentRequest.of(visitor, "youtube"));
            assertFalse(consent.state(visitor).granted("youtube"));
            String json = consent.export(visitor);
            assertTrue(json.contains(visitor.toString()) || json.contains("youtube"), json);
            assertEquals(2, consent.erase(visitor));
            consent.purge(Period.ofDays(400));
            assertTrue(store.verify().valid());
        }
    }
}
