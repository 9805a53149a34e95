package org.callguard.app.tile

import android.graphics.drawable.Icon
import android.service.quicksettings.Tile
import android.service.quicksettings.TileService
import org.callguard.app.R
import org.callguard.app.engine.EngineHolder
import org.callguard.app.ui.offMainThen

/** The quick-settings tile: active while protection is on; a tap pauses it until the user
 *  resumes, or resumes it. The engine keeps the pause (a timed pause from the settings
 *  screen ends by itself). */
class PauseTileService : TileService() {
    override fun onStartListening() {
        offMainThen({ paused() }) { show(it) }
    }

    override fun onClick() {
        // Off the main thread. Without an engine there is nothing to pause; the tile shows
        // it as unavailable.
        offMainThen({
            EngineHolder.orNull(applicationContext)?.let { engine ->
                runCatching { if (engine.status().paused) engine.resume() else engine.pause(null) }
            }
            paused()
        }) { show(it) }
    }

    /** Whether protection is paused; `null` without an engine. Not on the main thread. */
    private fun paused(): Boolean? =
        EngineHolder.orNull(applicationContext)?.let { runCatching { it.status().paused }.getOrNull() }

    private fun show(paused: Boolean?) {
        val tile: Tile = qsTile ?: return
        tile.state = when (paused) {
            null -> Tile.STATE_UNAVAILABLE
            true -> Tile.STATE_INACTIVE
            false -> Tile.STATE_ACTIVE
        }
        // In code: Debian's aapt2 crashes on a framework drawable in the manifest.
        tile.icon = Icon.createWithResource(this, android.R.drawable.ic_lock_idle_lock)
        tile.label = getString(if (paused == true) R.string.tile_paused else R.string.tile_protected)
        tile.updateTile()
    }
}
