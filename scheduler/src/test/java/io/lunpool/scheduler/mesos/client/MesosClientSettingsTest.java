package io.lunpool.scheduler.mesos.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MesosClientSettingsTest {
    @TempDir
    Path dir;

    private static MesosClientSettings.Builder valid() {
        return MesosClientSettings.builder().master("http://master1:5050").role("storage");
    }

    @Test
    void badSettingsAreRefusedWithTheSettingNamed() throws IOException {
        Path unreadable = dir.resolve("missing-secret");
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        Object[][] table = {
                {(UnaryOperator<MesosClientSettings.Builder>) b -> b.role(null), "mesos.role is required"},
                {(UnaryOperator<MesosClientSettings.Builder>) b -> b.role(" "), "mesos.role is required"},
                {(UnaryOperator<MesosClientSettings.Builder>) b -> b.role("*"), "mesos.role '*'"},
                {(UnaryOperator<MesosClientSettings.Builder>) b -> b.role("a b"), "mesos.role 'a b'"},
                {(UnaryOperator<MesosClientSettings.Builder>) b -> b.contentType("xml"), "mesos.contentType 'xml'"},
                {(UnaryOperator<MesosClientSettings.Builder>) b -> b.contentType("JSON"), "mesos.contentType"},
                {(UnaryOperator<MesosClientSettings.Builder>) b -> b.principal("p").secretFile(unreadable.toString()),
                        "mesos.secretFile " + unreadable + " cannot be read"},
                {(UnaryOperator<MesosClientSettings.Builder>) b -> b.principal("p").secretFile(empty.toString()),
                        "mesos.secretFile " + empty + " is empty"},
                {(UnaryOperator<MesosClientSettings.Builder>) b -> b.secretFile(empty.toString()),
                        "mesos.secretFile is set but principal is not"},
                {(UnaryOperator<MesosClientSettings.Builder>) b -> b.master(null), "mesos.master is empty"},
                {(UnaryOperator<MesosClientSettings.Builder>) b -> b.master("master1:5050"), "mesos.master"},
                {(UnaryOperator<MesosClientSettings.Builder>) b -> b.master("ftp://m:5050"), "mesos.master"},
                {(UnaryOperator<MesosClientSettings.Builder>) b -> b.master("http://m:5050/api"), "has a path"},
                {(UnaryOperator<MesosClientSettings.Builder>) b -> b.master("http://m:99999"), "over 65535"},
                {(UnaryOperator<MesosClientSettings.Builder>) b -> b.master("zk://zk1:2181"), "names no ZooKeeper path"},
                {(UnaryOperator<MesosClientSettings.Builder>) b -> b.master("zk:///mesos"), "names no ZooKeeper server"},
                {(UnaryOperator<MesosClientSettings.Builder>) b -> b.master("zk://zk1:2181,bad host/mesos"),
                        "'bad host'"},
                {(UnaryOperator<MesosClientSettings.Builder>) b -> b.master("zk://zk1:2181/mesos/"), "malformed"},
                {(UnaryOperator<MesosClientSettings.Builder>) b -> b.reconnectBackoffMax(Duration.ofSeconds(31)),
                        "mesos.reconnectBackoffMax PT31S is over the cap of PT30S"},
                {(UnaryOperator<MesosClientSettings.Builder>) b -> b.reconnectBackoffMin(Duration.ofSeconds(20)),
                        "mesos.reconnectBackoffMin"},
                {(UnaryOperator<MesosClientSettings.Builder>) b -> b.failoverTimeout(Duration.ZERO),
                        "mesos.failoverTimeout must be a positive duration"},
                {(UnaryOperator<MesosClientSettings.Builder>) b -> b.callTimeout(Duration.ofSeconds(-1)),
                        "mesos.callTimeout"},
                {(UnaryOperator<MesosClientSettings.Builder>) b -> b.maxRedirects(0), "mesos.maxRedirects"},
                {(UnaryOperator<MesosClientSettings.Builder>) b -> b.declineRefuse(Duration.ofDays(400)),
                        "mesos.declineRefuse"},
                {(UnaryOperator<MesosClientSettings.Builder>) b -> b.user(""), "mesos.user is required"},
                {(UnaryOperator<MesosClientSettings.Builder>) b -> b.reconcileBatch(0), "mesos.reconcileBatch"},
        };
        for (Object[] row : table) {
            @SuppressWarnings("unchecked")
            UnaryOperator<MesosClientSettings.Builder> change = (UnaryOperator<MesosClientSettings.Builder>) row[0];
            assertThatThrownBy(() -> change.apply(valid()).build()).as((String) row[1])
                    .isInstanceOfSatisfying(LunpoolException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INVALID))
                    .hasMessageContaining((String) row[1]);
        }
    }

    @Test
    void defaultsAndValidValues() throws IOException {
        Path secret = Files.writeString(dir.resolve("secret"), "s3cr3t\n");
        MesosClientSettings s = valid().principal("fc-framework").secretFile(secret.toString()).contentType("json")
                .build();
        assertThat(s.contentType()).isEqualTo(MesosContentType.JSON);
        assertThat(s.credentials()).map(MesosCredentials::secret).contains("s3cr3t");
        assertThat(s.toString()).doesNotContain("s3cr3t");
        assertThat(s.failoverTimeout()).isEqualTo(Duration.ofDays(7));
        assertThat(s.callTimeout()).isEqualTo(Duration.ofSeconds(75));
        assertThat(s.reconnectBackoffMax()).isLessThanOrEqualTo(Duration.ofSeconds(30));
        assertThat(valid().build().contentType()).isEqualTo(MesosContentType.PROTOBUF);
        assertThat(valid().build().credentials()).isEmpty();
    }

    @Test
    void masterLocationsParse() {
        assertThat(MasterLocation.parse("http://m1:5050")).isEqualTo(new MasterLocation.Direct(URI.create("http://m1:5050")));
        assertThat(MasterLocation.parse("https://m1")).isEqualTo(new MasterLocation.Direct(URI.create("https://m1:5050")));
        assertThat(MasterLocation.parse("http://[::1]:5050/"))
                .isEqualTo(new MasterLocation.Direct(URI.create("http://[::1]:5050")));
        assertThat(MasterLocation.parse("zk://zk1:2181,zk2:2181,zk3/mesos"))
                .isEqualTo(new MasterLocation.ZooKeeper("zk1:2181,zk2:2181,zk3", "/mesos", Optional.empty()));
        MasterLocation withDigest = MasterLocation.parse("zk://user:pw@zk1:2181/a/mesos");
        assertThat(withDigest).isEqualTo(new MasterLocation.ZooKeeper("zk1:2181", "/a/mesos", Optional.of("user:pw")));
        assertThat(withDigest.toString()).doesNotContain("pw");
    }
}
