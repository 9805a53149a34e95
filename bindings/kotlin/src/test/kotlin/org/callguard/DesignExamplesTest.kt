package org.callguard

import org.callguard.Support.call
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** DESIGN.md's and the examples, decided through the bindings. */
class DesignExamplesTest {
    @Test
    fun `a foreign calling code in front of the police number is blocked as a spoof`() {
        Support.demoEngine().use { engine ->
            val d = engine.checkCall(call("+852 12110"))
            assertEquals(Action.BLOCK, d.action)
            assertEquals(ReasonCode.SPOOFED_OFFICIAL, d.reasons[0].code)
            assertEquals(Category.OFFICIAL_IMPERSONATION, d.category)
            assertTrue(d.reasons.any { it.code == ReasonCode.OVERSEAS_CALL })
        }
    }

    @Test
    fun `the real police is allowed, a failed STIR SHAKEN check on it is not`() {
        Support.demoEngine().use { engine ->
            assertEquals(Action.ALLOW, engine.checkCall(call("110")).action)
            val failed = engine.checkCall(call("110", verification = Verification.FAILED))
            assertEquals(Action.BLOCK, failed.action)
            assertEquals(ReasonCode.SPOOFED_OFFICIAL, failed.reasons[0].code)
        }
    }

    @Test
    fun `overseas calls switched off are blocked, with contacts, allowed countries and allow rules as ways out`() {
        // No list: the overseas policy alone decides.
        Engine.openInMemory("CN").use { engine ->
            val number = "+855 12 345 678"
            assertEquals(Action.WARN, engine.checkCall(call(number)).action, "the default is warn")

            engine.setSetting("overseas-calls", "block")
            val blocked = engine.checkCall(call(number))
            assertEquals(Action.BLOCK, blocked.action)
            assertEquals(ReasonCode.OVERSEAS_CALL, blocked.reasons[0].code)

            val contact = engine.checkCall(call(number, isContact = true))
            assertEquals(Action.ALLOW, contact.action)
            assertEquals(ReasonCode.CONTACT, contact.reasons[0].code)

            engine.setSetting("allowed-countries", "KH")
            assertEquals(Action.ALLOW, engine.checkCall(call(number)).action)
            engine.setSetting("allowed-countries", "none")
            assertEquals(Action.BLOCK, engine.checkCall(call(number)).action)

            engine.addRule(RuleKind.ALLOW, number)
            val allowed = engine.checkCall(call(number))
            assertEquals(Action.ALLOW, allowed.action)
            assertEquals(ReasonCode.USER_ALLOW, allowed.reasons[0].code)
        }
    }

    @Test
    fun `hidden numbers follow their setting`() {
        Engine.openInMemory("CN").use { engine ->
            val hidden = call(null, presentation = Presentation.RESTRICTED)
            assertEquals(Action.ALLOW, engine.checkCall(hidden).action)
            engine.setSetting("hidden-numbers", "block")
            val d = engine.checkCall(hidden)
            assertEquals(Action.BLOCK, d.action)
            assertEquals(ReasonCode.HIDDEN_NUMBER, d.reasons[0].code)
        }
    }

    @Test
    fun `a listed number and a listed range decide from the signed list`() {
        Support.demoEngine().use { engine ->
            val d = engine.checkCall(call("+86 170 0094 5041"))
            assertEquals(Action.BLOCK, d.action)
            assertEquals(ReasonCode.LIST_NUMBER, d.reasons[0].code)
            val range = engine.checkCall(call("+855 23 123 456"))
            assertEquals(Action.BLOCK, range.action)
            assertTrue(range.reasons.any { it.code == ReasonCode.LIST_PREFIX })
        }
    }
}
