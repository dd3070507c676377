# The grantwatch image, built from the sources: docker build -t grantwatch .
# Stage 1 builds the jar with Maven (dependencies first, so a source change reuses their layer).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY model/pom.xml model/
COPY catalog/pom.xml catalog/
COPY ingest/pom.xml ingest/
COPY detector/pom.xml detector/
COPY alerts/pom.xml alerts/
COPY testkit/pom.xml testkit/
COPY app/pom.xml app/
COPY system-tests/pom.xml system-tests/
COPY bench/pom.xml bench/
RUN mvn -B -ntp -q -pl app -am dependency:go-offline -DexcludeReactor=true || true
COPY . .
RUN mvn -B -ntp -q -Dquick -pl app -am package -DskipTests

# Stage 2: the runtime, the jar only.
FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --home-dir /var/lib/grantwatch grantwatch \
 && mkdir -p /var/lib/grantwatch /etc/grantwatch \
 && chown grantwatch /var/lib/grantwatch
COPY --from=build /src/app/target/grantwatch.jar /opt/grantwatch/grantwatch.jar
USER grantwatch
# HTTP on 0.0.0.0: `run` refuses to start unless http.auth.token is set, e.g.
# -e GRANTWATCH_HTTP_AUTH_TOKEN=env:API_TOKEN -e API_TOKEN=... (README, "Security notes").
ENV GRANTWATCH_DATA_DIR=/var/lib/grantwatch \
    GRANTWATCH_HTTP_HOST=0.0.0.0 \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75"
VOLUME /var/lib/grantwatch
EXPOSE 18080
ENTRYPOINT ["java", "-jar", "/opt/grantwatch/grantwatch.jar"]
CMD ["run"]
