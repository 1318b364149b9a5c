package dev.authgate.observe;

/** Who made the response a client got: the {@code source} of the access log and of {@code authgate_requests_total}. */
public enum ResponseSource {
    /** The gateway answered itself: a rejection, an error, a {@code respond:} route, a 499 for a client that left. */
    GATEWAY(MetricsNames.SOURCE_GATEWAY),
    /** The upstream's response was relayed. */
    UPSTREAM(MetricsNames.SOURCE_UPSTREAM);

    private final String label;

    ResponseSource(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
