package org.callguard.app.logic

import org.callguard.SmsInput
import org.junit.Assert.assertEquals
import org.junit.Test

/** Multipart SMS: the parts of one sender make one text, in order. */
class SmsPartsTest {
    @Test
    fun `parts join per sender in order, and parts without a sender are dropped`() {
        val joined = SmsParts.join(
            listOf(
                SmsPart("95588", "Your account is frozen, "),
                SmsPart("+8613800138000", "hello"),
                SmsPart("95588", "verify at "),
                SmsPart(null, "stray"),
                SmsPart("95588", null),
                SmsPart("95588", "icbc-secure.top"),
            ),
        )
        assertEquals(
            listOf(SmsInput("95588", "Your account is frozen, verify at icbc-secure.top"), SmsInput("+8613800138000", "hello")),
            joined,
        )
    }
}
