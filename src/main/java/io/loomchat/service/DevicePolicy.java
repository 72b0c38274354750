package io.loomchat.service;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Devices (protocol 2.3): how many sessions of one user may live at once, and how long a device
 * that stays away is remembered.
 *
 * @param maxDevices  device sessions one user may have live at once in the whole cluster
 * @param expiry      a device that has not logged in for this long is forgotten, with the messages
 *                    kept for it
 */
public record DevicePolicy(int maxDevices, Duration expiry) {

    public static final int DEFAULT_MAX_DEVICES = 10;
    public static final Duration DEFAULT_EXPIRY = Duration.ofDays(30);
    /** What a device id may be (PROTOCOL.md): chosen once per installation by the client. */
    static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    static final int MAX_DEVICE_ID_CHARS = 64;

    public DevicePolicy {
        if (maxDevices < 1 || maxDevices > 100) {
            throw new IllegalArgumentException("--max-devices must be between 1 and 100, not " + maxDevices);
        }
        if (expiry == null || expiry.compareTo(Duration.ofHours(1)) < 0) {
            throw new IllegalArgumentException("--device-expiry must be at least 1h, not " + expiry);
        }
    }

    public static DevicePolicy defaults() {
        return new DevicePolicy(DEFAULT_MAX_DEVICES, DEFAULT_EXPIRY);
    }

    public DevicePolicy withMaxDevices(int max) {
        return new DevicePolicy(max, expiry);
    }
}
