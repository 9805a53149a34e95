package org.callguard.app.logic

import org.junit.Assert.assertEquals
import org.junit.Assert.assertNull
import org.junit.Test
import java.time.Instant
import java.time.ZoneId
import java.time.ZonedDateTime

/** The status screen's priorities and the pause lengths, on the JVM. */
class StatusAndPauseTest {
    @Test
    fun `the first problem wins`() {
        assertEquals(StatusKind.ROLE_MISSING, StatusKind.of(roleHeld = false, paused = true, listStale = true))
        assertEquals(StatusKind.PAUSED, StatusKind.of(roleHeld = true, paused = true, listStale = true))
        assertEquals(StatusKind.LIST_STALE, StatusKind.of(roleHeld = true, paused = false, listStale = true))
        assertEquals(StatusKind.PROTECTED, StatusKind.of(roleHeld = true, paused = false, listStale = false))
    }

    @Test
    fun `pause lengths`() {
        val zone = ZoneId.of("Asia/Shanghai")
        val now = ZonedDateTime.of(2026, 12, 2, 23, 30, 0, 0, zone).toInstant()
        assertEquals(now.epochSecond + 3_600, PauseChoice.ONE_HOUR.untilUnixSeconds(now, zone))
        assertEquals(ZonedDateTime.of(2026, 12, 3, 0, 0, 0, 0, zone).toEpochSecond(), PauseChoice.UNTIL_TOMORROW.untilUnixSeconds(now, zone))
        assertNull(PauseChoice.UNTIL_RESUMED.untilUnixSeconds(Instant.EPOCH, zone))
    }
}
