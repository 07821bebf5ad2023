package io.lunpool.app;

import io.dropwizard.configuration.ConfigurationValidationException;
import io.dropwizard.configuration.FileConfigurationSourceProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every example in conf/ parses and validates, so the documented configuration stays true. */
class ConfigFilesTest {
    private static final Path CONF = Path.of(System.getProperty("user.dir")).resolve("../conf").normalize();
    private final io.dropwizard.core.setup.Bootstrap<LunpoolConfiguration> bootstrap =
            new io.dropwizard.core.setup.Bootstrap<>(new LunpoolApplication());
    /** The same factory the application's commands use. */
    private final io.dropwizard.configuration.ConfigurationFactory<LunpoolConfiguration> factory = bootstrap
            .getConfigurationFactoryFactory().create(LunpoolConfiguration.class, bootstrap.getValidatorFactory()
                    .getValidator(), bootstrap.getObjectMapper(), "dw");

    static Stream<Path> examples() throws Exception {
        return Files.list(CONF).filter(p -> p.toString().endsWith(".yml")).sorted();
    }

    @ParameterizedTest
    @MethodSource("examples")
    void exampleParsesAndValidates(Path file) throws Exception {
        LunpoolConfiguration cfg = factory.build(new FileConfigurationSourceProvider(), file.toString());
        assertThat(cfg.controlPlane.advertiseUrl).startsWith("http://");
        assertThat(cfg.backend.getMountRoot()).isAbsolute();
    }

    @Test
    void thereAreExamplesForEveryServerCommand() throws Exception {
        assertThat(examples().map(p -> p.getFileName().toString()))
                .contains("local.yml", "scheduler.yml", "backend.yml");
    }

    @ParameterizedTest
    @MethodSource("examples")
    void everyExamplesPoolsPassTheStartUpCheck(Path file) throws Exception {
        LunpoolConfiguration cfg = factory.build(new FileConfigurationSourceProvider(), file.toString());
        ControlPlaneProcess.checkPools(cfg.controlPlane); // throws on a pool the control plane would refuse
    }

    @Test
    void aConfiguredPoolThatCouldNeverBeCreatedStopsTheStartNamingIt() throws Exception {
        Path bad = Files.createTempFile("bad", ".yml");
        try {
            Files.writeString(bad, "controlPlane:\n  pools:\n    p:\n      lunSize: 64M\n");
            LunpoolConfiguration badName = factory.build(new FileConfigurationSourceProvider(), bad.toString());
            assertThatThrownBy(() -> ControlPlaneProcess.checkPools(badName.controlPlane))
                    .isInstanceOfSatisfying(io.lunpool.core.LunpoolException.class,
                            e -> assertThat(e.reason()).isEqualTo(io.lunpool.core.Reason.INVALID))
                    .hasMessageContaining("controlPlane.pools.p in the configuration file")
                    .hasMessageContaining("pool name 'p' is not valid");
            Files.writeString(bad, "controlPlane:\n  pools:\n    gold:\n      lunSize: 64M\n      fsType: xfs\n");
            LunpoolConfiguration smallXfs = factory.build(new FileConfigurationSourceProvider(), bad.toString());
            assertThatThrownBy(() -> ControlPlaneProcess.checkPools(smallXfs.controlPlane))
                    .hasMessageContaining("controlPlane.pools.gold");
            Files.writeString(bad, "controlPlane:\n  pools:\n    gold:\n      lunSize: 12 parsecs\n");
            LunpoolConfiguration badSize = factory.build(new FileConfigurationSourceProvider(), bad.toString());
            assertThatThrownBy(() -> ControlPlaneProcess.checkPools(badSize.controlPlane))
                    .hasMessageContaining("controlPlane.pools.gold").hasMessageContaining("12 parsecs");
        } finally {
            Files.delete(bad);
        }
    }

    @Test
    void unknownFieldsAreRefusedWithTheirName() throws Exception {
        Path bad = Files.createTempFile("bad", ".yml");
        try {
            Files.writeString(bad, "controlPlane:\n  maxBatchh: 10\n");
            assertThatThrownBy(() -> factory.build(new FileConfigurationSourceProvider(), bad.toString()))
                    .hasMessageContaining("maxBatchh");
            Files.writeString(bad, "backend:\n  createMountTimeout: 500s\n");
            assertThatThrownBy(() -> factory.build(new FileConfigurationSourceProvider(), bad.toString()))
                    .isInstanceOf(ConfigurationValidationException.class);
        } finally {
            Files.delete(bad);
        }
    }
}
