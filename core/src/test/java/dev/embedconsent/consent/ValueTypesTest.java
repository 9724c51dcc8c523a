package dev.embedconsent.consent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.embedconsent.record.ConsentMethod;
import dev.embedconsent.record.Decision;
import dev.embedconsent.record.Scope;
import dev.embedconsent.record.SubjectId;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ValueTypesTest {

    @Test
    void subjectIdsAreRandom128BitBase64url() {
        SubjectId a = SubjectId.random();
        assertEquals(22, a.value().length());
        assertTrue(a.value().matches("[A-Za-z0-9_-]+"));
        assertNotEquals(a, SubjectId.random());
        assertEquals(Optional.of(a), SubjectId.parse(a.value()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "192.168.0.1", "q3Zx0Jc9m1VtE2yQmW8u1", "q3Zx0Jc9m1VtE2yQmW8u1gg",
            "q3Zx0Jc9m1VtE2yQmW8u1h", "q3Zx0Jc9m1VtE2yQmW8u+g"})
    void malformedSubjectIdsAreRejected(String text) {
        assertEquals(Optional.empty(), SubjectId.parse(text));
        assertThrows(IllegalArgumentException.class, () -> new SubjectId(text));
    }

    @Test
    void requestsAcceptOnlySitePathsAndLanguageTags() {
        SubjectId s = SubjectId.random();
        assertEquals("/a/b", ConsentRequest.of(s, "youtube").withPage("/a/b?email=x@y#z").page());
        assertThrows(IllegalArgumentException.class, () -> ConsentRequest.of(s, "youtube").withPage("https://evil"));
        assertThrows(IllegalArgumentException.class, () -> ConsentRequest.of(s, "youtube").withPage("//evil.com/x"));
        assertThrows(IllegalArgumentException.class, () -> ConsentRequest.of(s, "youtube").withPage("/" + "a".repeat(3000)));
        assertEquals("de-AT", ConsentRequest.of(s, "youtube").withLanguage("de-AT").language());
        assertThrows(IllegalArgumentException.class, () -> ConsentRequest.of(s, "youtube").withLanguage("<script>"));
    }

    @Test
    void enumsReadTheirJsonNamesAndHttpVerbs() {
        assertEquals(Decision.GIVEN, Decision.fromJson("grant"));
        assertEquals(Decision.WITHDRAWN, Decision.fromJson("withdraw"));
        assertEquals(Decision.REFUSED, Decision.fromJson("refused"));
        assertEquals("expired", Decision.EXPIRED.jsonName());
        assertEquals(Scope.ONCE, Scope.fromJson("once"));
        assertEquals(ConsentMethod.BUTTON, ConsentMethod.fromJson("button"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Scope.fromJson("forever")).getMessage()
                .contains("once|provider"));
        assertThrows(IllegalArgumentException.class, () -> ConsentMethod.fromJson("ip"));
        assertThrows(IllegalArgumentException.class, () -> Decision.fromJson("GIVEN"));
    }
}
