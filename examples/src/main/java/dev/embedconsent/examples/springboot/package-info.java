/**
 * A Spring Boot 4 application that gets {@link dev.embedconsent.servlet.EmbedConsentFilter} from the
 * {@code embed-consent-spring-boot-starter} alone; see {@link dev.embedconsent.examples.springboot.SpringBootExample}.
 */
@NullMarked
package dev.embedconsent.examples.springboot;

import org.jspecify.annotations.NullMarked;
