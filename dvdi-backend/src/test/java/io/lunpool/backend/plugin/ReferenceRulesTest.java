package io.lunpool.backend.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The counting rules, as sequences of calls on one volume; {@code -} stands for the ID-less key. */
class ReferenceRulesTest {
    private static final MountedVolume FRESH = new MountedVolume("v1", "wwn-v1", "/array/v1.img", "ext4",
            Path.of("/var/lib/lunpool/mounts/v1"), Instant.parse("2026-11-28T22:18:21Z"), Map.of());

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            a Mount adds one reference to its ID             | mount A                                 | A=1
            the same ID mounted twice is counted twice       | mount A, mount A                        | A=2
            an Unmount removes one reference of its ID       | mount A, mount A, unmount A             | A=1
            the last Unmount of an ID removes the ID         | mount A, unmount A                      | ''
            IDs are counted apart                            | mount A, mount B, unmount A             | B=1
            an Unmount of an unknown ID changes nothing      | mount A, unmount B                      | A=1
            an Unmount of a volume without references        | unmount A                               | ''
            ID-less Mounts share one key                     | mount -, mount -                        | -=2
            an ID-less Unmount releases all ID-less ones     | mount -, mount -, mount C, unmount -    | C=1
            an ID-less Unmount leaves the IDs alone          | mount A, mount -, unmount -             | A=1
            releaseOne takes back one ID-less reference      | mount -, mount -, releaseOne -          | -=1
            releaseOne takes back one reference of an ID     | mount A, mount A, releaseOne A          | A=1
            releaseOne of the last reference removes the ID  | mount A, releaseOne A                   | ''
            releaseOne of an unknown ID changes nothing      | mount A, releaseOne B                   | A=1
            """)
    void counts(String rule, String calls, String expected) {
        MountedVolume v = FRESH;
        for (String call : calls.split(",")) {
            String[] words = call.strip().split(" ");
            String id = words[1].equals("-") ? ReferenceRules.NO_ID : words[1];
            v = switch (words[0]) {
                case "mount" -> ReferenceRules.mount(v, id);
                case "unmount" -> ReferenceRules.unmount(v, id);
                case "releaseOne" -> ReferenceRules.releaseOne(v, id);
                default -> throw new IllegalArgumentException(call);
            };
        }
        assertThat(v.references()).as(rule).isEqualTo(references(expected));
        assertThat(v.withReferences(Map.of())).as("only the references change").isEqualTo(FRESH);
    }

    private static Map<String, Integer> references(String text) {
        Map<String, Integer> refs = new TreeMap<>();
        for (String pair : text.isEmpty() ? new String[0] : text.split(",")) {
            String[] kv = pair.strip().split("=");
            refs.put(kv[0].equals("-") ? ReferenceRules.NO_ID : kv[0], Integer.parseInt(kv[1]));
        }
        return refs;
    }
}
