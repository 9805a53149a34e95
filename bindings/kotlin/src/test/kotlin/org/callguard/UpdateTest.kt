package org.callguard

import org.callguard.Support.call
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** Updates over HTTP from `signed-lists serve` on loopback, as the Android update job does. */
class UpdateTest {
    @Test
    fun `a full update from the demo site on loopback, then nothing new`() {
        SiteServer(Support.demoSite).use { server ->
            Engine.open(Support.tempDir().path, "CN", Support.demoRoot).use { engine ->
                // Before any list: +852 12110 is merely an overseas call.
                assertEquals(Action.WARN, engine.checkCall(call("+852 12110")).action)

                val report = engine.update(server.url)
                assertEquals("default", report.list)
                assertEquals(1UL, report.seq)
                assertEquals(UpdateVia.Snapshot, report.installed)
                assertNull(report.previousSeq)
                assertTrue(report.downloadedBytes > 0UL)
                assertFalse(report.clockBehind)

                val d = engine.checkCall(call("+852 12110"))
                assertEquals(Action.BLOCK, d.action)
                assertEquals(ReasonCode.SPOOFED_OFFICIAL, d.reasons[0].code)
                assertEquals(mapOf("default" to 1UL), d.lists)

                val again = engine.update(server.url)
                assertNull(again.installed)
                assertEquals(0UL, again.downloadedBytes)
                val status = engine.status()
                assertEquals(1UL, status.update.installed!!.seq)
                assertTrue(status.update.lastAttempt!!.ok)
                assertTrue(status.update.secondsSinceSuccess!! < 60UL)
            }
        }
    }

    @Test
    fun `a new version arrives by delta and the iOS changes turn the old export into the new`() {
        val publisher = DemoPublisher()
        SiteServer(publisher.site).use { server ->
            Engine.open(Support.tempDir().path, "CN", Support.demoRoot).use { engine ->
                engine.update(server.url)
                val v1 = ExportOrderTest.fullExport(engine, 50u)

                // v2: drop ten listed numbers, add two, turn one block into a warning.
                val lines = publisher.numbersCsv.readLines()
                val header = lines.first()
                val rows = lines.drop(1).filter { it.isNotBlank() && !it.startsWith("#") }.toMutableList()
                val dropped = rows.take(10)
                rows.removeAll(dropped)
                rows[0] = rows[0].replace(",block,", ",warn,")
                rows.add("+8613912345678,block,reported_fraud,90,kotlin test")
                rows.add("+6834002,warn,spam,60,kotlin test")
                publisher.numbersCsv.writeText((listOf(header) + rows).joinToString("\n") + "\n")
                publisher.publish()

                val report = engine.update(server.url)
                assertEquals(2UL, report.seq)
                assertEquals(UpdateVia.Delta(1UL), report.installed)
                assertEquals(Action.BLOCK, engine.checkCall(call("+86 139 1234 5678")).action)

                val v2 = ExportOrderTest.fullExport(engine, 50u)
                val current = v1.entries.associateBy { it.number }.toMutableMap()
                var after: Long? = null
                var count = 0
                do {
                    val page = engine.exportChanges(v1.version, after, 4u)
                    assertFalse(page.fullReload)
                    assertEquals(v2.version, page.version)
                    for (change in page.changes) {
                        count++
                        when (change.op) {
                            ChangeOp.REMOVE -> assertEquals(change.entry, current.remove(change.entry.number))
                            ChangeOp.ADD -> assertNull(current.put(change.entry.number, change.entry))
                        }
                    }
                    after = page.nextAfter
                } while (after != null)
                assertTrue(count >= 12, "10 removed and 2 added, at least")
                assertEquals(v2.entries, current.values.sortedBy { it.number })
            }
        }
    }
}
