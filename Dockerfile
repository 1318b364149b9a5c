# authgate: multi-stage build, non-root runtime.
#
#   docker build -t authgate .
#   docker run --rm -p 127.0.0.1:8443:8443 --user "$(id -u):$(id -g)" \
#     -v "$PWD/config/examples/docker.yaml:/etc/authgate/gateway.yaml:ro" -v "$PWD/certs:/etc/authgate/certs:ro" \
#     -e DEMO_BEARER_TOKEN=... -e DEMO_GITHUB_SECRET=... authgate
#
# The image holds no config and no certificate: mount them (docs/operations.md, "Docker").

# --- build --------------------------------------------------------------------------------------------------------
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src

# The wrapper and the POMs first: this layer, with every dependency and plugin, is reused until a POM changes.
COPY mvnw pom.xml ./
COPY .mvn/ .mvn/
COPY gateway/pom.xml gateway/pom.xml
# The reactor lists every module, so the benchmarks POM must be present; only the gateway is built (-pl gateway -am).
COPY benchmarks/pom.xml benchmarks/pom.xml
RUN ./mvnw -B -ntp -q -pl gateway -am org.apache.maven.plugins:maven-dependency-plugin:3.8.1:go-offline

COPY gateway/src/ gateway/src/
RUN ./mvnw -B -ntp -pl gateway -am -DskipTests package

# --- runtime ------------------------------------------------------------------------------------------------------
FROM eclipse-temurin:17-jre

# A fixed, unprivileged uid/gid (10001), so mounted files can be made readable by exactly this user.
RUN groupadd --system --gid 10001 authgate \
 && useradd --system --uid 10001 --gid authgate --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin authgate \
 && mkdir -p /etc/authgate/certs

COPY --from=build /src/gateway/target/authgate.jar /opt/authgate/authgate.jar

# gateway.yaml (and anything it references by a relative path) in /etc/authgate, certificates and keys in
# /etc/authgate/certs: in the config, write `cert: certs/server.crt` (relative paths resolve against the config's folder).
VOLUME ["/etc/authgate", "/etc/authgate/certs"]

USER 10001:10001
WORKDIR /opt/authgate
# 8443: the gateway (listen.address must be 0.0.0.0:8443 in a container); 9901: the admin listener (/healthz, /readyz,
# /metrics; the default admin.address 127.0.0.1:9901 is reachable only inside the container: config/examples/docker.yaml
# sets 0.0.0.0:9901 so that /metrics can be scraped from outside, with admin.token from AUTHGATE_ADMIN_TOKEN).
EXPOSE 8443 9901

# `authgate health` asks the admin listener and exits 0 on a 200: the JRE image needs no curl. A small JVM (~0.4 s of
# CPU per check). With another admin.address port, override it: docker run --health-cmd '...' or a derived image.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx32m", "-jar", "/opt/authgate/authgate.jar", \
       "health", "--url", "http://127.0.0.1:9901/healthz"]

# SIGTERM (docker stop) drains: in-flight requests get up to --drain-timeout (default 30s) to finish, then exit 0.
# docker stop waits only 10 s before SIGKILL: use `docker stop -t 35` (Compose: stop_grace_period: 35s).
STOPSIGNAL SIGTERM

# The jar is the entrypoint and `run --config /etc/authgate/gateway.yaml` the default command, so the other commands
# use the same image: `docker run authgate check --config /etc/authgate/gateway.yaml`, `docker run authgate echo
# --listen 0.0.0.0:3000`. Netty unpacks its native TLS library to /tmp: with --read-only, add --tmpfs /tmp.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/authgate/authgate.jar"]
CMD ["run", "--config", "/etc/authgate/gateway.yaml"]
