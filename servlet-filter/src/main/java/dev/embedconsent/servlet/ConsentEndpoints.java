package dev.embedconsent.servlet;

import dev.embedconsent.consent.ConsentCookie;
import dev.embedconsent.consent.ConsentRequest;
import dev.embedconsent.consent.ConsentState;
import dev.embedconsent.consent.CookieDecision;
import dev.embedconsent.consent.ProviderConsent;
import dev.embedconsent.preview.PreviewResponse;
import dev.embedconsent.provider.Provider;
import dev.embedconsent.record.ConsentMethod;
import dev.embedconsent.record.ConsentRecord;
import dev.embedconsent.record.Decision;
import dev.embedconsent.record.Scope;
import dev.embedconsent.record.SubjectId;
import dev.embedconsent.store.StoreException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.lang.System.Logger;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The HTTP endpoints under {@code {base}} (see the README, "HTTP API"):
 * <ul>
 *   <li>{@code POST {base}/consent}: JSON {@code {"provider","decision":"grant"|"withdraw","scope":"provider"|"once",
 *       "page"}} (optional extras: {@code "language"}, {@code "method":"button"|"api"}), or the same fields
 *       form-encoded plus {@code return}. Records through the consent service, sets the signed cookie, answers JSON
 *       {@code 200 {"recordId","subject","provider","decision","scope","state"}} or, for a form, {@code 303} to
 *       {@code return} (a same-origin path, else the context root). A form "load once" grant also sets
 *       {@code ec_once}, a signed cookie valid for two minutes on the returned-to path, which the next render of
 *       that page consumes. With {@code render-consented=client} a form grant's {@code 303} goes to {@code return}
 *       with a fresh {@code ec-render} parameter ({@link RenderParameter}). The JSON answer also carries
 *       {@code "announce"}, the words the activation script reads out ({@link Announcements}) in the post's
 *       {@code language}.</li>
 *   <li>{@code GET {base}/consent}: {@code {"subject", "state"}}, the visitor's standing decisions.</li>
 *   <li>Both keep the readable {@code ec_hint} cookie ({@link ConsentRuntime#HINT_COOKIE}) in step with the standing
 *       grants: set or deleted only when the request's copy differs.</li>
 *   <li>{@code GET {base}/settings}: {@link SettingsPage}.</li>
 *   <li>{@code GET {base}/embed-consent.js} and {@code .css}: {@link StaticAsset}.</li>
 *   <li>{@code GET {base}/preview/...}: {@link PreviewEndpoint}, when previews are on.</li>
 *   <li>{@code POST {base}/csp-report}: violation reports of the {@link FramePolicy}
 *       ({@code application/csp-report} or {@code application/reports+json}, up to
 *       {@value ViolationReports#MAX_BODY_BYTES} bytes), read by {@link ViolationReports}; {@code 204}. A browser
 *       may send them without {@code Origin} or {@code Referer}, so only a request that says it is cross-site is
 *       refused; they have a token bucket of their own, so a page full of violations never uses up the visitor's
 *       consent posts.</li>
 * </ul>
 * Order of checks for a POST: 405, 403 (cross-site, {@link SameOriginCheck}), 429 (per-client token bucket), 415,
 * 413 ({@value #MAX_BODY_BYTES} bytes, by {@code Content-Length} and while reading), 400. Every error is JSON
 * {@code {"error":"<code>","message":"..."}}. The method recorded is {@code form} for a form post, {@code button}
 * for JSON from a browser page (it carries {@code Sec-Fetch-Site} or {@code Origin}), {@code api} otherwise; a JSON
 * {@code "method"} field overrides the last two. Under {@code csp=enforce} a JSON "load once" grant for an unknown
 * host ({@code host:<host>}) also sets {@code ec_once} for its {@code page}: its frame is blocked in place by the
 * policy, and the activation script then reloads the page, whose next render shows it.
 */
final class ConsentEndpoints {
    static final int MAX_BODY_BYTES = 4096;
    /** How much of an unread request body an error response reads to keep the connection usable. */
    private static final int DRAIN_BYTES = 64 * 1024;
    static final Duration ONCE_LIFETIME = Duration.ofMinutes(2);

    private static final Logger LOG = System.getLogger(EmbedConsentFilter.class.getName());
    /** Provider ids that go into {@code ec_hint} as they are (every built-in and {@code host:} id does). */
    private static final Pattern HINT_ID = Pattern.compile("[a-z0-9][a-z0-9.:_-]*");
    private static final List<String> FIELDS = List.of("provider", "decision", "scope", "page", "return", "language",
            "method");

    private final ConsentRuntime runtime;
    private final String base;
    private final ClientRateLimiter limiter;
    private final ClientRateLimiter reportLimiter;
    private final ViolationReports reports;
    private final @Nullable StaticAsset script;
    private final @Nullable StaticAsset stylesheet;
    private final SettingsPage settings;
    private final @Nullable PreviewEndpoint previews;
    /** A key given twice is malformed, as a repeated form field is: no silent "last one wins". */
    private final JsonMapper json = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    ConsentEndpoints(ConsentRuntime runtime) {
        this.runtime = runtime;
        this.base = runtime.config().basePath();
        this.limiter = new ClientRateLimiter(runtime.config().rateLimit(), System::nanoTime);
        this.reportLimiter = new ClientRateLimiter(runtime.config().rateLimit(), System::nanoTime);
        this.reports = new ViolationReports(json);
        this.script = StaticAsset.load("embed-consent.js", "text/javascript;charset=utf-8");
        this.stylesheet = StaticAsset.load("embed-consent.css", "text/css;charset=utf-8");
        this.settings = new SettingsPage(runtime);
        this.previews = runtime.previews() == null ? null : new PreviewEndpoint(runtime.previews());
        if (script == null || stylesheet == null) {
            LOG.log(Level.WARNING, "embed-consent.js or .css is missing from the class path ({0}); placeholders "
                    + "still work without JavaScript", StaticAsset.RESOURCE_DIRECTORY);
        }
    }

    boolean handles(String path) {
        return path.equals(base) || path.startsWith(base + "/");
    }

    void handle(String path, HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            route(path.substring(base.length()), request, response);
        } catch (ApiError e) {
            releaseBody(request, response);
            error(response, e.status, e.code, e.getMessage());
        } catch (StoreException e) {
            LOG.log(Level.ERROR, "the consent store failed; the decision was not recorded", e);
            error(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "store_unavailable",
                    "the consent could not be recorded right now; please try again");
        }
    }

    private void route(String sub, HttpServletRequest request, HttpServletResponse response) throws IOException {
        String method = request.getMethod();
        boolean read = "GET".equals(method) || "HEAD".equals(method);
        if (sub.startsWith(PreviewEndpoint.PREFIX)) {
            preview(read, request, response);
            return;
        }
        switch (sub) {
            case "/consent":
                if ("POST".equals(method)) {
                    post(request, response);
                } else if (read) {
                    limit(request, response);
                    state(request, response);
                } else {
                    throw notAllowed(response, "GET, HEAD, POST");
                }
                return;
            case "/settings":
                if (!read) {
                    throw notAllowed(response, "GET, HEAD");
                }
                limit(request, response);
                settings.render(request, response);
                return;
            case "/embed-consent.js":
            case "/embed-consent.css":
                if (!read) {
                    throw notAllowed(response, "GET, HEAD");
                }
                StaticAsset asset = sub.endsWith(".js") ? script : stylesheet;
                if (asset == null) {
                    throw new ApiError(404, "not_found", "the asset " + sub.substring(1) + " is not installed");
                }
                asset.serve(request, response);
                return;
            case FramePolicy.REPORT_PATH:
                if (!"POST".equals(method)) {
                    throw notAllowed(response, "POST");
                }
                report(request, response);
                return;
            default:
                throw new ApiError(404, "not_found", "no endpoint " + base + sub
                        + "; see " + base + "/consent and " + base + "/settings");
        }
    }

    /**
     * {@code GET {base}/preview/...}: 405, 404 when previews are off, else {@link PreviewEndpoint} with the rest of
     * the path as the browser sent it. The container's decoded and normalised path is not used: a preview URL is
     * served only in the very form this site signed, so {@code /x/../}, {@code /./} and percent-encoded characters are
     * refused rather than taken for the URL they normalise to.
     */
    private void preview(boolean read, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        if (!read) {
            throw notAllowed(response, "GET, HEAD");
        }
        if (previews == null) {
            throw new ApiError(404, "not_found", "previews are off on this site");
        }
        String uri = request.getRequestURI();
        String prefix = request.getContextPath() + base + PreviewEndpoint.PREFIX;
        if (uri == null || !uri.startsWith(prefix)) {
            throw new ApiError(404, "not_found", "not a preview URL");
        }
        PreviewResponse.Rejected rejected = previews.serve(uri.substring(prefix.length()), request, response);
        if (rejected != null) {
            throw new ApiError(rejected.status(), rejected.error().replace('-', '_'), rejected.message());
        }
    }

    private static ApiError notAllowed(HttpServletResponse response, String allow) {
        response.setHeader("Allow", allow);
        return new ApiError(405, "method_not_allowed", "this endpoint accepts " + allow);
    }

    private void limit(HttpServletRequest request, HttpServletResponse response) {
        limit(limiter, request, response, "too many consent requests from this client; slow down");
    }

    private static void limit(ClientRateLimiter bucket, HttpServletRequest request, HttpServletResponse response,
            String message) {
        if (!bucket.tryAcquire(request.getRemoteAddr())) {
            response.setHeader("Retry-After", Long.toString(bucket.retryAfterSeconds()));
            throw new ApiError(429, "rate_limited", message);
        }
    }

    /** {@code POST {base}/csp-report}: 403, 429, 415, 413, 400, else 204. */
    private void report(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (SameOriginCheck.check(request) == SameOriginCheck.Verdict.CROSS_SITE) {
            throw new ApiError(403, "cross_site", "violation reports are taken from this site's own pages only");
        }
        limit(reportLimiter, request, response, "too many violation reports from this client; slow down");
        String type = request.getContentType();
        String media = type == null ? "" : ContentTypes.mediaType(type);
        boolean legacy = media.equals("application/csp-report");
        if (!legacy && !media.equals("application/reports+json")) {
            throw new ApiError(415, "unsupported_media_type",
                    "send application/csp-report or application/reports+json, not '" + media + "'");
        }
        try {
            reports.accept(legacy, readBody(request, ViolationReports.MAX_BODY_BYTES));
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, "malformed_json", e.getMessage());
        }
        response.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }

    private void post(HttpServletRequest request, HttpServletResponse response) throws IOException {
        SameOriginCheck.Verdict verdict = SameOriginCheck.check(request);
        if (verdict == SameOriginCheck.Verdict.CROSS_SITE) {
            throw new ApiError(403, "cross_site", "consent can only be changed from this site's own pages");
        }
        limit(request, response);
        String type = request.getContentType();
        String media = type == null ? "" : ContentTypes.mediaType(type);
        boolean isJson = media.equals("application/json") || media.endsWith("+json");
        boolean isForm = media.equals("application/x-www-form-urlencoded");
        if (!isJson && !isForm) {
            throw new ApiError(415, "unsupported_media_type",
                    "send application/json or application/x-www-form-urlencoded, not '" + media + "'");
        }
        if (isForm && verdict == SameOriginCheck.Verdict.NO_SIGNAL) {
            throw new ApiError(403, "cross_site",
                    "a form post must come from a browser that sends Origin, Referer or Sec-Fetch-Site");
        }
        byte[] body = readBody(request, MAX_BODY_BYTES);
        Map<String, String> fields = isJson ? parseJson(body) : parseForm(body);

        String providerId = required(fields, "provider");
        Provider provider = runtime.catalogue().get(providerId)
                .orElseThrow(() -> new ApiError(400, "unknown_provider", "unknown provider '" + providerId + "'"));
        String decisionText = required(fields, "decision");
        Decision decision = switch (decisionText) {
            case "grant" -> Decision.GIVEN;
            case "withdraw" -> Decision.WITHDRAWN;
            default -> throw new ApiError(400, "bad_field", "decision must be grant or withdraw");
        };
        Scope scope = switch (fields.getOrDefault("scope", "provider")) {
            case "provider" -> Scope.PROVIDER;
            case "once" -> Scope.ONCE;
            default -> throw new ApiError(400, "bad_field", "scope must be provider or once");
        };
        ConsentMethod method = method(isJson, verdict, fields.get("method"));
        String returnPath = SameOriginCheck.safeReturnPath(fields.get("return"), CookieHeaders.contextPath(request));
        String page = fields.getOrDefault("page", isForm ? returnPath : null);
        String language = language(fields.get("language"), request);

        Optional<ConsentCookie> existing = runtime.consentCookie(request);
        SubjectId subject = existing.map(ConsentCookie::subject).orElseGet(SubjectId::random);
        ConsentRecord record;
        try {
            ConsentRequest consentRequest = ConsentRequest.of(subject, provider.id())
                    .withScope(scope)
                    .withMethod(method)
                    .withLanguage(language)
                    .withPage(page)
                    .withGpc("1".equals(trim(request.getHeader("Sec-GPC"))));
            record = runtime.consent().record(decision, consentRequest);
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, "bad_field", e.getMessage());
        }
        Instant now = runtime.config().clock().instant();
        ConsentCookie cookie = runtime.consent().cookieFor(subject);
        String cookiePath = CookieHeaders.contextPath(request);
        Duration lifetime = Duration.between(now, cookie.expires());
        response.addHeader("Set-Cookie", CookieHeaders.set(ConsentRuntime.CONSENT_COOKIE,
                runtime.codec().encodeFitting(cookie), cookiePath, lifetime, request));
        ConsentState state = runtime.consent().state(subject);
        hint(request, response, state.providers(), lifetime);
        CacheHeaders.personal(response);
        boolean once = decision == Decision.GIVEN && scope == Scope.ONCE;
        if (isForm && once) {
            onceCookie(request, response, subject, provider, now, returnPath);
        } else if (once && provider.isUnknownHost() && runtime.config().csp() == CspMode.ENFORCE) {
            onceCookie(request, response, subject, provider, now,
                    SameOriginCheck.safeReturnPath(page, CookieHeaders.contextPath(request)));
        }
        if (isForm) {
            response.setStatus(HttpServletResponse.SC_SEE_OTHER);
            // client mode: a grant returns to a copy of the page rendered for this visitor, which caches key apart
            response.setHeader("Location", decision == Decision.GIVEN
                    && runtime.config().renderConsented() == RenderConsented.CLIENT
                    ? RenderParameter.add(returnPath) : returnPath);
            return;
        }
        ObjectNode out = json.createObjectNode();
        out.put("recordId", record.recordId());
        out.put("subject", subject.value());
        out.put("provider", provider.id());
        out.put("decision", record.decision().jsonName());
        out.put("scope", record.scope().jsonName());
        out.set("state", stateJson(state));
        out.put("announce", Announcements.BUNDLED.text(decision == Decision.GIVEN ? "granted" : "withdrawn",
                language));
        writeJson(response, 200, out);
    }

    /**
     * {@code ec_hint}: the providers the visitor allowed, for the activation script ({@link ConsentRuntime#HINT_COOKIE});
     * deleted when there are none. Set only when it differs from the one the request carried.
     */
    private static void hint(HttpServletRequest request, HttpServletResponse response,
            Map<String, ProviderConsent> providers, Duration lifetime) {
        StringBuilder ids = new StringBuilder();
        for (Map.Entry<String, ProviderConsent> entry : new TreeMap<>(providers).entrySet()) {
            if (entry.getValue().granted() && HINT_ID.matcher(entry.getKey()).matches()) {
                ids.append(ids.isEmpty() ? "" : "|").append(entry.getKey());
            }
        }
        String value = ids.toString();
        String sent = null;
        Cookie[] cookies = request.getCookies();
        for (Cookie c : cookies == null ? new Cookie[0] : cookies) {
            if (ConsentRuntime.HINT_COOKIE.equals(c.getName())) {
                sent = c.getValue();
            }
        }
        if (value.equals(sent == null ? "" : sent)) {
            return;
        }
        String path = CookieHeaders.contextPath(request);
        response.addHeader("Set-Cookie", value.isEmpty()
                ? CookieHeaders.delete(ConsentRuntime.HINT_COOKIE, path, request)
                : CookieHeaders.readable(ConsentRuntime.HINT_COOKIE, value, path, lifetime, request));
    }

    /** {@code ec_once}: a signed "load once" grant for the next render of {@code page} within two minutes. */
    private void onceCookie(HttpServletRequest request, HttpServletResponse response, SubjectId subject,
            Provider provider, Instant now, String page) {
        Instant until = now.plus(ONCE_LIFETIME);
        ConsentCookie once = new ConsentCookie(subject,
                List.of(new CookieDecision(provider.id(), Decision.GIVEN, provider.noticeVersion(), until)), until);
        response.addHeader("Set-Cookie", CookieHeaders.set(ConsentRuntime.ONCE_COOKIE, runtime.codec().encode(once),
                CookieHeaders.pathOr(stripQuery(page), request), ONCE_LIFETIME, request));
    }

    private void state(HttpServletRequest request, HttpServletResponse response) throws IOException {
        ObjectNode out = json.createObjectNode();
        Optional<ConsentCookie> cookie = runtime.consentCookie(request);
        if (cookie.isPresent()) {
            ConsentState state = runtime.consent().state(cookie.get().subject());
            out.put("subject", cookie.get().subject().value());
            out.set("state", stateJson(state));
            hint(request, response, state.providers(), Duration.between(runtime.config().clock().instant(),
                    cookie.get().expires()));
        } else {
            out.putNull("subject");
            out.set("state", json.createObjectNode());
            hint(request, response, Map.of(), Duration.ZERO);
        }
        CacheHeaders.personal(response);
        writeJson(response, 200, out);
    }

    private ObjectNode stateJson(ConsentState state) {
        ObjectNode providers = json.createObjectNode();
        for (Map.Entry<String, ProviderConsent> entry : state.providers().entrySet()) {
            ProviderConsent consent = entry.getValue();
            ObjectNode node = providers.putObject(entry.getKey());
            node.put("decision", consent.decision().jsonName());
            node.put("granted", consent.granted());
            node.put("noticeVersion", consent.noticeVersion());
            node.put("timestamp", consent.timestamp().toString());
            node.put("expiry", consent.expiry().toString());
            node.put("recordId", consent.recordId());
        }
        return providers;
    }

    private static ConsentMethod method(boolean isJson, SameOriginCheck.Verdict verdict, @Nullable String field) {
        if (!isJson) {
            return ConsentMethod.FORM;
        }
        if (field != null) {
            return switch (field) {
                case "button" -> ConsentMethod.BUTTON;
                case "api" -> ConsentMethod.API;
                default -> throw new ApiError(400, "bad_field", "method must be button or api");
            };
        }
        return verdict == SameOriginCheck.Verdict.SAME_ORIGIN ? ConsentMethod.BUTTON : ConsentMethod.API;
    }

    private static String stripQuery(String path) {
        int cut = path.length();
        int q = path.indexOf('?');
        int h = path.indexOf('#');
        if (q >= 0) {
            cut = q;
        }
        if (h >= 0 && h < cut) {
            cut = h;
        }
        return path.substring(0, cut);
    }

    private String language(@Nullable String field, HttpServletRequest request) {
        if (field != null) {
            String code = field.strip().toLowerCase(Locale.ROOT);
            if (!code.matches("[a-z]{2,3}(-[a-z0-9]{1,8})*")) {
                throw new ApiError(400, "bad_field", "language must be a language code such as en");
            }
            return code.split("-")[0];
        }
        return settings.language(request);
    }

    private static byte[] readBody(HttpServletRequest request, int max) throws IOException {
        long declared = request.getContentLengthLong();
        if (declared > max) {
            throw tooLarge(max);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream(declared > 0 ? (int) declared : 512);
        byte[] chunk = new byte[1024];
        try (InputStream in = request.getInputStream()) {
            int n;
            while ((n = in.read(chunk)) > 0) {
                if (body.size() + n > max) {
                    throw tooLarge(max);
                }
                body.write(chunk, 0, n);
            }
        }
        return body.toByteArray();
    }

    /**
     * Reads and drops what an error left unread of the request body, so that the connection can carry the client's
     * next request: a container that finds an unread body after the response has been sent closes the connection,
     * and a client that already reused it sees no response at all. A body larger than {@value #DRAIN_BYTES} bytes is
     * not read; the response then says {@code Connection: close}.
     */
    private static void releaseBody(HttpServletRequest request, HttpServletResponse response) {
        long declared = request.getContentLengthLong();
        if (declared == 0 || (declared < 0 && request.getHeader("Transfer-Encoding") == null)) {
            return;
        }
        if (declared > DRAIN_BYTES) {
            response.setHeader("Connection", "close");
            return;
        }
        try {
            InputStream in = request.getInputStream();
            byte[] chunk = new byte[1024];
            long read = 0;
            for (int n; (n = in.read(chunk)) > 0; ) {
                read += n;
                if (read > DRAIN_BYTES) {
                    response.setHeader("Connection", "close");
                    return;
                }
            }
        } catch (IOException | IllegalStateException e) {
            // Already read, closed or read as characters: nothing is left for the container to trip over.
        }
    }

    private static ApiError tooLarge(int max) {
        return new ApiError(413, "body_too_large", "the request body is larger than " + max + " bytes");
    }

    private Map<String, String> parseJson(byte[] body) {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JacksonException e) {
            throw new ApiError(400, "malformed_json", "the body is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new ApiError(400, "malformed_json", "the body must be a JSON object");
        }
        Map<String, String> fields = new HashMap<>();
        for (Map.Entry<String, JsonNode> entry : root.properties()) {
            if (!FIELDS.contains(entry.getKey())) {
                continue;
            }
            JsonNode value = entry.getValue();
            if (value.isNull()) {
                continue;
            }
            if (!value.isString()) {
                throw new ApiError(400, "bad_field", entry.getKey() + " must be a string");
            }
            fields.put(entry.getKey(), value.stringValue());
        }
        return fields;
    }

    private static Map<String, String> parseForm(byte[] body) {
        Map<String, String> fields = new HashMap<>();
        String text = new String(body, StandardCharsets.US_ASCII);
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name;
            String value;
            try {
                name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new ApiError(400, "bad_field", "the form body is not valid URL encoding");
            }
            if (FIELDS.contains(name) && fields.putIfAbsent(name, value) != null) {
                throw new ApiError(400, "bad_field", name + " is given more than once");
            }
        }
        return fields;
    }

    private static String required(Map<String, String> fields, String name) {
        String value = fields.get(name);
        if (value == null || value.isBlank()) {
            throw new ApiError(400, "bad_field", name + " is required");
        }
        return value.strip();
    }

    private static @Nullable String trim(@Nullable String value) {
        return value == null ? null : value.strip();
    }

    private void writeJson(HttpServletResponse response, int status, ObjectNode body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        response.setStatus(status);
        response.setContentType("application/json;charset=utf-8");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    private void error(HttpServletResponse response, int status, String code, String message) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        CacheHeaders.personal(response);
        ObjectNode body = json.createObjectNode();
        body.put("error", code);
        body.put("message", message);
        writeJson(response, status, body);
    }

    /** An error answered as JSON; carries no stack trace (it is control flow, not a failure). */
    private static final class ApiError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;
        final String code;

        ApiError(int status, String code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }
    }
}
