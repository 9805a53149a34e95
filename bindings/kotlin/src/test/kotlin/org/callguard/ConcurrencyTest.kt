package org.callguard

import org.callguard.Support.call
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.util.concurrent.ConcurrentLinkedQueue
import java.util.concurrent.CountDownLatch
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicLong

/** One engine shared by 8 checking threads while another thread updates and changes settings. */
class ConcurrencyTest {
    @Test
    fun `8 threads check while another updates and changes settings`() {
        val publisher = DemoPublisher()
        SiteServer(publisher.site).use { server ->
            Engine.open(Support.tempDir().path, "CN", Support.demoRoot).use { engine ->
                val stop = AtomicBoolean(false)
                val checks = AtomicLong()
                val failures = ConcurrentLinkedQueue<Throwable>()
                val started = CountDownLatch(8)
                val checkers = (0 until 8).map { t ->
                    Thread {
                        started.countDown()
                        try {
                            var n = 0
                            while (!stop.get() || n < 200) {
                                // Never allowed: overseas (warn or block) before the list, a spoof after.
                                val d = engine.checkCall(call("+852 12110"))
                                assertNotEquals(Action.ALLOW, d.action, "thread $t")
                                assertEquals(Action.ALLOW, engine.checkCall(call("110")).action)
                                if (n % 16 == 0) engine.checkSms(SmsInput("+85212345678", "hello"))
                                n++
                            }
                            checks.addAndGet(n.toLong())
                        } catch (e: Throwable) {
                            failures.add(e)
                        }
                    }.apply { start() }
                }
                started.await()

                // The writer: the first update installs v1, a republished v2 arrives by delta,
                // and settings and rules change throughout.
                engine.update(server.url)
                for (i in 0 until 30) {
                    engine.setSetting("overseas-calls", if (i % 2 == 0) "block" else "warn")
                    engine.addRule(RuleKind.BLOCK, "+856*")
                    engine.removeRule(null, "+856*")
                    if (i == 10) {
                        publisher.numbersCsv.appendText("+8613912345678,block,reported_fraud,90,kotlin test\n")
                        publisher.publish()
                        assertEquals(2UL, engine.update(server.url).seq)
                    } else {
                        engine.update(server.url)
                    }
                }
                stop.set(true)
                checkers.forEach { it.join(60_000) }
                failures.firstOrNull()?.let { throw it }
                assertTrue(checks.get() >= 8 * 200, "checks: ${checks.get()}")
                assertEquals(ReasonCode.SPOOFED_OFFICIAL, engine.checkCall(call("+852 12110")).reasons[0].code)
                assertEquals(Action.BLOCK, engine.checkCall(call("+86 139 1234 5678")).action)
            }
        }
    }
}
