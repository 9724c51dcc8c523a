package dev.embedconsent.provider;

import org.jspecify.annotations.Nullable;

/**
 * A provider definition is invalid. The message names where it came from, the provider and the field, e.g.
 * {@code providers.json: provider "myvideo": field "privacyPolicyUrl": must be an https URL, got "http://x"}.
 */
public final class ProviderDefinitionException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final @Nullable String providerId;
    private final @Nullable String field;

    public ProviderDefinitionException(
            String source, @Nullable String providerId, @Nullable String field, String problem) {
        this(source, providerId, field, problem, null);
    }

    public ProviderDefinitionException(String source, @Nullable String providerId, @Nullable String field,
            String problem, @Nullable Throwable cause) {
        super(message(source, providerId, field, problem), cause);
        this.source = source;
        this.providerId = providerId;
        this.field = field;
    }

    /** The file name, resource or {@code builder} the definition came from. */
    public String source() {
        return source;
    }

    /** The provider's id, or {@code null} when the error is not about one provider (bad JSON, say). */
    public @Nullable String providerId() {
        return providerId;
    }

    /** The field, e.g. {@code privacyPolicyUrl} or {@code rules[2].path}; {@code null} when not about one field. */
    public @Nullable String field() {
        return field;
    }

    private static String message(String source, @Nullable String providerId, @Nullable String field, String problem) {
        StringBuilder message = new StringBuilder(source).append(": ");
        if (providerId != null) {
            message.append("provider \"").append(providerId).append("\": ");
        }
        if (field != null) {
            message.append("field \"").append(field).append("\": ");
        }
        return message.append(problem).toString();
    }
}
