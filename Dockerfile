# Two stages: build the shaded jar with Maven, run it on a JRE.
#   docker build -t loomchat .
#   docker run -p 6000:6000 -v loomchat-data:/app/data loomchat                 # embedded H2
#   docker run -p 6000:6000 -e LOOMCHAT_DB_URL=jdbc:mysql://db:3306/loomchat loomchat
#   docker run -p 6000:6000 -e LOOMCHAT_JAVA_OPTS="-Xmx512m" loomchat            # JVM flags
FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY sql sql
COPY src src
RUN mvn -B -q -DskipTests package

FROM eclipse-temurin:21-jre
WORKDIR /app
COPY --from=build /src/target/loomchat.jar /app/loomchat.jar
# The embedded database lives here; mount a volume to keep it.
VOLUME /app/data
EXPOSE 6000
# The same JVM defaults as ./loomchat (see there for why): the serial collector with a 64 MB young
# generation and tight free ratios, glibc arenas capped and trimmed. LOOMCHAT_JAVA_OPTS comes last, so its
# flags win; naming a collector there drops the collector defaults.
ENV MALLOC_ARENA_MAX=2 \
    LOOMCHAT_GC_DEFAULTS="-XX:+UseSerialGC -Xmn64m -Xms96m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=25"
ENTRYPOINT ["/bin/sh", "-c", "gc=\"$LOOMCHAT_GC_DEFAULTS\"; case \" $LOOMCHAT_JAVA_OPTS \" in *' -XX:+Use'*'GC '*) gc= ;; esac; exec java $gc -XX:TrimNativeHeapInterval=10000 $LOOMCHAT_JAVA_OPTS -jar /app/loomchat.jar \"$@\"", "loomchat"]
CMD ["server"]
