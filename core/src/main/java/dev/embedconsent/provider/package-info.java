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
 */
@NullMarked
package dev.embedconsent.provider;

import org.jspecify.annotations.NullMarked;
