# Two stages: build the shaded jar with Maven, run it on a JRE.
#   docker build -t loomchat .
#   docker run -p 6000:6000 -v loomchat-data:/app/data loomchat                 # embedded H2
#   docker run -p 6000:6000 -e LOOMCHAT_DB_URL=jdbc:mysql://db:3306/loomchat loomchat
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
ENTRYPOINT ["java", "-jar", "/app/loomchat.jar"]
CMD ["server"]
