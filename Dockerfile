# The grantwatch runtime image. Build the jar first: mvn -B -Dquick package
FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --home-dir /var/lib/grantwatch grantwatch \
 && mkdir -p /var/lib/grantwatch /etc/grantwatch \
 && chown grantwatch /var/lib/grantwatch
COPY app/target/grantwatch.jar /opt/grantwatch/grantwatch.jar
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
