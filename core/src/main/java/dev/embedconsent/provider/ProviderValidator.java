package dev.embedconsent.provider;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Checks a provider definition and names the source, provider and field of the first problem. */
final class ProviderValidator {

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern ELEMENT = Pattern.compile("[a-z][a-z0-9-]*");
    private static final Pattern ATTRIBUTE = Pattern.compile("[a-z_:][a-z0-9_:.-]*");
    private static final Pattern CLASS_NAME = Pattern.compile("[^\\s]+");
    private static final int MAX_PREVIEW_RULES = 8;

    private ProviderValidator() {}

    static void validate(String source, Provider p) {
        String id = p.id();
        if (!ID.matcher(id).matches()) {
            throw new ProviderDefinitionException(source, id, "id",
                    "must be 1 to 63 lowercase letters, digits or '-', starting with a letter or digit");
        }
        notBlank(source, id, "name", p.name());
        notBlank(source, id, "recipient", p.recipient());
        checkHttpsUrl(source, id, "privacyPolicyUrl", p.privacyPolicyUrl());
        texts(source, id, "purposes", p.purposes());
        texts(source, id, "dataCategories", p.dataCategories());
        notBlank(source, id, "noticeVersion", p.noticeVersion());
        if (p.hosts().isEmpty()) {
            throw new ProviderDefinitionException(source, id, "hosts", "must name at least one host");
        }
        for (int i = 0; i < p.hosts().size(); i++) {
            checkHostPattern(source, id, "hosts[" + i + "]", p.hosts().get(i));
        }
        if (p.rules().isEmpty()) {
            throw new ProviderDefinitionException(source, id, "rules", "must hold at least one rule");
        }
        for (int i = 0; i < p.rules().size(); i++) {
            checkRule(source, p, "rules[" + i + "]", p.rules().get(i));
        }
        if (p.previews().size() > MAX_PREVIEW_RULES) {
            throw new ProviderDefinitionException(source, id, "preview", "may hold at most " + MAX_PREVIEW_RULES
                    + " rules");
        }
        for (int i = 0; i < p.previews().size(); i++) {
            checkPreview(source, p, "preview[" + i + "]", p.previews().get(i));
        }
    }

    /**
     * A preview rule: {@code match} compiles, starts with {@code ^https://} and takes at most
     * {@link PreviewRule#MAX_IDS} ids; each template is an https URL on port 443 of one of the provider's hosts, with
     * the host written out (no id in it) and only ids the pattern takes.
     */
    private static void checkPreview(String source, Provider p, String field, PreviewRule rule) {
        String id = p.id();
        int groups;
        try {
            groups = rule.pattern().matcher("").groupCount();
        } catch (PatternSyntaxException e) {
            throw new ProviderDefinitionException(source, id, field + ".match", "is not a regular expression: "
                    + e.getDescription());
        }
        if (!rule.match().startsWith("^https://")) {
            throw new ProviderDefinitionException(source, id, field + ".match", "must start with ^https://");
        }
        if (groups > PreviewRule.MAX_IDS) {
            throw new ProviderDefinitionException(source, id, field + ".match", "takes " + groups
                    + " groups; at most " + PreviewRule.MAX_IDS + " (use (?:...) for the others)");
        }
        if (rule.image() == null && rule.oembed() == null) {
            throw new ProviderDefinitionException(source, id, field, "needs \"image\", \"oembed\" or both");
        }
        for (String name : List.of("image", "oembed")) {
            String template = name.equals("image") ? rule.image() : rule.oembed();
            if (template == null) {
                continue;
            }
            String templateField = field + "." + name;
            if (PreviewRule.highestSlot(template) > groups) {
                throw new ProviderDefinitionException(source, id, templateField, "names {"
                        + PreviewRule.highestSlot(template) + "} but match takes " + groups + " ids");
            }
            URI uri;
            try {
                uri = new URI(template.replaceAll("\\{[0-9]}", "x"));
            } catch (URISyntaxException e) {
                throw new ProviderDefinitionException(source, id, templateField, "is not a URL template: "
                        + e.getReason());
            }
            String host = uri.getHost();
            int hostEnd = template.indexOf('/', "https://".length());
            String authority = template.substring(0, hostEnd < 0 ? template.length() : hostEnd);
            if (!"https".equals(uri.getScheme()) || host == null || uri.getUserInfo() != null
                    || (uri.getPort() != -1 && uri.getPort() != 443) || authority.contains("{")) {
                throw new ProviderDefinitionException(source, id, templateField, "must be an https URL with the "
                        + "host written out (ids only in the path or query), got \"" + template + "\"");
            }
            if (!p.servesFrom(host)) {
                throw new ProviderDefinitionException(source, id, templateField, "\"" + host
                        + "\" is not among the provider's \"hosts\"; previews are fetched from those only");
            }
        }
    }

    private static void checkRule(String source, Provider p, String field, MatchRule rule) {
        String id = p.id();
        if (rule.elements().isEmpty()) {
            throw new ProviderDefinitionException(source, id, field + ".elements", "must name at least one element");
        }
        for (String element : rule.elements()) {
            if (!ELEMENT.matcher(element).matches()) {
                throw new ProviderDefinitionException(source, id, field + ".elements",
                        "\"" + element + "\" is not a lowercase element name");
            }
            if (element.equals("a") || element.equals("area")) {
                throw new ProviderDefinitionException(source, id, field + ".elements",
                        "links (<" + element + ">) load nothing until the visitor follows them and are never matched");
            }
        }
        if (rule instanceof MatchRule.Url url) {
            checkUrlRule(source, p, field, url);
        } else if (rule instanceof MatchRule.Marker marker) {
            if (!CLASS_NAME.matcher(marker.className()).matches()) {
                throw new ProviderDefinitionException(source, id, field + ".class",
                        "must be one class name without spaces");
            }
            attributes(source, id, field + ".urlAttributes", marker.urlAttributes());
        } else if (rule instanceof MatchRule.Component component) {
            for (String element : component.elements()) {
                if (element.indexOf('-') < 0) {
                    throw new ProviderDefinitionException(source, id, field + ".elements", "component rules apply to "
                            + "custom elements (names with a hyphen, like lite-youtube), not <" + element + ">");
                }
            }
            attributes(source, id, field + ".urlAttributes", component.urlAttributes());
        }
    }

    private static void checkUrlRule(String source, Provider p, String field, MatchRule.Url rule) {
        String id = p.id();
        if (rule.hosts().isEmpty()) {
            throw new ProviderDefinitionException(source, id, field + ".hosts", "must name at least one host");
        }
        for (int i = 0; i < rule.hosts().size(); i++) {
            String host = rule.hosts().get(i);
            String hostField = field + ".hosts[" + i + "]";
            checkHostPattern(source, id, hostField, host);
            if (!covered(host, p.hosts())) {
                throw new ProviderDefinitionException(source, id, hostField,
                        "\"" + host + "\" is not among the provider's \"hosts\"; add it there");
            }
        }
        if (rule.path() != null) {
            try {
                Pattern.compile(rule.path());
            } catch (PatternSyntaxException e) {
                throw new ProviderDefinitionException(source, id, field + ".path",
                        "invalid regular expression: " + e.getDescription() + " near index " + e.getIndex(), e);
            }
        }
        attributes(source, id, field + ".attributes", rule.attributes());
        for (String element : rule.elements()) {
            if (!LoadingAttributes.isLoadingElement(element) && rule.attributes().isEmpty()) {
                throw new ProviderDefinitionException(source, id, field + ".elements",
                        "<" + element + "> loads no URL by itself; name the attribute that holds it in "
                                + "\"attributes\", or use a \"class\" marker rule");
            }
        }
    }

    /** Whether a rule's host pattern lies within one of the provider's host patterns. */
    static boolean covered(String rulePattern, List<String> providerHosts) {
        String host = rulePattern.startsWith("*.") ? rulePattern.substring(2) : rulePattern;
        boolean wildcard = rulePattern.startsWith("*.");
        for (String candidate : providerHosts) {
            if (candidate.equals(rulePattern)) {
                return true;
            }
            if (candidate.startsWith("*.")) {
                String suffix = candidate.substring(1);
                if (host.endsWith(suffix) || (wildcard && host.equals(candidate.substring(2)))) {
                    return true;
                }
            }
        }
        return false;
    }

    static void checkHostPattern(String source, String id, String field, String pattern) {
        String host = pattern.startsWith("*.") ? pattern.substring(2) : pattern;
        String[] labels = host.split("\\.", -1);
        boolean valid = host.length() <= 253 && labels.length >= 2;
        for (String label : labels) {
            valid &= LABEL.matcher(label).matches();
        }
        if (!valid || labels[labels.length - 1].chars().allMatch(Character::isDigit)) {
            throw new ProviderDefinitionException(source, id, field, "\"" + pattern
                    + "\" is not a host pattern: use a lowercase name like \"example.com\" or \"*.example.com\"");
        }
    }

    private static void checkHttpsUrl(String source, String id, String field, String value) {
        try {
            URI uri = new URI(value);
            if ("https".equals(uri.getScheme()) && uri.getHost() != null && uri.getUserInfo() == null) {
                return;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new ProviderDefinitionException(source, id, field, "must be an https URL, got \"" + value + "\"");
    }

    private static void notBlank(String source, String id, String field, String value) {
        if (value.isBlank()) {
            throw new ProviderDefinitionException(source, id, field, "must not be blank");
        }
    }

    private static void texts(String source, String id, String field, List<String> values) {
        if (values.isEmpty()) {
            throw new ProviderDefinitionException(source, id, field, "must hold at least one entry");
        }
        for (int i = 0; i < values.size(); i++) {
            notBlank(source, id, field + "[" + i + "]", values.get(i));
        }
    }

    private static void attributes(String source, String id, String field, List<String> names) {
        for (String name : names) {
            if (!ATTRIBUTE.matcher(name).matches()) {
                throw new ProviderDefinitionException(source, id, field,
                        "\"" + name + "\" is not a lowercase attribute name");
            }
        }
    }
}
