package io.lunpool.scheduler.array;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * The host mappings of loop array LUNs, one small file per LUN ({@code <name>.hosts}) made at provision with
 * all its bytes written and afterwards only overwritten in place, so mapping and unmapping need no new space:
 * on a full array filesystem an existing volume still mounts. The file holds two slots of {@value #SLOT} bytes;
 * each write goes to the slot that does not hold the newest record ({@code {"seq":N,"hosts":[...],"crc":C}},
 * padded with NULs), so a write torn by a crash leaves the previous record readable. Reads take the newest slot that
 * parses and ignore the others. Writes are not forced to disk: on the loop array a mapping is advisory (any host
 * can attach the file) and sits on every attach's path; a restarted process reads them back from the page cache.
 */
record LoopMappings(Path directory, ObjectMapper json) {
    static final String SUFFIX = ".hosts";
    static final int SLOT = 2048;

    /** One slot's content; {@code crc} covers seq and hosts, so a slot torn into valid JSON is still refused. */
    record Slot(long seq, List<String> hosts, long crc) {
        Slot {
            hosts = List.copyOf(hosts);
        }

        static Slot of(long seq, List<String> hosts) {
            return new Slot(seq, hosts, crcOf(seq, hosts));
        }

        boolean intact() {
            return crc == crcOf(seq, hosts);
        }

        private static long crcOf(long seq, List<String> hosts) {
            CRC32 crc = new CRC32();
            crc.update((seq + "\n" + String.join("\n", hosts)).getBytes(StandardCharsets.UTF_8));
            return crc.getValue();
        }
    }

    Path file(String name) {
        return directory.resolve(name + SUFFIX);
    }

    /** Makes the file of a new LUN with both slots written (no hosts); the bytes are allocated from now on. */
    void create(String name) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(2 * SLOT);
        bytes.put(encode(Slot.of(0, List.of())));
        bytes.clear();
        try (FileChannel out = FileChannel.open(file(name), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
            out.force(true);
        }
    }

    /** The hosts of the newest readable slot; empty when the LUN has no mappings file (a LUN of an older array). */
    Optional<List<String>> read(String name) {
        return newest(name).map(Slot::hosts);
    }

    /** Overwrites the older slot with the next record. */
    void write(String name, List<String> hosts) {
        Path file = file(name);
        Slot current = newest(name).orElse(null);
        Slot next = Slot.of(current == null ? 1 : current.seq() + 1, hosts);
        ByteBuffer bytes = encode(next);
        long offset = (next.seq() % 2) * SLOT;
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            while (bytes.hasRemaining()) {
                out.write(bytes, offset + bytes.position());
            }
        } catch (IOException e) {
            throw new LunpoolException(Reason.ARRAY_ERROR, "writing the host mappings " + file + " failed: " + e, e);
        }
    }

    void remove(String name) throws IOException {
        Files.deleteIfExists(file(name));
    }

    private Optional<Slot> newest(String name) {
        Path file = file(name);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new LunpoolException(Reason.ARRAY_ERROR, "reading the host mappings " + file + " failed: " + e, e);
        }
        Slot best = null;
        for (int offset = 0; offset < bytes.length; offset += SLOT) {
            Slot slot = decode(bytes, offset, Math.min(bytes.length, offset + SLOT));
            if (slot != null && (best == null || slot.seq() > best.seq())) {
                best = slot;
            }
        }
        return Optional.of(best == null ? Slot.of(0, List.of()) : best);
    }

    private Slot decode(byte[] bytes, int from, int to) {
        int end = from;
        while (end < to && bytes[end] != 0) {
            end++;
        }
        if (end == from) {
            return null;
        }
        try {
            Slot slot = json.readValue(new String(bytes, from, end - from, StandardCharsets.UTF_8), Slot.class);
            return slot.intact() ? slot : null;
        } catch (IOException | RuntimeException torn) {
            return null; // a torn or foreign slot: the other one holds the record
        }
    }

    private ByteBuffer encode(Slot slot) {
        byte[] text;
        try {
            text = json.writeValueAsBytes(slot);
        } catch (IOException e) {
            throw new LunpoolException(Reason.ARRAY_ERROR, "encoding host mappings failed: " + e, e);
        }
        if (text.length >= SLOT) {
            throw new LunpoolException(Reason.ARRAY_ERROR, "a loop array LUN can be mapped to at most the hosts"
                    + " that fit " + SLOT + " bytes; " + slot.hosts().size() + " hosts do not: unmap some first");
        }
        ByteBuffer slotBytes = ByteBuffer.allocate(SLOT);
        slotBytes.put(text);
        slotBytes.clear();
        return slotBytes;
    }
}
