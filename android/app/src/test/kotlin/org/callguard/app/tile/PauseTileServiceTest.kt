package org.callguard.app.tile

import android.service.quicksettings.Tile
import org.callguard.Action
import org.callguard.ReasonCode
import org.callguard.app.R
import org.callguard.app.TestEngines
import org.callguard.app.settle
import org.callguard.app.engine.EngineHolder
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment
import org.robolectric.annotation.Config

/** Pause and resume from the quick-settings tile, with the real engine. */
@RunWith(RobolectricTestRunner::class)
@Config(sdk = [29, 30, 34])
class PauseTileServiceTest {
    @After
    fun reset() {
        EngineHolder.provider = null
    }

    @Test
    fun `a tap pauses until resumed, the next one resumes`() {
        TestEngines.demo().use { engine ->
            EngineHolder.provider = { engine }
            val listed = TestEngines.csv("numbers.csv").first { it["action"] == "block" }.getValue("number")
            val service = Robolectric.setupService(PauseTileService::class.java)
            service.onStartListening()
            settle()
            assertEquals(Tile.STATE_ACTIVE, service.qsTile.state)

            service.onClick()
            settle()
            assertTrue(engine.status().paused)
            assertEquals("until the user resumes", null, engine.status().pausedUntil)
            assertEquals(Tile.STATE_INACTIVE, service.qsTile.state)
            assertEquals(RuntimeEnvironment.getApplication().getString(R.string.tile_paused), service.qsTile.label)
            val paused = engine.checkCall(TestEngines.call(listed))
            assertEquals(Action.ALLOW, paused.action)
            assertEquals(ReasonCode.PAUSED, paused.reasons[0].code)

            service.onClick()
            settle()
            assertFalse(engine.status().paused)
            assertEquals(Tile.STATE_ACTIVE, service.qsTile.state)
            assertEquals(Action.BLOCK, engine.checkCall(TestEngines.call(listed)).action)
        }
    }

    @Test
    fun `without an engine the tile is unavailable`() {
        EngineHolder.provider = { throw IllegalStateException("no engine") }
        val service = Robolectric.setupService(PauseTileService::class.java)
        service.onStartListening()
        settle()
        assertEquals(Tile.STATE_UNAVAILABLE, service.qsTile.state)
    }
}
