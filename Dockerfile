# Two stages: build the shaded jar with Maven, run it on a JRE as an unprivileged user.
#   docker build -t loomchat .
#   docker run -p 6000:6000 -v loomchat-data:/app/data loomchat                 # embedded H2
#   docker run -p 6000:6000 -e LOOMCHAT_DB_URL=jdbc:mysql://db:3306/loomchat loomchat
#   docker run -p 6000:6000 -e LOOMCHAT_JAVA_OPTS="-Xmx512m" loomchat            # JVM flags
# Where the official base images cannot be pulled, name others (any Debian/Ubuntu-like image
# with Maven and a JDK 21, and one with a Java 21 runtime on PATH as `java`):
#   docker build --build-arg BUILD_IMAGE=... --build-arg RUNTIME_IMAGE=... -t loomchat .
# (scripts/docker-standin-images builds such images from Debian packages.)
ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-21
ARG RUNTIME_IMAGE=eclipse-temurin:21-jre

FROM ${BUILD_IMAGE} AS build
WORKDIR /src
# Dependencies first, in a layer of their own that only a pom.xml change rebuilds. Packaging
# the project without its sources fetches exactly the plugins and libraries `package` uses;
# `dependency:go-offline` does not work here (maven-dependency-plugin 3.7.0 tries to resolve
# optional dependencies of micrometer-core that exist nowhere, MDEP-690).
COPY pom.xml .
RUN mvn -B -q -Dmaven.test.skip=true package && rm -rf target
COPY sql sql
COPY src/main src/main
RUN mvn -B -q -o -Dmaven.test.skip=true package

FROM ${RUNTIME_IMAGE}
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="LoomChat" \
      org.opencontainers.image.description="Cluster chat server on Java 21 virtual threads" \
      org.opencontainers.image.version="${VERSION}"
# A fixed uid, so that a volume prepared elsewhere (or a Kubernetes securityContext) can match it.
RUN groupadd --system --gid 10001 loomchat \
    && useradd --system --uid 10001 --gid loomchat --home-dir /app --no-create-home --shell /usr/sbin/nologin loomchat \
    && mkdir -p /app/data && chown loomchat:loomchat /app/data
WORKDIR /app
COPY --from=build /src/target/loomchat.jar /app/loomchat.jar
COPY scripts/jvm-defaults.sh /app/jvm-defaults.sh
COPY docker/entrypoint /app/entrypoint
# The embedded database (H2, when LOOMCHAT_DB_URL is unset) lives in /app/data: mount a named
# volume there to keep it. No VOLUME line: it would give every container, the cluster servers on
# MariaDB too, an anonymous volume nobody cleans up; the entry point warns when H2 runs without one.
USER loomchat
ENV MALLOC_ARENA_MAX=2 \
    LOOMCHAT_PORT=6000
EXPOSE 6000
# Healthy once the chat port accepts (bash's /dev/tcp: the image needs no HTTP client).
HEALTHCHECK --interval=5s --timeout=3s --start-period=60s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${LOOMCHAT_PORT}"]
ENTRYPOINT ["/app/entrypoint"]
CMD ["server"]
