package dev.embedconsent.spring.boot;

import dev.embedconsent.consent.ConsentService;
import dev.embedconsent.provider.ProviderCatalogue;
import dev.embedconsent.servlet.EmbedConsentConfig;
import dev.embedconsent.servlet.EmbedConsentFilter;
import dev.embedconsent.store.ConsentStore;
import dev.embedconsent.store.JdbcConsentStore;
import dev.embedconsent.store.JsonLinesConsentStore;
import jakarta.servlet.DispatcherType;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingFilterBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Registers {@link EmbedConsentFilter} in a Spring Boot servlet application, configured from the
 * {@code embed-consent.*} properties ({@link EmbedConsentProperties}).
 *
 * <p>Active when the application is a servlet web application and the filter is on the class path, unless
 * {@code embed-consent.enabled=false}, and backing off entirely (no store, no service, no filter) when the application
 * registers the filter itself: an {@code EmbedConsentFilter} bean or a
 * {@code FilterRegistrationBean<EmbedConsentFilter>}.
 *
 * <p>Beans, each replaceable by the application's own:
 * <ul>
 *   <li>{@link ConsentStore} {@code embedConsentStore}: JSON Lines in {@code embed-consent.data-dir}, or with
 *       {@code embed-consent.store=jdbc} the PostgreSQL store on the application's {@code DataSource} bean (the pool is
 *       the application's; the store never opens connections of its own). Not made when the application has its own
 *       store or consent service.</li>
 *   <li>{@link ConsentService} {@code embedConsentService}: the one the filter records with, for controllers (export,
 *       erasure, state). An application's own {@code ConsentService} bean is used by the filter instead.</li>
 *   <li>{@code FilterRegistrationBean<EmbedConsentFilter>} {@code embedConsentFilter}: on {@code /*} for the
 *       REQUEST, ASYNC, FORWARD, INCLUDE and ERROR dispatches, at {@code embed-consent.filter-order}.</li>
 *   <li>with Actuator, {@link ConsentStoreHealthIndicator} {@code embedConsentHealthIndicator} over the consent
 *       service's store (health component {@code embedConsent}; {@code management.health.embed-consent.enabled=false}
 *       switches it off).</li>
 * </ul>
 */
@AutoConfiguration(afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(EmbedConsentFilter.class)
@ConditionalOnBooleanProperty(name = "embed-consent.enabled", matchIfMissing = true)
@ConditionalOnMissingFilterBean(EmbedConsentFilter.class)
@EnableConfigurationProperties(EmbedConsentProperties.class)
public class EmbedConsentAutoConfiguration {

    /** The registration's name, also the filter's name in the servlet context. */
    public static final String FILTER_NAME = "embedConsentFilter";

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean({ConsentStore.class, ConsentService.class})
    ConsentStore embedConsentStore(EmbedConsentProperties properties, ObjectProvider<DataSource> dataSource) {
        if (properties.getStore() == EmbedConsentProperties.Store.JDBC) {
            if (properties.getKeys().isEmpty()) {
                throw new IllegalStateException("embed-consent.store=jdbc needs embed-consent.keys (for example from "
                        + "the environment variable EMBED_CONSENT_KEYS): every instance behind the database must sign "
                        + "consent cookies with the same key");
            }
            DataSource source = dataSource.getIfUnique();
            if (source == null) {
                throw new IllegalStateException("embed-consent.store=jdbc needs one DataSource bean: add "
                        + "spring-boot-starter-jdbc and the PostgreSQL driver, and set spring.datasource.url");
            }
            return JdbcConsentStore.builder(source).build();
        }
        return JsonLinesConsentStore.open(properties.getDataDir());
    }

    @Bean
    @ConditionalOnMissingBean
    ConsentService embedConsentService(ConsentStore store, EmbedConsentProperties properties) {
        ProviderCatalogue.Builder providers = ProviderCatalogue.builder().addBuiltIns();
        if (properties.getProvidersFile() != null) {
            providers.load(properties.getProvidersFile());
        }
        ConsentService.Builder service = ConsentService.builder(store, providers.build());
        try {
            service.withValidity(properties.getConsentLifetime());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("embed-consent.consent-lifetime: " + e.getMessage(), e);
        }
        return service.build();
    }

    @Bean(FILTER_NAME)
    FilterRegistrationBean<EmbedConsentFilter> embedConsentFilter(EmbedConsentProperties properties,
            ConsentService consentService) {
        EmbedConsentFilter filter = filterConfig(properties).consentService(consentService).build();
        FilterRegistrationBean<EmbedConsentFilter> registration = new FilterRegistrationBean<>(filter);
        registration.setName(FILTER_NAME);
        registration.addUrlPatterns("/*");
        registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.FORWARD,
                DispatcherType.INCLUDE, DispatcherType.ERROR);
        registration.setAsyncSupported(true);
        registration.setOrder(properties.getFilterOrder());
        return registration;
    }

    /** The filter options from the properties; the store is the consent service's, set by the caller. */
    static EmbedConsentConfig.Builder filterConfig(EmbedConsentProperties p) {
        EmbedConsentConfig.Builder b = EmbedConsentFilter.builder()
                .basePath(p.getBasePath())
                .dataDirectory(p.getDataDir())
                .defaultLanguage(p.getDefaultLanguage())
                .consentLifetime(p.getConsentLifetime())
                .option("rate-limit", p.getRateLimit())
                .blockUnknownFrames(p.isBlockUnknownFrames())
                .csp(p.getCsp())
                .lookAhead(p.getLookAhead().toBytes())
                .previews(p.isPreviews())
                .previewCacheSize(p.getPreviewCacheSize().toBytes())
                .previewDiskSize(p.getPreviewDiskSize().toBytes())
                .previewLifetime(p.getPreviewLifetime())
                .previewFailureLifetime(p.getPreviewFailureLifetime())
                .previewTimeout(p.getPreviewTimeout())
                .warmUp(p.getWarmUp())
                .rewriteCache(p.getRewriteCache().toBytes());
        if (!p.getKeys().isEmpty()) {
            try {
                b.option("hmac-key", String.join(",", p.getKeys()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("embed-consent.keys: " + e.getMessage(), e);
            }
        }
        if (!p.getLanguages().isEmpty()) {
            b.languages(p.getLanguages());
        }
        if (p.getProvidersFile() != null) {
            b.providersFile(p.getProvidersFile());
        }
        if (!p.getExclude().isEmpty()) {
            b.exclude(p.getExclude().toArray(String[]::new));
        }
        if (p.getCspNonceAttribute() != null) {
            b.cspNonceAttribute(p.getCspNonceAttribute());
        }
        if (!p.getTrustedHosts().isEmpty()) {
            b.trustedHosts(p.getTrustedHosts().toArray(String[]::new));
        }
        if (p.getRenderConsented() != null) {
            b.option("render-consented", p.getRenderConsented());
        }
        return b;
    }

    /** The store's health, when the application has Actuator. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    @ConditionalOnEnabledHealthIndicator("embed-consent")
    static class HealthConfiguration {
        @Bean
        @ConditionalOnMissingBean(name = "embedConsentHealthIndicator")
        ConsentStoreHealthIndicator embedConsentHealthIndicator(ConsentService consentService,
                ObjectProvider<DataSource> dataSource, EmbedConsentProperties properties) {
            ConsentStore store = consentService.store();
            boolean ours = properties.getStore() == EmbedConsentProperties.Store.JDBC
                    && store instanceof JdbcConsentStore;
            return new ConsentStoreHealthIndicator(store, ours ? dataSource.getIfUnique() : null);
        }
    }
}
