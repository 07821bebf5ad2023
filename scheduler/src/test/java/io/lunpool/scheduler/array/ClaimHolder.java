package io.lunpool.scheduler.array;

import io.lunpool.core.spi.LunClaim;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Another process on a loop array: claims one LUN, prints {@code claimed} or {@code refused}, and keeps the claim
 * until it is killed or its stdin closes. Arguments: the array directory and the LUN's wwn.
 */
public final class ClaimHolder {
    private ClaimHolder() {
    }

    public static void main(String[] args) throws IOException {
        Optional<LunClaim> claim = new LoopArray(Path.of(args[0])).tryClaim(args[1], "claim-holder");
        System.out.println(claim.isPresent() ? "claimed" : "refused");
        System.out.flush();
        while (System.in.read() >= 0) {
            // hold the claim until stdin closes
        }
    }
}
