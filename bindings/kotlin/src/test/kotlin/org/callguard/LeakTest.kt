package org.callguard

import org.callguard.Support.call
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.io.File

/**
 * No leak over 100k calls: every call allocates Rust buffers for its arguments and its
 * Decision, and these must all be freed. Measured as the process's resident memory
 * (Rust and JVM) and the JVM heap after GC, with generous bounds; a leak of even 100 bytes
 * a call would add 10 MB per 100k calls on top of what a healthy run shows.
 */
class LeakTest {
    private fun rssKb(): Long? =
        File("/proc/self/status").takeIf { it.exists() }?.readLines()
            ?.firstOrNull { it.startsWith("VmRSS:") }
            ?.split(Regex("\\s+"))?.getOrNull(1)?.toLongOrNull()

    /**
     * The heap after GC, once JNA's cleaner thread has drained its backlog of freed
     * native buffers (its map entries live on the heap): collected until two readings
     * agree within 1 MB, for at most about 3 s, so a busy machine's slow cleaner is not
     * mistaken for a leak, while a real leak keeps the reading high.
     */
    private fun heapUsed(): Long {
        val rt = Runtime.getRuntime()
        var last = Long.MAX_VALUE
        repeat(20) {
            System.gc()
            Thread.sleep(150)
            val used = rt.totalMemory() - rt.freeMemory()
            if (kotlin.math.abs(last - used) < 1024 * 1024) return used
            last = used
        }
        return last
    }

    private fun round(engine: Engine, n: Int) {
        for (i in 0 until n) {
            engine.checkCall(call("+852 12110"))
            engine.checkCall(call("+86 139 ${1000_0000 + i}"))
            if (i % 10 == 0) engine.checkSms(SmsInput("95588", "your parcel is waiting http://example.com/$i"))
        }
    }

    @Test
    fun `100k calls do not grow native or heap memory`() {
        Support.demoEngine().use { engine ->
            round(engine, 10_000) // warm up: JIT, allocator pools, lazily built tables
            val rss0 = rssKb()
            val heap0 = heapUsed()
            round(engine, 25_000)
            val rss1 = rssKb()
            round(engine, 25_000) // 100k checkCall and 5k checkSms after the baseline
            val rss2 = rssKb()
            val heap2 = heapUsed()
            println("LeakTest: RSS ${rss0} kB -> ${rss1} kB -> ${rss2} kB; heap ${heap0 / 1024} kB -> ${heap2 / 1024} kB")
            if (rss0 != null && rss2 != null) {
                // The heap is pre-touched at its fixed size (pom argLine), so RSS growth is
                // native: 24 MB over 105k calls would be a leak of over 230 bytes a call.
                assertTrue(rss2 - rss0 < 24 * 1024, "RSS grew by ${rss2 - rss0} kB over 105k calls")
            }
            assertTrue(heap2 - heap0 < 32L * 1024 * 1024, "heap grew by ${(heap2 - heap0) / 1024} kB")
        }
    }

    @Test
    fun `engines opened and closed do not leak`() {
        repeat(50) { Engine.openInMemory("CN").use { it.checkCall(call("110")) } }
        val rss0 = rssKb()
        repeat(1000) { Engine.openInMemory("CN").use { it.checkCall(call("110")) } }
        val rss1 = rssKb()
        println("LeakTest: 1000 engines, RSS ${rss0} kB -> ${rss1} kB")
        if (rss0 != null && rss1 != null) {
            assertTrue(rss1 - rss0 < 48 * 1024, "RSS grew by ${rss1 - rss0} kB over 1000 engines")
        }
    }
}
