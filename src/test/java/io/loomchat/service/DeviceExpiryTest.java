package io.loomchat.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.loomchat.cluster.SingleNode;
import io.loomchat.store.DeviceDao;
import io.loomchat.store.OfflineMessageDao;
import io.loomchat.testing.Backend;
import io.loomchat.testing.OpenDatabase;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Protocol 2.3: a device not seen for the expiry is forgotten, with what was kept for it; on both backends. */
@ParameterizedClass
@EnumSource(Backend.class)
class DeviceExpiryTest {

    private static final Duration EXPIRY = Duration.ofDays(30);
    private static final long NOW = 1_800_000_000_000L;
    private static final long LONG_AGO = NOW - EXPIRY.toMillis() - 1;

    @RegisterExtension
    final OpenDatabase db;

    DeviceExpiryTest(Backend backend) {
        this.db = new OpenDatabase(backend);
    }

    @Test
    void idleDevicesAreForgottenWithTheirMessagesAndTheOthersStay() {
        DeviceDao devices = db.database().devices();
        int oldPhone = devices.loggedIn(1, "phone", LONG_AGO).mailbox();
        int oldClassic = devices.loggedIn(1, DeviceDao.NO_DEVICE, LONG_AGO).mailbox();
        int tablet = devices.loggedIn(1, "tablet", NOW - Duration.ofDays(1).toMillis()).mailbox();
        int onlyClassic = devices.loggedIn(2, DeviceDao.NO_DEVICE, LONG_AGO).mailbox();
        OfflineMessageDao offline = db.database().offlineMessages();
        for (int mailbox : List.of(oldPhone, oldClassic, tablet, onlyClassic)) {
            offline.store(mailbox, 100 + Math.abs(mailbox), "{\"msgid\":6}");
        }
        KnownDevices known = new KnownDevices(devices, new SingleNode());

        DeviceExpiry expiry = new DeviceExpiry(devices, known, EXPIRY, () -> NOW);
        assertEquals(2, expiry.sweep(), "user 1's idle phone and idle classic client");

        assertArrayEquals(new int[] {tablet}, known.mailboxesOf(1), "only the tablet is kept for user 1");
        assertEquals(0, offline.pendingFor(oldPhone).size(), "forgotten with what was kept for it");
        assertEquals(0, offline.pendingFor(oldClassic).size());
        assertEquals(1, offline.pendingFor(tablet).size());
        assertArrayEquals(new int[] {2}, known.mailboxesOf(2),
                "a session without a device id that is its user's only device is never forgotten");
        assertEquals(1, offline.pendingFor(onlyClassic).size(), "an old client's messages wait for it");
        assertEquals(0, expiry.sweep(), "nothing more to forget");
    }

    @Test
    void aLoginKeepsADeviceKnown() {
        DeviceDao devices = db.database().devices();
        DeviceDao.Seen first = devices.loggedIn(3, "laptop", LONG_AGO);
        DeviceDao.Seen again = devices.loggedIn(3, "laptop", NOW);
        assertEquals(true, first.first());
        assertEquals(false, again.first());
        assertEquals(first.mailbox(), again.mailbox(), "a device keeps its mailbox");
        KnownDevices known = new KnownDevices(devices, new SingleNode());
        assertEquals(0, new DeviceExpiry(devices, known, EXPIRY, () -> NOW).sweep());
        assertArrayEquals(new int[] {first.mailbox()}, known.mailboxesOf(3));
    }

    @Test
    void aLoginSoonAfterTheLastWritesNothingButALaterOneDoes() {
        DeviceDao devices = db.database().devices();
        KnownDevices known = new KnownDevices(devices, new SingleNode());
        long firstLogin = LONG_AGO;
        devices.loggedIn(4, "phone", firstLogin);
        devices.loggedIn(4, "phone", firstLogin + Duration.ofMinutes(5).toMillis()); // a reconnect: not written
        assertEquals(1, new DeviceExpiry(devices, known, EXPIRY, () -> NOW + Duration.ofMinutes(1).toMillis()).sweep(),
                "the expiry counts from the last login written, at most ten minutes before the last one");

        int phone = devices.loggedIn(4, "phone", firstLogin).mailbox();
        devices.loggedIn(4, "phone", firstLogin + Duration.ofMinutes(11).toMillis()); // written
        assertEquals(0, new DeviceExpiry(devices, known, EXPIRY, () -> NOW + Duration.ofMinutes(1).toMillis()).sweep());
        assertArrayEquals(new int[] {phone}, known.mailboxesOf(4));
    }
}
