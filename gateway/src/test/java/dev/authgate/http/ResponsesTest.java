package dev.authgate.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ResponsesTest {
    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;
    private final Responses exposed = new Responses("authgate-1", true);
    private final Responses hidden = new Responses("authgate-1", false);

    private static Map<String, Object> json(FullHttpResponse r) throws IOException {
        Map<String, Object> fields = new LinkedHashMap<>();
        try (JsonParser p = new JsonFactory().createParser(r.content().toString(StandardCharsets.UTF_8))) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                fields.put(name, t == JsonToken.VALUE_NUMBER_INT ? (Object) p.getIntValue() : p.getText());
            }
        }
        return fields;
    }

    @Test
    void problemCarriesAllFieldsInOrderAndTheGatewayHeaders() throws IOException {
        FullHttpResponse r = exposed.problem(ALLOC, Problem.of(Reason.SIGNATURE_MISMATCH,
                "signature does not match the body (2 secrets tried)", "github"), "req-1",
                "4bf92f3577b34da6a3ce929d0e0e4736", false);
        try {
            assertEquals(401, r.status().code());
            assertEquals("Unauthorized", r.status().reasonPhrase());
            HttpHeaders h = r.headers();
            assertEquals("authgate", h.get("Server"));
            assertEquals("req-1", h.get("X-Request-Id"));
            assertEquals("application/problem+json", h.get("Content-Type"));
            assertEquals(String.valueOf(r.content().readableBytes()), h.get("Content-Length"));
            assertEquals("no-store", h.get("Cache-Control"));
            assertFalse(h.contains("Connection"));
            Map<String, Object> body = json(r);
            assertEquals(List.of("type", "title", "status", "detail", "reason", "route", "request_id", "trace_id",
                    "gateway"), List.copyOf(body.keySet()));
            assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", body.get("trace_id"));
            assertEquals("urn:authgate:reason:signature_mismatch", body.get("type"));
            assertEquals("Unauthorized", body.get("title"));
            assertEquals(401, body.get("status"));
            assertEquals("signature does not match the body (2 secrets tried)", body.get("detail"));
            assertEquals("signature_mismatch", body.get("reason"));
            assertEquals("github", body.get("route"));
            assertEquals("req-1", body.get("request_id"));
            assertEquals("authgate-1", body.get("gateway"));
        } finally {
            r.release();
        }
    }

    @Test
    void hiddenReasonLeavesOnlyStatusTitleGenericDetailRequestIdAndGateway() throws IOException {
        FullHttpResponse r = hidden.problem(ALLOC, Problem.of(Reason.CREDENTIALS_INVALID,
                "token sha256:1a2b3c4d is not one of the route's 2 tokens", "ci"), "req-2",
                "0af7651916cd43dd8448eb211c80319c", false);
        try {
            Map<String, Object> body = json(r);
            assertEquals(List.of("type", "title", "status", "detail", "request_id", "trace_id", "gateway"),
                    List.copyOf(body.keySet()));
            assertEquals("about:blank", body.get("type"));
            assertEquals(401, body.get("status"));
            assertEquals("req-2", body.get("request_id"));
            String text = r.content().toString(StandardCharsets.UTF_8);
            assertFalse(text.contains("credentials_invalid"), text);
            assertFalse(text.contains("sha256:1a2b3c4d"), text);
            assertFalse(text.contains("\"ci\""), text);
        } finally {
            r.release();
        }
    }

    @Test
    void methodNotAllowedCarriesAllow() {
        FullHttpResponse r = exposed.problem(ALLOC, Problem.of(Reason.METHOD_NOT_ALLOWED, "no", "x")
                .withAllow(List.of("GET", "POST")), "id", false);
        try {
            assertEquals("GET, POST", r.headers().get("Allow"));
        } finally {
            r.release();
        }
    }

    @Test
    void unauthorizedCarriesOneChallengePerScheme() {
        FullHttpResponse r = hidden.problem(ALLOC, Problem.of(Reason.CREDENTIALS_MISSING, "none", "x")
                .withChallenges(List.of("Bearer realm=\"authgate\"", "ApiKey header=\"X-API-Key\"")), "id", false);
        try {
            assertEquals(List.of("Bearer realm=\"authgate\"", "ApiKey header=\"X-API-Key\""),
                    r.headers().getAll("WWW-Authenticate"));
        } finally {
            r.release();
        }
    }

    @Test
    void closingResponseSaysConnectionClose() {
        FullHttpResponse r = exposed.problem(ALLOC, Problem.of(Reason.BODY_TOO_LARGE, "big", "x"), "id", true);
        try {
            assertEquals(413, r.status().code());
            assertEquals("Content Too Large", r.status().reasonPhrase());
            assertEquals("close", r.headers().get("Connection"));
        } finally {
            r.release();
        }
    }

    @Test
    void failureWithoutReasonHasNoReasonField() throws IOException {
        FullHttpResponse r = exposed.problem(ALLOC, Problem.failure(503, "the hashing pool is saturated", "basic"),
                "id", false);
        try {
            Map<String, Object> body = json(r);
            assertEquals("about:blank", body.get("type"));
            assertEquals("Service Unavailable", body.get("title"));
            assertNull(body.get("reason"));
            assertEquals("basic", body.get("route"));
        } finally {
            r.release();
        }
    }

    @Test
    void problemWithoutRouteHasNoRouteField() throws IOException {
        FullHttpResponse r = exposed.problem(ALLOC, Problem.of(Reason.ROUTE_NOT_FOUND, "no route", null), "id", false);
        try {
            assertFalse(json(r).containsKey("route"));
        } finally {
            r.release();
        }
    }

    @Test
    void emptyResponseHasServerRequestIdAndZeroLength() {
        FullHttpResponse r = exposed.empty(200, "id-7", false);
        assertEquals(200, r.status().code());
        assertEquals("authgate", r.headers().get("Server"));
        assertEquals("id-7", r.headers().get("X-Request-Id"));
        assertEquals("0", r.headers().get("Content-Length"));
        r.release();
    }

    @Test
    void reasonAndStatusMustAgree() {
        assertThrows(IllegalArgumentException.class,
                () -> new Problem(500, Reason.BAD_REQUEST, "x", null, null, null));
    }
}
