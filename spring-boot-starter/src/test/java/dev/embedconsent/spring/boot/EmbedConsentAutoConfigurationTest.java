package dev.embedconsent.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.embedconsent.consent.ConsentService;
import dev.embedconsent.provider.ProviderCatalogue;
import dev.embedconsent.servlet.CspMode;
import dev.embedconsent.servlet.EmbedConsentConfig;
import dev.embedconsent.servlet.EmbedConsentFilter;
import dev.embedconsent.servlet.RateLimit;
import dev.embedconsent.store.ConsentStore;
import dev.embedconsent.store.InMemoryConsentStore;
import dev.embedconsent.store.JsonLinesConsentStore;
import jakarta.servlet.DispatcherType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Period;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** When the auto-configuration applies, what it makes, and how every {@code embed-consent.*} property binds. */
class EmbedConsentAutoConfigurationTest {
    @TempDir
    Path data;

    private WebApplicationContextRunner web() {
        return new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(EmbedConsentAutoConfiguration.class))
                .withPropertyValues("embed-consent.data-dir=" + data);
    }

    @SuppressWarnings("unchecked")
    private static FilterRegistrationBean<EmbedConsentFilter> registration(AssertableWebApplicationContext context) {
        return context.getBean(EmbedConsentAutoConfiguration.FILTER_NAME, FilterRegistrationBean.class);
    }

    private static EmbedConsentConfig config(AssertableWebApplicationContext context) {
        return registration(context).getFilter().config();
    }

    @Test
    void servletApplicationGetsTheFilterItsServiceAndItsStore() {
        web().run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(ConsentService.class).hasSingleBean(ConsentStore.class);
            FilterRegistrationBean<EmbedConsentFilter> registration = registration(context);
            assertThat(registration.getUrlPatterns()).containsExactly("/*");
            assertThat(registration.determineDispatcherTypes()).isEqualTo(EnumSet.of(DispatcherType.REQUEST,
                    DispatcherType.ASYNC, DispatcherType.FORWARD, DispatcherType.INCLUDE, DispatcherType.ERROR));
            assertThat(registration.isAsyncSupported()).isTrue();
            assertThat(registration.getOrder()).isEqualTo(-110);
            assertThat(config(context).consentService()).isSameAs(context.getBean(ConsentService.class));
            assertThat(context.getBean(ConsentStore.class)).isInstanceOf(JsonLinesConsentStore.class);
            assertThat(((JsonLinesConsentStore) context.getBean(ConsentStore.class)).directory()).isEqualTo(data);
        });
    }

    @Test
    void notInANonWebApplication() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(EmbedConsentAutoConfiguration.class))
                .withPropertyValues("embed-consent.data-dir=" + data)
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(FilterRegistrationBean.class)
                        .doesNotHaveBean(ConsentService.class).doesNotHaveBean(ConsentStore.class));
    }

    @Test
    void notWhenDisabled() {
        web().withPropertyValues("embed-consent.enabled=false").run(context -> assertThat(context).hasNotFailed()
                .doesNotHaveBean(FilterRegistrationBean.class).doesNotHaveBean(ConsentStore.class));
        assertThat(data).isEmptyDirectory();
    }

    @Test
    void notWithoutTheFilterOnTheClassPath() {
        web().withClassLoader(new FilteredClassLoader(EmbedConsentFilter.class)).run(context ->
                assertThat(context).hasNotFailed().doesNotHaveBean(FilterRegistrationBean.class)
                        .doesNotHaveBean(ConsentStore.class));
    }

    /** An application that registers the filter itself, as the README showed before the starter. */
    @Configuration(proxyBeanMethods = false)
    static class OwnRegistration {
        @Bean
        FilterRegistrationBean<EmbedConsentFilter> ownRegistration(Environment environment) {
            return new FilterRegistrationBean<>(EmbedConsentFilter.builder()
                    .dataDirectory(Path.of(environment.getRequiredProperty("embed-consent.data-dir"))).build());
        }
    }

    @Test
    void backsOffForTheApplicationsOwnRegistration() {
        web().withUserConfiguration(OwnRegistration.class).run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(EmbedConsentAutoConfiguration.FILTER_NAME)
                    .doesNotHaveBean(ConsentStore.class).doesNotHaveBean(ConsentService.class);
            assertThat(context.getBeansOfType(FilterRegistrationBean.class)).containsOnlyKeys("ownRegistration");
        });
    }

    @Test
    void backsOffForAFilterBean() {
        web().withBean("ownFilter", EmbedConsentFilter.class,
                () -> EmbedConsentFilter.builder().dataDirectory(data).build())
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(FilterRegistrationBean.class)
                        .doesNotHaveBean(ConsentStore.class).hasSingleBean(EmbedConsentFilter.class));
    }

    @Test
    void theApplicationsOwnConsentServiceIsTheFiltersAndNoStoreIsOpened() {
        ConsentService own = ConsentService.builder(new InMemoryConsentStore(), ProviderCatalogue.builtIn()).build();
        web().withBean(ConsentService.class, () -> own).run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean("embedConsentStore");
            assertThat(config(context).consentService()).isSameAs(own);
        });
        assertThat(data).isEmptyDirectory();
    }

    @Test
    void defaultsAreTheFiltersDefaults() {
        EmbedConsentConfig fromProperties = EmbedConsentAutoConfiguration.filterConfig(new EmbedConsentProperties())
                .buildConfig();
        assertThat(fromProperties.toString()).isEqualTo(EmbedConsentConfig.defaults().toString());
    }

    @Test
    void everyPropertyBinds() throws Exception {
        Path providers = Files.writeString(data.resolve("providers.json"), "{\"providers\": []}");
        web().withPropertyValues(
                "embed-consent.base-path=/consent",
                "embed-consent.keys=" + Http.KEY,
                "embed-consent.languages=en,de",
                "embed-consent.default-language=de",
                "embed-consent.providers-file=" + providers,
                "embed-consent.consent-lifetime=90d",
                "embed-consent.exclude=/admin,/api/**",
                "embed-consent.rate-limit=10/30s",
                "embed-consent.csp-nonce-attribute=cspNonce",
                "embed-consent.trusted-hosts=*.example.org,player.partner.example",
                "embed-consent.block-unknown-frames=true",
                "embed-consent.csp=report",
                "embed-consent.look-ahead=64KB",
                "embed-consent.previews=off",
                "embed-consent.preview-cache-size=8MB",
                "embed-consent.preview-disk-size=0",
                "embed-consent.preview-lifetime=2d",
                "embed-consent.preview-failure-lifetime=1m",
                "embed-consent.preview-timeout=3s",
                "embed-consent.rewrite-cache=4MB",
                "embed-consent.filter-order=-500").run(context -> {
                    assertThat(context).hasNotFailed();
                    EmbedConsentConfig c = config(context);
                    assertThat(c.basePath()).isEqualTo("/consent");
                    assertThat(c.dataDirectory()).isEqualTo(data);
                    assertThat(c.hmacKeys()).isEqualTo(Http.KEY);
                    assertThat(c.languages()).containsExactly("en", "de");
                    assertThat(c.defaultLanguage()).isEqualTo("de");
                    assertThat(c.providersFile()).isEqualTo(providers);
                    assertThat(c.consentLifetime()).isEqualTo(Period.ofDays(90));
                    assertThat(context.getBean(ConsentService.class).validity()).isEqualTo(Period.ofDays(90));
                    assertThat(c.exclusions()).containsExactly("/admin", "/api/**");
                    assertThat(c.rateLimit()).isEqualTo(RateLimit.parse("10/30s"));
                    assertThat(c.cspNonceAttribute()).isEqualTo("cspNonce");
                    assertThat(c.trustedHosts().toString()).contains("*.example.org")
                            .contains("player.partner.example");
                    assertThat(c.blockUnknownFrames()).isTrue();
                    assertThat(c.csp()).isEqualTo(CspMode.REPORT);
                    assertThat(c.lookAhead()).isEqualTo(64 * 1024);
                    assertThat(c.previews()).isFalse();
                    assertThat(c.previewCacheSize()).isEqualTo(8L * 1024 * 1024);
                    assertThat(c.previewDiskSize()).isZero();
                    assertThat(c.previewLifetime()).isEqualTo(Duration.ofDays(2));
                    assertThat(c.previewFailureLifetime()).isEqualTo(Duration.ofMinutes(1));
                    assertThat(c.previewTimeout()).isEqualTo(Duration.ofSeconds(3));
                    assertThat(c.rewriteCache()).isEqualTo(4L * 1024 * 1024);
                    assertThat(registration(context).getOrder()).isEqualTo(-500);
                });
        web().withPropertyValues("embed-consent.block-unknown-frames=false", "embed-consent.look-ahead=0",
                "embed-consent.rewrite-cache=0")
                .run(context -> {
                    assertThat(config(context).blockUnknownFrames()).isFalse();
                    assertThat(config(context).lookAhead()).isZero();
                    assertThat(config(context).rewriteCache()).isZero();
                });
    }

    @Test
    void keysComeFromTheEnvironmentVariable() {
        web().withInitializer(context -> context.getEnvironment().getPropertySources().replace(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new SystemEnvironmentPropertySource(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        Map.of("EMBED_CONSENT_KEYS", Http.KEY + ",t0:" + "B".repeat(43)))))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(config(context).hmacKeys()).isEqualTo(Http.KEY + ",t0:" + "B".repeat(43));
                });
    }

    @Test
    void badValuesFailStartupNamingTheOption() {
        web().withPropertyValues("embed-consent.consent-lifetime=P14M").run(context ->
                assertThat(context).getFailure()
                        .hasStackTraceContaining("embed-consent.consent-lifetime: validity P14M"));
        web().withPropertyValues("embed-consent.keys=short:abc").run(context ->
                assertThat(context).getFailure()
                        .hasStackTraceContaining("embed-consent.keys: ")
                        .hasStackTraceContaining("cookie key 'short' has 2 bytes"));
    }

    @Test
    void jdbcStoreNeedsKeysAndADataSource() {
        web().withPropertyValues("embed-consent.store=jdbc").run(context -> assertThat(context).getFailure()
                .rootCause().hasMessageContaining("embed-consent.keys").hasMessageContaining("EMBED_CONSENT_KEYS"));
        web().withPropertyValues("embed-consent.store=jdbc", "embed-consent.keys=" + Http.KEY).run(context ->
                assertThat(context).getFailure().rootCause().hasMessageContaining("DataSource bean"));
    }

    @Test
    void healthIndicatorWithActuatorOnly() {
        web().run(context -> {
            HealthIndicator health = context.getBean("embedConsentHealthIndicator", HealthIndicator.class);
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
            assertThat(health.health().getDetails()).containsEntry("store", "json-lines")
                    .containsEntry("directory", data.toString());
        });
        web().withPropertyValues("management.health.embed-consent.enabled=false").run(context ->
                assertThat(context).hasNotFailed().doesNotHaveBean("embedConsentHealthIndicator"));
        web().withClassLoader(new FilteredClassLoader(HealthIndicator.class)).run(context ->
                assertThat(context).hasNotFailed().hasSingleBean(ConsentService.class)
                        .doesNotHaveBean("embedConsentHealthIndicator"));
    }

    @Test
    void healthIsDownOnceTheStoreIsClosed() {
        JsonLinesConsentStore store = JsonLinesConsentStore.open(data);
        ConsentStoreHealthIndicator health = new ConsentStoreHealthIndicator(store, null);
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
        store.close();
        assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.health().getDetails().toString()).contains("closed");
    }

    @Test
    void everyFilterOptionHasADocumentedProperty() throws Exception {
        List<String> options = FilterOptions.names();
        assertThat(options).contains("base-path", "data-dir", "hmac-key", "look-ahead", "preview-timeout");
        Map<String, String> properties = FilterOptions.documentedProperties();
        for (String option : options) {
            String property = FilterOptions.propertyFor(option);
            assertThat(properties).as("metadata of %s for option %s", property, option).containsKey(property);
            assertThat(properties.get(property)).as("description of %s", property).isNotBlank();
        }
    }
}
