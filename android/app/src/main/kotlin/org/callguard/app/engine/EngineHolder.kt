package org.callguard.app.engine

import android.content.Context
import android.content.res.AssetManager
import android.telephony.TelephonyManager
import org.callguard.Engine
import org.callguard.UpdateFile
import java.io.File
import java.util.Locale

/** The one engine of the process, opened on first use (never on the main thread), with the
 *  list shipped in the APK's assets installed before the first download. */
object EngineHolder {
    @Volatile
    private var engine: Engine? = null

    /** Tests supply the engine (or a failure) here instead of opening one from assets. */
    @Volatile
    var provider: ((Context) -> Engine)? = null

    /** The engine; throws when it cannot be opened (the caller fails open). */
    fun get(context: Context): Engine {
        provider?.let { return it(context) }
        engine?.let { return it }
        return synchronized(this) {
            engine ?: open(context.applicationContext).also { engine = it }
        }
    }

    /** The engine, or `null` when it cannot be opened (no native library, a broken store):
     *  screens and the tile then show protection as unavailable. */
    fun orNull(context: Context): Engine? = try {
        get(context)
    } catch (e: Exception) {
        null
    } catch (e: LinkageError) {
        null
    }

    /** Closes and forgets the opened engine (tests; the next `get` opens it again). */
    fun reset() {
        synchronized(this) {
            engine?.close()
            engine = null
        }
    }

    private fun open(context: Context): Engine {
        val dir = File(context.noBackupFilesDir, "engine").apply { mkdirs() }
        val root = context.assets.open("$LIST/root.json").use { it.readBytes() }
        val opened = Engine.open(dir.path, homeRegion(context), root)
        opened.installBundled(assetFiles(context.assets, LIST, ""))
        return opened
    }

    /** The SIM's country, else the locale's, else CN (the engine's home until the user sets one). */
    private fun homeRegion(context: Context): String {
        val sim = context.getSystemService(TelephonyManager::class.java)?.simCountryIso.orEmpty()
        val locale = Locale.getDefault().country
        return listOf(sim, locale).firstOrNull { it.length == 2 }?.uppercase(Locale.ROOT) ?: "CN"
    }

    private fun assetFiles(assets: AssetManager, base: String, path: String): List<UpdateFile> {
        val full = if (path.isEmpty()) base else "$base/$path"
        val children = assets.list(full).orEmpty()
        if (children.isEmpty()) {
            return listOf(UpdateFile(path = path, bytes = assets.open(full).use { it.readBytes() }))
        }
        return children.flatMap { assetFiles(assets, base, if (path.isEmpty()) it else "$path/$it") }
    }

    private const val LIST = "list"
}
