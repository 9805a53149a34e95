package org.callguard

import org.callguard.Support.call
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.io.File
import java.util.concurrent.Callable
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit

/**
 * The per-thread RustCallStatus that `build-tools/patch_call_status.py` puts into the
 * generated code: errors are still raised (and the status is clean for the next call),
 * threads never share a status, nothing is left held, and the build step refuses code
 * of another shape. The leak test (LeakTest) runs with the pool on, as every test does.
 */
class CallStatusPoolTest {
    private val cases = listOf(
        call("+86 170 0094 5041"), call("+852 12110"), call("110"), call("+86 139 1234 5678"),
    )

    @Test
    fun `the generated code is patched and the pool is on`() {
        assertTrue(UniffiCallStatusPool.enabled)
        Engine.openInMemory("CN").use { it.checkCall(call("110")) }
        assertEquals(0, UniffiCallStatusPool.current().inUse)
    }

    @Test
    fun `errors are raised through a reused status and the next call succeeds`() {
        Support.demoEngine().use { engine ->
            UniffiCallStatusPool.enabled = false
            val expected = cases.map { engine.checkCall(it) }
            UniffiCallStatusPool.enabled = true
            repeat(200) { i ->
                val e = assertThrows(CallguardException.InvalidInput::class.java) {
                    engine.checkCall(call("+999 5551234"))
                }
                assertTrue(e.reason.isNotEmpty())
                assertThrows(CallguardException.InvalidInput::class.java) { engine.addRule(RuleKind.BLOCK, "hello") }
                // A reset status: the call after an error is a success with the same answer.
                assertEquals(expected[i % cases.size], engine.checkCall(cases[i % cases.size]))
                assertEquals(0, UniffiCallStatusPool.current().inUse)
            }
        }
    }

    @Test
    fun `eight threads with errors between their calls get their own answers`() {
        Support.demoEngine().use { engine ->
            val expected = cases.map { engine.checkCall(it) }
            // The cases decide differently, so an answer crossing threads would show.
            assertNotEquals(expected[0], expected[2])
            val pool = Executors.newFixedThreadPool(8)
            try {
                val results = (0 until 8).map { t ->
                    pool.submit(Callable {
                        var errors = 0
                        for (i in 0 until 3_000) {
                            val k = (i + t) % cases.size
                            assertEquals(expected[k], engine.checkCall(cases[k]))
                            if (i % 7 == t % 7) {
                                try {
                                    engine.checkCall(call("+999 5551234"))
                                } catch (e: CallguardException.InvalidInput) {
                                    errors += 1
                                }
                            }
                        }
                        assertEquals(0, UniffiCallStatusPool.current().inUse)
                        errors
                    })
                }
                for (r in results) assertTrue(r.get(120, TimeUnit.SECONDS) > 400)
            } finally {
                pool.shutdownNow()
            }
        }
    }

    /** Entries in JNA's map of live native `Memory` (JNA 5.12+, a private field). */
    private fun jnaTrackedMemory(): Int {
        val field = com.sun.jna.Memory::class.java.getDeclaredField("allocatedMemory")
        field.isAccessible = true
        return (field.get(null) as Map<*, *>).size
    }

    @Test
    fun `a checkCall leaves at most four native Memory entries for the GC`() {
        Support.demoEngine().use { engine ->
            val input = cases[0]
            repeat(2_000) { engine.checkCall(input) }
            // UniFFI's own code leaves about nine a call (statuses, their nested buffers and
            // the buffers JNA returns); a GC in between could only lower the count.
            UniffiCallStatusPool.enabled = false
            val f0 = jnaTrackedMemory()
            repeat(2_000) { engine.checkCall(input) }
            val freshGrowth = jnaTrackedMemory() - f0
            UniffiCallStatusPool.enabled = true
            val p0 = jnaTrackedMemory()
            repeat(2_000) { engine.checkCall(input) }
            val pooledGrowth = jnaTrackedMemory() - p0
            println("CallStatusPoolTest: JNA Memory entries over 2,000 calls: fresh +$freshGrowth, pooled +$pooledGrowth")
            // What remains for the GC: two entries for the argument's buffer that
            // rustbuffer_alloc returns, one for the result's (measured: 3 a call).
            assertTrue(pooledGrowth <= 4 * 2_000, "pooled calls left $pooledGrowth Memory entries")
        }
    }

    private fun runPatch(file: File): Pair<Int, String> {
        val script = File(Support.workspace, "bindings/kotlin/build-tools/patch_call_status.py")
        val p = ProcessBuilder("python3", script.path, file.path).redirectErrorStream(true).start()
        val out = p.inputStream.bufferedReader().readText()
        return p.waitFor() to out
    }

    @Test
    fun `the build step fails on code of another shape or already patched`() {
        val dir = Support.tempDir()
        val other = File(dir, "other.kt").apply {
            writeText("private inline fun <U> uniffiRustCallWithError(callback: () -> U): U = callback()\n")
        }
        val (code, out) = runPatch(other)
        assertEquals(1, code, out)
        assertTrue(out.contains("changed shape"), out)

        val generated = File(Support.workspace, "bindings/kotlin/target/generated-sources/uniffi/org/callguard/callguard_ffi.kt")
        val copy = File(dir, "patched.kt").apply { writeText(generated.readText()) }
        val (again, out2) = runPatch(copy)
        assertEquals(1, again, out2)
        assertTrue(out2.contains("already patched"), out2)
    }
}
