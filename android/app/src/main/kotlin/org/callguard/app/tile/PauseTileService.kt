package org.callguard.app.tile

import android.graphics.drawable.Icon
import android.service.quicksettings.Tile
import android.service.quicksettings.TileService
import org.callguard.app.R
import org.callguard.app.engine.EngineHolder

/** The quick-settings tile: active while protection is on; a tap pauses it until the user
 *  resumes, or resumes it. The engine keeps the pause (a timed pause from the settings
 *  screen ends by itself). */
class PauseTileService : TileService() {
    override fun onStartListening() {
        show()
    }

    override fun onClick() {
        try {
            val engine = EngineHolder.get(applicationContext)
            if (engine.status().paused) engine.resume() else engine.pause(null)
        } catch (e: Exception) {
            // No engine: nothing to pause; the tile shows it as unavailable.
        } catch (e: LinkageError) {
            // The same without the native library.
        }
        show()
    }

    private fun show() {
        val tile: Tile = qsTile ?: return
        val paused = try {
            EngineHolder.get(applicationContext).status().paused
        } catch (e: Exception) {
            null
        } catch (e: LinkageError) {
            null
        }
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
