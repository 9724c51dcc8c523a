package dev.embedconsent.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link EmbedConsent} called from a servlet of a real application ({@link ApiTestSite}), under the context path
 * {@code /shop}, driven over HTTP: one suite, one subclass per container ({@code *IT}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class EmbedConsentApiContract {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private final List<ServletContainer> containers = new ArrayList<>();
    private Path work;
    private URI base;
    /** The same servlets without any filter. */
    private URI bare;

    /** {@code jetty} or {@code tomcat}. */
    abstract String containerName();

    @BeforeAll
    void start() throws Exception {
        work = Files.createTempDirectory("embed-consent-api-" + containerName());
        EmbedConsentFilter filter = EmbedConsentFilter.builder()
                .dataDirectory(work.resolve("data"))
                .hmacKeys(FilterContainerContract.KEY)
                .exclude("/api/**")
                .rateLimit(RateLimit.OFF)
                .previews(false)
                .build();
        base = started(new ApiTestSite(filter), "app").resolve("/shop/");
        bare = started(new ApiTestSite(null), "bare").resolve("/shop/");
    }

    private URI started(ApiTestSite site, String name) throws Exception {
        ServletContainer container = ServletContainer.named(containerName());
        containers.add(container);
        return container.start(site, Map.of(), work.resolve(name), "/shop");
    }

    @AfterAll
    void stop() throws Exception {
        for (ServletContainer container : containers) {
            container.close();
        }
        try (Stream<Path> files = Files.walk(work)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    private HttpResponse<String> get(URI root, String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(root.resolve(path)).timeout(Duration.ofSeconds(30));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> post(String path, String contentType, String body, String... headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", contentType)
                .POST(BodyPublishers.ofString(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** A consent decision posted as the activation script posts it; returns the {@code ec_consent} cookie. */
    private String decide(String decision, String... cookie) throws Exception {
        String body = "{\"provider\":\"youtube\",\"decision\":\"" + decision
                + "\",\"scope\":\"provider\",\"page\":\"/shop/news\"}";
        HttpResponse<String> response = cookie.length == 0
                ? post("embed-consent/consent", "application/json", body, "Sec-Fetch-Site", "same-origin")
                : post("embed-consent/consent", "application/json", body, "Sec-Fetch-Site", "same-origin",
                        "Cookie", cookie[0]);
        assertEquals(200, response.statusCode(), response.body());
        return FilterContainerContract.cookie(response, "ec_consent");
    }

    private JsonNode json(String path, String... cookie) throws Exception {
        HttpResponse<String> response = cookie.length == 0 ? get(base, path) : get(base, path, "Cookie", cookie[0]);
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    /** The fragment without the contents of its templates, which browsers keep inert. */
    private static Document live(String html) {
        Document doc = Jsoup.parseBodyFragment(html);
        doc.select("template").forEach(Element::empty);
        return doc;
    }

    @Test
    void grantedFollowsTheConsentPostsCookie() throws Exception {
        for (String path : List.of("api/consent.json", "other/consent.json")) {
            assertEquals("{\"youtube\":false,\"granted\":[]}", json(path).toString(), path);
        }
        String cookie = decide("grant");
        for (String path : List.of("api/consent.json", "other/consent.json")) {
            assertEquals("{\"youtube\":true,\"granted\":[\"youtube\"]}", json(path, cookie).toString(),
                    path + ": a request the filter saw, and one it did not");
        }
        String withdrawn = decide("withdraw", cookie);
        assertEquals("{\"youtube\":false,\"granted\":[]}", json("api/consent.json", withdrawn).toString());
        assertEquals("{\"youtube\":false,\"granted\":[]}", json("api/consent.json", cookie).toString(),
                "the old cookie still names YouTube, but the store holds the withdrawal");
    }

    @Test
    void aForgedCookieIsNoConsentAndNoError() throws Exception {
        String cookie = decide("grant");
        String forged = cookie.substring(0, cookie.length() - 2) + (cookie.endsWith("AA") ? "BB" : "AA");
        assertEquals("{\"youtube\":false,\"granted\":[]}", json("api/consent.json", forged).toString());
        assertEquals("{\"youtube\":false,\"granted\":[]}",
                json("api/consent.json", "ec_consent=garbage").toString());
    }

    @Test
    void theFragmentHoldsThePlaceholderAndTheInertOriginal() throws Exception {
        String html = json("api/embed.json?page=/shop/news/visit").get("html").asString();
        Document doc = Jsoup.parseBodyFragment(html);
        Element placeholder = doc.selectFirst("div.ec-placeholder[data-consent-provider=youtube]");
        assertNotNull(placeholder, html);
        assertEquals(TestSite.EMBED, placeholder.selectFirst("template.ec-original").html());
        assertTrue(live(html).select("iframe").isEmpty(), "no live iframe: " + html);
        assertEquals("/shop/news/visit", placeholder.selectFirst("input[name=return]").val());
        assertEquals("/shop/embed-consent/consent", placeholder.selectFirst("form").attr("action"));
        assertNotNull(doc.selectFirst("script[src=/shop/embed-consent/embed-consent.js]"), html);

        String cookie = decide("grant");
        assertEquals(TestSite.EMBED, json("api/embed.json", cookie).get("html").asString(),
                "an allowed provider's embed is sent as it is");
    }

    @Test
    void theFragmentsPlaceholderIsTheOneTheFilterPutsIntoAPage() throws Exception {
        HttpResponse<String> page = get(base, "pages/article");
        Element fromFilter = Jsoup.parse(page.body()).selectFirst("div.ec-placeholder");
        assertNotNull(fromFilter, page.body());
        HttpResponse<String> fragment = get(base, "api/embed.html?page=/shop/pages/article&lang=de");
        Element fromApi = Jsoup.parseBodyFragment(fragment.body()).selectFirst("div.ec-placeholder");
        assertNotNull(fromApi, fragment.body());
        assertEquals("de", fromApi.attr("lang"));
        String number = fromApi.attr("data-consent-index");
        assertTrue(Integer.parseInt(number) >= 1_000_000, "a fragment numbers apart from the page: " + number);
        assertEquals(fromFilter.outerHtml(),
                fromApi.outerHtml().replace("ec-" + number + "-", "ec-1-").replace("\"" + number + "\"", "\"1\""),
                "the same placeholder but for its number");
    }

    @Test
    void hostileInputIsEscaped() throws Exception {
        String title = "\"><script>alert(1)</script><img src=x onerror=alert(2)>";
        String embed = "<iframe src=\"https://www.youtube.com/embed/abc\" title=\""
                + title.replace("&", "&amp;").replace("\"", "&quot;") + "\"></iframe>";
        String page = "/x\"><script>alert(3)</script>";
        HttpResponse<String> response = post("api/echo.html?page=" + URLEncoder.encode(page, StandardCharsets.UTF_8),
                "text/plain;charset=UTF-8", embed);
        assertEquals(200, response.statusCode(), response.body());
        Document doc = live(response.body());
        assertEquals(List.of("/shop/embed-consent/embed-consent.js"),
                doc.select("script").eachAttr("src"), "only the activation script runs: " + response.body());
        assertTrue(doc.select("[onerror]").isEmpty(), response.body());
        assertEquals(title, doc.selectFirst(".ec-embed-title").text());
        assertEquals(page, doc.selectFirst("input[name=return]").val());
    }

    @Test
    void withoutTheFilterTheApplicationIsToldHowToAddIt() throws Exception {
        HttpResponse<String> response = get(bare, "api/consent.json");
        assertEquals(503, response.statusCode());
        assertTrue(response.body().contains("no EmbedConsentFilter is running in this web application (context "
                + "path '/shop')"), response.body());
        assertTrue(response.body().contains("Register dev.embedconsent.servlet.EmbedConsentFilter"), response.body());
    }
}
