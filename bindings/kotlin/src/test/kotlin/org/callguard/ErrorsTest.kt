package org.callguard

import org.callguard.Support.call
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.io.File

/** Bad input arrives as typed CallguardException subclasses, never as a crash. */
class ErrorsTest {
    private inline fun <reified T : CallguardException> expect(noinline block: () -> Unit): T =
        assertThrows(T::class.java, block)

    @Test
    fun `bad regions, settings and rules are InvalidInput`() {
        expect<CallguardException.InvalidInput> { Engine.openInMemory("XX") }
        expect<CallguardException.InvalidInput> { Engine.openInMemory("") }
        expect<CallguardException.InvalidInput> { Engine.open("", "CN", null) }
        Engine.openInMemory("CN").use { engine ->
            expect<CallguardException.InvalidInput> { engine.setSetting("overseas-calls", "maybe") }
            expect<CallguardException.InvalidInput> { engine.setSetting("no-such-key", "1") }
            expect<CallguardException.InvalidInput> { engine.setSetting("history-retention-days", "-1") }
            val settings = engine.settings()
            for (bad in listOf(
                settings.copy(homeRegion = "13800138000"),
                settings.copy(allowedCountries = listOf("KH", "8613800138000")),
                settings.copy(allowedCallingCodes = listOf(999.toUShort())),
                settings.copy(historyRetentionDays = 4000u),
            )) {
                val e = expect<CallguardException.InvalidInput> { engine.updateSettings(bad) }
                assertFalse(e.reason.contains("138"), e.reason)
            }
            assertEquals(settings, engine.settings())
            for (bad in listOf("hello", "+999 1234", "", "12345678901234567890123", "0138*")) {
                val e = expect<CallguardException.InvalidInput> { engine.addRule(RuleKind.BLOCK, bad) }
                assertFalse(e.reason.contains("1234"), "no number in errors: ${e.reason}")
                assertTrue(e.message!!.isNotEmpty())
            }
            expect<CallguardException.InvalidInput> { engine.exportPage(null, 0u) }
            expect<CallguardException.InvalidInput> {
                engine.installUpdate(listOf(UpdateFile("../outside", ByteArray(0))))
            }
        }
    }

    @Test
    fun `unreadable numbers are InvalidInput without the number, odd ones still decide`() {
        Engine.openInMemory("CN").use { engine ->
            val e = expect<CallguardException.InvalidInput> { engine.checkCall(call("+999 5551234")) }
            assertFalse(e.reason.contains("5551234"), e.reason)
            for (odd in listOf("9".repeat(10_000), "📞📞", "\u0000\u001b[2J", "+86 １３８ ００１３ ８０００", "tel:+86-138-0013-8000")) {
                try {
                    engine.checkCall(call(odd))
                } catch (e: CallguardException.InvalidInput) {
                    assertFalse(e.reason.contains("99999"), e.reason)
                }
            }
            // An SMS decides whatever its text holds.
            engine.checkSms(SmsInput(sender = "\u0000", text = "x".repeat(100_000)))
        }
    }

    @Test
    fun `updates without a root, with tampered files, or with no server are typed`() {
        Engine.openInMemory("CN").use { engine ->
            val e = expect<CallguardException.Update> { engine.installUpdate(Support.siteFiles(Support.demoSite)) }
            assertTrue(e.reason.contains("root"), e.reason)
        }
        Engine.open(Support.tempDir().path, "CN", Support.demoRoot).use { engine ->
            val tampered = Support.siteFiles(Support.demoSite).map {
                if (it.path == "timestamp.json") {
                    val bytes = it.bytes.copyOf()
                    bytes[bytes.size / 2] = (bytes[bytes.size / 2].toInt() xor 1).toByte()
                    UpdateFile(it.path, bytes)
                } else it
            }
            expect<CallguardException.Update> { engine.installUpdate(tampered) }
            expect<CallguardException.Network> { engine.update("http://127.0.0.1:1/") }
            // A failed update leaves no list and says so.
            assertEquals(null, engine.status().update.installed)
            assertFalse(engine.status().update.lastAttempt!!.ok)
        }
    }

    @Test
    fun `a damaged database is a Storage error`() {
        val dir = Support.tempDir()
        File(dir, "callguard.sqlite").writeBytes(ByteArray(4096) { 0x5a })
        expect<CallguardException.Storage> { Engine.open(dir.path, "CN", null) }
    }

    @Test
    fun `every error is a CallguardException with a reason`() {
        val e: CallguardException = assertThrows(CallguardException::class.java) { Engine.openInMemory("??") }
        assertTrue(e is CallguardException.InvalidInput)
        assertTrue((e as CallguardException.InvalidInput).reason.isNotBlank())
    }

    @Test
    fun `a database from a newer app is DatabaseTooNew and is left as it was`() {
        val dir = Support.tempDir()
        Engine.open(dir.path, "CN", null).use { }
        val db = File(dir, "callguard.sqlite")
        val bytes = db.readBytes()
        // SQLite's header holds user_version, the schema version, at offset 60 (big-endian).
        bytes[60] = 0; bytes[61] = 0; bytes[62] = 3; bytes[63] = 0xE7.toByte() // 999
        db.writeBytes(bytes)
        val e = expect<CallguardException.DatabaseTooNew> { Engine.open(dir.path, "CN", null) }
        assertTrue(e.reason.contains("999"), e.reason)
        assertTrue(bytes.contentEquals(db.readBytes()))
    }
}
