package io.loomchat.loadtest.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.loomchat.loadtest.LoadOptions;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The ledger with three devices per user, without a server: each acknowledged message is owed to
 * every device of its recipient, and as a carbon to every device of its sender but the one that
 * sent it; a copy one device never showed is lost however many others showed it.
 */
class LedgerDevicesTest {

    private RunContext run;
    private SimUser alice;
    private SimUser bob;
    private Stream toBob;

    @BeforeEach
    void twoUsersWithThreeDevicesEach() throws Exception {
        LoadOptions options = CommandLine.populateCommand(new LoadOptions(), "--pairs", "1", "--one-way", "--devices", "3");
        AddressPlan plan = new AddressPlan(AddressPlan.parseTargets(List.of(), "127.0.0.1", 6000),
                List.<InetAddress>of(), false);
        run = new RunContext(options, plan, "ledger", System.err);
        alice = new SimUser(run, 0);
        bob = new SimUser(run, 1);
        alice.registeredAs(101);
        bob.registeredAs(102);
        alice.devices().forEach(SimDevice::seenByTheServer);
        bob.devices().forEach(SimDevice::seenByTheServer);
        toBob = Pairs.open(run, List.of(alice, bob)).get(0);
    }

    @AfterEach
    void closeRun() throws Exception {
        run.close();
    }

    @Test
    void aMessageIsOwedToEveryDeviceOfTheRecipientAndAsACarbonToTheSendersOtherDevices() {
        assertEquals(5, toBob.copies, "3 devices of bob, and alice's 2 others");
        send(0, 0); // from alice's d0
        send(1, 1); // from alice's d1
        showAll(bob, 0, 1);
        showOn(alice, 1, 0);
        showOn(alice, 2, 0, 1);
        showOn(alice, 0, 1);

        Ledger.Shortfall all = run.ledger.shortfall(true);
        assertEquals(10, all.owed(), "2 messages x (3 recipient devices + 2 carbons)");
        assertEquals(10, all.received());
        assertEquals(0, all.lost());
        assertEquals(4, all.carbonsReceived());
        assertEquals(0, all.carbonsLost());
        assertEquals(1, toBob.senderDevice(1));
    }

    @Test
    void aCopyOneDeviceNeverShowedIsLostAndSoIsACarbon() {
        send(0, 0);
        send(1, 2); // from alice's d2: d0 and d1 are owed its carbon
        showOn(bob, 0, 0, 1);
        showOn(bob, 1, 0, 1);
        showOn(bob, 2, 0); // bob's third device never showed message 1
        showOn(alice, 1, 0, 1);
        showOn(alice, 2, 0); // alice's d0 never got the carbon of message 1; d2 sent it and is owed none

        Ledger.Shortfall all = run.ledger.shortfall(true);
        assertEquals(10, all.owed());
        assertEquals(2, all.lost(), "one recipient device and one carbon");
        assertEquals(1, all.carbonsLost());
        assertEquals(3, all.carbonsReceived());
        assertEquals(0, all.unacknowledged());
    }

    @Test
    void aMessageNeitherAcknowledgedNorShownAnywhereIsUnacknowledgedNotLost() {
        toBob.nextNumber(System.nanoTime(), 0);
        toBob.nextNumber(System.nanoTime(), 1);
        toBob.acknowledged(0);
        showAll(bob, 0);
        showOn(alice, 1, 0);
        showOn(alice, 2, 0);
        showOn(alice, 2, 1); // a carbon of message 1 arrived: the server took it, only its ACK is missing

        Ledger.Shortfall all = run.ledger.shortfall(true);
        assertEquals(5, all.owed(), "only the acknowledged message is owed");
        assertEquals(0, all.lost());
        assertEquals(0, all.unacknowledged(), "heard of by a device of the sender");
        assertEquals(1, all.ackPending());
    }

    private void send(long number, int device) {
        assertEquals(number, toBob.nextNumber(System.nanoTime(), device));
        toBob.acknowledged(number);
    }

    private void showAll(SimUser user, long... numbers) {
        for (int d = 0; d < user.devices().size(); d++) {
            showOn(user, d, numbers);
        }
    }

    private void showOn(SimUser user, int device, long... numbers) {
        for (long number : numbers) {
            user.devices().get(device).arrivals().record(toBob.key(), number);
        }
    }

    @Test
    void aDeviceThatNeverLoggedInIsOwedNothing() {
        SimUser carol = new SimUser(run, 2);
        SimUser dave = new SimUser(run, 3);
        carol.registeredAs(103);
        dave.registeredAs(104);
        carol.devices().forEach(SimDevice::seenByTheServer);
        dave.devices().get(0).seenByTheServer(); // dave's d1 and d2 never logged in: the server does not know them
        Stream toDave = Pairs.open(run, List.of(carol, dave)).get(0);
        assertEquals(0, toDave.nextNumber(System.nanoTime(), 0));
        toDave.acknowledged(0);
        dave.devices().get(0).arrivals().record(toDave.key(), 0);
        carol.devices().get(1).arrivals().record(toDave.key(), 0);
        carol.devices().get(2).arrivals().record(toDave.key(), 0);

        Ledger.Shortfall all = run.ledger.shortfall(true);
        assertEquals(3, all.owed(), "dave's d0 and carol's two other devices; dave's unknown devices are owed nothing");
        assertEquals(0, all.lost());
    }
}
