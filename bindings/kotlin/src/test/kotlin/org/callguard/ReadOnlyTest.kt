package org.callguard

import org.callguard.Support.call
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Test

/** The read-only engine of extensions and cold receivers, beside the app's own engine. */
class ReadOnlyTest {
    @Test
    fun `a read-only engine decides from the app's directory, records nothing, refuses writes and reloads`() {
        val dir = Support.tempDir()
        Support.demoEngine(dir).use { app ->
            Engine.openReadOnly(dir.path, "CN", Support.demoRoot).use { receiver ->
                assertEquals(Action.BLOCK, receiver.checkCall(call("+852 12110")).action)
                assertEquals(Action.BLOCK, receiver.screenCall(call("+852 12110")).action)
                assertEquals(0L, app.status().historyEntries)
                assertEquals(0UL, receiver.status().historyDropped)
                assertEquals(app.exportVersion(), receiver.exportVersion())

                assertThrows(CallguardException.ReadOnly::class.java) { receiver.pause(null) }
                assertThrows(CallguardException.ReadOnly::class.java) {
                    receiver.addRule(RuleKind.BLOCK, "+86 139 0000 0001")
                }
                assertThrows(CallguardException.ReadOnly::class.java) {
                    receiver.installUpdate(Support.siteFiles(Support.demoSite))
                }

                app.addRule(RuleKind.BLOCK, "+86 139 0000 0001")
                assertEquals(0, receiver.rules().size, "not refreshed by itself")
                receiver.reload()
                assertEquals(1, receiver.rules().size)
                assertEquals(Action.BLOCK, receiver.checkCall(call("+86 139 0000 0001")).action)
            }
        }
    }
}
