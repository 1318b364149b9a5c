package dev.authgate.server;

import dev.authgate.auth.Credential;
import dev.authgate.auth.bearer.BearerConfig;
import dev.authgate.config.AuthConfig;
import dev.authgate.config.Secret;
import dev.authgate.http.TraceContext;
import dev.authgate.observe.AccessLogEntry;
import dev.authgate.testing.GatewayFixture;
import dev.authgate.testing.RawHttp;
import dev.authgate.testing.TestConfigs;
import dev.authgate.testing.TestUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import static dev.authgate.testing.RawHttp.crlf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * W3C trace context through the real gateway to a real upstream (docs/configuration.md, "Trace context"): a valid
 * {@code traceparent} is continued with the gateway's span as parent, every invalid form starts a new trace and drops
 * {@code tracestate}, and the trace id is in the access-log line and in every problem body.
 */
class TraceContextEndToEndTest {
    private static final String TOKEN = "tok-" + UUID.randomUUID();
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT = "00f067aa0ba902b7";
    private static final String VALID = "00-" + TRACE + "-" + PARENT + "-01";
    private static final Pattern OUT = Pattern.compile("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
    private TestUpstream backend;
    private GatewayFixture gw;

    @AfterEach
    void stop() {
        if (gw != null) gw.close();
        if (backend != null) backend.close();
    }

    private void start(TraceContext.Mode mode) {
        backend = TestUpstream.start();
        AuthConfig bearer = new BearerConfig(null, List.of(new Credential("ci-bot", new Secret(TOKEN, "inline"))));
        gw = GatewayFixture.start(TestConfigs.gateway().trace(mode)
                .upstream("app", backend.url())
                .route(TestConfigs.proxy("api", "/api/", "app", bearer))
                .build());
    }

    private RawHttp.Response get(String extraHeaders, boolean authorized) {
        return gw.send(crlf("GET /api/x HTTP/1.1\nHost: localhost\n"
                + (authorized ? "Authorization: Bearer " + TOKEN + "\n" : "") + extraHeaders + "\n"));
    }

    @Test
    void continuesAValidTraceWithANewParentAndPassesTracestate() {
        start(TraceContext.Mode.PROPAGATE);
        RawHttp.Response r = get("traceparent: " + VALID + "\ntracestate: congo=t61rcWkgMzE, rojo=00f067aa0ba902b7\n",
                true);
        assertEquals(200, r.status());
        TestUpstream.Recorded up = backend.takeRequest();
        String tp = up.header("traceparent");
        assertTrue(OUT.matcher(tp).matches(), tp);
        assertEquals(TRACE, tp.substring(3, 35), "same trace");
        assertNotEquals(PARENT, tp.substring(36, 52), "the gateway's own span is the parent");
        assertTrue(tp.endsWith("-01"), "sampled flag kept");
        assertEquals("congo=t61rcWkgMzE,rojo=00f067aa0ba902b7", up.header("tracestate"));
        assertEquals(TRACE, gw.accessLog().await(r.header("X-Request-Id")).traceId());
        assertNull(r.header("Server"), "relayed, not gateway-made");
    }

    @Test
    void eachRequestGetsItsOwnSpanAndAHigherVersionIsReemittedAs00() {
        start(TraceContext.Mode.PROPAGATE);
        get("traceparent: " + VALID + "\n", true);
        get("traceparent: cc-" + TRACE + "-" + PARENT + "-03-what-the-future-holds\n", true);
        String first = backend.takeRequest().header("traceparent");
        String second = backend.takeRequest().header("traceparent");
        assertEquals(TRACE, second.substring(3, 35));
        assertTrue(second.startsWith("00-") && second.endsWith("-01"), second);
        assertNotEquals(first.substring(36, 52), second.substring(36, 52));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",   // upper-case hex
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",   // zero trace id
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",   // zero parent id
            "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",    // 54 characters
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x", // version 00 with more fields
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",   // version ff
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",  // higher version, no dash after flags
            "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",   // wrong separators
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g",   // non-hex flags
            "0-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",    // short version
    })
    void startsANewTraceForEachInvalidFormAndDropsTracestate(String invalid) {
        start(TraceContext.Mode.PROPAGATE);
        RawHttp.Response r = get("traceparent: " + invalid + "\ntracestate: congo=t61rcWkgMzE\n", true);
        assertEquals(200, r.status());
        TestUpstream.Recorded up = backend.takeRequest();
        String tp = up.header("traceparent");
        assertTrue(OUT.matcher(tp).matches(), tp);
        assertFalse(tp.contains(TRACE) || tp.toLowerCase().contains(TRACE), "a malformed one is never forwarded");
        assertNull(up.header("tracestate"));
        assertEquals(tp.substring(3, 35), gw.accessLog().await(r.header("X-Request-Id")).traceId());
    }

    @Test
    void twoTraceparentHeadersAreInvalid() {
        start(TraceContext.Mode.PROPAGATE);
        get("traceparent: " + VALID + "\ntraceparent: " + VALID + "\n", true);
        assertNotEquals(TRACE, backend.takeRequest().header("traceparent").substring(3, 35));
    }

    @Test
    void tracestateOverThirtyTwoMembersIsDroppedButTheTraceContinues() {
        start(TraceContext.Mode.PROPAGATE);
        StringBuilder ts = new StringBuilder();
        for (int i = 0; i < 33; i++) ts.append(i == 0 ? "" : ",").append("k").append(i).append("=v");
        get("traceparent: " + VALID + "\ntracestate: " + ts + "\n", true);
        TestUpstream.Recorded up = backend.takeRequest();
        assertEquals(TRACE, up.header("traceparent").substring(3, 35));
        assertNull(up.header("tracestate"));
    }

    @Test
    void generatesOneWhenAbsent() {
        start(TraceContext.Mode.PROPAGATE);
        RawHttp.Response r = get("", true);
        String tp = backend.takeRequest().header("traceparent");
        assertTrue(OUT.matcher(tp).matches(), tp);
        assertTrue(tp.endsWith("-01"), tp);
        assertEquals(tp.substring(3, 35), gw.accessLog().await(r.header("X-Request-Id")).traceId());
    }

    @Test
    void aRejectionCarriesTheTraceIdInItsBodyAndItsLogLine() {
        start(TraceContext.Mode.PROPAGATE);
        RawHttp.Response r = get("traceparent: " + VALID + "\n", false);
        assertEquals(401, r.status());
        assertEquals(TRACE, r.json().get("trace_id"));
        AccessLogEntry e = gw.accessLog().await(r.header("X-Request-Id"));
        assertEquals("credentials_missing", e.reason());
        assertEquals(TRACE, e.traceId());
        assertTrue(e.toString().endsWith(" trace_id=" + TRACE), e.toString());

        RawHttp.Response lost = gw.send(crlf("GET /nowhere HTTP/1.1\nHost: localhost\n\n"));
        assertEquals(404, lost.status());
        String generated = (String) lost.json().get("trace_id");
        assertTrue(generated.matches("[0-9a-f]{32}"), generated);
        assertEquals(generated, gw.accessLog().await(lost.header("X-Request-Id")).traceId());
    }

    @Test
    void restartAlwaysStartsANewTrace() {
        start(TraceContext.Mode.RESTART);
        RawHttp.Response r = get("traceparent: " + VALID + "\ntracestate: congo=t61rcWkgMzE\n", true);
        TestUpstream.Recorded up = backend.takeRequest();
        assertNotEquals(TRACE, up.header("traceparent").substring(3, 35));
        assertNull(up.header("tracestate"));
        assertEquals(up.header("traceparent").substring(3, 35),
                gw.accessLog().await(r.header("X-Request-Id")).traceId());
    }

    @Test
    void ignoreSendsNoneAndLogsNone() {
        start(TraceContext.Mode.IGNORE);
        RawHttp.Response r = get("traceparent: " + VALID + "\ntracestate: congo=t61rcWkgMzE\n", true);
        TestUpstream.Recorded up = backend.takeRequest();
        assertNull(up.header("traceparent"));
        assertNull(up.header("tracestate"));
        AccessLogEntry e = gw.accessLog().await(r.header("X-Request-Id"));
        assertNull(e.traceId());
        assertTrue(e.toString().endsWith(" trace_id=-"), e.toString());
        RawHttp.Response rejected = get("", false);
        assertFalse(rejected.json().containsKey("trace_id"));
    }
}
