package io.lunpool.backend.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lunpool.core.LunpoolException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class MountInfoParserTest {

    static Stream<Arguments> lines() {
        return Stream.of(
                Arguments.of("no optional fields",
                        "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard",
                        new MountInfo(27, 1, "254:0", "/", Path.of("/"), "rw,relatime", "ext4", "/dev/vda", "rw,discard")),
                Arguments.of("one optional field",
                        "88 27 7:3 / /var/lib/lunpool/mounts/v1 rw,noatime shared:42 - xfs /dev/loop3 rw,attr2,inode64",
                        new MountInfo(88, 27, "7:3", "/", Path.of("/var/lib/lunpool/mounts/v1"), "rw,noatime", "xfs",
                                "/dev/loop3", "rw,attr2,inode64")),
                Arguments.of("several optional fields",
                        "36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 shared:7 propagate_from:2 - ext3 /dev/root rw,errors=continue",
                        new MountInfo(36, 35, "98:0", "/mnt1", Path.of("/mnt/parent"), "rw,noatime", "ext3", "/dev/root",
                                "rw,errors=continue")),
                Arguments.of("space in mount point",
                        "90 27 7:0 / /tmp/my\\040volume rw,noatime - ext4 /dev/loop0 rw",
                        new MountInfo(90, 27, "7:0", "/", Path.of("/tmp/my volume"), "rw,noatime", "ext4", "/dev/loop0", "rw")),
                Arguments.of("tab, newline and backslash escapes",
                        "91 27 7:1 /a\\134b /tmp/x\\011y\\012z rw - ext4 /dev/loop1 rw",
                        new MountInfo(91, 27, "7:1", "/a\\b", Path.of("/tmp/x\ty\nz"), "rw", "ext4", "/dev/loop1", "rw")),
                Arguments.of("escaped source and no super options",
                        "92 27 0:50 / /srv rw - fuse.sshfs user@host:/my\\040dir",
                        new MountInfo(92, 27, "0:50", "/", Path.of("/srv"), "rw", "fuse.sshfs", "user@host:/my dir", "")),
                Arguments.of("backslash not followed by octal digits stays",
                        "93 27 0:51 / /srv/a\\x rw - tmpfs tmpfs rw",
                        new MountInfo(93, 27, "0:51", "/", Path.of("/srv/a\\x"), "rw", "tmpfs", "tmpfs", "rw")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lines")
    void parsesLine(String why, String line, MountInfo expected) {
        assertThat(MountInfoParser.parseLine(line)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "27 1 254:0 / / rw,relatime ext4 /dev/vda rw", "x 1 254:0 / / rw - ext4 /dev/vda rw",
            "27 1 254:0 / / rw -"})
    void malformedLineIsHostError(String line) {
        assertThatThrownBy(() -> MountInfoParser.parseLine(line))
                .isInstanceOf(LunpoolException.class)
                .hasMessageContaining("mountinfo line is not understood");
    }

    @Test
    void parsesWholeTableInOrderSkippingBlankLines() {
        String text = "27 1 254:0 / / rw - ext4 /dev/vda rw\n\n88 27 7:3 / /mnt/v1 rw - xfs /dev/loop3 rw\n";

        assertThat(MountInfoParser.parse(text)).extracting(MountInfo::mountPoint)
                .containsExactly(Path.of("/"), Path.of("/mnt/v1"));
    }

    @Test
    void parsesThisProcessMountTable() throws Exception {
        String text = java.nio.file.Files.readString(Path.of("/proc/self/mountinfo"));

        assertThat(MountInfoParser.parse(text)).extracting(MountInfo::mountPoint).contains(Path.of("/"));
    }
}
