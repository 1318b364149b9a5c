package dev.authgate.observe;

import java.util.List;

/**
 * Metric names (docs/operations.md, "Metrics", a contract: dashboards and alerts grep for them) and the fixed label values that
 * {@link Metrics} callers pass.
 */
public final class MetricsNames {
    public static final String REQUESTS = "authgate_requests_total";
    public static final String AUTH_REJECTIONS = "authgate_auth_rejections_total";
    public static final String REQUEST_DURATION = "authgate_request_duration_seconds";
    public static final String UPSTREAM_DURATION = "authgate_upstream_duration_seconds";
    public static final String UPSTREAM_FAILURES = "authgate_upstream_failures_total";
    public static final String TLS_HANDSHAKE_FAILURES = "authgate_tls_handshake_failures_total";
    public static final String CONNECTIONS_OPEN = "authgate_connections_open";
    public static final String CONFIG_RELOADS = "authgate_config_reloads_total";
    public static final String CONFIG_LAST_RELOAD_SUCCESS = "authgate_config_last_reload_success_timestamp_seconds";
    public static final String CERTIFICATE_EXPIRY = "authgate_certificate_expiry_seconds";
    public static final String REPLAY_STORE_ENTRIES = "authgate_replay_store_entries";
    public static final String REPLAY_OPERATIONS = "authgate_replay_operations_total";
    public static final String AUTH_THROTTLED = "authgate_auth_throttled_total";
    public static final String STATE_STORE_UP = "authgate_state_store_up";
    public static final String STATE_STORE_OPERATIONS = "authgate_state_store_operations_total";
    public static final String STATE_STORE_DURATION = "authgate_state_store_duration_seconds";
    public static final String CLIENT_CERTIFICATE_VERIFICATIONS = "authgate_client_certificate_verifications_total";
    public static final String JWKS_FETCHES = "authgate_jwks_fetches_total";
    public static final String JWKS_KEYS = "authgate_jwks_keys";
    public static final String JWKS_LAST_SUCCESS = "authgate_jwks_last_success_timestamp_seconds";
    public static final String CREDENTIAL_EXPIRY = "authgate_credential_expiry_seconds";

    /** {@code route} label value when no route matched (404 {@code route_not_found}, or a 400 before routing). */
    public static final String NO_ROUTE = "-";

    /** {@code source}: the gateway made the response itself (rejections, errors, {@code respond:} routes). */
    public static final String SOURCE_GATEWAY = "gateway";
    /** {@code source}: the upstream's response was relayed. */
    public static final String SOURCE_UPSTREAM = "upstream";

    /** {@code kind} of {@code authgate_upstream_failures_total}: the connection was refused or could not be made. */
    public static final String UPSTREAM_CONNECT = "connect";
    /** {@code kind}: the upstream reset or closed the connection before a complete response. */
    public static final String UPSTREAM_RESET = "reset";
    /** {@code kind}: connect or response timeout. */
    public static final String UPSTREAM_TIMEOUT = "timeout";

    /** {@code cause} of {@code authgate_tls_handshake_failures_total}: no protocol version in common. */
    public static final String TLS_PROTOCOL_VERSION = "protocol_version";
    /** {@code cause}: no cipher suite in common. */
    public static final String TLS_NO_SHARED_CIPHER = "no_shared_cipher";
    /** {@code cause}: anything else (bad record, certificate unknown to the client, reset mid-handshake, timeout). */
    public static final String TLS_OTHER = "other";
    static final List<String> TLS_CAUSES = List.of(TLS_PROTOCOL_VERSION, TLS_NO_SHARED_CIPHER, TLS_OTHER);

    /** {@code result} of {@code authgate_config_reloads_total}. */
    public static final String RELOAD_SUCCESS = "success";
    public static final String RELOAD_FAILURE = "failure";

    /** {@code result} of {@code authgate_jwks_fetches_total}. */
    public static final String JWKS_SUCCESS = "success";
    public static final String JWKS_FAILURE = "failure";

    private MetricsNames() {
    }
}
