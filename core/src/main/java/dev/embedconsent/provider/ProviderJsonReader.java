package dev.embedconsent.provider;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads provider definitions from JSON:
 *
 * <pre>{@code
 * {"providers": [{"id": "myvideo", "name": "MyVideo", "recipient": "MyVideo GmbH",
 *   "privacyPolicyUrl": "https://myvideo.example/privacy", "purposes": ["embedding"],
 *   "dataCategories": ["ip-address"], "transfersOutsideEu": false, "noticeVersion": "1", "kind": "video",
 *   "hosts": ["*.myvideo.example"],
 *   "rules": [{"elements": ["iframe"], "hosts": ["player.myvideo.example"], "path": "^/embed/"}]}]}
 * }</pre>
 *
 * Unknown fields are errors (a typo would otherwise silently weaken a rule); {@code "$comment"} is allowed anywhere.
 */
final class ProviderJsonReader {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private static final String KINDS = Arrays.stream(EmbedKind.values())
            .map(kind -> "\"" + kind.key() + "\"").collect(Collectors.joining(", "));
    private static final Set<String> TOP_FIELDS = Set.of("providers", "$comment");
    private static final Set<String> PROVIDER_FIELDS = Set.of("id", "name", "recipient", "privacyPolicyUrl",
            "purposes", "dataCategories", "transfersOutsideEu", "noticeVersion", "kind", "hosts", "rules", "preview", "$comment");
    private static final Set<String> PREVIEW_FIELDS = Set.of("match", "image", "oembed", "$comment");
    private static final Set<String> RULE_FIELDS = Set.of("elements", "hosts", "path", "attributes", "class",
            "component", "urlAttributes", "$comment");

    private ProviderJsonReader() {}

    /**
     * Parses and validates every provider in the stream.
     *
     * @param source the name used in error messages, e.g. the file name
     * @throws ProviderDefinitionException on malformed JSON or an invalid definition
     */
    static List<Provider> read(String source, InputStream in) {
        JsonNode root;
        try {
            root = MAPPER.readTree(in);
        } catch (JacksonException e) {
            throw new ProviderDefinitionException(source, null, null, "not valid JSON: " + e.getOriginalMessage()
                    + at(e.getLocation()), e);
        }
        if (root == null || !root.isObject()) {
            throw new ProviderDefinitionException(source, null, null,
                    "must be a JSON object {\"providers\": [...]}");
        }
        unknownFields(source, null, "", root, TOP_FIELDS);
        JsonNode list = root.get("providers");
        if (list == null || !list.isArray()) {
            throw new ProviderDefinitionException(source, null, "providers", "must be an array of providers");
        }
        List<Provider> providers = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        int index = 0;
        for (JsonNode node : list.values()) {
            Provider provider = provider(source, index++, node);
            if (!ids.add(provider.id())) {
                throw new ProviderDefinitionException(source, provider.id(), "id", "is defined twice in this file");
            }
            providers.add(provider);
        }
        return providers;
    }

    private static Provider provider(String source, int index, JsonNode node) {
        if (!node.isObject()) {
            throw new ProviderDefinitionException(source, null, "providers[" + index + "]", "must be an object");
        }
        JsonNode idNode = node.get("id");
        if (idNode == null || !idNode.isString()) {
            throw new ProviderDefinitionException(source, null, "providers[" + index + "].id",
                    "is required and must be a string");
        }
        String id = idNode.stringValue();
        unknownFields(source, id, "", node, PROVIDER_FIELDS);
        JsonNode kindNode = node.get("kind");
        EmbedKind kind = EmbedKind.CONTENT;
        if (kindNode != null) {
            String key = kindNode.isString() ? kindNode.stringValue() : "";
            EmbedKind parsed = EmbedKind.ofKey(key);
            if (parsed == null) {
                throw new ProviderDefinitionException(source, id, "kind", "must be one of " + KINDS);
            }
            kind = parsed;
        }
        JsonNode rulesNode = required(source, id, "rules", node);
        if (!rulesNode.isArray()) {
            throw new ProviderDefinitionException(source, id, "rules", "must be an array of rules");
        }
        List<MatchRule> rules = new ArrayList<>();
        int ruleIndex = 0;
        for (JsonNode ruleNode : rulesNode.values()) {
            rules.add(rule(source, id, "rules[" + ruleIndex++ + "]", ruleNode));
        }
        Provider provider = new Provider(id,
                string(source, id, "name", node),
                string(source, id, "recipient", node),
                string(source, id, "privacyPolicyUrl", node),
                strings(source, id, "purposes", required(source, id, "purposes", node)),
                strings(source, id, "dataCategories", required(source, id, "dataCategories", node)),
                bool(source, id, "transfersOutsideEu", node),
                string(source, id, "noticeVersion", node),
                strings(source, id, "hosts", required(source, id, "hosts", node)),
                rules,
                kind,
                previews(source, id, node.get("preview")));
        ProviderValidator.validate(source, provider);
        return provider;
    }

    private static List<PreviewRule> previews(String source, String id, @Nullable JsonNode node) {
        if (node == null) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new ProviderDefinitionException(source, id, "preview", "must be an array of preview rules");
        }
        List<PreviewRule> previews = new ArrayList<>();
        int index = 0;
        for (JsonNode rule : node.values()) {
            String field = "preview[" + index++ + "]";
            if (!rule.isObject()) {
                throw new ProviderDefinitionException(source, id, field, "must be an object");
            }
            unknownFields(source, id, field + ".", rule, PREVIEW_FIELDS);
            JsonNode image = rule.get("image");
            JsonNode oembed = rule.get("oembed");
            previews.add(new PreviewRule(string(source, id, field + ".match", rule),
                    image == null ? null : text(source, id, field + ".image", image),
                    oembed == null ? null : text(source, id, field + ".oembed", oembed)));
        }
        return previews;
    }

    private static MatchRule rule(String source, String id, String field, JsonNode node) {
        if (!node.isObject()) {
            throw new ProviderDefinitionException(source, id, field, "must be an object");
        }
        unknownFields(source, id, field + ".", node, RULE_FIELDS);
        Set<String> elements = new LinkedHashSet<>(
                strings(source, id, field + ".elements", required(source, id, field + ".elements", node)));
        boolean marker = node.has("class");
        boolean url = node.has("hosts");
        boolean component = node.has("component");
        int kinds = (marker ? 1 : 0) + (url ? 1 : 0) + (component ? 1 : 0);
        if (kinds != 1) {
            throw new ProviderDefinitionException(source, id, field, "needs exactly one of \"hosts\" (a URL rule), "
                    + "\"class\" (a widget-marker rule) or \"component\": true (a custom-element rule), not "
                    + (kinds == 0 ? "none" : "several"));
        }
        if (marker || component) {
            for (String only : List.of("path", "attributes")) {
                if (node.has(only)) {
                    throw new ProviderDefinitionException(source, id, field + "." + only,
                            "belongs to URL rules, not to marker or component rules");
                }
            }
            JsonNode urlAttributesNode = node.get("urlAttributes");
            List<String> urlAttributes = urlAttributesNode == null ? List.of()
                    : strings(source, id, field + ".urlAttributes", urlAttributesNode);
            if (component) {
                JsonNode flag = node.get("component");
                if (!flag.isBoolean() || !flag.booleanValue()) {
                    throw new ProviderDefinitionException(source, id, field + ".component", "must be true");
                }
                return new MatchRule.Component(elements, urlAttributes);
            }
            return new MatchRule.Marker(elements, text(source, id, field + ".class", node.get("class")), urlAttributes);
        }
        if (node.has("urlAttributes")) {
            throw new ProviderDefinitionException(source, id, field + ".urlAttributes",
                    "belongs to marker and component rules; URL rules use \"attributes\"");
        }
        JsonNode path = node.get("path");
        JsonNode attributes = node.get("attributes");
        return new MatchRule.Url(elements,
                strings(source, id, field + ".hosts", node.get("hosts")),
                path == null ? null : text(source, id, field + ".path", path),
                attributes == null ? List.of() : strings(source, id, field + ".attributes", attributes));
    }

    private static void unknownFields(
            String source, @Nullable String id, String prefix, JsonNode node, Set<String> known) {
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            if (!known.contains(entry.getKey())) {
                throw new ProviderDefinitionException(source, id, prefix + entry.getKey(),
                        "unknown field; known fields are " + String.join(", ", sorted(known)));
            }
        }
    }

    private static List<String> sorted(Set<String> names) {
        List<String> list = new ArrayList<>(names);
        list.sort(null);
        return list;
    }

    private static JsonNode required(String source, String id, String field, JsonNode parent) {
        String name = field.substring(field.lastIndexOf('.') + 1);
        JsonNode value = parent.get(name);
        if (value == null || value.isNull()) {
            throw new ProviderDefinitionException(source, id, field, "is required");
        }
        return value;
    }

    private static String string(String source, String id, String field, JsonNode parent) {
        return text(source, id, field, required(source, id, field, parent));
    }

    private static String text(String source, String id, String field, @Nullable JsonNode value) {
        if (value == null || !value.isString()) {
            throw new ProviderDefinitionException(source, id, field, "must be a string");
        }
        return value.stringValue();
    }

    private static List<String> strings(String source, String id, String field, @Nullable JsonNode value) {
        if (value == null || !value.isArray()) {
            throw new ProviderDefinitionException(source, id, field, "must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : value.values()) {
            if (!item.isString()) {
                throw new ProviderDefinitionException(source, id, field, "must be an array of strings");
            }
            out.add(item.stringValue());
        }
        return out;
    }

    private static boolean bool(String source, String id, String field, JsonNode parent) {
        JsonNode value = required(source, id, field, parent);
        if (!value.isBoolean()) {
            throw new ProviderDefinitionException(source, id, field, "must be true or false");
        }
        return value.booleanValue();
    }

    private static String at(@Nullable TokenStreamLocation location) {
        return location == null ? "" : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }
}
