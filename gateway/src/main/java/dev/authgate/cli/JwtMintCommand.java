package dev.authgate.cli;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.authgate.config.Durations;
import org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;

/**
 * {@code authgate jwt mint}: signs a JWT for development and tests (the demo's {@code jwt} route, a staging issuer's
 * test key), never a replacement for an identity provider. {@code --key} takes a PEM private key (PKCS#8, SEC1 or
 * PKCS#1): EC P-256/384/521 signs ES256/384/512, RSA signs RS256; {@code --secret-env NAME} signs HS256 with the
 * secret in that environment variable. The {@code kid} is the public key's RFC 7638 thumbprint unless {@code --kid}
 * says (what the gateway gives a static PEM key without a {@code kid:} line). Prints the compact token and a newline;
 * exit 0, 1 when the key cannot be used, 2 on a usage error. Never prints the key or the secret.
 */
@Command(name = "mint", description = "Sign a JWT for development and tests with a PEM private key (ES256/384/512, "
        + "RS256) or an HS256 secret from the environment; print it.")
public final class JwtMintCommand implements Callable<Integer> {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;

    @Option(names = "--key", paramLabel = "PEM", description = "private key file: EC (ES256/384/512) or RSA (RS256)")
    Path key;

    @Option(names = "--secret-env", paramLabel = "NAME", description = "sign HS256 with the secret in this variable")
    String secretEnv;

    @Option(names = "--kid", description = "the header's kid (default: the public key's RFC 7638 thumbprint; none "
            + "with --secret-env)")
    String kid;

    @Option(names = "--iss", required = true, description = "the iss claim")
    String issuer;

    @Option(names = "--aud", paramLabel = "AUDIENCE", description = "an aud value (repeatable)")
    List<String> audiences = new ArrayList<>();

    @Option(names = "--sub", description = "the sub claim")
    String subject;

    @Option(names = "--scope", description = "a scope (repeatable; joined with spaces into the scope claim)")
    List<String> scopes = new ArrayList<>();

    @Option(names = "--typ", description = "the header's typ (e.g. at+jwt; default JWT)")
    String typ;

    @Option(names = "--expires-in", paramLabel = "DURATION", defaultValue = "10m", description = "exp from now: 10m, "
            + "1h; negative for a token already expired, e.g. --expires-in=-1h (default: ${DEFAULT-VALUE})")
    String expiresIn;

    @Spec
    CommandSpec spec;

    /** The clock iat and exp are taken from (tests fix it). */
    Clock clock = Clock.systemUTC();

    /** Where {@code --secret-env} is read (tests replace it). */
    UnaryOperator<String> env = System::getenv;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            return mint(out, err);
        } finally {
            out.flush();
            err.flush();
        }
    }

    private int mint(PrintWriter out, PrintWriter err) {
        if ((key == null) == (secretEnv == null)) {
            err.println("jwt mint: give exactly one of --key PEM and --secret-env NAME");
            return 2;
        }
        Duration lifetime;
        try {
            lifetime = expiresIn.startsWith("-") ? Durations.parse(expiresIn.substring(1)).negated()
                    : Durations.parse(expiresIn);
        } catch (IllegalArgumentException e) {
            err.println("jwt mint: --expires-in: " + e.getMessage());
            return 2;
        }
        Instant now = clock.instant();
        Instant exp = now.plus(lifetime);
        // A token minted already expired was issued an hour before it expired, not after.
        Instant iat = exp.isAfter(now) ? now : exp.minus(Duration.ofHours(1));
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(issuer).issueTime(Date.from(iat))
                .expirationTime(Date.from(exp)).jwtID(UUID.randomUUID().toString());
        if (subject != null) claims.subject(subject);
        if (!audiences.isEmpty()) claims.audience(audiences);
        if (!scopes.isEmpty()) claims.claim("scope", String.join(" ", scopes));
        try {
            Signing signing = key != null ? fromKey(key) : fromSecret(err);
            if (signing == null) return 2;
            JWSHeader.Builder header = new JWSHeader.Builder(signing.algorithm())
                    .type(new JOSEObjectType(typ != null ? typ : "JWT"));
            String id = kid != null ? kid : signing.kid();
            if (id != null) header.keyID(id);
            SignedJWT jwt = new SignedJWT(header.build(), claims.build());
            jwt.sign(signing.signer());
            out.println(jwt.serialize());
            return 0;
        } catch (IOException | GeneralSecurityException | JOSEException | IllegalArgumentException e) {
            err.println("jwt mint: " + e.getMessage());
            return 1;
        }
    }

    /** The algorithm, signer and default kid of one key. */
    private record Signing(JWSAlgorithm algorithm, JWSSigner signer, String kid) {
    }

    private Signing fromSecret(PrintWriter err) throws JOSEException {
        String secret = env.apply(secretEnv);
        if (secret == null || secret.isEmpty()) {
            err.println("jwt mint: environment variable " + secretEnv + " is not set");
            return null;
        }
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < 32) {
            throw new IllegalArgumentException("an HS256 secret needs at least 32 bytes, " + secretEnv + " has "
                    + bytes.length);
        }
        return new Signing(JWSAlgorithm.HS256, new MACSigner(bytes), null);
    }

    private static Signing fromKey(Path file) throws IOException, GeneralSecurityException, JOSEException {
        PrivateKey privateKey = DevPki.readKey(file);
        if (privateKey instanceof ECPrivateKey ec) {
            Curve curve = Curve.forECParameterSpec(ec.getParams());
            JWSAlgorithm alg = Curve.P_256.equals(curve) ? JWSAlgorithm.ES256
                    : Curve.P_384.equals(curve) ? JWSAlgorithm.ES384
                    : Curve.P_521.equals(curve) ? JWSAlgorithm.ES512 : null;
            if (alg == null) throw new IllegalArgumentException(file + ": an EC key not on P-256, P-384 or P-521");
            ECPublicKey pub = (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(
                    new ECPublicKeySpec(publicPoint(ec), ec.getParams()));
            return new Signing(alg, new ECDSASigner(ec),
                    new ECKey.Builder(curve, pub).build().computeThumbprint().toString());
        }
        if (privateKey instanceof RSAPrivateCrtKey rsa) {
            RSAPublicKey pub = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(
                    new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
            return new Signing(JWSAlgorithm.RS256, new RSASSASigner(rsa),
                    new RSAKey.Builder(pub).build().computeThumbprint().toString());
        }
        throw new IllegalArgumentException(file + ": a " + privateKey.getAlgorithm()
                + " key (expected an EC or RSA private key)");
    }

    /** Q = d·G: a PKCS#8 EC key need not carry its public point. */
    private static java.security.spec.ECPoint publicPoint(ECPrivateKey key) {
        org.bouncycastle.math.ec.ECPoint q = EC5Util.convertSpec(key.getParams()).getG().multiply(key.getS())
                .normalize();
        return new java.security.spec.ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
    }
}
