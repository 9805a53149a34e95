package org.callguard.app

import org.callguard.CallInput
import org.callguard.Engine
import org.callguard.Presentation
import org.callguard.UpdateFile
import org.callguard.Verification
import java.io.File
import java.nio.file.Files

/** Real engines for the tests (the host libcallguard_ffi through JNA; the pom passes paths). */
object TestEngines {
    private val workspace = File(System.getProperty("callguard.workspace") ?: "../..").canonicalFile
    private val demoSite = File(workspace, "signed-lists/demo/site")

    /** The demo list's sources: where the expected answers of list-decided examples live. */
    val demoSources = File(workspace, "signed-lists/demo/sources")

    /** The app's main source folder (res/ for the string checks). */
    val appDir = File(System.getProperty("callguard.app") ?: "app/src/main").canonicalFile

    /** The demo site's files, as a download or the APK's assets would give them. */
    fun demoSiteFiles(): List<UpdateFile> = demoSite.walkTopDown().filter { it.isFile }
        .map { UpdateFile(path = it.relativeTo(demoSite).invariantSeparatorsPath, bytes = it.readBytes()) }
        .toList()

    /** The demo site's folder (served on loopback by the update job's test). */
    val demoSiteDir: File get() = demoSite

    /** A fresh engine on disk trusting the DEMO root, with the demo list installed. */
    fun demo(): Engine {
        val dir = Files.createTempDirectory("callguard-android").toFile().also { it.deleteOnExit() }
        val engine = Engine.open(dir.path, "CN", File(demoSite, "root.json").readBytes())
        engine.installUpdate(demoSiteFiles())
        return engine
    }

    /** The rows of a demo source CSV (header names → values), comments skipped. */
    fun csv(name: String): List<Map<String, String>> {
        val lines = File(demoSources, name).readLines().filter { it.isNotBlank() && !it.startsWith("#") }
        val header = lines.first().split(',')
        return lines.drop(1).map { line -> header.zip(line.split(',')).toMap() }
    }

    fun call(number: String?, verification: Verification = Verification.NOT_VERIFIED) =
        CallInput(number = number, presentation = Presentation.ALLOWED, verification = verification, isContact = false)
}
