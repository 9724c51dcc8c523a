package dev.embedconsent.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.embedconsent.consent.CookieKey;
import dev.embedconsent.preview.PreviewService;
import dev.embedconsent.preview.UpstreamClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Period;
import java.util.List;
import java.util.Map;
import dev.embedconsent.provider.TrustedHosts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EmbedConsentConfigTest {
    private static final String KEY = CookieKey.generate("k1").toConfig();

    @Test
    void defaults() {
        EmbedConsentConfig config = EmbedConsentConfig.defaults();
        assertEquals("/embed-consent", config.basePath());
        assertEquals(Path.of("embed-consent-data"), config.dataDirectory());
        assertNull(config.hmacKeys());
        assertEquals(List.of(), config.languages());
        assertEquals("en", config.defaultLanguage());
        assertEquals(Period.ofMonths(6), config.consentLifetime());
        assertEquals(RateLimit.DEFAULT, config.rateLimit());
        assertEquals(List.of(), config.exclusions());
        assertTrue(!config.usesJdbc());
        assertSame(RewritePolicy.DEFAULT, config.rewritePolicy());
    }

    @Test
    void filterAndConfigHandOutFreshBuilders() {
        EmbedConsentConfig.Builder builder = EmbedConsentFilter.builder().basePath("/c");
        assertEquals("/c", builder.build().config().basePath());
        assertEquals("/embed-consent", EmbedConsentFilter.builder().buildConfig().basePath());
        assertEquals("/embed-consent", EmbedConsentConfig.builder().buildConfig().basePath());
        EmbedConsentConfig fromSpec = EmbedConsentFilter.builder("base-path=/c").option("exclude", "/a").buildConfig();
        assertEquals("/c", fromSpec.basePath());
        assertEquals(List.of("/a"), fromSpec.exclusions());
        assertEquals("/c", EmbedConsentConfig.builder("base-path=/c").buildConfig().basePath());
    }

    @Test
    void rewritePolicyIsProgrammaticAndSetOnce() {
        RewritePolicy policy = RewritePolicy.DEFAULT.and((request, response) -> false);
        assertSame(policy, EmbedConsentConfig.builder().rewritePolicy(policy).buildConfig().rewritePolicy());
        IllegalStateException twice = assertThrows(IllegalStateException.class,
                () -> EmbedConsentConfig.builder().rewritePolicy(policy).rewritePolicy(RewritePolicy.DEFAULT));
        assertEquals("EmbedConsentConfig.Builder option \"rewritePolicy\" was already set; set each option once",
                twice.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> EmbedConsentConfig.parse("rewrite-policy=none"));
        assertTrue(unknown.getMessage().startsWith("unknown option 'rewrite-policy'"), unknown.getMessage());
    }

    @Test
    void specSetsEveryOption() {
        EmbedConsentConfig config = EmbedConsentConfig.parse("base-path=/consent; data-dir=/var/ec; hmac-key=" + KEY
                + "; languages=en,de; default-language=de; providers-file=/etc/p.json; consent-lifetime=90d;"
                + " exclude=/admin,/api/**; rate-limit=10/30s; csp-nonce-attribute=nonce");
        assertEquals("/consent", config.basePath());
        assertEquals(Path.of("/var/ec"), config.dataDirectory());
        assertEquals(KEY, config.hmacKeys());
        assertEquals(List.of("en", "de"), config.languages());
        assertEquals("de", config.defaultLanguage());
        assertEquals(Path.of("/etc/p.json"), config.providersFile());
        assertEquals(Period.ofDays(90), config.consentLifetime());
        assertEquals(List.of("/admin", "/api/**"), config.exclusions());
        assertEquals(new RateLimit(10, Duration.ofSeconds(30)), config.rateLimit());
        assertEquals("nonce", config.cspNonceAttribute());
    }

    @Test
    void initParametersCombineSpecAndSingleParameters() {
        Map<String, String> params = Map.of("config", "base-path=/c", "exclude", "/admin", "jdbc-url",
                "jdbc:postgresql://db/site", "jdbc-user", "site", "jdbc-password", "secret", "hmac-key", KEY);
        EmbedConsentConfig config = EmbedConsentConfig.fromInitParameters(params::get);
        assertEquals("/c", config.basePath());
        assertEquals(List.of("/admin"), config.exclusions());
        assertEquals("jdbc:postgresql://db/site", config.jdbcUrl());
        assertEquals("site", config.jdbcUser());
        assertEquals("secret", config.jdbcPassword());
        assertTrue(config.usesJdbc());
        assertTrue(!config.toString().contains("secret"), config.toString());
        assertTrue(!config.toString().contains(KEY.substring(3)), "key printed: " + config);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "jdbc:postgresql://db/site?user=site&password=hunter2|jdbc:postgresql://db/site?…",
        "jdbc:sqlserver://db;user=site;password=hunter2|jdbc:sqlserver://db;…",
        "jdbc:mysql://site:hunter2@db:3306/site|jdbc:mysql://…@db:3306/site",
        "jdbc:postgresql://db:5432/site|jdbc:postgresql://db:5432/site"})
    void jdbcUrlIsLoggedWithoutCredentials(String url, String shown) {
        EmbedConsentConfig config = EmbedConsentFilter.builder().jdbc(url, null, null).hmacKeys(KEY).buildConfig();
        assertEquals(url, config.jdbcUrl());
        assertTrue(config.toString().contains("jdbc-url=" + shown + ","), config.toString());
        assertTrue(!config.toString().contains("hunter2"), config.toString());
    }

    @Test
    void optionGivenTwiceFailsNamingIt() {
        Map<String, String> params = Map.of("config", "exclude=/a", "exclude", "/b");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> EmbedConsentConfig.fromInitParameters(params::get));
        assertEquals("EmbedConsentConfig.Builder option \"exclude\" was already set; set each option once",
                e.getMessage());
        IllegalStateException twice = assertThrows(IllegalStateException.class,
                () -> EmbedConsentFilter.builder().basePath("/a").basePath("/b"));
        assertEquals("EmbedConsentConfig.Builder option \"base-path\" was already set; set each option once",
                twice.getMessage());
        IllegalStateException jdbc = assertThrows(IllegalStateException.class,
                () -> EmbedConsentFilter.builder().option("jdbc-user", "a").jdbc("jdbc:x", "b", null));
        assertEquals("EmbedConsentConfig.Builder option \"jdbc-user\" was already set; set each option once",
                jdbc.getMessage());
    }

    @Test
    void jdbcNeedsAConfiguredKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EmbedConsentFilter.builder().jdbc("jdbc:postgresql://db/site", "u", "p").buildConfig());
        assertTrue(e.getMessage().contains("hmac-key is required"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "colour=red|unknown option 'colour'",
        "base-path=embed|base-path 'embed' must look like /embed-consent",
        "consent-lifetime=soon|consent-lifetime 'soon' is not a period",
        "consent-lifetime=P14M|longer than 13 months",
        "rate-limit=fast|rate-limit 'fast' must look like 30/1m",
        "rate-limit=0/1m|burst must be at least 1",
        "languages=EN|languages 'EN' must be a lowercase language code",
        "default-language=fr; languages=en,de|default-language 'fr' must be one of languages",
        "exclude=admin|exclude pattern 'admin' must start with '/'",
        "hmac-key=short|hmac-key",
        "no-equals-sign|must be key=value",
        "csp=strict|csp 'strict' must be off, report or enforce",
        "block-unknown-frames=yes|block-unknown-frames 'yes' must be true or false",
        "trusted-hosts=https://a.example|trusted-hosts: trusted host \"https://a.example\" is not a host name",
        "trusted-hosts=*|trusted-hosts: trusted host \"*\" is not a host name",
        "csp=enforce; block-unknown-frames=false|csp=enforce would block the frames",
        "render-consented=cdn|render-consented 'cdn' must be server (consented embeds rendered per visitor) or client",
        "render-consented=client; render-consented=server|render-consented"})
    void badValuesAreClearErrors(String spec, String message) {
        RuntimeException e = assertThrows(RuntimeException.class, () -> EmbedConsentConfig.parse(spec));
        assertTrue(e.getMessage().contains(message), () -> "'" + e.getMessage() + "' lacks '" + message + "'");
    }

    @Test
    void secretsCanComeFromTheEnvironment() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EmbedConsentConfig.parse("hmac-key=env:EMBED_CONSENT_TEST_UNSET_VARIABLE"));
        assertTrue(e.getMessage().contains("EMBED_CONSENT_TEST_UNSET_VARIABLE, which is not set"), e.getMessage());
        String path = System.getenv("PATH");
        assertEquals(path, EmbedConsentConfig.parse("jdbc-password=env:PATH; jdbc-url=jdbc:x; hmac-key=" + KEY)
                .jdbcPassword());
    }

    @ParameterizedTest
    @CsvSource({"30/1m,30,PT1M", "100/10s,100,PT10S", "5/PT1H,5,PT1H"})
    void rateLimitForms(String text, int burst, String period) {
        assertEquals(new RateLimit(burst, Duration.parse(period)), RateLimit.parse(text));
    }

    @Test
    void rateLimitOff() {
        assertTrue(!RateLimit.parse("off").enabled());
    }

    @Test
    void frameOptionsDefaultToBlockingWithoutAPolicy() {
        EmbedConsentConfig config = EmbedConsentConfig.defaults();
        assertEquals(TrustedHosts.NONE, config.trustedHosts());
        assertTrue(config.blockUnknownFrames());
        assertEquals(CspMode.OFF, config.csp());
    }

    @Test
    void frameOptionsInEveryForm() {
        EmbedConsentConfig spec = EmbedConsentConfig.parse(
                "trusted-hosts=*.Example.org, player.example.net; block-unknown-frames=FALSE; csp=report");
        EmbedConsentConfig params = EmbedConsentConfig.fromInitParameters(Map.of(
                "trusted-hosts", "*.example.org player.example.net", "block-unknown-frames", "false",
                "csp", "report")::get);
        EmbedConsentConfig built = EmbedConsentFilter.builder().trustedHosts("*.example.org", "player.example.net")
                .blockUnknownFrames(false).csp(CspMode.REPORT).buildConfig();
        EmbedConsentConfig byName = EmbedConsentFilter.builder().option("trusted-hosts", "*.example.org,player.example.net")
                .option("block-unknown-frames", "false").option("csp", "REPORT").buildConfig();
        for (EmbedConsentConfig config : List.of(spec, params, built, byName)) {
            assertEquals(List.of("*.example.org", "player.example.net"), config.trustedHosts().patterns());
            assertFalse(config.blockUnknownFrames());
            assertEquals(CspMode.REPORT, config.csp());
            assertTrue(config.toString().contains(
                    ", trusted-hosts=*.example.org,player.example.net, block-unknown-frames=false, csp=report, "),
                    config.toString());
        }
        assertEquals(CspMode.ENFORCE, EmbedConsentFilter.builder().csp("enforce").buildConfig().csp());
        assertEquals("xn--bcher-kva.example", EmbedConsentFilter.builder().trustedHosts("bücher.example")
                .buildConfig().trustedHosts().patterns().get(0));
    }

    @Test
    void frameOptionsAreSetOnce() {
        IllegalStateException twice = assertThrows(IllegalStateException.class,
                () -> EmbedConsentConfig.builder("csp=report").csp(CspMode.ENFORCE));
        assertTrue(twice.getMessage().contains("\"csp\" was already set"), twice.getMessage());
        assertThrows(IllegalStateException.class,
                () -> EmbedConsentConfig.builder("trusted-hosts=a.example").trustedHosts("b.example"));
        assertThrows(IllegalStateException.class,
                () -> EmbedConsentConfig.builder().blockUnknownFrames(true).option("block-unknown-frames", "true"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> EmbedConsentFilter.builder().trustedHosts("a.example", "not a host"));
        assertTrue(bad.getMessage().startsWith("trusted-hosts: trusted host \"not a host\""), bad.getMessage());
    }

    @Test
    void lookAheadInEveryFormWithABound() {
        assertEquals(32 * 1024, EmbedConsentConfig.defaults().lookAhead());
        assertEquals(64 * 1024, EmbedConsentConfig.parse("look-ahead=64KB").lookAhead());
        assertEquals(0, EmbedConsentConfig.parse("look-ahead=off").lookAhead());
        assertEquals(1024 * 1024, EmbedConsentConfig.fromInitParameters(Map.of("look-ahead", "1MB")::get).lookAhead());
        assertEquals(4096, EmbedConsentFilter.builder().lookAhead(4096).buildConfig().lookAhead());
        IllegalArgumentException tooBig = assertThrows(IllegalArgumentException.class,
                () -> EmbedConsentConfig.parse("look-ahead=2MB"));
        assertTrue(tooBig.getMessage().contains("look-ahead"), tooBig.getMessage());
        IllegalArgumentException notASize = assertThrows(IllegalArgumentException.class,
                () -> EmbedConsentConfig.parse("look-ahead=lots"));
        assertTrue(notASize.getMessage().contains("look-ahead"), notASize.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EmbedConsentFilter.builder().lookAhead(-1));
        assertThrows(IllegalStateException.class, () -> EmbedConsentFilter.builder().lookAhead(1).lookAhead(2));
        assertTrue(EmbedConsentConfig.parse("look-ahead=64KB").toString().contains("look-ahead=65536"));
    }

    @Test
    void warmUpInEveryFormWithABound() {
        assertEquals(Duration.ofSeconds(5), EmbedConsentConfig.defaults().warmUp());
        assertEquals(Duration.ofSeconds(2), EmbedConsentConfig.parse("warm-up=2s").warmUp());
        assertEquals(Duration.ofMillis(500), EmbedConsentConfig.parse("warm-up=500ms").warmUp());
        assertEquals(Duration.ZERO, EmbedConsentConfig.parse("warm-up=off").warmUp());
        assertEquals(Duration.ZERO, EmbedConsentConfig.fromInitParameters(Map.of("warm-up", "0")::get).warmUp());
        assertEquals(Duration.ofSeconds(1), EmbedConsentFilter.builder().warmUp(Duration.ofSeconds(1)).buildConfig()
                .warmUp());
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                () -> EmbedConsentConfig.parse("warm-up=2m"));
        assertTrue(tooLong.getMessage().contains("warm-up") && tooLong.getMessage().contains("60s"),
                tooLong.getMessage());
        IllegalArgumentException notADuration = assertThrows(IllegalArgumentException.class,
                () -> EmbedConsentConfig.parse("warm-up=quick"));
        assertTrue(notADuration.getMessage().contains("warm-up"), notADuration.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EmbedConsentFilter.builder().warmUp(Duration.ofSeconds(-1)));
        assertThrows(IllegalStateException.class,
                () -> EmbedConsentFilter.builder().warmUp(Duration.ZERO).warmUp(Duration.ZERO));
        assertTrue(EmbedConsentConfig.parse("warm-up=off").toString().contains("warm-up=off"));
        assertTrue(EmbedConsentConfig.defaults().toString().contains("warm-up=5000ms"));
    }

    @Test
    void previewOptionsDefault() {
        EmbedConsentConfig config = EmbedConsentConfig.defaults();
        assertTrue(config.previews());
        assertEquals(32L * 1024 * 1024, config.previewCacheSize());
        assertEquals(PreviewService.DEFAULT_MEMORY_BYTES, config.previewCacheSize());
        assertEquals(256L * 1024 * 1024, config.previewDiskSize());
        assertEquals(Duration.ofDays(7), config.previewLifetime());
        assertEquals(Duration.ofMinutes(5), config.previewFailureLifetime());
        assertEquals(Duration.ofSeconds(5), config.previewTimeout());
        assertNull(config.previewClient());
        assertEquals(List.of(), config.previewSeeds());
        assertTrue(config.toString().endsWith(", previews=on, preview-cache-size=33554432, preview-disk-size=268435456,"
                + " preview-lifetime=PT168H, preview-failure-lifetime=PT5M, preview-timeout=PT5S}"), config.toString());
    }

    @Test
    void previewOptionsInEveryForm() {
        EmbedConsentConfig spec = EmbedConsentConfig.parse("previews=on; preview-cache-size=32MB;"
                + " preview-disk-size=512KB; preview-lifetime=2d; preview-failure-lifetime=90s; preview-timeout=1500ms");
        EmbedConsentConfig params = EmbedConsentConfig.fromInitParameters(Map.of("previews", "true",
                "preview-cache-size", "32 mb", "preview-disk-size", "524288", "preview-lifetime", "P2D",
                "preview-failure-lifetime", "PT1M30S", "preview-timeout", "PT1.5S")::get);
        EmbedConsentConfig built = EmbedConsentFilter.builder().previews(true).previewCacheSize(32L << 20)
                .previewDiskSize(512 * 1024).previewLifetime(Duration.ofDays(2))
                .previewFailureLifetime(Duration.ofSeconds(90)).previewTimeout(Duration.ofMillis(1500)).buildConfig();
        for (EmbedConsentConfig config : List.of(spec, params, built)) {
            assertTrue(config.previews());
            assertEquals(32L * 1024 * 1024, config.previewCacheSize());
            assertEquals(512L * 1024, config.previewDiskSize());
            assertEquals(Duration.ofDays(2), config.previewLifetime());
            assertEquals(Duration.ofSeconds(90), config.previewFailureLifetime());
            assertEquals(Duration.ofMillis(1500), config.previewTimeout());
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "32MB|33554432", "32mb|33554432", "32 MB|33554432", "32MiB|33554432", "32M|33554432",
        "512KB|524288", "512kib|524288", "1GB|1073741824", "65536|65536", "65536B|65536"})
    void previewSizes(String text, long bytes) {
        assertEquals(bytes, EmbedConsentConfig.parse("preview-cache-size=" + text).previewCacheSize());
        assertEquals(bytes, EmbedConsentConfig.parse("preview-disk-size=" + text).previewDiskSize());
    }

    @ParameterizedTest
    @CsvSource({"off", "OFF", "0"})
    void previewDiskCacheCanBeOff(String text) {
        assertEquals(0, EmbedConsentConfig.parse("preview-disk-size=" + text).previewDiskSize());
        assertEquals(0, EmbedConsentFilter.builder().previewDiskSize(0).buildConfig().previewDiskSize());
    }

    @ParameterizedTest
    @CsvSource({"off,false", "OFF,false", "false,false", "on,true", " On ,true", "true,true"})
    void previewsOnOrOff(String text, boolean on) {
        assertEquals(on, EmbedConsentConfig.parse("previews=" + text).previews());
        if (!on) {
            assertTrue(EmbedConsentConfig.parse("previews=" + text).toString().endsWith(", previews=off}"));
        }
    }

    @Test
    void previewTimeoutIsAtMostThirtySeconds() {
        assertEquals(Duration.ofSeconds(30), EmbedConsentConfig.parse("preview-timeout=30s").previewTimeout());
        assertEquals(Duration.ofSeconds(30), EmbedConsentConfig.parse("preview-timeout=30000ms").previewTimeout());
        for (String spec : List.of("preview-timeout=31s", "preview-timeout=30001ms", "preview-timeout=1m",
                "preview-timeout=PT30.001S")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> EmbedConsentConfig.parse(spec));
            assertTrue(e.getMessage().startsWith("preview-timeout must be at most 30s"), e.getMessage());
        }
        IllegalArgumentException built = assertThrows(IllegalArgumentException.class,
                () -> EmbedConsentFilter.builder().previewTimeout(Duration.ofMinutes(2)).buildConfig());
        assertTrue(built.getMessage().contains("preview-timeout must be at most 30s"), built.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "previews=maybe|previews must be on or off, got 'maybe'",
        "previews=|previews must be on or off",
        "preview-cache-size=lots|preview-cache-size 'lots' is not a size; write e.g. 32MB, 512KB or 1GB",
        "preview-cache-size=off|preview-cache-size 'off' is not a size",
        "preview-cache-size=0|preview-cache-size '0' is not a size",
        "preview-cache-size=-1MB|preview-cache-size '-1MB' is not a size",
        "preview-cache-size=1.5MB|preview-cache-size '1.5MB' is not a size",
        "preview-cache-size=32TB|preview-cache-size '32TB' is not a size",
        "preview-cache-size=MB|preview-cache-size 'MB' is not a size",
        "preview-cache-size=32KB|preview-cache-size must be at least 64KB",
        "preview-cache-size=99999999999GB|preview-cache-size '99999999999GB' is not a size",
        "preview-cache-size=17179869185GB|preview-cache-size '17179869185GB' is not a size",
        "preview-cache-size=9999999999999999999|preview-cache-size '9999999999999999999' is not a size",
        "preview-disk-size=never|preview-disk-size 'never' is not a size; write e.g. 32MB, 512KB or 1GB, or off",
        "preview-disk-size=1KB|preview-disk-size must be off or at least 64KB",
        "preview-disk-size=9000000000GB|preview-disk-size '9000000000GB' is not a size",
        "preview-lifetime=forever|preview-lifetime 'forever' is not a duration",
        "preview-lifetime=0s|preview-lifetime '0s' must be positive",
        "preview-lifetime=-1d|preview-lifetime '-1d' must be positive",
        "preview-lifetime=99999999999999999d|preview-lifetime '99999999999999999d' is not a duration",
        "preview-failure-lifetime=5x|preview-failure-lifetime '5x' is not a duration",
        "preview-failure-lifetime=PT0S|preview-failure-lifetime 'PT0S' must be positive",
        "preview-timeout=soon|preview-timeout 'soon' is not a duration",
        "preview-timeout=0ms|preview-timeout '0ms' must be positive",
        "preview-timeout=31s|preview-timeout must be at most 30s"})
    void badPreviewValuesAreClearErrors(String spec, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EmbedConsentConfig.parse(spec));
        assertTrue(e.getMessage().contains(message), () -> "'" + e.getMessage() + "' lacks '" + message + "'");
    }

    @Test
    void badProgrammaticPreviewValuesNameTheOption() {
        List<Runnable> bad = List.of(
                () -> EmbedConsentFilter.builder().previewCacheSize(1024).buildConfig(),
                () -> EmbedConsentFilter.builder().previewDiskSize(-1).buildConfig(),
                () -> EmbedConsentFilter.builder().previewLifetime(Duration.ZERO).buildConfig(),
                () -> EmbedConsentFilter.builder().previewFailureLifetime(Duration.ofSeconds(-5)).buildConfig(),
                () -> EmbedConsentFilter.builder().previewTimeout(Duration.ZERO).buildConfig());
        List<String> names = List.of("preview-cache-size", "preview-disk-size", "preview-lifetime",
                "preview-failure-lifetime", "preview-timeout");
        for (int i = 0; i < bad.size(); i++) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad.get(i)::run, names.get(i));
            assertTrue(e.getMessage().startsWith(names.get(i) + " "), e.getMessage());
        }
    }

    @Test
    void previewOptionsAreSetOnce() {
        IllegalStateException twice = assertThrows(IllegalStateException.class,
                () -> EmbedConsentConfig.builder("preview-cache-size=1MB").previewCacheSize(2L << 20));
        assertEquals("EmbedConsentConfig.Builder option \"preview-cache-size\" was already set; set each option once",
                twice.getMessage());
        assertThrows(IllegalStateException.class,
                () -> EmbedConsentConfig.builder("previews=off").option("previews", "on"));
        assertThrows(IllegalStateException.class,
                () -> EmbedConsentConfig.fromInitParameters(Map.of("config", "preview-timeout=2s",
                        "preview-timeout", "3s")::get));
        UpstreamClient client = UpstreamClient.builder().build();
        assertSame(client, EmbedConsentFilter.builder().previewClient(client).buildConfig().previewClient());
        assertThrows(IllegalStateException.class,
                () -> EmbedConsentFilter.builder().previewClient(client).previewClient(client));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> EmbedConsentConfig.parse("preview-client=x"));
        assertTrue(unknown.getMessage().startsWith("unknown option 'preview-client'"), unknown.getMessage());
    }

    @Test
    void seededPreviewsAreKeptAsCopies() {
        byte[] image = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 1, 2, 3};
        EmbedConsentConfig config = EmbedConsentFilter.builder()
                .seedPreview("youtube", "https://www.youtube.com/embed/kU1_gDqGmQk", image, "A title")
                .seedPreview("vimeo", "https://player.vimeo.com/video/76979871", image, null)
                .buildConfig();
        image[3] = 9;
        assertEquals(2, config.previewSeeds().size());
        assertEquals("youtube", config.previewSeeds().get(0).providerId());
        assertEquals(1, config.previewSeeds().get(0).image()[3]);
        assertEquals("A title", config.previewSeeds().get(0).title());
        assertNull(config.previewSeeds().get(1).title());
    }

    @Test
    void renderConsentedDefaultsToServerAndIsSetInEveryForm() {
        assertEquals(RenderConsented.SERVER, EmbedConsentConfig.defaults().renderConsented());
        List<EmbedConsentConfig> clients = List.of(
                EmbedConsentConfig.parse("render-consented=client"),
                EmbedConsentConfig.fromInitParameters(Map.of("render-consented", " Client ")::get),
                EmbedConsentFilter.builder().renderConsented(RenderConsented.CLIENT).buildConfig(),
                EmbedConsentFilter.builder().renderConsented("client").buildConfig(),
                EmbedConsentFilter.builder().option("render-consented", "CLIENT").buildConfig(),
                EmbedConsentConfig.parse("render-consented=client; csp=enforce"));
        for (EmbedConsentConfig config : clients) {
            assertEquals(RenderConsented.CLIENT, config.renderConsented());
            assertTrue(config.toString().contains("render-consented=client"), config.toString());
        }
        assertEquals(RenderConsented.SERVER, EmbedConsentConfig.parse("render-consented=server").renderConsented());
    }
}
