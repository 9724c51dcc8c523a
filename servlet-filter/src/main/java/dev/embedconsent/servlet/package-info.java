/**
 * The Jakarta Servlet filter: {@link dev.embedconsent.servlet.EmbedConsentFilter} streams {@code text/html}
 * responses through the embed rewriter (consented providers stay as they are, the rest become click-to-activate
 * placeholders) and serves the consent endpoints under {@code /embed-consent}: {@code POST/GET consent},
 * {@code GET settings}, and the activation script and stylesheet.
 *
 * <pre>{@code
 * // embedded Jetty or Tomcat, or ServletContext.addFilter in a ServletContainerInitializer
 * var filter = EmbedConsentFilter.builder().dataDirectory(Path.of("/var/lib/embed-consent")).build();
 * context.addFilter("embed-consent", filter)
 *        .addMappingForUrlPatterns(EnumSet.of(REQUEST, ASYNC, FORWARD), false, "/*");
 * }</pre>
 *
 * Configuration: {@link dev.embedconsent.servlet.EmbedConsentConfig} (builder, spec string, init-params).
 */
@NullMarked
package dev.embedconsent.servlet;

import org.jspecify.annotations.NullMarked;
