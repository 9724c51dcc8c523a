/**
 * Preview stills for placeholders, served from the site's own origin: {@link dev.embedconsent.preview.PreviewService}
 * (the filter's caching proxy, signed URLs), {@link dev.embedconsent.preview.PreviewFetcher} (the provider's rule
 * applied) and {@link dev.embedconsent.preview.UpstreamClient} (https only, the provider's hosts only, no private
 * addresses, bounded in time and size).
 */
@NullMarked
package dev.embedconsent.preview;

import org.jspecify.annotations.NullMarked;
