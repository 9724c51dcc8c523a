package dev.embedconsent.servlet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.ServletResponseWrapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Replaces third-party embeds in {@code text/html} responses with click-to-activate consent placeholders, and serves
 * the consent endpoints under {@code {base}} (default {@code /embed-consent}; see the README, "HTTP API").
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
 * what is safe at once) by a {@code RewritingResponse}. The decision is taken at the first body write, flush or the
 * end of the request, whichever comes first, so a {@code Content-Type} set late or through {@code setHeader} counts.
 * The configured {@link RewritePolicy} decides; by default GET and HEAD with a 2xx status other than 206, no
 * {@code Content-Encoding}, no {@code Content-Range}, and a {@code text/html} type. A rewritten response loses its
 * {@code Content-Length}, gains {@code Vary: Cookie} and {@code Cache-Control: private}, and its {@code ETag} gets a
 * consent-variant suffix (see {@code CacheHeaders}); with {@code render-consented=client} ({@link RenderConsented})
 * the page is the same for every visitor and keeps the application's {@code Vary} and {@code Cache-Control}. Paths
 * matching {@code exclude} and requests marked with {@link #skip} are left alone.
 *
 * <p>Dispatches: the filter wraps on REQUEST (or the first FORWARD/ASYNC it sees); a request attribute stops it from
 * wrapping twice. Forwards and includes write into the wrapped response; map the filter for FORWARD too (as above),
 * because the document must be finished when a forward returns (Tomcat closes the response there), and for ASYNC.
 * {@code startAsync()} hands the wrapped response to the async context, and the document is finished when the async
 * context completes, when the output is closed, or when an ASYNC dispatch returns. ERROR dispatches are never
 * rewritten (they are not 2xx).
 */
public final class EmbedConsentFilter implements Filter {
    /** Request attribute holding the wrapped response while the request is in flight; guards against double work. */
    private static final String STATE_ATTRIBUTE = EmbedConsentFilter.class.getName() + ".STATE";
    /** Request attribute set by {@link #skip}. */
    public static final String SKIP_ATTRIBUTE = EmbedConsentFilter.class.getName() + ".SKIP";

    private static final Logger LOG = System.getLogger(EmbedConsentFilter.class.getName());

    private volatile @Nullable EmbedConsentConfig config;
    private volatile @Nullable ConsentRuntime runtime;
    /** Where {@link EmbedConsent} finds the runtime for requests this filter does not see. */
    private volatile @Nullable ServletContext servletContext;

    /** For {@code web.xml}: the configuration is read from init-params in {@link #init}. */
    public EmbedConsentFilter() {
        this.config = null;
    }

    /** For programmatic registration and Spring Boot's {@code FilterRegistrationBean}; init-params are ignored. */
    public EmbedConsentFilter(EmbedConsentConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /** The configuration builder, {@link EmbedConsentConfig#builder()}; its {@code build()} makes the filter. */
    public static EmbedConsentConfig.Builder builder() {
        return EmbedConsentConfig.builder();
    }

    /** A builder pre-set from a spec string, e.g. {@code "base-path=/consent; exclude=/admin"}. */
    public static EmbedConsentConfig.Builder builder(String spec) {
        return EmbedConsentConfig.builder(spec);
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

    /** What the started filter shares across requests; null before {@link #init} and after {@link #destroy}. */
    @Nullable ConsentRuntime runtime() {
        return runtime;
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
            ServletContext context = filterConfig.getServletContext();
            ConsentRuntime started = ConsentRuntime.start(c, context);
            try {
                EmbedConsent.publish(context, started);
            } catch (RuntimeException e) {
                started.close();
                throw e;
            }
            servletContext = context;
            runtime = started;
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
            ServletContext context = servletContext;
            if (context != null) {
                EmbedConsent.unpublish(context, r);
            }
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
        EmbedConsent.attach(request, rt);
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
        String path = ApplicationPath.of(request);
        if (dispatch == DispatcherType.REQUEST && rt.endpoints().handles(path)) {
            rt.endpoints().handle(path, request, response);
            return;
        }
        if (dispatch == DispatcherType.INCLUDE || dispatch == DispatcherType.ERROR
                || rt.config().exclusionPatterns().matches(path)
                || !RewritePolicy.considers(request)) {
            chain.doFilter(request, response);
            return;
        }
        RewritingResponse wrapped = new RewritingResponse(response, request, rt);
        ApplicationRequest wrappedRequest = new ApplicationRequest(request, wrapped, rt);
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
}
