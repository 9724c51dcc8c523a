package dev.embedconsent.servlet;

import dev.embedconsent.html.PageContext;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.ServletResponseWrapper;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UnsupportedEncodingException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Period;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Replaces third-party embeds in {@code text/html} responses with click-to-activate consent placeholders, and serves
 * the consent endpoints under {@code {base}} (default {@code /embed-consent}, see DESIGN.md).
 *
 * <p>Registration, three ways:
 * <pre>{@code
 * <!-- web.xml: every option of EmbedConsentConfig is an init-param of the same name -->
 * <filter>
 *   <filter-name>embed-consent</filter-name>
 *   <filter-class>dev.embedconsent.servlet.EmbedConsentFilter</filter-class>
 *   <async-supported>true</async-supported>
 *   <init-param><param-name>data-dir</param-name><param-value>/var/lib/embed-consent</param-value></init-param>
 *   <init-param><param-name>hmac-key</param-name><param-value>env:EMBED_CONSENT_KEY</param-value></init-param>
 * </filter>
 * <filter-mapping>
 *   <filter-name>embed-consent</filter-name><url-pattern>/*</url-pattern>
 *   <dispatcher>REQUEST</dispatcher><dispatcher>ASYNC</dispatcher><dispatcher>FORWARD</dispatcher>
 * </filter-mapping>
 *
 * // programmatic (ServletContext.addFilter, embedded Jetty/Tomcat)
 * Filter filter = EmbedConsentFilter.builder().dataDirectory(Path.of("data")).exclude("/admin").build();
 *
 * // Spring Boot
 * @Bean FilterRegistrationBean<EmbedConsentFilter> embedConsent() {
 *     var bean = new FilterRegistrationBean<>(new EmbedConsentFilter(EmbedConsentConfig.parse("data-dir=data")));
 *     bean.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.FORWARD);
 *     bean.setAsyncSupported(true);
 *     return bean;
 * }
 * }</pre>
 *
 * <p>What is rewritten: the body is streamed through the {@code EmbedRewriter} (never buffered whole; a flush sends
 * what is safe at once). The decision is taken at the first body write, flush or the end of the request, whichever
 * comes first, so a {@code Content-Type} set late or through {@code setHeader} counts. {@link #isRewritable} says yes
 * to GET and HEAD with a 2xx status other than 206, no {@code Content-Encoding}, no {@code Content-Range}, and a
 * {@code text/html} type; override it to change that. A rewritten response loses its {@code Content-Length}, gains
 * {@code Vary: Cookie} and {@code Cache-Control: private}, and its {@code ETag} gets a consent-variant suffix (see
 * {@code CacheHeaders}). Paths matching {@code exclude} and requests marked with {@link #skip} are left alone.
 *
 * <p>Dispatches: the filter wraps on REQUEST (or the first FORWARD/ASYNC it sees); a request attribute stops it from
 * wrapping twice. Forwards and includes write into the wrapped response; map the filter for FORWARD too (as above),
 * because the document must be finished when a forward returns (Tomcat closes the response there), and for ASYNC.
 * {@code startAsync()} hands the wrapped response to the async context, and the document is finished when the async
 * context completes, when the output is closed, or when an ASYNC dispatch returns. ERROR dispatches are never
 * rewritten (they are not 2xx).
 */
public class EmbedConsentFilter implements Filter {
    /** Request attribute holding the wrapped response while the request is in flight; guards against double work. */
    private static final String STATE_ATTRIBUTE = EmbedConsentFilter.class.getName() + ".STATE";
    /** Request attribute set by {@link #skip}. */
    public static final String SKIP_ATTRIBUTE = EmbedConsentFilter.class.getName() + ".SKIP";

    private static final Logger LOG = System.getLogger(EmbedConsentFilter.class.getName());

    private volatile @Nullable EmbedConsentConfig config;
    private volatile @Nullable ConsentRuntime runtime;

    /** For {@code web.xml}: the configuration is read from init-params in {@link #init}. */
    public EmbedConsentFilter() {
        this.config = null;
    }

    /** For programmatic registration and Spring Boot's {@code FilterRegistrationBean}; init-params are ignored. */
    public EmbedConsentFilter(EmbedConsentConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder pre-set from a spec string, e.g. {@code "base-path=/consent; exclude=/admin"}. */
    public static Builder builder(String spec) {
        Objects.requireNonNull(spec, "spec");
        Builder builder = new Builder();
        for (String part : spec.split(";")) {
            String option = part.strip();
            if (option.isEmpty()) {
                continue;
            }
            int eq = option.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("spec part '" + option + "' must be key=value");
            }
            builder.option(option.substring(0, eq).strip(), option.substring(eq + 1).strip());
        }
        return builder;
    }

    /** Leaves this one request's response untouched; call it before the response body is written. */
    public static void skip(ServletRequest request) {
        Objects.requireNonNull(request, "request").setAttribute(SKIP_ATTRIBUTE, Boolean.TRUE);
    }

    /** The configuration in use; available after {@link #init}, or at once when given to the constructor. */
    public EmbedConsentConfig config() {
        EmbedConsentConfig c = config;
        if (c == null) {
            throw new IllegalStateException("not initialised yet: the configuration is read in init(FilterConfig)");
        }
        return c;
    }

    @Override
    public void init(FilterConfig filterConfig) throws ServletException {
        EmbedConsentConfig c = config;
        try {
            if (c == null) {
                c = EmbedConsentConfig.fromInitParameters(filterConfig::getInitParameter);
                config = c;
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ServletException("embed-consent: " + e.getMessage(), e);
        }
        try {
            runtime = ConsentRuntime.start(c, filterConfig.getServletContext());
        } catch (RuntimeException e) {
            throw new ServletException("embed-consent could not start with " + c + " (data-dir resolves to "
                    + c.dataDirectory().toAbsolutePath() + "): " + e.getMessage(), e);
        }
        LOG.log(Level.INFO, "embed-consent filter started: {0}", c);
    }

    @Override
    public void destroy() {
        ConsentRuntime r = runtime;
        runtime = null;
        if (r != null) {
            r.close();
        }
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        ConsentRuntime rt = runtime;
        if (rt == null || !(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
            chain.doFilter(req, res);
            return;
        }
        if (request.getAttribute(STATE_ATTRIBUTE) instanceof RewritingResponse state) {
            DispatcherType type = request.getDispatcherType();
            // an async context started with the container's own response dispatches with it: keep rewriting
            chain.doFilter(request, type == DispatcherType.ASYNC && !leadsTo(response, state) ? state : response);
            if ((type == DispatcherType.ASYNC || type == DispatcherType.FORWARD) && !request.isAsyncStarted()) {
                // a forward's content must be complete when it returns (Tomcat closes the response there)
                state.finish();
            }
            return;
        }
        DispatcherType dispatch = request.getDispatcherType();
        String path = pathWithinApplication(request);
        if (dispatch == DispatcherType.REQUEST && rt.endpoints().handles(path)) {
            rt.endpoints().handle(path, request, response);
            return;
        }
        if (dispatch == DispatcherType.INCLUDE || dispatch == DispatcherType.ERROR
                || request.getAttribute(SKIP_ATTRIBUTE) != null
                || rt.config().exclusionPatterns().matches(path)
                || !isRewritableMethod(request.getMethod())) {
            chain.doFilter(request, response);
            return;
        }
        RewritingResponse wrapped = new RewritingResponse(response, request, this, rt);
        ApplicationRequest wrappedRequest = new ApplicationRequest(request, wrapped);
        request.setAttribute(STATE_ATTRIBUTE, wrapped);
        try {
            chain.doFilter(wrappedRequest, wrapped);
        } catch (IOException | ServletException | RuntimeException | Error e) {
            wrapped.abandon();
            throw e;
        }
        if (request.isAsyncStarted()) {
            request.getAsyncContext().addListener(new FinishOnComplete(wrapped));
        } else {
            wrapped.finish();
        }
    }

    /**
     * Whether this response is rewritten; asked once per response, at the first body write or flush (or at the end
     * when nothing was written). The response passed is the container's, with the headers set so far.
     */
    protected boolean isRewritable(HttpServletRequest request, HttpServletResponse response) {
        if (!isRewritableMethod(request.getMethod())) {
            return false;
        }
        int status = response.getStatus();
        if (status < 200 || status > 299 || status == HttpServletResponse.SC_PARTIAL_CONTENT) {
            return false;
        }
        if (response.containsHeader("Content-Encoding") || response.containsHeader("Content-Range")) {
            return false;
        }
        String type = response.getContentType();
        if (type == null) {
            type = response.getHeader("Content-Type");
        }
        return type != null && mediaType(type).equals("text/html");
    }

    private static boolean leadsTo(ServletResponse response, ServletResponse target) {
        for (ServletResponse r = response; ; r = ((ServletResponseWrapper) r).getResponse()) {
            if (r == target) {
                return true;
            }
            if (!(r instanceof ServletResponseWrapper)) {
                return false;
            }
        }
    }

    private static boolean isRewritableMethod(String method) {
        return "GET".equals(method) || "HEAD".equals(method);
    }

    static String mediaType(String contentType) {
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    }

    /** The {@code charset} parameter of a Content-Type, or {@code null} when absent or unknown. */
    static @Nullable Charset charsetParameter(@Nullable String contentType) {
        if (contentType == null) {
            return null;
        }
        for (String param : contentType.split(";")) {
            String p = param.strip();
            if (p.regionMatches(true, 0, "charset=", 0, 8)) {
                String name = p.substring(8).strip();
                if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
                    name = name.substring(1, name.length() - 1);
                }
                try {
                    return Charset.forName(name);
                } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
                    return null;
                }
            }
        }
        return null;
    }

    /** The decoded path within the web app, e.g. {@code /embed-consent/consent}. */
    static String pathWithinApplication(HttpServletRequest request) {
        String servletPath = request.getServletPath();
        String pathInfo = request.getPathInfo();
        String path = (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
        if (path.isEmpty()) {
            String uri = request.getRequestURI();
            String context = request.getContextPath();
            path = uri.startsWith(context) ? uri.substring(context.length()) : uri;
        }
        return path.isEmpty() ? "/" : path;
    }

    /**
     * Builds an {@link EmbedConsentFilter} or an {@link EmbedConsentConfig}. Every option may be set once; setting it
     * again is an {@link IllegalStateException} naming the option. The options are described in
     * {@link EmbedConsentConfig}.
     */
    public static final class Builder {
        private final List<String> set = new ArrayList<>();
        @Nullable String basePath;
        @Nullable Path dataDirectory;
        @Nullable String jdbcUrl;
        @Nullable String jdbcUser;
        @Nullable String jdbcPassword;
        @Nullable DataSource dataSource;
        @Nullable String hmacKeys;
        @Nullable List<String> languages;
        @Nullable String defaultLanguage;
        @Nullable Path providersFile;
        @Nullable Period consentLifetime;
        @Nullable PathPatterns exclusions;
        @Nullable RateLimit rateLimit;
        @Nullable String cspNonceAttribute;
        @Nullable Clock clock;

        private Builder() {}

        private void once(String option) {
            if (set.contains(option)) {
                throw new IllegalStateException(option + " was already set");
            }
            set.add(option);
        }

        /** Sets an option by its init-param name, e.g. {@code option("consent-lifetime", "90d")}. */
        public Builder option(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value of " + name);
            switch (name) {
                case "base-path": return basePath(value);
                case "data-dir": return dataDirectory(Path.of(value));
                case "jdbc-url": once("jdbc-url"); jdbcUrl = value; return this;
                case "jdbc-user": once("jdbc-user"); jdbcUser = value; return this;
                case "jdbc-password":
                    once("jdbc-password");
                    jdbcPassword = EmbedConsentConfig.resolveSecret(name, value);
                    return this;
                case "hmac-key": return hmacKeys(EmbedConsentConfig.resolveSecret(name, value));
                case "languages": return languages(list(value));
                case "default-language": return defaultLanguage(value);
                case "providers-file": return providersFile(Path.of(value));
                case "consent-lifetime": return consentLifetime(EmbedConsentConfig.parsePeriod(name, value));
                case "exclude": return exclude(list(value).toArray(String[]::new));
                case "rate-limit": return rateLimit(RateLimit.parse(value));
                case "csp-nonce-attribute": return cspNonceAttribute(value);
                default:
                    throw new IllegalArgumentException("unknown option '" + name + "'; known options: "
                            + String.join(", ", EmbedConsentConfig.OPTION_NAMES));
            }
        }

        private static List<String> list(String value) {
            List<String> items = new ArrayList<>();
            for (String item : value.split(",")) {
                if (!item.isBlank()) {
                    items.add(item.strip());
                }
            }
            return items;
        }

        /** Where the endpoints live, relative to the context path; default {@code /embed-consent}. */
        public Builder basePath(String path) {
            Objects.requireNonNull(path, "basePath");
            once("base-path");
            if (!path.startsWith("/") || path.length() < 2 || path.endsWith("/") || path.contains("*")) {
                throw new IllegalArgumentException("base-path '" + path + "' must look like /embed-consent");
            }
            basePath = path;
            return this;
        }

        /** Directory of the JSON Lines store; default {@code embed-consent-data} in the working directory. */
        public Builder dataDirectory(Path directory) {
            once("data-dir");
            dataDirectory = Objects.requireNonNull(directory, "dataDirectory");
            return this;
        }

        /** Use the PostgreSQL store through {@code DriverManager}; the driver must be on the class path. */
        public Builder jdbc(String url, @Nullable String user, @Nullable String password) {
            once("jdbc-url");
            jdbcUrl = Objects.requireNonNull(url, "url");
            if (user != null) {
                once("jdbc-user");
                jdbcUser = user;
            }
            if (password != null) {
                once("jdbc-password");
                jdbcPassword = password;
            }
            return this;
        }

        /** Use the PostgreSQL store through the application's (pooled) {@code DataSource}. */
        public Builder dataSource(DataSource source) {
            once("dataSource");
            dataSource = Objects.requireNonNull(source, "dataSource");
            return this;
        }

        /**
         * Cookie signing keys {@code id:base64url-secret[,id:secret...]}, secrets of at least 32 bytes; the first
         * signs, all verify. Default: generated once into the data directory.
         */
        public Builder hmacKeys(String keys) {
            Objects.requireNonNull(keys, "hmacKeys");
            once("hmac-key");
            hmacKeys = EmbedConsentConfig.checkKeys(keys);
            return this;
        }

        /** Settings-page languages, also the choice for the recorded language; default {@code en, de, uk}. */
        public Builder languages(List<String> codes) {
            Objects.requireNonNull(codes, "languages");
            once("languages");
            for (String code : codes) {
                requireLanguage("languages", code);
            }
            languages = List.copyOf(codes);
            return this;
        }

        public Builder defaultLanguage(String code) {
            once("default-language");
            defaultLanguage = requireLanguage("default-language", code);
            return this;
        }

        private static String requireLanguage(String option, String code) {
            Objects.requireNonNull(code, option);
            if (!code.matches("[a-z]{2,3}")) {
                throw new IllegalArgumentException(option + " '" + code + "' must be a lowercase language code like en");
            }
            return code;
        }

        /** A JSON file of providers added to (or replacing same-id) built-ins. */
        public Builder providersFile(Path file) {
            once("providers-file");
            providersFile = Objects.requireNonNull(file, "providersFile");
            return this;
        }

        /** How long "always allow" lasts; default 6 months, at most 13. */
        public Builder consentLifetime(Period lifetime) {
            Objects.requireNonNull(lifetime, "consentLifetime");
            once("consent-lifetime");
            if (lifetime.isNegative() || lifetime.isZero()) {
                throw new IllegalArgumentException("consent-lifetime must be positive, was " + lifetime);
            }
            if (lifetime.toTotalMonths() * 31 + lifetime.getDays() > 396) {
                throw new IllegalArgumentException("consent-lifetime " + lifetime + " is longer than 13 months");
            }
            consentLifetime = lifetime;
            return this;
        }

        /** Paths never rewritten: segment prefixes ({@code /admin}) or globs ({@code /docs/*.html}). */
        public Builder exclude(String... patterns) {
            Objects.requireNonNull(patterns, "exclude");
            once("exclude");
            exclusions = new PathPatterns(List.of(patterns));
            return this;
        }

        /** Per-client limit on the consent endpoints; default {@code 30/1m}; {@link RateLimit#OFF} to disable. */
        public Builder rateLimit(RateLimit limit) {
            once("rate-limit");
            rateLimit = Objects.requireNonNull(limit, "rateLimit");
            return this;
        }

        /** Request attribute where the application keeps the page's CSP nonce. */
        public Builder cspNonceAttribute(String attribute) {
            once("csp-nonce-attribute");
            if (Objects.requireNonNull(attribute, "cspNonceAttribute").isBlank()) {
                throw new IllegalArgumentException("csp-nonce-attribute must not be blank");
            }
            cspNonceAttribute = attribute;
            return this;
        }

        /** The clock for consent timestamps and expiry; programmatic only (tests). */
        public Builder clock(Clock c) {
            once("clock");
            clock = Objects.requireNonNull(c, "clock");
            return this;
        }

        public EmbedConsentConfig buildConfig() {
            return new EmbedConsentConfig(this);
        }

        public EmbedConsentFilter build() {
            return new EmbedConsentFilter(buildConfig());
        }
    }

    /** Finishes the document when the async context completes without going through our {@code complete()}. */
    private static final class FinishOnComplete implements AsyncListener {
        private final RewritingResponse response;

        FinishOnComplete(RewritingResponse response) {
            this.response = response;
        }

        @Override
        public void onComplete(AsyncEvent event) throws IOException {
            response.finish();
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            // the container completes the request next, which reaches onComplete
        }

        @Override
        public void onError(AsyncEvent event) {
            response.abandon();
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            event.getAsyncContext().addListener(this);
        }
    }

    /**
     * The request the application sees: {@code If-None-Match} as the application tagged its page, and a
     * {@code startAsync()} that hands out the wrapped response and finishes the document before the context completes.
     */
    private static final class ApplicationRequest extends HttpServletRequestWrapper {
        private final RewritingResponse response;
        private @Nullable FinishingAsyncContext async;

        ApplicationRequest(HttpServletRequest request, RewritingResponse response) {
            super(request);
            this.response = response;
        }

        /**
         * {@code If-None-Match} as the application knows it: a tag we suffixed for the visitor's current consent
         * variant loses the suffix (so the application can answer 304), tags of other variants keep it (no match).
         * On requests for HTML, tags without any variant suffix are hidden: they name a copy that was not rewritten
         * (cached before the filter was installed) and must not be revalidated.
         */
        @Override
        public @Nullable String getHeader(String name) {
            if (!"If-None-Match".equalsIgnoreCase(name)) {
                return super.getHeader(name);
            }
            List<String> values = ifNoneMatch();
            return values.isEmpty() ? null : String.join(", ", values);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            if (!"If-None-Match".equalsIgnoreCase(name)) {
                return super.getHeaders(name);
            }
            return Collections.enumeration(ifNoneMatch());
        }

        private List<String> ifNoneMatch() {
            List<String> tags = new ArrayList<>();
            Enumeration<String> headers = super.getHeaders("If-None-Match");
            if (headers == null || !headers.hasMoreElements()) {
                return tags;
            }
            String accept = super.getHeader("Accept");
            boolean html = accept != null && accept.toLowerCase(Locale.ROOT).contains("text/html");
            String current = response.runtime.variant(response.runtime.consentedProviders(this));
            String ours = CacheHeaders.SUFFIX + current + "\"";
            for (String header : Collections.list(headers)) {
                for (String tag : header.split(",")) {
                    String t = tag.strip();
                    if (t.endsWith(ours)) {
                        tags.add(t.substring(0, t.length() - ours.length()) + "\"");
                        response.revalidating(current);
                    } else if (!t.isEmpty() && !(html && !CacheHeaders.hasVariant(t))) {
                        tags.add(t);
                    }
                }
            }
            return tags;
        }

        @Override
        public AsyncContext startAsync() {
            return startAsync(this, response);
        }

        @Override
        public AsyncContext startAsync(ServletRequest request, ServletResponse servletResponse) {
            FinishingAsyncContext context = new FinishingAsyncContext(super.startAsync(request, servletResponse),
                    response);
            async = context;
            return context;
        }

        @Override
        public AsyncContext getAsyncContext() {
            AsyncContext real = super.getAsyncContext();
            FinishingAsyncContext ours = async;
            return ours != null && ours.delegate == real ? ours : real;
        }
    }

    private static final class FinishingAsyncContext implements AsyncContext {
        private final AsyncContext delegate;
        private final RewritingResponse response;

        FinishingAsyncContext(AsyncContext delegate, RewritingResponse response) {
            this.delegate = delegate;
            this.response = response;
        }

        @Override
        public void complete() {
            try {
                response.finish();
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.DEBUG, "could not finish the rewritten response (client gone?)", e);
            } finally {
                delegate.complete();
            }
        }

        @Override
        public ServletRequest getRequest() {
            return delegate.getRequest();
        }

        @Override
        public ServletResponse getResponse() {
            return delegate.getResponse();
        }

        @Override
        public boolean hasOriginalRequestAndResponse() {
            return delegate.hasOriginalRequestAndResponse();
        }

        @Override
        public void dispatch() {
            delegate.dispatch();
        }

        @Override
        public void dispatch(String path) {
            delegate.dispatch(path);
        }

        @Override
        public void dispatch(ServletContext context, String path) {
            delegate.dispatch(context, path);
        }

        @Override
        public void start(Runnable run) {
            delegate.start(run);
        }

        @Override
        public void addListener(AsyncListener listener) {
            delegate.addListener(listener);
        }

        @Override
        public void addListener(AsyncListener listener, ServletRequest request, ServletResponse servletResponse) {
            delegate.addListener(listener, request, servletResponse);
        }

        @Override
        public <T extends AsyncListener> T createListener(Class<T> type) throws ServletException {
            return delegate.createListener(type);
        }

        @Override
        public void setTimeout(long timeout) {
            delegate.setTimeout(timeout);
        }

        @Override
        public long getTimeout() {
            return delegate.getTimeout();
        }
    }

    /**
     * The response the application writes to. It holds back {@code Content-Length} and {@code ETag} until it knows
     * whether the body is rewritten, decides at the first write or flush, and then streams either through a
     * {@code RewriteSession} or straight to the container.
     */
    private static final class RewritingResponse extends HttpServletResponseWrapper {
        private enum Mode { UNDECIDED, REWRITE, PASS }

        private final HttpServletRequest request;
        private final EmbedConsentFilter filter;
        private final ConsentRuntime runtime;
        private final Out out = new Out();
        private Mode mode = Mode.UNDECIDED;
        private @Nullable Long heldLength;
        private @Nullable String heldEtag;
        private @Nullable PageContext page;
        private @Nullable String revalidatedVariant;
        private @Nullable OutputStream target;
        private @Nullable OutputStream session;
        private @Nullable EncodingWriter encoder;
        private @Nullable PrintWriter writer;
        private boolean usingStream;
        private boolean finished;
        private boolean closed;

        RewritingResponse(HttpServletResponse response, HttpServletRequest request, EmbedConsentFilter filter,
                ConsentRuntime runtime) {
            super(response);
            this.request = request;
            this.filter = filter;
            this.runtime = runtime;
        }

        private HttpServletResponse container() {
            return (HttpServletResponse) getResponse();
        }

        private void decide() {
            if (mode != Mode.UNDECIDED) {
                return;
            }
            HttpServletResponse r = container();
            boolean rewrite = request.getAttribute(SKIP_ATTRIBUTE) == null && filter.isRewritable(request, r);
            if (rewrite) {
                mode = Mode.REWRITE;
                Charset transport = encoder != null ? encoder.charset() : charsetParameter(r.getContentType());
                PageContext context = runtime.pageContext(request, r, transport);
                page = context;
                consentHeaders(r, runtime.variant(context.consentedProviders()));
            } else {
                mode = Mode.PASS;
                if (heldLength != null) {
                    r.setContentLengthLong(heldLength);
                }
                String variant = revalidatedVariant;
                if (variant != null && r.getStatus() == HttpServletResponse.SC_NOT_MODIFIED) {
                    // the application confirmed our rewritten copy: the 304 must describe that copy
                    consentHeaders(r, variant);
                } else if (heldEtag != null) {
                    r.setHeader("ETag", heldEtag);
                }
            }
            heldLength = null;
            heldEtag = null;
        }

        private void consentHeaders(HttpServletResponse r, String variant) {
            r.setHeader("Vary", CacheHeaders.vary(List.copyOf(r.getHeaders("Vary"))));
            r.setHeader("Cache-Control", CacheHeaders.cacheControl(List.copyOf(r.getHeaders("Cache-Control"))));
            String etag = heldEtag != null ? heldEtag : r.getHeader("ETag");
            if (etag != null) {
                r.setHeader("ETag", CacheHeaders.etag(etag, variant));
            }
        }

        /** The variant of an {@code If-None-Match} tag we handed to the application without its suffix. */
        void revalidating(String variant) {
            revalidatedVariant = variant;
        }

        private OutputStream target() throws IOException {
            if (closed) {
                throw new IOException("the response output is already closed");
            }
            OutputStream t = target;
            if (t == null) {
                decide();
                ServletOutputStream raw = container().getOutputStream();
                PageContext context = page;
                if (mode == Mode.REWRITE && context != null) {
                    session = runtime.open(raw, context);
                    t = session;
                } else {
                    t = raw;
                }
                target = t;
            }
            return t;
        }

        /** Ends the document: pending characters, the rewriter's tail. Idempotent; the container closes the rest. */
        void finish() throws IOException {
            if (finished) {
                return;
            }
            EncodingWriter e = encoder;
            if (e != null && !closed) {
                e.end();
            }
            finished = true;
            decide();
            OutputStream s = session;
            session = null;
            if (s != null) {
                s.close();
            }
        }

        /**
         * Drops what the rewriter holds; after an exception, or after {@code sendError} or {@code sendRedirect}
         * succeeded (on a committed response they throw, and the page goes on being rewritten).
         */
        void abandon() {
            EncodingWriter e = encoder;
            if (e != null) {
                e.discard();
            }
            if (mode == Mode.REWRITE) {
                target = null;
                session = null;
            }
            heldLength = null;
            heldEtag = null;
            mode = Mode.PASS;
        }

        private void length(long length) {
            if (mode == Mode.UNDECIDED) {
                heldLength = length;
            } else if (mode == Mode.PASS) {
                super.setContentLengthLong(length);
            }
        }

        private void etag(String value) {
            if (mode == Mode.UNDECIDED) {
                heldEtag = value;
            } else if (mode == Mode.PASS) {
                super.setHeader("ETag", value);
            } else {
                PageContext context = page;
                super.setHeader("ETag", CacheHeaders.etag(value,
                        runtime.variant(Objects.requireNonNull(context).consentedProviders())));
            }
        }

        private static @Nullable Long parseLength(@Nullable String value) {
            if (value == null) {
                return null;
            }
            try {
                return Long.parseLong(value.strip());
            } catch (NumberFormatException e) {
                return null;
            }
        }

        @Override
        public void setContentLength(int len) {
            length(len);
        }

        @Override
        public void setContentLengthLong(long len) {
            length(len);
        }

        @Override
        public void setHeader(String name, @Nullable String value) {
            if ("Content-Length".equalsIgnoreCase(name)) {
                Long len = parseLength(value);
                if (len != null) {
                    length(len);
                }
            } else if ("ETag".equalsIgnoreCase(name) && value != null) {
                etag(value);
            } else if ("Content-Type".equalsIgnoreCase(name) && value != null) {
                setContentType(value);
            } else if (isCachingHeader(name)) {
                cachingHeader(name, value == null ? List.of() : List.of(value));
            } else {
                super.setHeader(name, value);
            }
        }

        @Override
        public void addHeader(String name, @Nullable String value) {
            if ("Content-Length".equalsIgnoreCase(name) || "ETag".equalsIgnoreCase(name)
                    || "Content-Type".equalsIgnoreCase(name)) {
                setHeader(name, value);
            } else if (isCachingHeader(name) && value != null) {
                List<String> values = new ArrayList<>(container().getHeaders(name));
                values.add(value);
                cachingHeader(name, values);
            } else {
                super.addHeader(name, value);
            }
        }

        /** {@code Vary} or {@code Cache-Control} on a rewritten page: set after the decision, they keep our terms. */
        private boolean isCachingHeader(String name) {
            return mode == Mode.REWRITE && ("Vary".equalsIgnoreCase(name) || "Cache-Control".equalsIgnoreCase(name));
        }

        private void cachingHeader(String name, List<String> values) {
            super.setHeader(name, "Vary".equalsIgnoreCase(name)
                    ? CacheHeaders.vary(values) : CacheHeaders.cacheControl(values));
        }

        @Override
        public void setIntHeader(String name, int value) {
            if ("Content-Length".equalsIgnoreCase(name)) {
                length(value);
            } else {
                super.setIntHeader(name, value);
            }
        }

        @Override
        public void addIntHeader(String name, int value) {
            if ("Content-Length".equalsIgnoreCase(name)) {
                length(value);
            } else {
                super.addIntHeader(name, value);
            }
        }

        @Override
        public void setContentType(@Nullable String type) {
            EncodingWriter e = encoder;
            if (e != null && type != null && charsetParameter(type) != null) {
                // the writer's charset is fixed (Servlet spec): keep it in the header so the bytes match
                int semi = type.indexOf(';');
                super.setContentType(semi < 0 ? type : type.substring(0, semi).strip());
                super.setCharacterEncoding(e.charset().name());
            } else {
                super.setContentType(type);
            }
        }

        @Override
        public void setCharacterEncoding(@Nullable String charset) {
            if (encoder == null) {
                super.setCharacterEncoding(charset);
            }
        }

        @Override
        public void setLocale(Locale locale) {
            super.setLocale(locale);
            EncodingWriter e = encoder;
            if (e != null) {
                super.setCharacterEncoding(e.charset().name());
            }
        }

        @Override
        public ServletOutputStream getOutputStream() {
            if (encoder != null) {
                throw new IllegalStateException("getWriter() has already been called for this response");
            }
            usingStream = true;
            return out;
        }

        @Override
        public PrintWriter getWriter() throws IOException {
            if (usingStream) {
                throw new IllegalStateException("getOutputStream() has already been called for this response");
            }
            PrintWriter w = writer;
            if (w == null) {
                String name = getCharacterEncoding();
                Charset charset;
                try {
                    charset = Charset.forName(name == null ? "ISO-8859-1" : name);
                } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
                    throw new UnsupportedEncodingException("unsupported response charset " + name);
                }
                super.setCharacterEncoding(charset.name());
                EncodingWriter e = new EncodingWriter(out, charset);
                encoder = e;
                w = new PrintWriter(e, false);
                writer = w;
            }
            return w;
        }

        @Override
        public void flushBuffer() throws IOException {
            EncodingWriter e = encoder;
            if (e != null) {
                e.drain();
            }
            decide();
            OutputStream t = target;
            if (t != null) {
                t.flush();
            }
            super.flushBuffer();
        }

        @Override
        public void reset() {
            super.reset();
            EncodingWriter e = encoder;
            if (e != null) {
                e.discard();
            }
            encoder = null;
            writer = null;
            usingStream = false;
            target = null;
            session = null;
            page = null;
            heldLength = null;
            heldEtag = null;
            mode = Mode.UNDECIDED;
        }

        @Override
        public void resetBuffer() {
            super.resetBuffer();
            EncodingWriter e = encoder;
            if (e != null) {
                e.discard();
            }
            target = null;
            session = null;
        }

        @Override
        public void sendError(int sc, String msg) throws IOException {
            super.sendError(sc, msg);
            abandon();
        }

        @Override
        public void sendError(int sc) throws IOException {
            super.sendError(sc);
            abandon();
        }

        @Override
        public void sendRedirect(String location) throws IOException {
            super.sendRedirect(location);
            abandon();
        }

        @Override
        public void sendRedirect(String location, int sc) throws IOException {
            super.sendRedirect(location, sc);
            abandon();
        }

        @Override
        public void sendRedirect(String location, boolean clearBuffer) throws IOException {
            super.sendRedirect(location, clearBuffer);
            abandon();
        }

        @Override
        public void sendRedirect(String location, int sc, boolean clearBuffer) throws IOException {
            super.sendRedirect(location, sc, clearBuffer);
            abandon();
        }

        /** The application's output stream; also the sink of the writer's encoder. */
        private final class Out extends ServletOutputStream {
            @Override
            public void write(int b) throws IOException {
                target().write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                Objects.checkFromIndexSize(off, len, b.length);
                if (len > 0) {
                    target().write(b, off, len);
                }
            }

            @Override
            public void write(ByteBuffer buffer) throws IOException {
                OutputStream t = target();
                if (t instanceof ServletOutputStream raw) {
                    raw.write(buffer);
                } else if (buffer.hasArray()) {
                    t.write(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
                    buffer.position(buffer.limit());
                } else {
                    byte[] chunk = new byte[Math.min(buffer.remaining(), 8192)];
                    while (buffer.hasRemaining()) {
                        int n = Math.min(chunk.length, buffer.remaining());
                        buffer.get(chunk, 0, n);
                        t.write(chunk, 0, n);
                    }
                }
            }

            @Override
            public void flush() throws IOException {
                if (closed) {
                    return;
                }
                target().flush();
            }

            @Override
            public void close() throws IOException {
                if (closed) {
                    return;
                }
                if (!finished) {
                    finish();
                }
                closed = true;
                container().getOutputStream().close();
            }

            @Override
            public boolean isReady() {
                try {
                    return container().getOutputStream().isReady();
                } catch (IOException e) {
                    return false;
                }
            }

            @Override
            public void setWriteListener(WriteListener listener) {
                if (mode == Mode.UNDECIDED) {
                    LOG.log(Level.WARNING, "non-blocking output (setWriteListener) on {0} is passed through "
                            + "without rewriting; embeds on it are not held back", request.getRequestURI());
                    mode = Mode.PASS;
                    Long len = heldLength;
                    if (len != null) {
                        container().setContentLengthLong(len);
                    }
                    heldLength = null;
                }
                try {
                    container().getOutputStream().setWriteListener(listener);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        }

        @Override
        public String toString() {
            return "RewritingResponse[" + mode + "]";
        }
    }
}
