package dev.embedconsent.cli;

import dev.embedconsent.html.EmbedRewriter;
import dev.embedconsent.placeholder.PlaceholderRenderer;
import dev.embedconsent.placeholder.PreviewSource;
import dev.embedconsent.provider.Provider;
import dev.embedconsent.provider.ProviderCatalogue;
import dev.embedconsent.provider.ProviderDefinitionException;
import dev.embedconsent.provider.TrustedHosts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/** The catalogue and rewriter the {@code rewrite} and {@code scan} commands share. */
record Setup(ProviderCatalogue catalogue, PlaceholderRenderer placeholders, EmbedRewriter rewriter) {
    /** The options of both commands that shape the rewriter. */
    static final Set<String> VALUE_OPTIONS = Set.of("--providers", "--trusted-hosts");
    static final Set<String> FLAGS = Set.of("--allow-unknown-frames");

    static Setup from(CommandLine cl, @Nullable String basePath) {
        return from(cl, basePath, null);
    }

    /** @param previews where placeholders get preview stills ({@code rewrite --previews}), or null for none */
    static Setup from(CommandLine cl, @Nullable String basePath, @Nullable PreviewSource previews) {
        TrustedHosts trusted = TrustedHosts.NONE;
        String trustedList = cl.option("--trusted-hosts");
        if (trustedList != null) {
            try {
                trusted = TrustedHosts.parse(trustedList);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--trusted-hosts: " + e.getMessage());
            }
        }
        return from(cl.option("--providers"), basePath, trusted, !cl.flag("--allow-unknown-frames"), previews);
    }

    private static Setup from(@Nullable String providersFile, @Nullable String basePath, TrustedHosts trusted,
            boolean blockUnknownFrames, @Nullable PreviewSource previews) {
        ProviderCatalogue catalogue;
        try {
            ProviderCatalogue.Builder builder = ProviderCatalogue.builder().addBuiltIns();
            if (providersFile != null) {
                Path path = Path.of(providersFile);
                if (!Files.isRegularFile(path)) {
                    throw new SetupException("--providers " + providersFile + ": no such file");
                }
                builder.load(path);
            }
            catalogue = builder.build();
        } catch (ProviderDefinitionException e) {
            throw new SetupException(e.getMessage());
        }
        PlaceholderRenderer.Builder renderer = PlaceholderRenderer.builder();
        if (basePath != null) {
            try {
                renderer.basePath(basePath);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--base: " + e.getMessage());
            }
        }
        if (previews != null) {
            renderer.previews(previews);
        }
        PlaceholderRenderer placeholders = renderer.build();
        EmbedRewriter rewriter = EmbedRewriter.builder()
                .catalogue(catalogue)
                .placeholders(placeholders)
                .trustedHosts(trusted)
                .blockUnknownFrames(blockUnknownFrames)
                .build();
        return new Setup(catalogue, placeholders, rewriter);
    }

    String providerIds() {
        return catalogue.all().stream().map(Provider::id).collect(Collectors.joining(", "));
    }

    /** A providers file or other set-up input is invalid; the message says which and why. */
    static final class SetupException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SetupException(@Nullable String message) {
            super(message);
        }
    }
}
