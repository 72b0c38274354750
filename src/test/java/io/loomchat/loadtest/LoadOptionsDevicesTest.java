package io.loomchat.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** --devices: 1 to 10, and above 1 only in the modern dialect with receipts, since a device session is a receipts session. */
class LoadOptionsDevicesTest {

    @Test
    void oneDeviceIsTheDefaultAndSendsNoDeviceId() {
        LoadOptions options = options();
        assertEquals(1, options.devices);
        assertNull(options.deviceId(0), "a 2.2 session: no device field at all");
        assertNull(options.validate("chat"));
    }

    @Test
    void severalDevicesAreNamedD0Onwards() {
        LoadOptions options = options("--devices", "10");
        assertNull(options.validate("group"));
        assertEquals("d0", options.deviceId(0));
        assertEquals("d9", options.deviceId(9));
    }

    @Test
    void aCountOutsideOneToTenIsRefusedNamingTheOption() {
        assertTrue(options("--devices", "11").validate("chat").startsWith("--devices must be 1-10"));
        assertTrue(options("--devices", "0").validate("chat").startsWith("--devices must be 1-10"));
    }

    @Test
    void severalDevicesNeedTheModernDialectWithReceipts() {
        assertTrue(options("--devices", "2", "--framing", "classic").validate("chat").contains("--framing modern"));
        assertTrue(options("--devices", "2", "--no-receipts").validate("chat").contains("--no-receipts"));
        assertNull(options("--devices", "1", "--no-receipts").validate("chat"), "one device keeps every 2.2 option");
    }

    private static LoadOptions options(String... args) {
        return CommandLine.populateCommand(new LoadOptions(), args);
    }
}
