package dev.embedconsent.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.embedconsent.servlet.SameOriginCheck.Verdict;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SameOriginCheckTest {

    /** A request to {@code scheme://host:port} carrying these headers; nothing else is answered. */
    static HttpServletRequest request(String scheme, String host, int port, Map<String, String> headers) {
        Map<String, String> lower = new HashMap<>();
        headers.forEach((k, v) -> lower.put(k.toLowerCase(), v));
        return (HttpServletRequest) Proxy.newProxyInstance(SameOriginCheckTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getScheme" -> scheme;
                    case "getServerName" -> host;
                    case "getServerPort" -> port;
                    case "getHeader" -> lower.get(((String) args[0]).toLowerCase());
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "same-origin|-|-|SAME_ORIGIN",
        "none|-|-|SAME_ORIGIN",
        "same-site|https://example.org|-|CROSS_SITE",
        "cross-site|https://example.org|-|CROSS_SITE",
        "-|https://example.org|-|SAME_ORIGIN",
        "-|https://example.org:443|-|SAME_ORIGIN",
        "-|https://EXAMPLE.org|-|SAME_ORIGIN",
        "-|http://example.org|-|CROSS_SITE",
        "-|https://example.org:8443|-|CROSS_SITE",
        "-|https://evil.example|-|CROSS_SITE",
        "-|https://example.org.evil.example|-|CROSS_SITE",
        "-|null|-|CROSS_SITE",
        "-|-|https://example.org/page?x=1|SAME_ORIGIN",
        "-|-|https://evil.example/example.org|CROSS_SITE",
        "-|-|not a url|CROSS_SITE",
        "-|-|-|NO_SIGNAL"})
    void verdict(String fetchSite, String origin, String referer, Verdict expected) {
        Map<String, String> headers = new HashMap<>();
        if (fetchSite != null) {
            headers.put("Sec-Fetch-Site", fetchSite);
        }
        if (origin != null) {
            headers.put("Origin", origin);
        }
        if (referer != null) {
            headers.put("Referer", referer);
        }
        assertEquals(expected, SameOriginCheck.check(request("https", "example.org", 443, headers)));
    }

    @Test
    void secFetchSiteWinsOverOrigin() {
        assertEquals(Verdict.CROSS_SITE, SameOriginCheck.check(request("https", "example.org", 443,
                Map.of("Sec-Fetch-Site", "cross-site", "Origin", "https://example.org"))));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/news/visit?x=1|/news/visit?x=1",
        "/|/",
        "//evil.example/x|/fallback",
        "/\\evil.example|/fallback",
        "https://evil.example/|/fallback",
        "news|/fallback",
        "/a b|/fallback",
        "/a\u00e9|/fallback",
        "/\t/evil.example|/fallback",
        "'/\r\nSet-Cookie:x=1'|/fallback",
        "/a\\b|/fallback",
        "/%2F%2Fevil.example|/%2F%2Fevil.example",
        "/%0d%0aSet-Cookie:x=1|/%0d%0aSet-Cookie:x=1",
        "/search?q={x}^y`z|/search?q={x}^y`z",
        "/news?q=%zz|/news?q=%zz",
        "''|/fallback"})
    void returnPath(String candidate, String expected) {
        assertEquals(expected, SameOriginCheck.safeReturnPath(candidate, "/fallback"));
    }
}
