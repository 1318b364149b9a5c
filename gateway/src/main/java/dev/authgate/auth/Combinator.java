package dev.authgate.auth;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What {@code any:} ({@link AnyAuthenticator}) and {@code all:} ({@link AllAuthenticator}) share: their members in
 * the configured order, and a 401 that carries every member's challenge (the sender may lack any of them).
 */
abstract class Combinator implements Authenticator {
    final List<Authenticator> members;
    private final List<String> challenges;

    Combinator(List<Authenticator> members) {
        this.members = List.copyOf(members);
        Set<String> all = new LinkedHashSet<>();
        for (Authenticator m : this.members) all.addAll(m.challenges());
        this.challenges = List.copyOf(all);
    }

    /** The first member's challenge; {@link #challenges()} has all of them. */
    @Override
    public String challenge() {
        return challenges.isEmpty() ? null : challenges.get(0);
    }

    @Override
    public List<String> challenges() {
        return challenges;
    }
}
