package dev.embedconsent.spring.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.embedconsent.consent.ConsentService;
import dev.embedconsent.record.ConsentRecord;
import dev.embedconsent.record.SubjectId;
import dev.embedconsent.servlet.EmbedConsentFilter;
import dev.embedconsent.store.ConsentStore;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import jakarta.servlet.ServletContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.DigestUtils;

/**
 * The starter in a real Boot application on embedded Tomcat, driven over HTTP: the Embed Consent configuration is
 * {@code embed-consent.data-dir}, {@code embed-consent.keys} and {@code embed-consent.previews}. Spring Security
 * guards {@code /private/**} with its CSRF protection on, and a {@code ShallowEtagHeaderFilter} is ordered outside the
 * consent filter.
 */
@SpringBootTest(classes = SiteApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "embed-consent.keys=" + Http.KEY,
            SiteApplication.NO_DATABASE,
            // Without previews the rewritten page is the same on every request; with them a placeholder loses its
            // still once the (here impossible) upstream fetch has failed, and the page, hence its ETag, changes.
            "embed-consent.previews=off",
            "management.endpoints.web.exposure.include=health",
            "management.endpoint.health.show-components=always",
            "management.endpoint.health.show-details=always"})
@ExtendWith(OutputCaptureExtension.class)
class StarterHttpIT {
    static final Path DATA = Path.of("target", "it-data", "http-" + UUID.randomUUID());

    @DynamicPropertySource
    static void dataDirectory(DynamicPropertyRegistry registry) throws Exception {
        Files.createDirectories(DATA);
        registry.add("embed-consent.data-dir", DATA::toString);
    }

    @LocalServerPort
    int port;
    @Autowired
    ConsentService consent;
    @Autowired
    ConsentStore store;
    @Autowired
    ApplicationContext context;
    @Autowired
    ServletContext servletContext;

    @Test
    void pagesGetPlaceholders() throws Exception {
        HttpResponse<String> page = new Http(port).get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("data-consent-provider=\"youtube\""), page.body());
        assertFalse(Http.live(page.body()).contains("youtube.com/embed"), "the embed only survives inside <template>");
        assertTrue(page.body().contains("/embed-consent/embed-consent.js"), "the activation script is linked");
        assertTrue(page.headers().allValues("Vary").stream().anyMatch(v -> v.contains("Cookie")),
                () -> "Vary: Cookie on a consent-dependent page; headers " + page.headers().map());
        assertTrue(page.headers().firstValue("Cache-Control").orElse("").contains("private"),
                () -> "kept out of shared caches; headers " + page.headers().map());

        HttpResponse<String> script = new Http(port).get("/embed-consent/embed-consent.js");
        assertEquals(200, script.statusCode());
        assertTrue(script.body().contains("template.ec-original"), "the activation script");
    }

    @Test
    void consentPostIsRecordedInTheSharedServiceAndSetsTheCookie() throws Exception {
        Http http = new Http(port);
        // No CSRF token: the consent filter answers before Spring Security's chain, with its own same-origin check.
        HttpResponse<String> granted = http.postConsent(
                "{\"provider\":\"youtube\",\"decision\":\"grant\",\"scope\":\"provider\",\"page\":\"/\"}",
                "Sec-Fetch-Site", "same-origin");
        assertEquals(200, granted.statusCode(), granted.body());
        String recordId = Http.jsonString(granted.body(), "recordId");
        SubjectId subject = SubjectId.parse(Http.jsonString(granted.body(), "subject")).orElseThrow();
        String setCookie = Http.setCookie(granted, "ec_consent").orElseThrow();
        assertTrue(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Lax"), setCookie);

        assertTrue(consent.state(subject).granted("youtube"), "the ConsentService bean sees the filter's decision");
        assertTrue(store.history(subject).stream().map(ConsentRecord::recordId).anyMatch(recordId::equals),
                "the record is in the store bean");
        assertTrue(Files.list(DATA).findAny().isPresent(), "the JSON Lines store lives in embed-consent.data-dir");

        HttpResponse<String> page = http.get("/", "Cookie", Http.cookie(granted, "ec_consent"));
        assertTrue(Http.live(page.body()).contains("src=\"https://www.youtube.com/embed/kU1_gDqGmQk\""),
                () -> "the consented embed is rendered by the server:\n" + page.body());
    }

    @Test
    void crossSitePostsAreRejectedAndRecordNothing() throws Exception {
        Http http = new Http(port);
        long before = store.stats().records();
        HttpResponse<String> fetchSite = http.postConsent("{\"provider\":\"youtube\",\"decision\":\"grant\"}",
                "Sec-Fetch-Site", "cross-site");
        assertEquals(403, fetchSite.statusCode(), fetchSite.body());
        assertEquals("cross_site", Http.jsonString(fetchSite.body(), "error"));
        HttpResponse<String> origin = http.postConsent("{\"provider\":\"youtube\",\"decision\":\"grant\"}",
                "Origin", "https://attacker.example");
        assertEquals(403, origin.statusCode(), origin.body());
        assertTrue(Http.setCookie(origin, "ec_consent").isEmpty(), "no cookie for a rejected post");
        assertEquals(before, store.stats().records(), "nothing recorded");
    }

    @Test
    void theFilterRunsBeforeSpringSecurity() throws Exception {
        FilterRegistrationBean<?> ours = context.getBean(EmbedConsentAutoConfiguration.FILTER_NAME,
                FilterRegistrationBean.class);
        assertTrue(ours.getFilter() instanceof EmbedConsentFilter);
        assertTrue(ours.getOrder() < SecurityFilterProperties.DEFAULT_FILTER_ORDER,
                "order " + ours.getOrder() + " runs before Spring Security's "
                        + SecurityFilterProperties.DEFAULT_FILTER_ORDER);
        var registered = servletContext.getFilterRegistrations().values().stream()
                .filter(r -> EmbedConsentFilter.class.getName().equals(r.getClassName())).toList();
        assertEquals(1, registered.size(), "registered once in Tomcat");
        assertEquals(List.of("/*"), List.copyOf(registered.get(0).getUrlPatternMappings()));

        Http http = new Http(port);
        HttpResponse<String> guarded = http.get("/private/page");
        assertEquals(401, guarded.statusCode(), "Spring Security still guards its paths");
        HttpResponse<String> settings = http.get("/embed-consent/settings");
        assertEquals(200, settings.statusCode(), "the consent settings need no login");
    }

    @Test
    void anEtagFilterOutsideTagsTheRewrittenPage() throws Exception {
        Http http = new Http(port);
        HttpResponse<String> page = http.get("/");
        String etag = page.headers().firstValue("ETag").orElseThrow(
                () -> new AssertionError("no ETag; headers " + page.headers().map()));
        String md5 = DigestUtils.md5DigestAsHex(page.body().getBytes(StandardCharsets.UTF_8));
        assertEquals("\"0" + md5 + "\"", etag, "the ETag filter hashed exactly the bytes the visitor got");
        assertEquals(304, http.get("/", "If-None-Match", etag).statusCode());

        HttpResponse<String> granted = http.postConsent("{\"provider\":\"youtube\",\"decision\":\"grant\"}",
                "Sec-Fetch-Site", "same-origin");
        HttpResponse<String> consented = http.get("/", "Cookie", Http.cookie(granted, "ec_consent"),
                "If-None-Match", etag);
        assertEquals(200, consented.statusCode(), "another consent variant never revalidates against this tag");
        assertNotEquals(etag, consented.headers().firstValue("ETag").orElse(""));
        assertTrue(Http.live(consented.body()).contains("youtube.com/embed"));
    }

    @Test
    void storeHealthIsReported() throws Exception {
        HttpResponse<String> health = new Http(port).get("/actuator/health/embedConsent");
        assertEquals(200, health.statusCode(), health.body());
        assertEquals("UP", Http.jsonString(health.body(), "status"), health.body());
        assertEquals("json-lines", Http.jsonString(health.body(), "store"), health.body());
    }

    @Test
    void keysAreNeverLogged(CapturedOutput output) {
        assertTrue(output.getAll().contains("embed-consent filter started"), "the start line is captured");
        assertTrue(output.getAll().contains("hmac-key=(configured)"), "the start line names the keys only as set");
        assertFalse(output.getAll().contains(Http.SECRET), "the secret never appears in the log");
    }
}
