# Stand-in for maven:3.9-eclipse-temurin-21 (the Dockerfile's BUILD_IMAGE): Debian's Maven and JDK 21.
FROM loomchat-standin/debian:trixie
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends maven openjdk-21-jdk-headless >/dev/null \
    && rm -rf /var/lib/apt/lists/*
