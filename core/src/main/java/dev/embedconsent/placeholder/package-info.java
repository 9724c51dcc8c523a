/**
 * The click-to-activate placeholders that stand in for embeds until the visitor consents.
 *
 * <p>{@link dev.embedconsent.placeholder.PlaceholderRenderer} turns an {@link dev.embedconsent.placeholder.Embed} into
 * a {@link dev.embedconsent.placeholder.Placeholder}: markup written before and after the original embed, which ends
 * up inert inside a {@code <template>}. The markup names the provider and the legal recipient, says that data is
 * transmitted on activation, lists purposes and data, links the privacy policy and offers "Load once" and "Always
 * allow" as two equal forms that post to the consent endpoint, so it works without JavaScript. Texts exist in en, de,
 * uk, fr, es, it, pl and nl; texts and template can be replaced. {@link dev.embedconsent.placeholder.PlaceholderMarkup}
 * is the same markup appended straight to a writer, which is how the rewriter streams it without building strings.
 *
 * <pre>{@code
 * PlaceholderRenderer renderer = PlaceholderRenderer.builder().basePath("/embed-consent").defaultLanguage("de").build();
 * Placeholder p = renderer.render(embed);
 * out.write(p.before()); out.write(originalBytes); out.write(p.after());
 * }</pre>
 */
@NullMarked
package dev.embedconsent.placeholder;

import org.jspecify.annotations.NullMarked;
