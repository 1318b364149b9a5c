package dev.authgate.auth.hmac;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes the JSON re-serializations of the mismatch hints on any body: no exception; a body that is not one JSON value
 * gives no form; every form differs from the body and parses back to the same values (same tokens, keys in the same
 * order, strings equal, numbers with the same text).
 */
class JsonFormsFuzzTest {
    private static final JsonFactory FACTORY = new JsonFactory();

    @FuzzTest
    void everyFormParsesBackToTheSameValues(FuzzedDataProvider data) {
        byte[] body = data.consumeRemainingAsBytes();
        Map<JsonForms.Form, byte[]> forms = JsonForms.of(body);
        List<String> original = tokens(body);
        if (original == null) {
            assertTrue(forms.isEmpty(), "a body that is not JSON has no forms");
            return;
        }
        for (Map.Entry<JsonForms.Form, byte[]> f : forms.entrySet()) {
            assertFalse(Arrays.equals(body, f.getValue()), f.getKey() + " equals the body");
            List<String> again = tokens(f.getValue());
            assertNotNull(again, f.getKey() + " is not JSON");
            assertEquals(original, again, f.getKey() + " changed a value");
        }
    }

    /** Token type and text of one JSON value, or null when the bytes are not exactly one. */
    private static List<String> tokens(byte[] bytes) {
        List<String> out = new ArrayList<>();
        try (JsonParser p = FACTORY.createParser(bytes)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                out.add(t + ":" + (t.isScalarValue() || t == JsonToken.FIELD_NAME ? p.getText() : ""));
                if (p.getParsingContext().inRoot()) {
                    return p.nextToken() == null ? out : null;
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }
}
