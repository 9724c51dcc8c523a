/**
 * The streaming embed rewriter: {@link dev.embedconsent.html.EmbedRewriter} turns third-party embeds in HTML into
 * consent placeholders, bytes in and bytes out, and reports what it finds to an
 * {@link dev.embedconsent.html.EmbedListener}.
 *
 * <pre>{@code
 * EmbedRewriter rewriter = EmbedRewriter.withDefaults();
 * rewriter.rewrite(in, out, PageContext.defaults());
 * }</pre>
 *
 * <p>How bytes flow through one session: charset sniffing (the session finds the encoding and converts UTF-16 to
 * WTF-8) → tokenizer (a tag scanner for whole tags in the chunk, the HTML5 state machine for the rest, one tag
 * buffer for both) → tree-builder simulator (head, foreign content, text states, noscript; its feedback goes back to
 * the tokenizer) → matching (prefilter, then the provider catalogue, then frames from unknown hosts, then consent) →
 * held embed (the matched element kept from its start tag to its end) → placeholder writer and output sink (placeholder markup around the held bytes;
 * every other byte copied unchanged from the byte window).
 */
@NullMarked
package dev.embedconsent.html;

import org.jspecify.annotations.NullMarked;
