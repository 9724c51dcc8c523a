package dev.embedconsent.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.embedconsent.consent.CookieKey;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Coverage-guided fuzzing of the consent endpoint's body parsing (Jazzer). Seeds in
 * {@code ConsentEndpointFuzzTestInputs/}; a plain test run replays them, {@code JAZZER_FUZZ=1} fuzzes. A
 * {@code POST {base}/consent} with a fuzzed content type, same-origin signal, declared length and body (JSON or form)
 * goes through {@link ConsentEndpoints#handle} exactly as the filter hands it over, with a real runtime and JSON Lines
 * store. Every answer is a success (200 for JSON, 303 for a form) or one of the documented client errors (400, 403,
 * 413, 415) with a JSON body naming the error; never a 5xx and never an exception out of the endpoint.
 *
 * <p>The request and response are small in-memory implementations of the servlet interfaces (a container per input
 * would fuzz the container, at a few runs per second); the container contract itself is covered by the
 * {@code *EmbedConsentApiIT} tests.
 */
@Tag("fuzz")
class ConsentEndpointFuzzTest {
    private static final Set<Integer> DOCUMENTED = Set.of(200, 303, 400, 403, 413, 415);
    private static final Set<String> ERRORS = Set.of("malformed_json", "bad_field", "unknown_provider",
            "unsupported_media_type", "cross_site", "body_too_large");
    private static final String[] TYPES = {"application/json", "application/x-www-form-urlencoded",
        "application/json; charset=utf-8", "application/ld+json", "Application/X-WWW-Form-Urlencoded;charset=UTF-8",
        "text/plain"};
    private static final String[] FETCH_SITE = {"same-origin", "none", "cross-site", null, null};
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Path DATA;
    private static final ConsentRuntime RUNTIME;

    static {
        try {
            DATA = Files.createTempDirectory("endpoint-fuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RUNTIME = ConsentRuntime.start(EmbedConsentConfig.builder().dataDirectory(DATA)
                .hmacKeys(CookieKey.generate("k1").toConfig()).previews(false).rateLimit(RateLimit.OFF)
                .buildConfig(), proxy(ServletContext.class, (p, m, a) -> m.getName().equals("getContextPath") ? ""
                        : defaultValue(m.getReturnType())));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            RUNTIME.close();
            try (Stream<Path> files = Files.walk(DATA)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                // a temporary directory left behind
            }
        }));
    }

    @FuzzTest(maxDuration = "15s")
    void bodiesGetSuccessOrADocumentedClientError(FuzzedDataProvider data) throws IOException {
        Map<String, String> headers = new HashMap<>();
        String type = data.consumeBoolean() ? data.pickValue(TYPES) : data.consumeString(60);
        headers.put("content-type", type);
        String site = data.pickValue(FETCH_SITE);
        if (site != null) {
            headers.put("sec-fetch-site", site);
        } else if (data.consumeBoolean()) {
            headers.put("origin", data.consumeBoolean() ? "https://www.example.org" : data.consumeString(40));
        }
        int lengthMode = data.consumeInt(0, 2);
        byte[] body = data.consumeRemainingAsBytes();
        long declared = switch (lengthMode) {
            case 0 -> body.length;
            case 1 -> -1;
            default -> body.length + 5000L;
        };
        if (declared < 0) {
            headers.put("transfer-encoding", "chunked");
        }

        FakeResponse response = new FakeResponse();
        RUNTIME.endpoints().handle("/embed-consent/consent", request(headers, body, declared), response.proxy);

        String what = "content type " + type + ", headers " + headers + ", status " + response.status + ", body "
                + new String(body, StandardCharsets.UTF_8) + "\n-> " + response.body.toString(StandardCharsets.UTF_8);
        assertTrue(DOCUMENTED.contains(response.status), () -> "undocumented status; " + what);
        if (response.status >= 400) {
            JsonNode error = JSON.readTree(response.body.toByteArray());
            assertTrue(ERRORS.contains(error.path("error").asString()), () -> "undocumented error; " + what);
            assertFalse(error.path("message").asString().isBlank(), () -> "no message; " + what);
        } else if (response.status == 303) {
            String location = response.headers.get("location");
            assertTrue(location != null && location.startsWith("/") && !location.startsWith("//")
                    && !location.startsWith("/\\"), () -> "redirect off the site: " + location + "; " + what);
        } else {
            assertEquals("application/json;charset=utf-8", response.headers.get("content-type"), what);
        }
    }

    private static HttpServletRequest request(Map<String, String> headers, byte[] body, long declared) {
        Map<String, Object> attributes = new HashMap<>();
        ServletInputStream in = new ServletInputStream() {
            private final ByteArrayInputStream bytes = new ByteArrayInputStream(body);

            @Override
            public int read() {
                return bytes.read();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return bytes.read(b, off, len);
            }

            @Override
            public boolean isFinished() {
                return bytes.available() == 0;
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setReadListener(ReadListener listener) {
                throw new UnsupportedOperationException();
            }
        };
        return proxy(HttpServletRequest.class, (p, m, a) -> switch (m.getName()) {
            case "getMethod" -> "POST";
            case "getRequestURI" -> "/embed-consent/consent";
            case "getContextPath", "getServletPath" -> "";
            case "getScheme" -> "https";
            case "getServerName" -> "www.example.org";
            case "getServerPort" -> 443;
            case "isSecure" -> true;
            case "getRemoteAddr" -> "192.0.2.7";
            case "getContentType" -> headers.get("content-type");
            case "getContentLengthLong" -> declared;
            case "getContentLength" -> (int) Math.min(Integer.MAX_VALUE, declared);
            case "getHeader" -> headers.get(((String) a[0]).toLowerCase(Locale.ROOT));
            case "getInputStream" -> in;
            case "getAttribute" -> attributes.get((String) a[0]);
            case "setAttribute" -> attributes.put((String) a[0], a[1]);
            case "removeAttribute" -> attributes.remove((String) a[0]);
            case "getHeaders", "getHeaderNames", "getAttributeNames", "getLocales" ->
                    java.util.Collections.emptyEnumeration();
            default -> defaultValue(m.getReturnType());
        });
    }

    /** The parts of a response the endpoint uses, recorded. */
    private static final class FakeResponse {
        int status = 200;
        final Map<String, String> headers = new HashMap<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        final HttpServletResponse proxy = proxy(HttpServletResponse.class, (p, m, a) -> switch (m.getName()) {
            case "setStatus" -> {
                status = (Integer) a[0];
                yield null;
            }
            case "sendError" -> {
                status = (Integer) a[0];
                yield null;
            }
            case "getStatus" -> status;
            case "setHeader", "addHeader" -> {
                headers.put(((String) a[0]).toLowerCase(Locale.ROOT), (String) a[1]);
                yield null;
            }
            case "setContentType" -> {
                headers.put("content-type", (String) a[0]);
                yield null;
            }
            case "containsHeader" -> headers.containsKey(((String) a[0]).toLowerCase(Locale.ROOT));
            case "getHeader" -> headers.get(((String) a[0]).toLowerCase(Locale.ROOT));
            case "isCommitted" -> false;
            case "getOutputStream" -> new ServletOutputStream() {
                @Override
                public void write(int b) {
                    body.write(b);
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setWriteListener(WriteListener listener) {
                    throw new UnsupportedOperationException();
                }
            };
            default -> defaultValue(m.getReturnType());
        });
    }

    private static <T> T proxy(Class<T> type, InvocationHandler handler) {
        return type.cast(Proxy.newProxyInstance(ConsentEndpointFuzzTest.class.getClassLoader(), new Class<?>[] {type},
                (p, m, a) -> {
                    if (m.getDeclaringClass() == Object.class) {
                        return switch (m.getName()) {
                            case "hashCode" -> System.identityHashCode(p);
                            case "equals" -> p == a[0];
                            default -> type.getSimpleName();
                        };
                    }
                    return handler.invoke(p, m, a);
                }));
    }

    private static Object defaultValue(Class<?> type) {
        if (type == boolean.class) {
            return false;
        }
        if (type == int.class) {
            return 0;
        }
        if (type == long.class) {
            return 0L;
        }
        return null;
    }
}
