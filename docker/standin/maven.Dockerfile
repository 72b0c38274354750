# Stand-in for maven:3.9-eclipse-temurin-21 (the Dockerfile's BUILD_IMAGE): Debian's Maven and JDK 21.
# local-ca/ holds the building machine's own CA certificates (/usr/local/share/ca-certificates):
# Maven in the build stage then trusts what the machine trusts, e.g. a TLS-intercepting proxy
# in front of Maven Central.
FROM loomchat-standin/debian:trixie
COPY local-ca/ /usr/local/share/ca-certificates/
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends maven openjdk-21-jdk-headless ca-certificates-java >/dev/null \
    && update-ca-certificates >/dev/null && rm -rf /var/lib/apt/lists/*
