# Stand-in for eclipse-temurin:21-jre (the Dockerfile's RUNTIME_IMAGE): Debian's JRE 21, `java` on PATH.
FROM loomchat-standin/debian:trixie
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends openjdk-21-jre-headless >/dev/null \
    && rm -rf /var/lib/apt/lists/* /usr/share/doc/* /usr/share/man/*
