/**
 * The Jakarta Servlet filter: {@link dev.embedconsent.servlet.EmbedConsentFilter} streams {@code text/html}
 * responses through the embed rewriter (consented providers stay as they are, the rest become click-to-activate
 * placeholders) and serves the consent endpoints under {@code /embed-consent}: {@code POST/GET consent},
 * {@code GET settings}, {@code POST csp-report}, and the activation script and stylesheet.
 *
 * <pre>{@code
 * // embedded Jetty or Tomcat, or ServletContext.addFilter in a ServletContainerInitializer
 * var filter = EmbedConsentFilter.builder().dataDirectory(Path.of("/var/lib/embed-consent")).build();
 * context.addFilter("embed-consent", filter)
 *        .addMappingForUrlPatterns(EnumSet.of(REQUEST, ASYNC, FORWARD), false, "/*");
 * }</pre>
 *
 * <p>Which class does what:
 * <ul>
 *   <li>Configuration: {@link dev.embedconsent.servlet.EmbedConsentConfig} and its
 *       {@link dev.embedconsent.servlet.EmbedConsentConfig.Builder} (builder, spec string, init-params).</li>
 *   <li>Registration in a WAR without declaring the filter: {@code META-INF/web-fragment.xml} declares
 *       {@link dev.embedconsent.servlet.ContextParameterRegistration}, which registers an {@code AutoRegisteredFilter}
 *       configured from {@code embed-consent.*} context parameters unless the application registers the filter
 *       itself.</li>
 *   <li>{@code ConsentRuntime}: what a started filter shares across requests (catalogue, rewriter, consent service,
 *       store, cookie codec), built in {@code init} and closed in {@code destroy}.</li>
 *   <li>A page: the filter wraps the response in a {@code RewritingResponse} (the request in an
 *       {@code ApplicationRequest}); at the first body write the {@link dev.embedconsent.servlet.RewritePolicy}
 *       decides, and the {@code RewritingOutputStream} streams the body through the core {@code EmbedRewriter} or
 *       straight to the container. {@code HeldHeaders} keeps {@code Content-Length} and {@code ETag} until then,
 *       {@code CacheHeaders} computes {@code Vary}, {@code Cache-Control} and the {@code ETag} suffix;
 *       {@code FinishingAsyncContext} and {@code FinishOnComplete} end async documents.</li>
 *   <li>Speed: {@code RewriteMemo} ({@code rewrite-cache}) replays the kept rewrite of a page served again byte for
 *       byte, with {@code PinnablePreviews} keeping the preview answers it depends on; {@code RewriterWarmUp}
 *       ({@code warm-up}) has the JIT compile the rewriter at the filter's start.</li>
 *   <li>The endpoints: {@code ConsentEndpoints}, with {@code SameOriginCheck}, {@code ClientRateLimiter},
 *       {@code CookieHeaders}, {@code SettingsPage}, {@code StaticAsset} and {@code ViolationReports}
 *       ({@code POST {base}/csp-report}).</li>
 *   <li>Application code: {@link dev.embedconsent.servlet.EmbedConsent} answers a controller or template which
 *       providers the visitor allowed and renders placeholders for fragments the filter never sees, on the runtime
 *       the filter leaves on each request and on the {@code ServletContext}.</li>
 *   <li>Frames: options {@code trusted-hosts} and {@code block-unknown-frames} go to the rewriter, the request's host
 *       into each {@code PageContext}; with {@link dev.embedconsent.servlet.CspMode} {@code report} or
 *       {@code enforce} a {@code FramePolicy} header is added to every rewritten page.</li>
 * </ul>
 */
@NullMarked
package dev.embedconsent.servlet;

import org.jspecify.annotations.NullMarked;
