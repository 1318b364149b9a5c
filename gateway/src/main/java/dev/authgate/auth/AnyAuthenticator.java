package dev.authgate.auth;

import dev.authgate.http.Reason;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code any: [...]}: tries its schemes in the configured order; the first that accepts wins. When none does, the
 * verdict is the rejection of the first scheme whose credential was present
 * ({@link AuthResult.Rejected#credentialPresent}), else {@code credentials_missing}. Members run one after another,
 * so a later (possibly slow, e.g. Basic) scheme runs only when the earlier ones rejected; a member that fails
 * technically fails the whole stage.
 */
public final class AnyAuthenticator extends Combinator {
    static final String SCHEME = "any";

    public AnyAuthenticator(List<Authenticator> members) {
        super(members);
        if (members.isEmpty()) {
            throw new IllegalArgumentException("any: at least one scheme is required");
        }
    }

    @Override
    public String scheme() {
        return SCHEME;
    }

    @Override
    public boolean ready() {
        for (Authenticator m : members) {
            if (!m.ready()) return false;
        }
        return true;
    }

    @Override
    public CompletionStage<AuthResult> authenticate(AuthRequest request) {
        return tryFrom(0, request, new ArrayList<>());
    }

    private CompletionStage<AuthResult> tryFrom(int index, AuthRequest request, List<AuthResult.Rejected> rejected) {
        if (index == members.size()) {
            return CompletableFuture.completedFuture(verdict(rejected));
        }
        return members.get(index).authenticate(request).thenCompose(result -> {
            if (result instanceof AuthResult.Accepted) {
                return CompletableFuture.completedFuture(result);
            }
            rejected.add((AuthResult.Rejected) result);
            return tryFrom(index + 1, request, rejected);
        });
    }

    private AuthResult verdict(List<AuthResult.Rejected> rejected) {
        for (int i = 0; i < rejected.size(); i++) {
            AuthResult.Rejected r = rejected.get(i);
            if (r.credentialPresent()) {
                return r.challenges() == null ? r : withOthersChallenges(i, r);
            }
        }
        List<String> details = new ArrayList<>();
        for (int i = 0; i < rejected.size(); i++) {
            details.add(members.get(i).scheme() + ": " + rejected.get(i).detail());
        }
        return new AuthResult.Rejected(Reason.CREDENTIALS_MISSING,
                "no credential for any accepted scheme (" + String.join("; ", details) + ")", false);
    }

    /**
     * A member's rejection that carries its own challenges (jwt's {@code error="invalid_token"}): in the member's
     * place among every member's challenges, so the sender still learns the other schemes the route accepts. A
     * rejection without challenges (503 {@code keys_unavailable}) keeps none.
     */
    private AuthResult.Rejected withOthersChallenges(int index, AuthResult.Rejected r) {
        if (r.challenges().isEmpty()) return r;
        List<String> all = new ArrayList<>();
        for (int j = 0; j < members.size(); j++) {
            all.addAll(j == index ? r.challenges() : members.get(j).challenges());
        }
        return new AuthResult.Rejected(r.reason(), r.detail(), true, all, r.retryAfter());
    }

    @Override
    public String toString() {
        List<String> schemes = new ArrayList<>();
        for (Authenticator m : members) {
            schemes.add(m.scheme());
        }
        return "AnyAuthenticator" + schemes;
    }
}
