/**
 * The streaming embed rewriter: {@link dev.embedconsent.html.EmbedRewriter} turns third-party embeds in HTML into
 * consent placeholders, bytes in and bytes out, and reports what it finds to an
 * {@link dev.embedconsent.html.EmbedListener}.
 *
 * <pre>{@code
 * EmbedRewriter rewriter = EmbedRewriter.withDefaults();
 * rewriter.rewrite(in, out, PageContext.defaults());
 * }</pre>
 */
@NullMarked
package dev.embedconsent.html;

import org.jspecify.annotations.NullMarked;
