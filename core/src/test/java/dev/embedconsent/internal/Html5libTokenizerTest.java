package dev.embedconsent.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.embedconsent.testing.SharedTestData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Runs the html5lib tokenizer suite: for every test whose expected tokens include start tags, the start tags (name,
 * attributes, self-closing flag) our byte tokenizer reports must equal the expected ones, in order.
 */
class Html5libTokenizerTest {
    private static final ElementNames NAMES = ElementNames.withCandidates(Set.of());

    /** A start tag as the html5lib JSON writes it. */
    record StartTag(String name, Map<String, String> attributes, boolean selfClosing) {}

    @Test
    void startTagsMatchTheSuite() throws IOException {
        Path dir = SharedTestData.requireHtml5lib("tokenizer");
        ObjectMapper mapper = new ObjectMapper();
        int passed = 0;
        int runs = 0;
        int skippedUnencodable = 0;
        int withoutStartTags = 0;
        List<String> failures = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.toString().endsWith(".test")).sorted().toList();
        }
        for (Path file : files) {
            JsonNode root = mapper.readTree(file.toFile());
            JsonNode tests = root.get("tests");
            if (tests == null) {
                continue;
            }
            for (JsonNode test : tests) {
                boolean doubleEscaped = test.path("doubleEscaped").asBoolean(false);
                List<StartTag> expected = expectedStartTags(test.get("output"), doubleEscaped);
                if (expected.isEmpty()) {
                    withoutStartTags++;
                    continue;
                }
                String input = unescape(test.get("input").asString(), doubleEscaped);
                byte[] bytes;
                try {
                    ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .encode(CharBuffer.wrap(input));
                    bytes = new byte[encoded.remaining()];
                    encoded.get(bytes);
                } catch (CharacterCodingException e) {
                    skippedUnencodable++;
                    continue;
                }
                List<String> states = new ArrayList<>();
                if (test.has("initialStates")) {
                    test.get("initialStates").forEach(s -> states.add(s.asString()));
                } else {
                    states.add("Data state");
                }
                String lastStartTag = test.has("lastStartTag") ? test.get("lastStartTag").asString() : "";
                for (String state : states) {
                    runs++;
                    List<StartTag> actual = tokenize(bytes, initialState(state), lastStartTag, bytes.length);
                    List<StartTag> byteByByte = tokenize(bytes, initialState(state), lastStartTag, 1);
                    if (actual.equals(expected) && byteByByte.equals(expected)) {
                        passed++;
                    } else {
                        failures.add(file.getFileName() + ": " + test.get("description").asString() + " [" + state
                                + "] expected " + expected + " but got " + actual + " (fed byte by byte: " + byteByByte + ")");
                    }
                }
            }
        }
        System.out.printf("html5lib tokenizer: %d of %d runs with start tags pass (whole and byte by byte); %d tests skipped (input not "
                + "encodable as bytes: lone surrogates); %d tests have no start tags%n",
                passed, runs, skippedUnencodable, withoutStartTags);
        assertTrue(runs > 100, "expected the suite to have start-tag tests, found " + runs);
        assertEquals(List.of(), failures, failures.size() + " failures");
    }

    /** Tokenizes {@code bytes} fed in chunks of {@code chunk} bytes. */
    static List<StartTag> tokenize(byte[] bytes, int state, String lastStartTag, int chunk) {
        List<StartTag> tags = new ArrayList<>();
        HtmlTokenizer tokenizer = new HtmlTokenizer(NAMES, new TokenHandler() {
            @Override
            public void startTag(HtmlTokenizer t, long start, long end) {
                tags.add(readStartTag(bytes, t, (int) start));
            }

            @Override
            public void endTag(HtmlTokenizer t, long start, long end) {}
        });
        tokenizer.switchTo(state, lastStartTag.getBytes(StandardCharsets.US_ASCII));
        for (int from = 0; from < bytes.length; from += chunk) {
            int to = Math.min(bytes.length, from + chunk);
            byte[] piece = java.util.Arrays.copyOfRange(bytes, from, to);
            tokenizer.feed(piece, 0, piece.length, from);
        }
        return tags;
    }

    private static StartTag readStartTag(byte[] bytes, HtmlTokenizer t, int start) {
        String name = lower(CharacterReferences.preprocess(utf8(bytes, start + 1, start + t.tagNameEnd())));
        Map<String, String> attributes = new LinkedHashMap<>();
        for (int k = 0; k < t.attributeCount(); k++) {
            String attr = lower(CharacterReferences.preprocess(
                    utf8(bytes, start + t.attributeNameStart(k), start + t.attributeNameEnd(k))));
            int vs = t.attributeValueStart(k);
            String value = vs < 0 ? "" : CharacterReferences.decodeAttributeValue(
                    utf8(bytes, start + vs, start + t.attributeValueEnd(k)));
            attributes.putIfAbsent(attr, value);
        }
        return new StartTag(name, attributes, t.selfClosing());
    }

    private static String utf8(byte[] b, int from, int to) {
        return new String(b, from, to - from, StandardCharsets.UTF_8);
    }

    private static String lower(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            out.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
        }
        return out.toString();
    }

    private static int initialState(String name) {
        switch (name) {
            case "Data state":
                return HtmlTokenizer.DATA;
            case "PLAINTEXT state":
                return HtmlTokenizer.PLAINTEXT;
            case "RCDATA state":
                return HtmlTokenizer.RCDATA;
            case "RAWTEXT state":
                return HtmlTokenizer.RAWTEXT;
            case "Script data state":
                return HtmlTokenizer.SCRIPT_DATA;
            case "CDATA section state":
                return HtmlTokenizer.CDATA_SECTION;
            default:
                throw new IllegalArgumentException("unknown initial state " + name);
        }
    }

    private static List<StartTag> expectedStartTags(JsonNode output, boolean doubleEscaped) {
        List<StartTag> tags = new ArrayList<>();
        for (JsonNode token : output) {
            if (!token.get(0).asString().equals("StartTag")) {
                continue;
            }
            Map<String, String> attributes = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : token.get(2).properties()) {
                attributes.put(unescape(e.getKey(), doubleEscaped), unescape(e.getValue().asString(), doubleEscaped));
            }
            boolean selfClosing = token.size() > 3 && token.get(3).asBoolean();
            tags.add(new StartTag(unescape(token.get(1).asString(), doubleEscaped), attributes, selfClosing));
        }
        return tags;
    }

    private static String unescape(String s, boolean doubleEscaped) {
        if (!doubleEscaped) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            if (s.startsWith("\\u", i) && i + 6 <= s.length()) {
                out.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16));
                i += 5;
            } else {
                out.append(s.charAt(i));
            }
        }
        return out.toString();
    }
}
