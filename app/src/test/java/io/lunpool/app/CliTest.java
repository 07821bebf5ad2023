package io.lunpool.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lunpool.core.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code lunpool pool ...} and {@code lunpool volume ...} run in-process through LunpoolApplication. */
class CliTest {
    @RegisterExtension
    static final ControlPlaneAppExtension cluster = new ControlPlaneAppExtension("/lunpool-cli");
    private static final ControlPlaneApp app = cluster.leader();

    record Run(int exit, String out, String err) {
        JsonNode json() throws Exception {
            return Json.mapper().readTree(out);
        }

        List<String> lines() {
            return out.lines().toList();
        }
    }

    private static Run lunpool(String... args) throws Exception {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.add(2, "--url=" + app.url); // after "pool ls": options of the action
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new LunpoolApplication().run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), all.toArray(String[]::new));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void poolSetAndLsPrintATableAndJson() throws Exception {
        Run set = lunpool("pool", "set", "cli-gold", "--lun-size", "16M", "--min-free", "0", "--max-free", "2");
        assertThat(set.exit()).as(set.toString()).isZero();
        assertThat(set.lines().get(0)).startsWith("POOL").contains("LUN SIZE").contains("FREE").contains("FAILED");
        assertThat(set.lines().get(1)).startsWith("cli-gold").contains("16M").contains("ext4");

        Run ls = lunpool("pool", "ls");
        assertThat(ls.exit()).as(ls.toString()).isZero();
        assertThat(ls.lines().get(0)).isEqualTo(set.lines().get(0).substring(0, ls.lines().get(0).length()));
        assertThat(ls.lines()).anySatisfy(l -> assertThat(l).startsWith("cli-gold "));

        Run json = lunpool("pool", "ls", "--json");
        assertThat(json.exit()).as(json.toString()).isZero();
        JsonNode pools = json.json();
        assertThat(pools.isArray()).isTrue();
        assertThat(pools).anySatisfy(p -> {
            assertThat(p.path("name").asText()).isEqualTo("cli-gold");
            assertThat(p.path("counts").has("free")).isTrue();
        });
    }

    @Test
    void volumeCreateLsInspectRm() throws Exception {
        assertThat(lunpool("pool", "set", "cli-vol", "--lun-size", "16M", "--min-free", "0", "--max-free", "1")
                .exit()).isZero();
        Run create = lunpool("volume", "create", "cli-v1", "--pool", "cli-vol", "--size", "8M", "--opt", "iops=100");
        assertThat(create.exit()).as(create.toString()).isZero();
        assertThat(create.lines().get(0)).startsWith("VOLUME").contains("POOL").contains("LUN").contains("ATTACHED TO");
        assertThat(create.lines().get(1)).startsWith("cli-v1").contains("cli-vol").contains("16M").contains("naa.");

        Run ls = lunpool("volume", "ls", "--json");
        assertThat(ls.exit()).as(ls.toString()).isZero();
        assertThat(ls.json()).anySatisfy(v -> assertThat(v.path("name").asText()).isEqualTo("cli-v1"));

        Run inspect = lunpool("volume", "inspect", "cli-v1", "--json");
        assertThat(inspect.exit()).as(inspect.toString()).isZero();
        assertThat(inspect.json().path("pool").asText()).isEqualTo("cli-vol");
        assertThat(inspect.json().path("options").path("iops").asText()).isEqualTo("100");
        assertThat(inspect.json().path("lun").asText()).startsWith("naa.");

        Run table = lunpool("volume", "ls");
        assertThat(table.lines().get(0)).startsWith("VOLUME");
        assertThat(table.lines()).anySatisfy(l -> assertThat(l).startsWith("cli-v1 "));

        Run rm = lunpool("volume", "rm", "cli-v1");
        assertThat(rm.exit()).as(rm.toString()).isZero();
        assertThat(rm.out().trim()).isEqualTo("cli-v1");
        assertThat(app.http().get("/v1/volumes/cli-v1").status()).isEqualTo(404);
    }

    @Test
    void errorsPrintReasonAndMessageAndExit1() throws Exception {
        Run missing = lunpool("volume", "inspect", "cli-none");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err().trim()).isEqualTo("NOT_FOUND: volume 'cli-none' does not exist");
        assertThat(missing.out()).isEmpty();

        Run bad = lunpool("volume", "create", "bad..name", "--size", "8M");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).startsWith("INVALID: ").contains("'..'").doesNotContain("\tat ");

        Run opt = lunpool("volume", "create", "cli-v2", "--opt", "iops");
        assertThat(opt.exit()).isEqualTo(1);
        assertThat(opt.err()).startsWith("INVALID: option 'iops' is not key=value");

        Run policy = lunpool("pool", "set", "cli-bad", "--min-free", "5", "--max-free", "2");
        assertThat(policy.exit()).isEqualTo(1);
        assertThat(policy.err()).contains("minFree 5 is greater than maxFree 2");
    }

    @Test
    void anUnreachableControlPlaneIsATransientErrorNotAStackTrace() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new LunpoolApplication().run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), "pool", "ls", "--url", "http://127.0.0.1:1");
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("TRANSIENT: ").contains("127.0.0.1:1");
    }
}
