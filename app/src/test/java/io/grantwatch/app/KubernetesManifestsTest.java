package io.grantwatch.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.grantwatch.app.config.ConfigKey;
import io.grantwatch.app.config.ConfigKeys;
import io.grantwatch.app.config.ConfigLoader;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/k8s validated offline: every document read into fabric8's typed Kubernetes models (an unknown kind,
 * apiVersion or field fails: fabric8 keeps unknown fields aside, and this test looks for them everywhere), every
 * GrantWatch container's arguments parsed by the jar's own parser, its GRANTWATCH_* variables known keys, its probes on
 * /readyz and /healthz, the detector a StatefulSet with its own volume and a headless service, and the ConfigMap's
 * configuration loadable as `--config`.
 */
class KubernetesManifestsTest {
    private static final Path MANIFESTS = Path.of("..", "deploy", "k8s", "grantwatch.yaml");
    private static final KubernetesSerialization KUBERNETES = new KubernetesSerialization();

    @TempDir
    Path dir;

    private static List<HasMetadata> objects() throws Exception {
        List<HasMetadata> out = new ArrayList<>();
        for (String document : Pattern.compile("(?m)^---$").split(Files.readString(MANIFESTS))) {
            if (document.lines().allMatch(l -> l.isBlank() || l.startsWith("#"))) {
                continue;
            }
            out.add(KUBERNETES.<HasMetadata>unmarshal(document));
        }
        return out;
    }

    @Test
    void shouldReadEveryObjectAsAKnownKindWithOnlyKnownFields() throws Exception {
        List<HasMetadata> objects = objects();
        assertThat(objects).extracting(HasMetadata::getKind)
                .containsExactly("ConfigMap", "Deployment", "Service", "Service", "StatefulSet", "Deployment");
        for (HasMetadata object : objects) {
            assertThat(object).as(object.getKind()).isNotInstanceOf(GenericKubernetesResource.class);
            List<String> unknown = new ArrayList<>();
            unknownFields(object, object.getKind() + " " + object.getMetadata().getName(), unknown);
            assertThat(unknown).as("fields no Kubernetes schema has").isEmpty();
        }
    }

    @Test
    void shouldFindATypoAsAnUnknownField() throws Exception {
        HasMetadata typo = KUBERNETES.<HasMetadata>unmarshal(Files.readString(MANIFESTS).split("(?m)^---$")[1].replace("containers:", "contaners:"));
        List<String> unknown = new ArrayList<>();
        unknownFields(typo, "typo", unknown);
        assertThat(unknown).anySatisfy(u -> assertThat(u).contains("contaners"));
    }

    @Test
    void shouldStartEveryRoleWithArgumentsTheJarAcceptsAndProbeItsHealthEndpoints() throws Exception {
        List<String> roles = new ArrayList<>();
        for (HasMetadata object : objects()) {
            PodSpec pod = object instanceof Deployment d ? d.getSpec().getTemplate().getSpec()
                    : object instanceof StatefulSet s ? s.getSpec().getTemplate().getSpec() : null;
            if (pod == null) {
                continue;
            }
            for (Container c : pod.getContainers()) {
                String role = c.getArgs().get(0);
                roles.add(role);
                assertThatCode(() -> GrantWatch.commandLine().parseArgs(c.getArgs().toArray(String[]::new))).as(role)
                        .doesNotThrowAnyException();
                assertThat(c.getReadinessProbe().getHttpGet().getPath()).as(role).isEqualTo("/readyz");
                assertThat(c.getLivenessProbe().getHttpGet().getPath()).as(role).isEqualTo("/healthz");
                assertThat(c.getPorts()).as(role).anySatisfy(p -> {
                    assertThat(p.getName()).isEqualTo(c.getReadinessProbe().getHttpGet().getPort().getStrVal());
                    assertThat(p.getContainerPort()).isEqualTo(18080);
                });
                for (EnvVar env : c.getEnv()) {
                    String key = !env.getName().startsWith("GRANTWATCH_") || env.getName().equals("GRANTWATCH_CONFIG") ? null
                            : ConfigKey.keyOfEnv(env.getName());
                    if (key != null) {
                        assertThat(key.startsWith("kafka.") || ConfigKeys.ALL.stream().anyMatch(k -> k.name().equals(key))
                                || env.getName().equals("GRANTWATCH_HTTP_HMAC_SECRET")).as(role + " " + env.getName()).isTrue();
                    }
                }
            }
        }
        assertThat(roles).containsExactlyInAnyOrder("ingest", "detect", "alert");
    }

    @Test
    void shouldKeepTheDetectorsStateOnItsOwnVolumeBehindAHeadlessService() throws Exception {
        List<HasMetadata> objects = objects();
        StatefulSet detect = objects.stream().filter(StatefulSet.class::isInstance).map(StatefulSet.class::cast).findFirst().orElseThrow();
        assertThat(detect.getSpec().getVolumeClaimTemplates()).extracting(v -> v.getMetadata().getName()).containsExactly("state");
        assertThat(detect.getSpec().getTemplate().getSpec().getContainers().get(0).getVolumeMounts())
                .anySatisfy(m -> assertThat(m.getName() + " " + m.getMountPath()).isEqualTo("state /var/lib/grantwatch"));
        Service headless = objects.stream().filter(Service.class::isInstance).map(Service.class::cast)
                .filter(s -> s.getMetadata().getName().equals(detect.getSpec().getServiceName())).findFirst().orElseThrow();
        assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
    }

    @Test
    void shouldLoadTheConfigMapsConfigurationAsGrantWatchWould() throws Exception {
        ConfigMap config = objects().stream().filter(ConfigMap.class::isInstance).map(ConfigMap.class::cast).findFirst().orElseThrow();
        Path file = Files.writeString(dir.resolve("grantwatch.yaml"), config.getData().get("grantwatch.yaml"));
        var loaded = ConfigLoader.builder().env(Map.of()).file(file).load();
        assertThat(loaded.kafka().bootstrapServers()).isPresent();
        assertThat(loaded.http().port()).isEqualTo(18080);
        assertThat(config.getData()).containsKey("alerts.yaml");
    }

    /** Every non-empty additionalProperties map under {@code value}: the fields fabric8's models do not know. */
    private static void unknownFields(Object value, String path, List<String> out) throws Exception {
        if (value == null) {
            return;
        }
        if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                unknownFields(list.get(i), path + "[" + i + "]", out);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                unknownFields(e.getValue(), path + "." + e.getKey(), out);
            }
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method m : value.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || !m.getName().startsWith("get")
                    || m.getName().equals("getClass")) {
                continue;
            }
            Object child = m.invoke(value);
            if (m.getName().equals("getAdditionalProperties")) {
                if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    out.add(path + ": " + extra.keySet());
                }
                continue;
            }
            unknownFields(child, path + "." + m.getName().substring(3), out);
        }
    }
}
