package dev.authgate.auth;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code all: [...]}: runs its members in the configured order and accepts only when every one accepts. The first
 * rejection is the answer (its reason and detail; later members do not run). Accepted, it is one verdict: the scheme
 * is the members' schemes joined with {@code +} ({@code mtls+hmac}), the identity the first member's, the detail each
 * member's, the credential headers and upstream headers of all members, and the first replay key (a signature
 * member's). A member that fails technically fails the whole stage.
 */
public final class AllAuthenticator extends Combinator {
    private final String scheme;

    public AllAuthenticator(List<Authenticator> members) {
        super(members);
        if (members.size() < 2) throw new IllegalArgumentException("all: at least two schemes are required");
        List<String> schemes = new ArrayList<>();
        for (Authenticator m : this.members) schemes.add(m.scheme());
        this.scheme = String.join("+", schemes);
    }

    /** The members' schemes joined with {@code +}, e.g. {@code mtls+hmac}. */
    @Override
    public String scheme() {
        return scheme;
    }

    @Override
    public CompletionStage<AuthResult> authenticate(AuthRequest request) {
        return from(0, request, new ArrayList<>());
    }

    private CompletionStage<AuthResult> from(int index, AuthRequest request, List<AuthResult.Accepted> accepted) {
        if (index == members.size()) return CompletableFuture.completedFuture(combined(accepted));
        return members.get(index).authenticate(request).thenCompose(result -> {
            if (result instanceof AuthResult.Rejected r) {
                String detail = members.get(index).scheme() + ": " + r.detail();
                if (index > 0) detail += " (" + accepted.size() + " of " + members.size() + " accepted before)";
                return CompletableFuture.completedFuture(new AuthResult.Rejected(r.reason(), detail,
                        r.credentialPresent()));
            }
            accepted.add((AuthResult.Accepted) result);
            return from(index + 1, request, accepted);
        });
    }

    private static AuthResult combined(List<AuthResult.Accepted> accepted) {
        List<String> schemes = new ArrayList<>();
        List<String> details = new ArrayList<>();
        Set<String> credentialHeaders = new LinkedHashSet<>();
        Map<String, String> upstream = new LinkedHashMap<>();
        AuthResult.ReplayKey replay = null;
        for (AuthResult.Accepted a : accepted) {
            schemes.add(a.scheme());
            details.add(a.scheme() + ": " + a.detail());
            credentialHeaders.addAll(a.credentialHeaders());
            upstream.putAll(a.upstreamHeaders());
            if (replay == null) replay = a.replayKey();
        }
        return new AuthResult.Accepted(String.join("+", schemes), accepted.get(0).identity(),
                String.join("; ", details), List.copyOf(credentialHeaders), replay, upstream);
    }

    @Override
    public String toString() {
        return "AllAuthenticator[" + scheme + "]";
    }
}
