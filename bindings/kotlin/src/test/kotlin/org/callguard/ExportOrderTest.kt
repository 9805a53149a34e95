package org.callguard

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** The iOS Call Directory export: strictly ascending 64-bit numbers, page after page. */
class ExportOrderTest {
    data class FullExport(val entries: List<ExportEntry>, val version: String)

    companion object {
        fun fullExport(engine: Engine, limit: UInt): FullExport {
            val entries = ArrayList<ExportEntry>()
            var after: Long? = null
            var version: String? = null
            do {
                val page = engine.exportPage(after, limit)
                assertTrue(page.entries.size <= limit.toInt())
                if (version != null) assertEquals(version, page.version)
                version = page.version
                entries.addAll(page.entries)
                after = page.nextAfter
            } while (after != null)
            return FullExport(entries, version!!)
        }

        fun assertStrictlyAscending(entries: List<ExportEntry>) {
            for (i in 1 until entries.size) {
                assertTrue(entries[i - 1].number < entries[i].number) {
                    "entry $i: ${entries[i - 1].number} then ${entries[i].number}"
                }
            }
        }
    }

    @Test
    fun `the full load is strictly ascending across number lengths and page sizes`() {
        Support.demoEngine().use { engine ->
            val all = fullExport(engine, 1000u).entries
            assertStrictlyAscending(all)
            assertEquals(engine.status().listEntries.getValue("numbers"), all.size.toULong())
            // The demo list mixes 11- to 15-digit numbers: byte order would interleave them.
            assertTrue(all.map { it.number.toString().length }.toSet().size >= 3)
            for (limit in listOf(1u, 13u, 50_000u)) {
                assertEquals(all, fullExport(engine, limit).entries, "limit $limit")
            }
            for (e in all) {
                when (e.kind) {
                    ExportKind.BLOCK -> assertEquals("", e.label)
                    ExportKind.IDENTIFY -> assertTrue(e.label.startsWith("Warning: "), e.label)
                }
            }
            assertTrue(all.any { it.kind == ExportKind.IDENTIFY })
            // Resuming after a number that is not listed continues with the next one.
            val probe = all[all.size / 3].number + 1
            val rest = engine.exportPage(probe, 50_000u)
            assertEquals(all.filter { it.number > probe }, rest.entries)
            assertEquals(null, rest.nextAfter)
        }
    }

    @Test
    fun `user rules shape the export`() {
        Support.demoEngine().use { engine ->
            val before = fullExport(engine, 500u)
            val listed = before.entries[5].number
            engine.addRule(RuleKind.ALLOW, "+$listed")
            engine.addRule(RuleKind.BLOCK, "+44 20 7946 0123")
            val after = fullExport(engine, 500u)
            assertStrictlyAscending(after.entries)
            assertFalse(after.entries.any { it.number == listed })
            assertTrue(after.entries.any { it.number == 442079460123L && it.kind == ExportKind.BLOCK })
            assertTrue(engine.exportChanges(before.version, null, 10u).fullReload, "rules changed: reload")
        }
    }

    @Test
    fun `the cap keeps a stable, ascending part of the export, the user's own blocks first`() {
        Support.demoEngine().use { engine ->
            val all = fullExport(engine, 1000u)
            val whole = engine.exportSummary()
            assertEquals(all.entries.size.toULong(), whole.total)
            assertEquals(0uL, whole.omitted)
            assertEquals(2_000_000u, whole.cap, "the default cap")
            engine.addRule(RuleKind.BLOCK, "+44 20 7946 0123")
            engine.updateSettings(engine.settings().copy(callDirectoryCap = 100u))
            val capped = fullExport(engine, 7u)
            assertEquals(100, capped.entries.size)
            assertStrictlyAscending(capped.entries)
            assertEquals(capped, fullExport(engine, 50_000u), "the same part on any pages")
            assertTrue(capped.entries.any { it.number == 442079460123L }, "the user's block is kept")
            val listed = all.entries.toSet()
            assertEquals(99, capped.entries.count { it in listed })
            val summary = engine.exportSummary()
            assertEquals(capped.version, summary.version)
            assertEquals(100uL, summary.exported)
            assertEquals(summary.total - 100uL, summary.omitted)
            assertTrue(summary.omitted > 0uL)
            assertTrue(engine.exportChanges(all.version, null, 10u).fullReload, "a new cap: reload")
        }
    }
}

