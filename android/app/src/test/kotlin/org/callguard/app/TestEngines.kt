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

    /** A fresh engine on disk trusting the DEMO root, with the demo list installed. */
    fun demo(): Engine {
        val dir = Files.createTempDirectory("callguard-android").toFile().also { it.deleteOnExit() }
        val engine = Engine.open(dir.path, "CN", File(demoSite, "root.json").readBytes())
        engine.installUpdate(
            demoSite.walkTopDown().filter { it.isFile }
                .map { UpdateFile(path = it.relativeTo(demoSite).invariantSeparatorsPath, bytes = it.readBytes()) }
                .toList(),
        )
        return engine
    }

    fun call(number: String?, verification: Verification = Verification.NOT_VERIFIED) =
        CallInput(number = number, presentation = Presentation.ALLOWED, verification = verification, isContact = false)
}
