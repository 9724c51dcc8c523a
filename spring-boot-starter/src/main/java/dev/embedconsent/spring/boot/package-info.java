/**
 * Spring Boot 4 auto-configuration of Embed Consent: {@link dev.embedconsent.spring.boot.EmbedConsentAutoConfiguration}
 * registers the filter from the {@code embed-consent.*} properties
 * ({@link dev.embedconsent.spring.boot.EmbedConsentProperties}) and exposes the consent service and store as beans.
 */
@NullMarked
package dev.embedconsent.spring.boot;

import org.jspecify.annotations.NullMarked;
