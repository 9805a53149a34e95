package org.callguard

import java.io.File
import org.callguard.Support.call
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** Every entry point of the generated API, through JNA to the real library. */
class EngineApiTest {
    @Test
    fun `checks decide and record nothing, screens record the subject`() {
        Support.demoEngine().use { engine ->
            val d = engine.checkCall(call("+852 12110"))
            assertEquals(Action.BLOCK, d.action)
            assertEquals(Category.OFFICIAL_IMPERSONATION, d.category)
            assertEquals(ReasonCode.SPOOFED_OFFICIAL, d.reasons[0].code)
            assertEquals("spoofed_official", d.reasons[0].codeName)
            assertEquals(mapOf("default" to 1UL), d.lists)
            assertTrue(d.label.startsWith("Blocked"), d.label)

            val sms = engine.checkSms(SmsInput(sender = "+8617000945041", text = "hello"))
            assertEquals(Action.BLOCK, sms.action)
            assertEquals(0L, engine.status().historyEntries)

            engine.screenCall(call("+852 12110"))
            engine.screenSms(SmsInput(sender = "95588", text = "a private message text"))
            val history = engine.history(10u)
            assertEquals(2, history.size)
            assertEquals(Channel.SMS, history[0].channel)
            assertEquals("95588", history[0].subject)
            assertEquals(Channel.CALL, history[1].channel)
            assertEquals("+85212110", history[1].subject)
            assertEquals(Action.BLOCK, history[1].decision.action)
            assertFalse(history.toString().contains("private message"))
            assertEquals(1, engine.history(1u).size)
            assertEquals(2UL, engine.clearHistory())
            assertTrue(engine.history(10u).isEmpty())
        }
    }

    @Test
    fun `settings are key value pairs that validate`() {
        Engine.openInMemory("CN").use { engine ->
            val settings = engine.settingEntries()
            assertEquals("home-region", settings[0].key)
            assertEquals("CN", settings[0].value)
            val keys = settings.map { it.key }
            assertTrue(
                keys.containsAll(
                    listOf(
                        "home-region", "overseas-calls", "overseas-sms", "allowed-countries",
                        "hidden-numbers", "verification-failed", "history-retention-days",
                    ),
                ),
                keys.toString(),
            )
            assertEquals(keys.toSet().size, keys.size)
            val after = engine.setSetting("allowed-countries", "KH, +63")
            // A calling code stays a calling code: +63 covers every region that shares it.
            assertEquals("KH,+63", after.first { it.key == "allowed-countries" }.value)
            assertEquals(after, engine.settingEntries())
            engine.setSetting("home-region", "US")
            assertEquals("US", engine.status().homeRegion)
            assertEquals("US", engine.settings().homeRegion)
        }
    }

    @Test
    fun `typed settings round trip, agree with the text form, and take effect`() {
        Engine.openInMemory("CN").use { engine ->
            val defaults = engine.settings()
            assertEquals("CN", defaults.homeRegion)
            assertEquals(Action.WARN, defaults.overseasCalls)
            assertEquals(30u, defaults.historyRetentionDays)
            assertEquals(0u, defaults.repeatedCallsMinutes)
            val wanted = defaults.copy(
                overseasCalls = Action.BLOCK,
                allowedCountries = listOf("MM"),
                allowedCallingCodes = listOf(63.toUShort()),
                historyRetentionDays = 7u,
            )
            val after = engine.updateSettings(wanted)
            assertEquals(wanted, after)
            assertEquals(after, engine.settings())
            assertEquals("MM,+63", engine.settingEntries().first { it.key == "allowed-countries" }.value)
            assertEquals(Action.BLOCK, engine.checkCall(call("+855 12 345 678")).action)
            assertEquals(Action.ALLOW, engine.checkCall(call("+63 917 123 4567")).action)
        }
    }

    @Test
    fun `rules are added, listed and removed`() {
        Engine.openInMemory("CN").use { engine ->
            val a = engine.addRule(RuleKind.BLOCK, "138 0013 8000")
            assertEquals("+8613800138000", a.target)
            assertEquals(RuleKind.BLOCK, a.kind)
            assertTrue(a.createdAt > 0)
            val b = engine.addRule(RuleKind.ALLOW, "+855*")
            val c = engine.addRule(RuleKind.ALLOW, "country:KH")
            assertEquals(listOf(a, b, c), engine.rules())
            assertEquals(Action.BLOCK, engine.checkCall(call("13800138000")).action)
            assertEquals(1UL, engine.removeRule(RuleKind.BLOCK, "+8613800138000"))
            assertEquals(0UL, engine.removeRule(RuleKind.BLOCK, "+855*"))
            assertEquals(1UL, engine.removeRule(null, "+855*"))
            assertEquals(listOf(c), engine.rules())
        }
    }

    @Test
    fun `status reports the installed list and a reopened engine keeps it`() {
        val dir = Support.tempDir()
        Support.demoEngine(dir).use { engine ->
            val status = engine.status()
            assertEquals("CN", status.homeRegion)
            assertEquals(mapOf("default" to 1UL), status.lists)
            assertTrue(status.listEntries.getValue("numbers") > 100UL)
            assertTrue(status.listEntries.getValue("official") > 10UL)
            // The demo SMS section: phrase rules, brands and the publisher's model.
            assertTrue(status.sms.phraseRules > 1000UL)
            assertTrue(status.sms.brands > 10UL)
            assertTrue(status.sms.modelWeights!! > 0UL)
            assertTrue(status.sms.modelInUse)
            assertNotNull(status.database)
            assertTrue(status.schemaVersion >= 1)
            val installed = status.update.installed!!
            assertEquals("default", installed.name)
            assertEquals(1UL, installed.seq)
            assertEquals(64, installed.sha256.length)
            assertTrue(status.update.lastAttempt!!.ok)
            assertFalse(status.update.stale)
        }
        Engine.open(dir.path, "CN", null).use { engine ->
            assertEquals(1UL, engine.status().update.installed!!.seq)
            assertEquals(Action.BLOCK, engine.checkCall(call("+8617000945041")).action)
            // A bundled list is not installed over an installed one.
            assertNull(engine.installBundled(Support.siteFiles(Support.demoSite)))
        }
    }

    @Test
    fun `pause allows everything until resumed, and a timed pause ends by itself`() {
        Support.demoEngine().use { engine ->
            engine.pause(null)
            val d = engine.checkCall(call("+852 12110"))
            assertEquals(Action.ALLOW, d.action)
            assertEquals(ReasonCode.PAUSED, d.reasons[0].code)
            assertEquals("paused", d.reasons[0].codeName)
            assertEquals(ReasonCode.SPOOFED_OFFICIAL, d.reasons[1].code)
            assertTrue(engine.status().paused)
            assertNull(engine.status().pausedUntil)
            engine.resume()
            assertEquals(Action.BLOCK, engine.checkCall(call("+852 12110")).action)
            val until = System.currentTimeMillis() / 1000 + 3600
            engine.pause(until.toULong())
            assertEquals(until.toULong(), engine.status().pausedUntil)
            assertThrows(CallguardException.InvalidInput::class.java) { engine.pause(1000UL) }
            engine.resume()
            assertFalse(engine.status().paused)
        }
    }

    @Test
    fun `a second call within the repeated-calls window rings, a spoof never does`() {
        Support.demoEngine().use { engine ->
            assertEquals("0", engine.settingEntries().first { it.key == "repeated-calls" }.value)
            engine.setSetting("repeated-calls", "5")
            assertEquals(Action.WARN, engine.screenCall(call("+855 12 345 678")).action)
            val again = engine.screenCall(call("+855 12 345 678"))
            assertEquals(Action.ALLOW, again.action)
            assertEquals(ReasonCode.REPEATED_CALL, again.reasons[0].code)
            assertEquals("repeated_call", again.reasons[0].codeName)
            engine.screenCall(call("+852 12110"))
            assertEquals(Action.BLOCK, engine.screenCall(call("+852 12110")).action)
            assertEquals(0UL, engine.status().historyDropped)
            assertEquals(0UL, engine.status().unreadableRows)
        }
    }

    @Test
    fun `reports stay on the phone and export as the publisher's source`() {
        Support.demoEngine().use { engine ->
            val r = engine.report("+855 12 345 678", Category.INVESTMENT, "promised 30%, a month")
            assertEquals("+85512345678", r.subject)
            assertFalse(r.isSenderName)
            assertTrue(engine.report("BANK-ALERT", Category.ACCOUNT_PHISHING, "").isSenderName)
            assertEquals(2, engine.reports().size)
            val csv = String(engine.exportReports(), Charsets.UTF_8)
            assertTrue(csv.contains("number,action,category,confidence,note\n"), csv)
            assertTrue(csv.contains("+85512345678,warn,investment,50,\"promised 30%, a month\"\n"), csv)
            assertThrows(CallguardException.InvalidInput::class.java) {
                engine.report("", Category.SPAM, "")
            }
            assertEquals(2UL, engine.clearReports())
            assertTrue(engine.reports().isEmpty())
        }
    }

    @Test
    fun `a damaged installed list is refused at open, the bundle decides, and the next update repairs it`() {
        val dir = Support.tempDir()
        Support.demoEngine(dir).use { engine ->
            assertTrue(engine.verifyLists())
            assertNull(engine.status().update.listProblem)
        }
        val listDir = File(dir, "lists").listFiles()!!.single { it.isDirectory }
        assertTrue(File(listDir, "official.fst").delete())
        Engine.open(dir.path, "CN", Support.demoRoot).use { engine ->
            val problem = engine.status().update.listProblem
            assertNotNull(problem)
            assertTrue(engine.status().update.stale)
            // As an app does at every start: the bundle decides until the list is repaired.
            assertNull(engine.installBundled(Support.siteFiles(Support.demoSite)))
            val d = engine.checkCall(call("+852 12110"))
            assertEquals(Action.BLOCK, d.action)
            assertEquals(1UL, d.lists["damaged:default"])
            val report = engine.installUpdate(Support.siteFiles(Support.demoSite))
            assertEquals(UpdateVia.Snapshot, report.installed)
            assertNull(engine.status().update.listProblem)
            assertNull(engine.checkCall(call("+852 12110")).lists["damaged:default"])
        }
    }

    @Test
    fun `installUpdate reports what it did, installBundled protects before the first download`() {
        Engine.open(Support.tempDir().path, "CN", Support.demoRoot).use { engine ->
            val bundled = engine.installBundled(Support.siteFiles(Support.demoSite))!!
            assertEquals(1UL, bundled.seq)
            assertEquals(UpdateVia.Snapshot, bundled.installed)
            val again = engine.installUpdate(Support.siteFiles(Support.demoSite))
            assertNull(again.installed, "already current")
            assertEquals(1UL, again.previousSeq)
            assertEquals(0UL, again.downloadedBytes)
            assertFalse(again.fellBackToSnapshot)
        }
    }

    @Test
    fun `the export pages the demo list in ascending order and versions it`() {
        Support.demoEngine().use { engine ->
            val version = engine.exportVersion()
            assertTrue(version.startsWith("default:1:"), version)
            val page = engine.exportPage(null, 10u)
            assertEquals(10, page.entries.size)
            assertEquals(version, page.version)
            assertEquals(page.entries.last().number, page.nextAfter)
            val next = engine.exportPage(page.nextAfter, 10u)
            assertTrue(next.entries.first().number > page.entries.last().number)
            val none = engine.exportChanges(version, null, 100u)
            assertFalse(none.fullReload)
            assertTrue(none.changes.isEmpty())
            assertTrue(engine.exportChanges("default:0:0", null, 100u).fullReload)
            engine.addRule(RuleKind.ALLOW, "country:KH")
            assertNotEquals(version, engine.exportVersion())
        }
    }

    @Test
    fun `measureCheckCall times the same call inside Rust`() {
        Engine.openInMemory("CN").use { engine ->
            assertTrue(engine.measureCheckCall(call("+852 12110"), 1000u) > 0UL)
        }
    }

    @Test
    fun `a closed engine refuses calls instead of crashing`() {
        val engine = Engine.openInMemory("CN")
        engine.close()
        assertThrows(IllegalStateException::class.java) { engine.checkCall(call("110")) }
        engine.close() // twice is harmless
    }
}
