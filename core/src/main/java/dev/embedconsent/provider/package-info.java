/**
 * Which third-party services a page embeds: the provider catalogue and its match rules.
 *
 * <p>A {@link dev.embedconsent.provider.ProviderCatalogue} is built once (the bundled {@code providers.json}, plus a
 * site's own JSON files or {@link dev.embedconsent.provider.Provider#builder(String) builders}) and shared. The
 * rewriter asks it about every start tag:
 *
 * <pre>{@code
 * ProviderCatalogue catalogue = ProviderCatalogue.builder().addBuiltIns().load(Path.of("providers.json")).build();
 * EmbedMatch match = catalogue.match("iframe", attributes);
 * if (match != null) {
 *     // match.provider().id() == "youtube", match.url() == "https://www.youtube-nocookie.com/embed/..."
 * }
 * }</pre>
 *
 * <p>Rules are {@link dev.embedconsent.provider.MatchRule}s: URLs on a provider's hosts in the attributes that make a
 * browser load something, widget markers ({@code blockquote.twitter-tweet}) and custom elements
 * ({@code lite-youtube}). Links are never matched. Definitions are validated when read; an error names the file, the
 * provider and the field.
 *
 * <p>Where things are, and where a new rule goes:
 * <ul>
 *   <li>A new provider or host is data: add it to the bundled {@code providers.json} (next to these classes), read by
 *       {@code ProviderJsonReader} and checked by {@code ProviderValidator}; a new kind of check on definitions goes
 *       into the validator. {@code ProviderCatalogue} is the registry and its builder.
 *   <li>A new kind of rule is a {@link dev.embedconsent.provider.MatchRule} case; {@code MatchIndex} arranges the
 *       rules by element and host (and builds the rewriter's byte-level {@code TagPrefilter}, which must stay
 *       conservative: cross-checked by {@code MatchPrefilterTest}), and {@code TagMatcher} applies them to one tag.
 *   <li>Which attributes of an element load a URL: {@code LoadingAttributes}; how a browser reads a URL's host:
 *       {@code UrlView} and {@code HostTable}; {@code srcset} lists: {@code SrcsetList}.
 *   <li>Documents a frame carries inline ({@code srcdoc}, {@code data:}, {@code javascript:}):
 *       {@code InlineDocuments} decodes a URL's document, {@code InlineDocumentScanner} searches it, failing closed.
 * </ul>
 */
@NullMarked
package dev.embedconsent.provider;

import org.jspecify.annotations.NullMarked;
